//! The Bevy game: a thin view over the pure core. `main` only hands it its options; each
//! plugin lives in its own file.

pub mod authority;
pub mod authority_link;
mod automation;
pub mod autopilot;
pub mod camera;
pub mod car;
mod car_decals;
mod car_look;
mod car_shape;
mod chinese_font;
mod deposit_look;
pub mod deposits;
pub mod drive_report;
mod effects;
mod hud;
pub mod keepsakes;
pub mod input;
#[cfg(not(target_arch = "wasm32"))]
pub mod kiosk;
#[cfg(target_arch = "wasm32")]
mod page;
pub mod panels;
pub mod photo_mode;
pub mod render_quality;
mod scenery;
mod sky_dome;
mod terrain_look;
mod vegetation_look;
mod water_look;
pub mod terrain_textures;
pub mod screens;
mod task_list;
pub mod tasks;
mod title;
pub mod ui_theme;
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
pub const DEFAULT_LEVEL: &str = crate::level::STONE_VALLEY;

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
    /// With a server: join its valley first if this profile is not a player there (enrol,
    /// grant both consents, and bring a sample car where it trusts the demo maker).
    pub join: bool,
    /// With `frames`: after them, make this keepsake as the shop's button does, wait until
    /// it is saved, and exit.
    pub keepsake: Option<keepsakes::MakeKeepsake>,
    /// The renderer's preset (default: chosen from the adapter).
    pub quality: Option<crate::quality::Quality>,
    /// Open photo mode once the car is in the valley.
    pub photo: bool,
}

/// System order within a frame, as the Bevy community templates do it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    Input,
    Simulation,
    Presentation,
}

/// The name a profile joins a shared valley under (a claim; it mints nothing).
const JOIN_NAME: &str = "Driver";

/// Opens the game window on the player's profile (created on the first run).
#[cfg(not(target_arch = "wasm32"))]
pub fn run(options: GameOptions) -> anyhow::Result<()> {
    let started = crate::platform::Instant::now();
    let level = level_of(&options)?;
    let data = DataDir(options.data_dir.clone());
    let server = options.server.clone().or_else(|| crate::client::http::saved_server(&data));
    let mut authority = match &server {
        // Connected mode: the profile syncs with a server.
        Some(url) => Authority::connected(&data, url, player_key(&data)?)?,
        None => embedded(&data)?,
    };
    let player = Authority::wait_for(authority.runtime(), enter(&mut authority, &data, server.as_deref(), options.join))?;
    if options.headless {
        return run_headless(level, authority, &options);
    }
    open_window(options, level, authority, player, started)
}

/// The browser's start: [`run`]'s, with the server awaited (the page's one thread never
/// waits). `options.server` is the page's own origin when the player joins its valley.
#[cfg(target_arch = "wasm32")]
pub async fn run_in_page(options: GameOptions) -> anyhow::Result<()> {
    let started = crate::platform::Instant::now();
    let level = level_of(&options)?;
    let data = DataDir(options.data_dir.clone());
    let server = options.server.clone().or_else(|| crate::client::http::saved_server(&data));
    let mut authority = match &server {
        Some(url) => Authority::connect(&data, url, player_key(&data)?).await?,
        None => embedded(&data)?,
    };
    let player = enter(&mut authority, &data, server.as_deref(), options.join).await?;
    open_window(options, level, authority, player, started)
}

/// Joins the server's valley first when asked (connected only), then shows the player.
async fn enter(authority: &mut Authority, data: &DataDir, server: Option<&str>, join: bool) -> anyhow::Result<crate::valley::PlayerView> {
    if let (Some(url), true) = (server, join) {
        let joined = authority.join(data, JOIN_NAME).await?;
        info!("joined {url}: {joined:?}");
    }
    authority.player().await.map_err(|e| unreachable(e, server))
}

fn player_key(data: &DataDir) -> anyhow::Result<crate::ledger::NamedKey> {
    Ok(crate::profile::load_or_create_key(&data.player_key(), "player")?.0)
}

/// The profile's own valley (its first run pairs the sample car).
fn embedded(data: &DataDir) -> anyhow::Result<Authority> {
    let (valley, key) = EmbeddedValley::open_with_player(data, crate::valley::embedded::system_clock)?;
    Ok(Authority::embedded(valley, key))
}

fn level_of(options: &GameOptions) -> anyhow::Result<Level> {
    Ok(match &options.level {
        Some(path) => Level::load(path)?,
        None => Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL)?,
    })
}

/// Says what to do when the profile's server cannot show the player.
fn unreachable(e: crate::valley::ValleyError, server: Option<&str>) -> anyhow::Error {
    match server {
        #[cfg(not(target_arch = "wasm32"))]
        Some(url) => anyhow::anyhow!("{e} (the profile syncs with {url}: run `horizon sync` once it is reachable)"),
        #[cfg(target_arch = "wasm32")]
        Some(url) => anyhow::anyhow!("{e} (this page's profile plays in the valley at {url}: reload once it is reachable, or open the page with ?leave to play on this device)"),
        None => e.into(),
    }
}

