//! Screens as States: loading (the terrain is built a slice each frame), title, and the
//! valley, with a `Play` sub-state that pauses the valley's simulation while a panel is
//! open. Headless apps start in the valley with the terrain built at once.

use bevy::prelude::*;
use bevy_rapier3d::prelude::RapierConfiguration;

use crate::level::{HeightfieldBuilder, Level};
use crate::valley::PlayerView;

#[derive(States, Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    #[default]
    Loading,
    Title,
    Valley,
}

/// Whether the valley's simulation runs: physics, the car's controls, the autopilot and the
/// task clocks stop while a screen is open over it.
#[derive(SubStates, Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[source(Screen = Screen::Valley)]
pub enum Play {
    #[default]
    Running,
    Paused,
}

/// How the app reaches the valley: through the loading and title screens (the window), or
/// straight away with the terrain built before the first frame (headless).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    Loading,
    InValley,
}

/// The level being played and its terrain (the loading screen builds it).
#[derive(Resource)]
pub struct CurrentLevel {
    pub level: crate::level::Level,
    pub field: crate::level::Heightfield,
}

/// Present while nobody plays (a show's attract mode): the HUD, the task list and the panel
/// bar stand aside for the show's own overlays.
#[derive(Resource, Default)]
pub struct HudHidden;

/// Whether the player's HUD is on screen.
pub fn hud_shown(hidden: Option<Res<HudHidden>>) -> bool {
    hidden.is_none()
}

/// The player's profile, as the title screen and the HUD show it.
#[derive(Resource, Clone, Debug)]
pub struct Profile {
    pub data_dir: std::path::PathBuf,
    pub player: PlayerView,
}

/// The terrain being built, a slice each frame (on the one thread a browser page has, a
/// task would hold the page until it finished), for the loading screen.
#[derive(Resource)]
pub struct Loading {
    pub level: Level,
    terrain: HeightfieldBuilder,
    frames: u32,
    building: std::time::Duration,
}

/// Time the loading screen spends building terrain in a frame: the rest of a 60 Hz frame
/// draws the progress bar.
const BUILD_SLICE_MS: f64 = 10.0;

impl Loading {
    /// How much of the terrain is built, 0 … 1.
    pub fn done(&self) -> f32 {
        self.terrain.done()
    }
}

pub fn plugin(level: Level, start: Start) -> impl Fn(&mut App) {
    move |app: &mut App| {
        match start {
            Start::Loading => {
                app.init_state::<Screen>()
                    .insert_resource(Loading { level: level.clone(), terrain: level.heightfield_builder(), frames: 0, building: std::time::Duration::ZERO })
                    .add_systems(Update, finish_loading.run_if(in_state(Screen::Loading)));
            }
            Start::InValley => {
                let field = level.heightfield();
                app.insert_state(Screen::Valley).insert_resource(CurrentLevel { level: level.clone(), field });
            }
        }
        app.add_sub_state::<Play>()
            .add_systems(OnEnter(Play::Paused), run_physics(false))
            .add_systems(OnExit(Play::Paused), run_physics(true));
    }
}

fn finish_loading(mut commands: Commands, loading: Option<ResMut<Loading>>, mut next: ResMut<NextState<Screen>>) {
    let Some(mut loading) = loading else { return };
    let started = crate::platform::Instant::now();
    let mut built = false;
    while !built && started.elapsed().as_secs_f64() * 1000.0 < BUILD_SLICE_MS {
        built = loading.terrain.build_rows(4);
    }
    loading.frames += 1;
    loading.building += started.elapsed();
    if built {
        info!("terrain built in {} frames ({:.0} ms of building)", loading.frames, loading.building.as_secs_f64() * 1000.0);
        commands.insert_resource(CurrentLevel { level: loading.level.clone(), field: loading.terrain.finish() });
        commands.remove_resource::<Loading>();
        next.set(Screen::Title);
    }
}

fn run_physics(active: bool) -> impl Fn(Query<&mut RapierConfiguration>) {
    move |mut configs: Query<&mut RapierConfiguration>| {
        for mut config in &mut configs {
            config.physics_pipeline_active = active;
        }
    }
}
