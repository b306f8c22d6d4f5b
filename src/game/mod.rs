//! The Bevy game: a thin view over the pure core. `main` only hands it its options; each
//! plugin lives in its own file.

pub mod authority;
pub mod authority_link;
mod automation;
pub mod autopilot;
pub mod camera;
pub mod car;
pub mod deposits;
mod effects;
mod hud;
pub mod input;
pub mod panels;
pub mod screens;
pub mod tasks;
pub mod world;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy_egui::EguiPlugin;

use crate::level::Level;
use crate::profile::DataDir;
use crate::valley::EmbeddedValley;
use authority::{Authority, GameTables, PlayerCar};
use authority_link::AuthorityLink;

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
    /// With `frames`: the screen to run them on, and the panel open over the valley.
    pub screen: screens::Screen,
    pub panel: panels::Panel,
    /// Let the autopilot drive (round the level's first route).
    pub autopilot: bool,
    /// With `frames`: simulate without a window or renderer, and report what happened.
    pub headless: bool,
    /// Play connected to this server (default: the profile's server, if it has one).
    pub server: Option<String>,
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
    let started = crate::platform::Instant::now();
    let level = match &options.level {
        Some(path) => Level::load(path)?,
        None => Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL)?,
    };
    let data = DataDir(options.data_dir.clone());
    let server = options.server.clone().or_else(|| crate::client::http::saved_server(&data));
    let mut authority = match &server {
        // Connected mode: the profile syncs with a server.
        #[cfg(not(target_arch = "wasm32"))]
        Some(url) => {
            let (key, _) = crate::profile::load_or_create_key(&data.player_key(), "player")?;
            Authority::connected(&data, url, key)?
        }
        _ => {
            let (valley, key) = EmbeddedValley::open_with_player(&data, crate::valley::embedded::system_clock)?;
            Authority::embedded(valley, key)
        }
    };
    let player = authority.player().map_err(|e| match &server {
        Some(url) => anyhow::anyhow!("{e} (the profile syncs with {url}: run `horizon sync` once it is reachable)"),
        None => e.into(),
    })?;
    if options.headless {
        return run_headless(level, authority, &options);
    }

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
    .insert_resource(tasks::TaskProgress::load(&options.data_dir))
    .insert_resource(GameTables(authority.tables()))
    .insert_resource(AuthorityLink::start(authority))
    .add_plugins((screens::plugin(level.clone(), profile), world::scenery(&level), car::plugin, input::plugin, camera::plugin))
    .add_plugins((authority_link::plugin, deposits::plugin, effects::plugin, tasks::plugin, panels::plugin, autopilot::plugin))
    .add_plugins((hud::plugin, automation::plugin(&options, started)))
    .add_systems(OnEnter(screens::Screen::Valley), spawn_player_car);
    if options.autopilot {
        app.insert_resource(autopilot::Autopilot::on_route(0));
    }
    app.run();
    Ok(())
}

fn spawn_player_car(
    mut commands: Commands,
    current: Res<world::CurrentLevel>,
    car: Res<PlayerCar>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    existing: Query<(), With<car::PlayerDriven>>,
) {
    if !existing.is_empty() {
        return;
    }
    let spawn = &current.level.spawn;
    let entity = car::spawn_car(&mut commands, &current, car.0, spawn.position, spawn.heading_deg.to_radians(), Some((&mut meshes, &mut materials)));
    commands.entity(entity).insert(car::PlayerDriven);
}

