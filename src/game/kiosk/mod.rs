//! The show floor (`horizon kiosk`): the game on a big screen, unattended for days. Borderless
//! fullscreen, no cursor, drawing on when it loses focus, deaf to the window's close button:
//! only the operator's combination leads out. Attract mode (the autopilot, the camera
//! director, the overlays) invites visitors; each drives as a fresh guest. The rhythm and the
//! configuration are the pure `crate::kiosk`; these plugins are their view.

mod camera_director;
mod device_loss;
mod encoder;
mod operator;
mod show_overlay;
#[cfg(not(target_arch = "wasm32"))]
pub mod soak;
pub mod stream_output;
#[cfg(unix)]
mod supervisor;
pub mod visitors;

use std::path::PathBuf;

use bevy::prelude::*;

pub use camera_director::{CameraDirector, Shot};
pub use device_loss::LOSE_DEVICE_ENV;
pub use operator::RESTART_STATUS;
use crate::kiosk::KioskConfig;
use crate::kiosk::config::{Display, KioskValley};
use crate::level::Level;
use crate::profile::DataDir;
use super::authority::Authority;
use super::screens::{Screen, Start};

/// What `horizon kiosk` runs with.
#[derive(Clone, Debug)]
pub struct KioskOptions {
    pub data_dir: PathBuf,
    pub config: KioskConfig,
    /// Run this many frames of the valley, then exit (render tests).
    pub frames: Option<u32>,
    /// With `frames`: save a screenshot of the last one.
    pub screenshot: Option<PathBuf>,
}

/// Runs the kiosk until the operator quits or restarts it; returns the exit status.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(options: KioskOptions) -> anyhow::Result<u8> {
    use bevy::window::{CursorOptions, MonitorSelection, WindowMode};
    use bevy::winit::{UpdateMode, WinitSettings};
    let started = crate::platform::Instant::now();
    let config = &options.config;
    let combination = config.operator_combination().map_err(|e| anyhow::anyhow!("operator_keys: {e}"))?;
    let level = match &config.level {
        Some(path) => Level::load(path)?,
        None => Level::parse("levels/stone_valley.ron", super::DEFAULT_LEVEL)?,
    };
    let data = DataDir(options.data_dir.clone());
    let mut authority = match &config.valley {
        KioskValley::Embedded => super::embedded(&data)?,
        KioskValley::Server(url) => on_server(&data, url)?,
    };
    let player = authority.player_now().map_err(|e| anyhow::anyhow!("the show's player: {e}"))?;
    let font = super::chinese_font::ChineseFont::read();
    let (mode, (width, height)) = match config.display {
        Display::Fullscreen(monitor) => (WindowMode::BorderlessFullscreen(MonitorSelection::Index(monitor)), (1280, 720)),
        Display::Windowed(w, h) => (WindowMode::Windowed, (w, h)),
    };
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window { title: format!("Crypto Horizon — {}", config.branding), mode, resolution: (width, height).into(), ..default() }),
        primary_cursor_options: Some(CursorOptions { visible: false, ..default() }),
        // Visitors cannot close it: the operator's overlay quits.
        close_when_requested: false,
        ..default()
    }))
    // A show screen behind another window, or never focused, keeps drawing.
    .insert_resource(WinitSettings { focused_mode: UpdateMode::Continuous, unfocused_mode: UpdateMode::Continuous })
    .add_plugins((bevy_egui::EguiPlugin::default(), bevy::diagnostic::FrameTimeDiagnosticsPlugin::default()));
    // Nobody watches a loading bar at a show: the terrain is built before the window opens
    // (about 0.1 s) and the kiosk starts in the valley, so a restart after a crash draws no
    // loading or title frames, each slow on a software renderer, before attract.
    super::simulation(&mut app, &level, Start::InValley);
    super::session(&mut app, authority, player, &options.data_dir);
    super::presentation(&mut app, &level, Some(config.quality));
    show(&mut app, config, &options.data_dir);
    app.add_plugins((show_overlay::plugin, operator::plugin(combination), super::chinese_font::plugin, device_loss::plugin));
    #[cfg(unix)]
    app.add_plugins(supervisor::plugin);
    app.insert_resource(font);
    if let Some(stream) = &config.stream {
        app.add_plugins(stream_output::plugin(stream.clone(), options.data_dir.clone()));
    }
    // Whatever panics, on any thread, ends the process: the supervisor restarts it into
    // attract, rather than a kiosk running on without its authority's worker.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        std::process::abort();
    }));
    let automation = super::GameOptions {
        data_dir: options.data_dir.clone(),
        level: None,
        frames: options.frames,
        screenshot: options.screenshot.clone(),
        screen: Screen::Valley,
        panel: super::panels::Panel::None,
        autopilot: false,
        headless: false,
        server: None,
        join: false,
        keepsake: None,
        quality: Some(config.quality),
        photo: false,
    };
    app.add_plugins(super::automation::plugin(&automation, started));
    Ok(match app.run() {
        AppExit::Success => 0,
        AppExit::Error(code) => code.get(),
    })
}

/// How long a show machine waits for its server's answer before it counts as away: a
/// server that hangs holds the show's jobs (its visitors' mines, their receipts) seconds,
/// not the client's usual 15 s.
const SERVER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(4);

/// The name a show's own player joins a server's valley under.
const SHOW_NAME: &str = "Show";

/// A show machine's own player in a server's valley (`valley: Server(url)`), joined the
/// first time. A server away at start-up is no error once the show has joined before: the
/// verified replica shows the last state and visitors' drives queue.
#[cfg(not(target_arch = "wasm32"))]
pub fn on_server(data: &DataDir, url: &str) -> anyhow::Result<Authority> {
    let mut authority = Authority::connected(data, url, super::player_key(data)?)?;
    authority.set_timeout(SERVER_TIMEOUT);
    if let Err(e) = Authority::wait_for(authority.runtime(), authority.join(data, SHOW_NAME)) {
        warn!("the show could not join {url} now: {e}");
    }
    Ok(authority)
}

/// The show's own plugins, the same in the window and headless: visitors and the camera
/// director.
fn show(app: &mut App, config: &KioskConfig, data_dir: &std::path::Path) {
    app.add_plugins((visitors::plugin(config.clone(), data_dir.to_path_buf()), camera_director::plugin));
}

/// `quality: Low`: no shadow maps (suns come and go with the screens).
/// The kiosk headless: the real simulation, session and show plugins without a window,
/// renderer or assets; input through `ButtonInput`s the caller presses; the clock moves
/// 1/60 s an update. After it returns (one update in) attract mode has begun. For tests.
#[cfg(not(target_arch = "wasm32"))]
pub fn kiosk_app(level: Level, mut authority: Authority, data_dir: &std::path::Path, config: &KioskConfig) -> App {
    let player = authority.player_now().expect("the show's player");
    let mut app = super::headless();
    app.add_plugins(bevy::input::InputPlugin);
    super::simulation(&mut app, &level, Start::InValley);
    super::session(&mut app, authority, player, data_dir);
    show(&mut app, config, data_dir);
    super::ready(&mut app);
    app.update();
    app
}
