//! `horizon ledger …`: verify, show, prove, check-receipt, simulate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use horizon::economy::{CULTIVATION_POOL_CAP_MILLI, MILEAGE_POOL_CAP_MILLI, TOTAL_SUPPLY_CAP_MILLI, format_stones, format_stones_grouped};
use horizon::ledger::simulate::{SimulationOptions, simulate_ledger};
use horizon::economy::EconomyTables;
use std::sync::Arc;
use horizon::ledger::{Ledger, LedgerState, Receipt, Role, VerifierKey};
use horizon::profile::DataDir;
use horizon::t;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Verify everything: checkpoint signature, every record, signature and rule, the Merkle root
    Verify {
        /// Ledger directory [default: the data directory's ledger]
        path: Option<PathBuf>,
        /// The log's verifier key (text or a file holding it) [default: the ledger's own log.vkey]
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
        /// A checkpoint seen before (a client's DATA/sync/replica/checkpoint, or a witness's):
        /// the ledger must extend it, not be rolled back or forked
        #[arg(long, value_name = "FILE", conflicts_with = "min_size")]
        seen: Option<PathBuf>,
        /// The least number of entries the ledger must hold
        #[arg(long, value_name = "N")]
        min_size: Option<u64>,
    },
    /// Size, latest checkpoint, verifier key, supply per pool, balances per player
    Show {
        path: Option<PathBuf>,
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
        /// How many players to list (richest first)
        #[arg(long, default_value_t = 20)]
        players: usize,
    },
    /// Write a receipt (C2SP tlog-proof) for one entry
    Prove {
        index: u64,
        path: Option<PathBuf>,
        /// Where to write it ("-" for standard output) [default: entry-INDEX.tlog-proof]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify a receipt offline, with only the log's verifier key
    CheckReceipt {
        file: PathBuf,
        /// The log's verifier key (text or a file holding it)
        #[arg(long, value_name = "VKEY")]
        key: String,
    },
    /// Build a realistic signed ledger of that size
    Simulate {
        #[arg(long)]
        players: usize,
        #[arg(long)]
        entries: u64,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

pub fn run(cmd: LedgerCommand, data_dir: &DataDir) -> Result<ExitCode> {
    // The economy whose rules the ledger is checked against: the tables of this build.
    let tables = EconomyTables::shared();
    let ledger_path = |p: Option<PathBuf>| p.unwrap_or_else(|| data_dir.ledger());
    match cmd {
        LedgerCommand::Verify { path, key, seen, min_size } => {
            let seen = match (seen, min_size) {
                (Some(file), _) => horizon::ledger::verify::Seen::Checkpoint(std::fs::read(&file).with_context(|| t!("cli-reading", path = file.display().to_string()))?),
                (None, Some(n)) => horizon::ledger::verify::Seen::MinSize(n),
                (None, None) => horizon::ledger::verify::Seen::Nothing,
            };
            verify(&ledger_path(path), key.as_deref(), &seen, tables)
        }
        LedgerCommand::Show { path, key, players } => show(&ledger_path(path), key.as_deref(), players, tables),
        LedgerCommand::Prove { index, path, out } => prove(&ledger_path(path), index, out, tables),
        LedgerCommand::CheckReceipt { file, key } => check_receipt(&file, &key),
        LedgerCommand::Simulate { players, entries, out, seed } => simulate(&out, players, entries, seed, tables),
    }
}

/// A verifier key given as text, or as the path of a file holding it.
pub(super) fn parse_key(arg: &str) -> Result<VerifierKey> {
    let text = if Path::new(arg).is_file() {
        std::fs::read_to_string(arg).with_context(|| t!("cli-ledger-reading-key-file", path = arg))?
    } else {
        arg.to_string()
    };
    VerifierKey::parse(&text).with_context(|| format!("--key {arg:?}"))
}

fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("█▉▊▋▌▍▎▏ "));
    bar
}

