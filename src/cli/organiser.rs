//! `horizon organiser grant`: an event organiser signs a co-creation grant for a player, who
//! imports it (`horizon import GRANT.json`) for the task's crystals. A shared valley pays
//! co-creation crystals only for grants of organisers it trusts (`serve --organiser`).
//!
//! ```json
//! { "format": "crypto-horizon/co-creation-grant@1", "event": "shanghai-2026",
//!   "player": "<key hex>", "grant": "Q0hHMQ…" }
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use clap::Subcommand;
use horizon::ledger::grant::{Grant, Statement};
use horizon::ledger::{NamedKey, PublicKey};
use horizon::t;

pub const GRANT_FORMAT: &str = "crypto-horizon/co-creation-grant@1";

#[derive(Subcommand)]
pub enum OrganiserCommand {
    /// Sign a grant: PLAYER (a public key, hex) took part in EVENT today, in the valley VALLEY
    Grant {
        /// The organiser's signer key file (PRIVATE+KEY+…)
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The valley's origin (the first line of its /checkpoint): the grant pays there only
        #[arg(long, value_name = "ORIGIN")]
        valley: String,
        #[arg(long)]
        event: String,
        #[arg(long, value_name = "KEY")]
        player: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantFile {
    format: String,
    event: String,
    player: String,
    grant: String,
}

pub fn run(command: OrganiserCommand) -> Result<ExitCode> {
    let OrganiserCommand::Grant { key, valley, event, player, out } = command;
    let text = std::fs::read_to_string(&key).with_context(|| t!("cli-reading", path = key.display().to_string()))?;
    let organiser = NamedKey::from_signer_string(&text).with_context(|| t!("cli-not-a-signer-key", path = key.display().to_string()))?;
    let player = PublicKey::from_hex(&player).filter(|k| k.verifying_key().is_some()).with_context(|| t!("cli-organiser-bad-player", player = format!("{player:?}")))?;
    if let Some(why) = horizon::ledger::entry::label_problem("event id", &event) {
        bail!("{why}");
    }
    let day = (super::now_ms() / 86_400_000) as u32;
    let grant = Grant::sign(&organiser.signing_key, valley.trim(), &event, player, day)?;
    let file = GrantFile { format: GRANT_FORMAT.into(), event: event.clone(), player: player.to_hex(), grant: B64.encode(grant.to_bytes()) };
    horizon::ledger::files::write_atomically(&out, serde_json::to_string_pretty(&file)?.as_bytes()).with_context(|| t!("cli-writing", path = out.display().to_string()))?;
    println!(
        "{}",
        t!(
            "cli-organiser-granted",
            event = event.as_str(),
            player = player.fingerprint(),
            organiser = organiser.public_key().fingerprint(),
            path = out.display().to_string()
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// The grant in a grant file, or what is wrong with it.
pub fn parse_grant_file(path: &Path, text: &str) -> Result<Grant> {
    let file: GrantFile = serde_json::from_str(text).with_context(|| t!("cli-grant-not-a-file", path = path.display().to_string()))?;
    if file.format != GRANT_FORMAT {
        bail!(t!("cli-grant-bad-format", path = path.display().to_string(), format = format!("{:?}", file.format), expected = format!("{GRANT_FORMAT:?}")));
    }
    let bytes = B64.decode(file.grant.trim()).map_err(|_| anyhow::anyhow!(t!("cli-grant-not-base64", path = path.display().to_string())))?;
    Grant::from_bytes(&bytes).map_err(|e| anyhow::anyhow!(t!("cli-grant-not-signed", path = path.display().to_string(), error = e.to_string())))
}