/// `horizon play --headless --frames N`: the play loop without a window, one fixed 1/60 s
/// step a frame, then a report of what the authority recorded.
fn run_headless(level: Level, mut authority: Authority, options: &GameOptions) -> anyhow::Result<()> {
    let frames = options.frames.ok_or_else(|| anyhow::anyhow!("--headless needs --frames N"))?;
    let before = authority.player()?.state;
    let entries_before = authority.ledger_info().size;
    let mut app = play_app(level, authority, &options.data_dir);
    if options.autopilot {
        app.insert_resource(autopilot::Autopilot::on_route(0));
    }
    for _ in 0..frames {
        app.update();
    }
    // What was asked in the last frames is answered before the report.
    app.world().resource::<AuthorityLink>().wait_idle();
    app.update();
    let car = app.world_mut().query_filtered::<&Transform, With<car::PlayerDriven>>().single(app.world()).map(|t| t.translation).unwrap_or_default();
    let link = app.world().resource::<AuthorityLink>();
    let (after, entries_after) = link.call(|a| (a.player().map(|p| p.state), a.ledger_info().size));
    let after = after?;
    let progress = app.world().resource::<tasks::TaskProgress>();
    println!(
        "headless: {frames} frames ({:.1} s simulated); drove {:.2} km, car at ({:.0}, {:.0}); mined {} deposits; stones {} -> {}; crystals {} -> {}; ledger {} -> {} entries",
        f64::from(frames) / 60.0,
        progress.km_today,
        car.x,
        car.z,
        before.deposits.len().saturating_sub(after.deposits.len()),
        crate::economy::format_stones(before.stones_milli),
        crate::economy::format_stones(after.stones_milli),
        before.crystals,
        after.crystals,
        entries_before,
        entries_after
    );
    Ok(())
}

/// The play loop headless: the real simulation plugins plus the authority, deposits and
/// tasks, with the player's car at the level's spawn. For tests and `--headless`.
pub fn play_app(level: Level, mut authority: Authority, data_dir: &std::path::Path) -> App {
    let player = authority.player().expect("an enrolled player");
    let params = crate::twin::vehicle_params(&player.stats);
    let mut app = simulation_plugins(level);
    app.insert_resource(PlayerCar(params))
        .insert_resource(screens::Profile { data_dir: data_dir.to_path_buf(), player })
        .insert_resource(tasks::TaskProgress::load(data_dir))
        .insert_resource(GameTables(authority.tables()))
        .insert_resource(AuthorityLink::start(authority))
        .add_plugins((authority_link::plugin, deposits::plugin, effects::plugin, tasks::plugin, autopilot::plugin));
    app.finish();
    app.cleanup();
    single_threaded(&mut app);
    app.world_mut().resource_scope(|world, current: Mut<world::CurrentLevel>| {
        let mut commands = world.commands();
        let spawn = &current.level.spawn;
        let car = car::spawn_car(&mut commands, &current, params, spawn.position, spawn.heading_deg.to_radians(), None);
        commands.entity(car).insert(car::PlayerDriven);
    });
    app.world_mut().flush();
    app
}

/// A headless app with the real simulation plugins (level colliders, the car's physics) and
/// no window, renderer or assets: for tests and benchmarks. Physics takes one fixed step of
/// 1/60 s per `update`.
pub fn simulation_app(level: Level) -> App {
    let mut app = simulation_plugins(level);
    app.finish();
    app.cleanup();
    single_threaded(&mut app);
    app
}

/// Headless, the simulation runs on one core: handing each small system to another thread
/// costs more than running it.
fn single_threaded(app: &mut App) {
    for (_, schedule) in app.world_mut().resource_mut::<Schedules>().iter_mut() {
        schedule.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
    }
}

fn simulation_plugins(level: Level) -> App {
    use bevy_rapier3d::prelude::{NoUserData, RapierPhysicsPlugin, TimestepMode};
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, TransformPlugin, RapierPhysicsPlugin::<NoUserData>::default()))
        .insert_resource(TimestepMode::Fixed { dt: 1.0 / 60.0, substeps: 1 })
        // The clock moves with the simulation, 1/60 s an update, however fast it runs.
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(std::time::Duration::from_secs_f64(1.0 / 60.0)))
        .configure_sets(Update, (AppSystems::Input, AppSystems::Simulation, AppSystems::Presentation).chain())
        .add_plugins((world::plugin(level), car::plugin));
    app
}
