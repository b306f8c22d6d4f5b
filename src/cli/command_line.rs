//! The command line: `horizon` plays the game with no subcommand; the subcommands are the
//! tools.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli;

#[derive(Parser)]
#[command(name = "horizon", version, about = "Crypto Horizon: drive your EV's digital twin around the Stone Valley")]
struct Cli {
    /// Where the player's profile, keys and ledger live [default: the platform's data directory]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The language of the game and of these messages: zh-CN or en [default: the one chosen
    /// in the game's settings, else the system's]
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<horizon::i18n::Lang>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Play (the default)
    Play(cli::PlayArgs),
    /// Run a show machine: fullscreen, attract mode, visitors' drives (see the README's
    /// "Show machines")
    Kiosk(cli::KioskArgs),
    /// Create or show the player's key
    Keys,
    /// Import a file: a car's pairing or car-signed trips (from the car, or `horizon car`), an
    /// event organiser's co-creation grant, or self-reported trips (JSON summaries, a GPX track, a car app's CSV export); into the
    /// local valley, or queued and sent to the profile's server
    Import {
        file: PathBuf,
        /// The time zone of times written without an offset (an IANA name such as
        /// Asia/Shanghai); by default this machine's
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// Show what would be read, per trip, and what was assumed, without touching the profile
        #[arg(long)]
        dry_run: bool,
    },
    /// Show, grant or revoke the consent scopes
    Consent {
        #[command(subcommand)]
        change: Option<cli::sync::ConsentCommand>,
    },
    /// Send queued intents to the valley server and verify its ledger (offline first)
    Sync {
        /// The server, e.g. http://127.0.0.1:8080 (remembered for later syncs)
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// Pin the server's verifier key instead of trusting the one it serves on first use
        #[arg(long, value_name = "VKEY")]
        server_key: Option<String>,
        /// The player's name, at enrolment
        #[arg(long, default_value = "Driver")]
        name: String,
        /// Enrol as the owner of the car with this pseudonym (else as a guest)
        #[arg(long, value_name = "PSEUDONYM")]
        vehicle: Option<String>,
    },
    /// Run the valley server: the authority over HTTP, and the ledger as tlog tiles
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[command(flatten)]
        limits: cli::sync::ServeLimits,
        #[command(flatten)]
        trust: cli::sync::ServeTrust,
    },
    /// Event organisers: sign a co-creation grant for a player
    #[command(subcommand)]
    Organiser(cli::organiser::OrganiserCommand),
    /// A simulated car: provisioned by a maker key, it pairs with the player and signs trips
    #[command(subcommand)]
    Car(cli::car::CarCommand),
    /// Redeem one of your vouchers (a real-car entitlement bought with stones): signed by
    /// you, recorded once
    Redeem { voucher: String },
    /// Your twin card and share cards (PNGs that carry their proof), and checking them
    #[command(subcommand)]
    Card(cli::keepsakes::CardCommand),
    /// The merch shop (周边商店): the catalogue, orders, your shipping address, redemptions
    #[command(subcommand)]
    Merch(cli::keepsakes::MerchCommand),
    /// Write everything this device holds about the player as JSON
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Delete the player's key and personal data on this device (the ledger keeps its entries)
    Forget {
        #[arg(long)]
        yes: bool,
    },
    /// Verify, inspect, prove and simulate ledgers
    #[command(subcommand)]
    Ledger(cli::ledger::LedgerCommand),
    /// Run the economy's rules on synthetic fleets
    #[command(subcommand)]
    Economy(cli::economy::EconomyCommand),
    /// Check and preview level files
    #[command(subcommand)]
    Level(cli::level::LevelCommand),
}

pub fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`horizon ledger show | head`)
    // panicked; a Unix tool ends quietly instead.
    #[cfg(unix)]
    // SAFETY: at the start of main, before any thread exists, with the default handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = Cli::parse();
    let data_dir = horizon::profile::DataDir(args.data_dir.unwrap_or_else(horizon::profile::default_data_dir));
    horizon::i18n::set_lang(horizon::profile::language_for(&data_dir, args.lang));
    let result = match args.command.unwrap_or(Command::Play(cli::PlayArgs::default())) {
        Command::Play(play) => cli::play(&data_dir, play),
        Command::Kiosk(kiosk) => cli::kiosk(&data_dir, kiosk),
        Command::Keys => cli::keys(&data_dir),
        Command::Import { file, timezone, dry_run } => cli::sync::import(&data_dir, &file, timezone.as_deref(), dry_run),
        Command::Consent { change } => cli::sync::consent(&data_dir, change),
        Command::Sync { server, server_key, name, vehicle } => cli::sync::sync(&data_dir, cli::sync::SyncArgs { server, server_key, name, vehicle }),
        Command::Serve { addr, limits, trust } => cli::sync::serve(&data_dir, &addr, &limits, &trust),
        Command::Car(cmd) => cli::car::run(cmd, &data_dir),
        Command::Organiser(cmd) => cli::organiser::run(cmd),
        Command::Redeem { voucher } => cli::sync::redeem(&data_dir, &voucher),
        Command::Card(cmd) => cli::keepsakes::card(cmd, &data_dir),
        Command::Merch(cmd) => cli::keepsakes::merch(cmd, &data_dir),
        Command::Export { out } => cli::sync::export(&data_dir, out),
        Command::Forget { yes } => cli::sync::forget(&data_dir, yes),
        Command::Ledger(cmd) => cli::ledger::run(cmd, &data_dir),
        Command::Economy(cmd) => cli::economy::run(cmd),
        Command::Level(cmd) => cli::level::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