fn verify(path: &Path, key: Option<&str>, seen: &horizon::ledger::verify::Seen, tables: Arc<EconomyTables>) -> Result<ExitCode> {
    let key = key.map(parse_key).transpose()?;
    let progress = bar(0, &t!("cli-ledger-verifying-bar", bar = "{bar:40}", done = "{bytes}/{total_bytes}", eta = "{eta}"));
    let started = std::time::Instant::now();
    let result = horizon::ledger::verify::verify_ledger_seen(path, key, tables, seen, &mut |done, total| {
        progress.set_length(total);
        progress.set_position(done);
    });
    progress.finish_and_clear();
    match result {
        Ok(report) => {
            let secs = started.elapsed().as_secs_f64();
            let verified = t!(
                "cli-ledger-verified",
                entries = report.checkpoint.size.to_string(),
                seconds = format!("{secs:.1}"),
                rate = format!("{:.0}", report.checkpoint.size as f64 / secs.max(1e-9))
            );
            println!("OK: {verified}");
            println!("{}", t!("cli-ledger-log", origin = report.checkpoint.origin.as_str()));
            println!("{}", t!("cli-ledger-root", root = report.checkpoint.root.to_string()));
            if report.key_from_ledger {
                println!("{}", t!("cli-ledger-key-own", key = report.key.text.as_str()));
            } else {
                println!("{}", t!("cli-ledger-key-pinned", key = report.key.text.as_str()));
            }
            print_supply(&report.state);
            match seen {
                horizon::ledger::verify::Seen::Checkpoint(_) => println!("{}", t!("cli-ledger-extends-seen")),
                horizon::ledger::verify::Seen::MinSize(n) => println!("{}", t!("cli-ledger-holds-at-least", entries = n.to_string())),
                horizon::ledger::verify::Seen::Nothing => println!("{}", t!("cli-ledger-not-pinned-note")),
            }
            if report.uncommitted > 0 {
                println!("{}", t!("cli-ledger-uncommitted-unverified", records = report.uncommitted.to_string()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("FAILED: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn print_supply(state: &LedgerState) {
    let s = &state.supply;
    let line = |name: String, issued: u64, cap: u64| {
        let issued = format!("{:<13}{name:<13}{:>20}", "", format_stones_grouped(issued));
        println!("{}", t!("cli-ledger-supply-of", issued = issued, cap = format_stones_grouped(cap)));
    };
    println!("{}", t!("cli-ledger-supply"));
    line(t!("cli-ledger-supply-mileage"), s.mileage_milli, MILEAGE_POOL_CAP_MILLI);
    line(t!("cli-ledger-supply-cultivation"), s.cultivation_milli, CULTIVATION_POOL_CAP_MILLI);
    line(t!("cli-ledger-supply-total"), s.total_milli(), TOTAL_SUPPLY_CAP_MILLI);
    if s.mileage_earned_milli > s.mileage_milli {
        let unmined = format!("{:<13}{:<13}{:>20}", "", t!("cli-ledger-supply-unmined"), format_stones_grouped(s.mileage_earned_milli - s.mileage_milli));
        println!("{}", t!("cli-ledger-supply-unmined-line", unmined = unmined));
    }
}

fn show(path: &Path, key: Option<&str>, limit: usize, tables: Arc<EconomyTables>) -> Result<ExitCode> {
    let key = key.map(parse_key).transpose()?;
    let (ledger, report) = Ledger::open_with(path, None, key, tables).with_context(|| t!("cli-opening-ledger", path = path.display().to_string()))?;
    let state = ledger.state();
    let cp = ledger.checkpoint();
    println!("{}", t!("cli-ledger-path", path = path.display().to_string()));
    println!("{}", t!("cli-ledger-log", origin = cp.origin.as_str()));
    println!("{}", t!("cli-ledger-entries", entries = ledger.size().to_string()));
    println!("{}", t!("cli-ledger-checkpoint", size = cp.size.to_string(), root = cp.root.to_string()));
    println!("{}", t!("cli-ledger-key", key = ledger.verifier_key().text.as_str()));
    print_supply(state);
    let kinds: Vec<String> = state.entries_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("{}", t!("cli-ledger-by-kind", kinds = kinds.join(", ")));
    // What an auditor asks of a shared valley: whom it trusts, which cars speak in it,
    // which box commitments are still unopened, which vouchers were redeemed.
    if state.self_reported_mints {
        println!("{}", t!("cli-ledger-trust-local"));
    } else {
        println!("{}", t!("cli-ledger-trust-shared"));
    }
    for (key, name) in &state.makers {
        println!("{:13}{}", "", t!("cli-ledger-trust-maker", name = horizon::ledger::entry::printable(name), key = key.to_string()));
    }
    for (key, name) in &state.organisers {
        println!("{:13}{}", "", t!("cli-ledger-trust-organiser", name = horizon::ledger::entry::printable(name), key = key.to_string()));
    }
    let owned = state.cars.values().filter(|c| c.owner.is_some()).count();
    let open_boxes = state.players.values().filter(|p| p.open_box.is_some()).count();
    println!("{}", t!("cli-ledger-cars", cars = state.cars.len().to_string(), owned = owned.to_string()));
    println!("{}", t!("cli-ledger-boxes", boxes = open_boxes.to_string()));
    println!("{}", t!("cli-ledger-vouchers", vouchers = state.redeemed.len().to_string()));
    if report.uncommitted > 0 {
        println!("{}", t!("cli-ledger-uncommitted-recovered", records = report.uncommitted.to_string()));
    }
    let mut players: Vec<_> = state.players.iter().collect();
    players.sort_by(|a, b| b.1.stones_milli.cmp(&a.1.stones_milli).then(a.0.cmp(b.0)));
    println!();
    println!("{}", t!("cli-ledger-players", players = players.len().to_string()));
    println!("  {}", t!("cli-ledger-players-header"));
    for (key, p) in players.iter().take(limit) {
        let role = match &p.role {
            Role::Guest => t!("cli-player-guest"),
            Role::Owner { vehicle } => t!("cli-ledger-role-owner", vehicle = horizon::ledger::entry::printable(vehicle)),
        };
        println!(
            "  {:<16} {:<12} {:<13} {:>10} {:>9} {:>9} {:>8} {:>6} {:>7}",
            key.fingerprint(),
            horizon::ledger::entry::printable(&p.name),
            role,
            format_stones(p.stones_milli),
            format_stones(p.unmined_milli()),
            p.fragments,
            p.crystals,
            p.pity,
            p.km_attested,
        );
        if !p.items.is_empty() {
            println!("  {:<16} {}", "", t!("cli-ledger-player-upgrades", upgrades = p.items.iter().cloned().collect::<Vec<_>>().join(", ")));
        }
        for v in &p.vouchers {
            let voucher = match v.redeemed {
                Some(at) => t!("cli-ledger-player-voucher-redeemed", voucher = v.id.as_str(), item = v.item.as_str(), entry = at.to_string()),
                None => t!("cli-ledger-player-voucher", voucher = v.id.as_str(), item = v.item.as_str()),
            };
            println!("  {:<16} {voucher}", "");
        }
    }
    if players.len() > limit {
        println!("  {}", t!("cli-ledger-players-more", more = (players.len() - limit).to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

fn prove(path: &Path, index: u64, out: Option<PathBuf>, tables: Arc<EconomyTables>) -> Result<ExitCode> {
    let (ledger, _) = Ledger::open_with(path, None, None, tables).with_context(|| t!("cli-opening-ledger", path = path.display().to_string()))?;
    let receipt = ledger.receipt(index)?;
    let text = receipt.to_text();
    let out = out.unwrap_or_else(|| PathBuf::from(format!("entry-{index}.tlog-proof")));
    if out.as_os_str() == "-" {
        print!("{text}");
    } else {
        std::fs::write(&out, &text).with_context(|| t!("cli-writing", path = out.display().to_string()))?;
        println!("{}", t!("cli-ledger-wrote-receipt", entry = index.to_string(), size = ledger.size().to_string(), path = out.display().to_string()));
        println!("{}", t!("cli-ledger-check-receipt-with", path = out.display().to_string(), key = ledger.verifier_key().text.as_str()));
    }
    Ok(ExitCode::SUCCESS)
}

fn check_receipt(file: &Path, key: &str) -> Result<ExitCode> {
    let key = parse_key(key)?;
    let text = std::fs::read_to_string(file).with_context(|| t!("cli-reading", path = file.display().to_string()))?;
    let receipt = match Receipt::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            println!("FAILED: {}: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    match receipt.verify(&key) {
        Ok(v) => {
            println!("OK: {}", t!("cli-ledger-receipt-ok", entry = v.index.to_string(), origin = v.checkpoint.origin.as_str(), size = v.checkpoint.size.to_string()));
            println!("{}", t!("cli-ledger-entry", entry = v.entry.summary()));
            println!("{}", t!("cli-ledger-root", root = v.checkpoint.root.to_string()));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("FAILED: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn simulate(out: &Path, players: usize, entries: u64, seed: u64, tables: Arc<EconomyTables>) -> Result<ExitCode> {
    if players == 0 {
        bail!(t!("cli-ledger-no-players"));
    }
    let progress = bar(entries, &t!("cli-ledger-simulating-bar", bar = "{bar:40}", done = "{pos}/{len}", eta = "{eta}"));
    let opts = SimulationOptions { players, entries, seed, start_ms: super::now_ms() - 365 * 86_400_000 };
    let summary = simulate_ledger(out, &opts, tables, &mut |done, total| {
        progress.set_length(total.max(done));
        progress.set_position(done);
    })?;
    progress.finish_and_clear();
    println!(
        "{}",
        t!("cli-ledger-simulated", entries = summary.entries.to_string(), players = players.to_string(), path = out.display().to_string())
    );
    println!("{}", t!("cli-ledger-key", key = summary.verifier_key.to_string()));
    Ok(ExitCode::SUCCESS)
}