/// The window (natively) or the page's canvas, on the opened authority.
fn open_window(options: GameOptions, level: Level, authority: Authority, player: crate::valley::PlayerView, started: crate::platform::Instant) -> anyhow::Result<()> {
    let data_dir = options.data_dir.clone();
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: crate::t!("common-window-title", level = crate::i18n::named("level", &level.slug(), &level.name)),
            resolution: (1280, 720).into(),
            // In the page: its canvas, filling the window (web/index.html).
            #[cfg(target_arch = "wasm32")]
            canvas: Some("#game".into()),
            #[cfg(target_arch = "wasm32")]
            fit_canvas_to_parent: true,
            ..default()
        }),
        ..default()
    }))
    .add_plugins(EguiPlugin::default())
    .insert_resource(chinese_font::ChineseFont::read())
    .add_plugins(chinese_font::plugin);
    simulation(&mut app, &level, screens::Start::Loading);
    session(&mut app, authority, player, &data_dir);
    presentation(&mut app, &level, options.quality);
    app.add_plugins(automation::plugin(&options, started));
    // Not at a show: a visitor's P would stop the show's rhythm.
    app.add_plugins(photo_mode::plugin);
    if options.photo {
        app.insert_resource(photo_mode::OpenPhotoMode);
    }
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(page::plugin);
    if options.autopilot {
        app.insert_resource(autopilot::Autopilot::on_route(0));
    }
    app.run();
    Ok(())
}

/// What happens in the valley, the same in the window and headless: screens, physics, the
/// level's colliders, the cars, the authority, deposits, tasks and the autopilot.
fn simulation(app: &mut App, level: &Level, start: screens::Start) {
    use bevy_rapier3d::prelude::{NoUserData, RapierPhysicsPlugin};
    app.add_plugins(RapierPhysicsPlugin::<NoUserData>::default())
        .configure_sets(Update, (AppSystems::Input, AppSystems::Simulation, AppSystems::Presentation).chain())
        .add_plugins((screens::plugin(level.clone(), start), world::plugin, car::plugin));
}

/// The player's session: their car's parameters, profile, task progress, the authority's
/// tables and the link to the authority, and the plugins that play against them.
fn session(app: &mut App, authority: Authority, player: crate::valley::PlayerView, data_dir: &std::path::Path) {
    app.insert_resource(PlayerCar(crate::twin::vehicle_params(&player.stats)))
        .insert_resource(screens::Profile { data_dir: data_dir.to_path_buf(), player })
        .insert_resource(tasks::TaskProgress::load(data_dir))
        .insert_resource(GameTables(authority.tables()))
        .insert_resource(AuthorityLink::start(authority))
        .add_plugins((authority_link::plugin, deposits::plugin, drive_report::plugin, tasks::plugin, autopilot::plugin));
}

/// What the player sees and touches: the valley's looks, the cars' and deposits' looks,
/// effects, the camera, the HUD and screens, the title, and the controls.
fn presentation(app: &mut App, level: &Level, quality: Option<crate::quality::Quality>) {
    app.add_plugins((scenery::plugin(level), terrain_look::plugin, vegetation_look::plugin, water_look::plugin, sky_dome::plugin, car_look::plugin, deposit_look::plugin, effects::plugin, camera::plugin, render_quality::plugin(quality)))
        .add_plugins((hud::plugin, task_list::plugin, title::plugin, panels::plugin, input::plugin, keepsakes::plugin, ui_theme::plugin));
}

/// `horizon play --headless --frames N`: the play loop without a window, one fixed 1/60 s
/// step a frame, then a report of what the authority recorded.
#[cfg(not(target_arch = "wasm32"))]
fn run_headless(level: Level, mut authority: Authority, options: &GameOptions) -> anyhow::Result<()> {
    let frames = options.frames.ok_or_else(|| anyhow::anyhow!("--headless needs --frames N"))?;
    let before = authority.player_now()?.state;
    let entries_before = authority.ledger_info().size;
    let mut app = play_app(level, authority, &options.data_dir);
    if options.autopilot {
        app.insert_resource(autopilot::Autopilot::on_route(0));
    }
    // play_app ran the first frame.
    for _ in 1..frames {
        app.update();
    }
    // What was asked in the last frames is answered before the report.
    app.world().resource::<AuthorityLink>().wait_idle();
    app.update();
    let car = app.world_mut().query_filtered::<&Transform, With<car::PlayerDriven>>().single(app.world()).map(|t| t.translation).unwrap_or_default();
    let link = app.world().resource::<AuthorityLink>();
    let (after, entries_after) = link.call(|a| (a.player_now().map(|p| p.state), a.ledger_info().size));
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

/// The play loop headless: the real simulation and session plugins, without a window,
/// renderer or assets. After it returns (one update in) the player's car stands at the
/// level's spawn. For tests and `--headless`.
#[cfg(not(target_arch = "wasm32"))]
pub fn play_app(level: Level, mut authority: Authority, data_dir: &std::path::Path) -> App {
    let player = authority.player_now().expect("an enrolled player");
    let mut app = headless();
    simulation(&mut app, &level, screens::Start::InValley);
    session(&mut app, authority, player, data_dir);
    ready(&mut app);
    app.update();
    app
}

/// A headless app with the real simulation plugins (level colliders, the car's physics) and
/// no player session: for tests and benchmarks that spawn their own cars. Physics takes one
/// fixed step of 1/60 s per `update`.
pub fn simulation_app(level: Level) -> App {
    let mut app = headless();
    simulation(&mut app, &level, screens::Start::InValley);
    ready(&mut app);
    app
}

/// Headless, the simulation runs on one core: handing each small system to another thread
/// costs more than running it.
fn ready(app: &mut App) {
    app.finish();
    app.cleanup();
    for (_, schedule) in app.world_mut().resource_mut::<Schedules>().iter_mut() {
        schedule.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
    }
}

/// No window or renderer; the clock and physics move 1/60 s an update, however fast it runs.
fn headless() -> App {
    use bevy_rapier3d::prelude::TimestepMode;
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, TransformPlugin, bevy::state::app::StatesPlugin))
        .insert_resource(TimestepMode::Fixed { dt: 1.0 / 60.0, substeps: 1 })
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(std::time::Duration::from_secs_f64(1.0 / 60.0)));
    app
}
