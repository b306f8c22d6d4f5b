//! The command line's handlers: each prints for people and returns the exit code.

use std::process::ExitCode;

use anyhow::Result;
use horizon::profile::{DataDir, load_or_create_key};
use horizon::t;

pub mod car;
pub mod chart;
pub mod command_line;
pub mod economy;
pub mod keepsakes;
pub mod ledger;
pub mod level;
pub mod organiser;
pub mod sync;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// What `horizon play` takes.
#[derive(clap::Args, Default)]
pub struct PlayArgs {
    /// A level file [default: the Stone Valley]
    #[arg(long, value_name = "FILE")]
    pub level: Option<std::path::PathBuf>,
    /// Run this many frames, then exit
    #[arg(long, value_name = "N")]
    pub frames: Option<u32>,
    /// Save a screenshot of the last frame (needs --frames)
    #[arg(long, value_name = "PATH", requires = "frames")]
    pub screenshot: Option<std::path::PathBuf>,
    /// With --frames: the screen to run them on (twin, garage, box, ledger, profile and shop open
    /// over the valley)
    #[arg(long, value_enum, default_value_t = ScreenArg::Valley)]
    pub screen: ScreenArg,
    /// Let the autopilot drive round the level's first route, mining deposits near it
    #[arg(long)]
    pub autopilot: bool,
    /// With --frames: simulate without a window (one 1/60 s step a frame) and report what
    /// the valley recorded
    #[arg(long, requires = "frames")]
    pub headless: bool,
    /// Play connected to a valley server (default: the profile's server, once `horizon sync`
    /// has set one; otherwise the local valley)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Join the server's valley first if this profile is not a player there: enrol as a
    /// guest, grant the mileage and behaviour consents, and bring a sample car of its own
    /// where the server trusts the demo maker (as the browser page's "join")
    #[arg(long)]
    pub join: bool,
    /// With --frames: after them, make this keepsake as the shop's button does (its picture
    /// taken from the game's view), wait until it is saved under DATA/keepsakes, and exit
    #[arg(long, value_enum, requires = "frames", conflicts_with = "headless")]
    pub keepsake: Option<KeepsakeArg>,
    /// The renderer's preset: low (no shadows; software rendering, the render tests), medium
    /// or high (sharper shadows, ambient occlusion) [default: low on a software adapter,
    /// else high]
    #[arg(long, value_enum)]
    pub quality: Option<horizon::quality::Quality>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum KeepsakeArg {
    TwinCard,
    ShareCard,
}

#[derive(clap::ValueEnum, Clone, Copy, Default, Debug)]
pub enum ScreenArg {
    Title,
    #[default]
    Valley,
    Twin,
    Garage,
    #[value(name = "box")]
    BlindBox,
    Ledger,
    Profile,
    Shop,
    /// Photo mode round the twin (the HUD hidden, a three-quarter front view)
    Photo,
}

pub fn play(data_dir: &DataDir, args: PlayArgs) -> Result<ExitCode> {
    #[cfg(feature = "game")]
    {
        use horizon::game::{panels::Panel, screens::Screen};
        let (screen, panel) = match args.screen {
            ScreenArg::Title => (Screen::Title, Panel::None),
            ScreenArg::Valley => (Screen::Valley, Panel::None),
            ScreenArg::Twin => (Screen::Valley, Panel::Twin),
            ScreenArg::Garage => (Screen::Valley, Panel::Garage),
            ScreenArg::BlindBox => (Screen::Valley, Panel::BlindBox),
            ScreenArg::Ledger => (Screen::Valley, Panel::Ledger),
            ScreenArg::Profile => (Screen::Valley, Panel::Profile),
            ScreenArg::Shop => (Screen::Valley, Panel::Shop),
            ScreenArg::Photo => (Screen::Valley, Panel::None),
        };
        let options = horizon::game::GameOptions {
            data_dir: data_dir.0.clone(),
            level: args.level,
            frames: args.frames,
            screenshot: args.screenshot,
            screen,
            panel,
            autopilot: args.autopilot,
            headless: args.headless,
            server: args.server,
            join: args.join,
            keepsake: args.keepsake.map(|k| match k {
                KeepsakeArg::TwinCard => horizon::game::keepsakes::MakeKeepsake::TwinCard,
                KeepsakeArg::ShareCard => horizon::game::keepsakes::MakeKeepsake::ShareCard,
            }),
            quality: args.quality,
            photo: matches!(args.screen, ScreenArg::Photo),
        };
        horizon::game::run(options)?;
        Ok(ExitCode::SUCCESS)
    }
    #[cfg(not(feature = "game"))]
    {
        let _ = (data_dir, args);
        anyhow::bail!(t!("cli-no-game-play"))
    }
}

/// What `horizon kiosk` takes.
#[derive(clap::Args, Default)]
pub struct KioskArgs {
    /// The show's configuration (RON) [default: every default: the Stone Valley, 45 s idle,
    /// Chinese and English, fullscreen on the first monitor, Ctrl+Alt+O for the operator]
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Check the configuration, print what it amounts to, and exit
    #[arg(long)]
    pub check: bool,
    /// Run this many frames, then exit
    #[arg(long, value_name = "N")]
    pub frames: Option<u32>,
    /// Save a screenshot of the last frame (needs --frames)
    #[arg(long, value_name = "PATH", requires = "frames")]
    pub screenshot: Option<std::path::PathBuf>,
    /// Rehearse HOURS of the show headless, as fast as the machine goes, with scripted
    /// visitors, reporting memory and entities every simulated hour (needs a new --data-dir:
    /// it enrols thousands of visitors)
    #[arg(long, value_name = "HOURS", conflicts_with_all = ["frames", "check"])]
    pub soak: Option<f64>,
}

pub fn kiosk(data_dir: &DataDir, args: KioskArgs) -> Result<ExitCode> {
    let config = match &args.config {
        Some(path) => horizon::kiosk::KioskConfig::load(path)?,
        None => horizon::kiosk::KioskConfig::default(),
    };
    if args.check {
        println!("{config:#?}");
        return Ok(ExitCode::SUCCESS);
    }
    #[cfg(feature = "game")]
    if let Some(hours) = args.soak {
        return soak(data_dir, &config, hours);
    }
    #[cfg(feature = "game")]
    {
        let options = horizon::game::kiosk::KioskOptions { data_dir: data_dir.0.clone(), config, frames: args.frames, screenshot: args.screenshot };
        Ok(ExitCode::from(horizon::game::kiosk::run(options)?))
    }
    #[cfg(not(feature = "game"))]
    {
        let _ = (data_dir, config);
        anyhow::bail!(t!("cli-no-game-kiosk"))
    }
}

#[cfg(feature = "game")]
fn soak(data_dir: &DataDir, config: &horizon::kiosk::KioskConfig, hours: f64) -> Result<ExitCode> {
    if !(hours > 0.0 && hours <= 24.0 * 30.0) {
        anyhow::bail!(t!("cli-soak-hours", hours = hours.to_string()));
    }
    if data_dir.0.join("ledger").exists() {
        anyhow::bail!(t!("cli-soak-not-a-show", dir = data_dir.0.display().to_string()));
    }
    let started = std::time::Instant::now();
    let report = horizon::game::kiosk::soak::soak(&data_dir.0, config, hours, |sample| println!("{sample}"))?;
    let (fewest, most) = report.entity_range();
    let last = report.samples.last().expect("a sample at the start and the end");
    let spent = started.elapsed().as_secs();
    println!(
        "{}",
        t!(
            "cli-soak-done",
            hours = hours.to_string(),
            minutes = (spent / 60).to_string(),
            seconds = (spent % 60).to_string(),
            speed = format!("{:.0}", report.speed),
            visitors = last.visitors.to_string(),
            fewest = fewest.to_string(),
            most = most.to_string()
        )
    );
    match report.resident_growth_mib_per_day() {
        Some(growth) => println!("{}", t!("cli-soak-growth", growth = format!("{growth:.2}"))),
        None => println!("{}", t!("cli-soak-growth-unknown")),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn keys(data_dir: &DataDir) -> Result<ExitCode> {
    let path = data_dir.player_key();
    let (key, created) = load_or_create_key(&path, "player")?;
    if created {
        println!("{}", t!("cli-keys-created"));
    }
    println!("key file     {} (private; never printed)", path.display());
    println!("public key   {}", key.public_key().to_hex());
    println!("fingerprint  {}", key.public_key().fingerprint());
    println!("verifier key {}", key.verifier_key());
    Ok(ExitCode::SUCCESS)
}
