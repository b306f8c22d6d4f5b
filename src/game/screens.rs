//! Screens as States: loading (the terrain is built in the background), title, and the
//! valley, with a `Play` sub-state that pauses the valley's simulation while a panel is
//! open. Headless apps start in the valley with the terrain built at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_rapier3d::prelude::RapierConfiguration;

use crate::level::{Heightfield, Level};
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

/// The player's profile, as the title screen and the HUD show it.
#[derive(Resource, Clone, Debug)]
pub struct Profile {
    pub data_dir: std::path::PathBuf,
    pub player: PlayerView,
}

/// The terrain being built in the background, for the loading screen.
#[derive(Resource)]
pub struct Loading {
    pub level: Level,
    task: Task<Heightfield>,
    /// Thousandths of the terrain built.
    progress: Arc<AtomicU32>,
}

impl Loading {
    /// How much of the terrain is built, 0 … 1.
    pub fn done(&self) -> f32 {
        self.progress.load(Ordering::Relaxed) as f32 / 1000.0
    }
}

pub fn plugin(level: Level, start: Start) -> impl Fn(&mut App) {
    move |app: &mut App| {
        match start {
            Start::Loading => {
                let progress = Arc::new(AtomicU32::new(0));
                let (for_task, building) = (progress.clone(), level.clone());
                let task = AsyncComputeTaskPool::get_or_init(Default::default)
                    .spawn(async move { building.heightfield_with_progress(&|f| for_task.store((f * 1000.0) as u32, Ordering::Relaxed)) });
                app.init_state::<Screen>()
                    .insert_resource(Loading { level: level.clone(), task, progress })
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
    if let Some(field) = check_ready(&mut loading.task) {
        commands.insert_resource(CurrentLevel { level: loading.level.clone(), field });
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
