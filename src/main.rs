//! `horizon`: plays the game with no subcommand; the subcommands are the tools.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

#[derive(Parser)]
#[command(name = "horizon", version, about = "Crypto Horizon: drive your EV's digital twin around the Stone Valley")]
struct Cli {
    /// Where the player's profile, keys and ledger live [default: the platform's data directory]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Play (the default)
    Play(cli::PlayArgs),
    /// Create or show the player's key
    Keys,
    /// Import a trip file (this project's JSON trip summaries) into the local profile
    Import { file: PathBuf },
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

fn main() -> ExitCode {
    let args = Cli::parse();
    let data_dir = horizon::profile::DataDir(args.data_dir.unwrap_or_else(horizon::profile::default_data_dir));
    let result = match args.command.unwrap_or(Command::Play(cli::PlayArgs::default())) {
        Command::Play(play) => cli::play(&data_dir, play),
        Command::Keys => cli::keys(&data_dir),
        Command::Import { file } => cli::economy::import(&data_dir, &file),
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
