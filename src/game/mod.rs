//! The Bevy game: a thin view over the pure core. `main` only hands it its options; each
//! plugin lives in its own file.

mod automation;
mod camera;
pub mod car;
mod hud;
pub mod input;
pub mod screens;
pub mod world;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy_egui::EguiPlugin;

use crate::level::Level;
use crate::profile::DataDir;
use crate::valley::{EmbeddedValley, ValleyService, block_on_ready};

/// The valley the game opens when no level is given (also built into the binary).
pub const DEFAULT_LEVEL: &str = include_str!("../../levels/stone_valley.ron");

/// What `horizon play` asks for.
#[derive(Clone, Debug)]
pub struct GameOptions {
    pub data_dir: PathBuf,
    pub level: Option<PathBuf>,
    /// Run this many frames, then exit.
    pub frames: Option<u32>,
    /// Save a screenshot of the last frame here.
    pub screenshot: Option<PathBuf>,
    /// With `frames`: the screen to run them on.
    pub screen: screens::Screen,
}

/// System order within a frame, as the Bevy community templates do it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    Input,
    Simulation,
    Presentation,
}

/// Opens the game window on the player's profile (created on the first run).
pub fn run(options: GameOptions) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let level = match &options.level {
        Some(path) => Level::load(path)?,
        None => Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL)?,
    };
    let data = DataDir(options.data_dir.clone());
    let (mut valley, key) = EmbeddedValley::open_with_player(&data, crate::valley::embedded::system_clock)?;
    let player = block_on_ready(valley.player(&key.public_key()))?;

    let profile = screens::Profile { data_dir: options.data_dir.clone(), player: player.clone() };
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window { title: format!("Crypto Horizon — {}", level.name), resolution: (1280, 720).into(), ..default() }),
        ..default()
    }))
    .add_plugins(EguiPlugin::default())
    .add_plugins(bevy_rapier3d::prelude::RapierPhysicsPlugin::<bevy_rapier3d::prelude::NoUserData>::default())
    .configure_sets(Update, (AppSystems::Input, AppSystems::Simulation, AppSystems::Presentation).chain())
    .insert_resource(PlayerCar(crate::twin::vehicle_params(&player.stats)))
    .add_plugins((screens::plugin(level.clone(), profile), world::scenery(&level), car::plugin, input::plugin, camera::plugin))
    .add_plugins((hud::plugin, automation::plugin(&options, started)))
    .add_systems(OnEnter(screens::Screen::Valley), spawn_player_car);
    app.run();
    Ok(())
}

/// The player's car's physics, from the twin's stats.
#[derive(Resource, Clone, Copy)]
struct PlayerCar(crate::twin::VehicleParams);

fn spawn_player_car(
    mut commands: Commands,
    current: Res<world::CurrentLevel>,
    car: Res<PlayerCar>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let spawn = &current.level.spawn;
    let entity = car::spawn_car(&mut commands, &current, car.0, spawn.position, spawn.heading_deg.to_radians(), Some((&mut meshes, &mut materials)));
    commands.entity(entity).insert(input::PlayerDriven);
}

/// A headless app with the real simulation plugins (level colliders, the car's physics) and
/// no window, renderer or assets: for tests and benchmarks. Physics takes one fixed step of
/// 1/60 s per `update`.
pub fn simulation_app(level: Level) -> App {
    use bevy_rapier3d::prelude::{NoUserData, RapierPhysicsPlugin, TimestepMode};
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, TransformPlugin, RapierPhysicsPlugin::<NoUserData>::default()))
        .insert_resource(TimestepMode::Fixed { dt: 1.0 / 60.0, substeps: 1 })
        .configure_sets(Update, (AppSystems::Input, AppSystems::Simulation, AppSystems::Presentation).chain())
        .add_plugins((world::plugin(level), car::plugin));
    app.finish();
    app.cleanup();
    app
}
