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
                (Some(file), _) => horizon::ledger::verify::Seen::Checkpoint(std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?),
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
        std::fs::read_to_string(arg).with_context(|| format!("reading verifier key file {arg}"))?
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
    let progress = bar(0, "verifying {bar:40} {bytes}/{total_bytes} ({eta} left)");
    let started = std::time::Instant::now();
    let result = horizon::ledger::verify::verify_ledger_seen(path, key, tables, seen, &mut |done, total| {
        progress.set_length(total);
        progress.set_position(done);
    });
    progress.finish_and_clear();
    match result {
        Ok(report) => {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "OK: {} entries verified in {secs:.1} s ({:.0} entries/s)",
                report.checkpoint.size,
                report.checkpoint.size as f64 / secs.max(1e-9)
            );
            println!("log          {}", report.checkpoint.origin);
            println!("root         {}", report.checkpoint.root);
            if report.key_from_ledger {
                println!("verifier key {} (the ledger's own; pass --key to pin it)", report.key.text);
            } else {
                println!("verifier key {} (pinned)", report.key.text);
            }
            print_supply(&report.state);
            match seen {
                horizon::ledger::verify::Seen::Checkpoint(_) => println!("extends the checkpoint seen before"),
                horizon::ledger::verify::Seen::MinSize(n) => println!("holds at least the {n} entries asked for"),
                horizon::ledger::verify::Seen::Nothing => println!("note: without --seen or --min-size a rolled-back copy of the files would verify too"),
            }
            if report.uncommitted > 0 {
                println!("note: {} records past the checkpoint are not committed and were not verified", report.uncommitted);
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
    let line = |name: &str, issued: u64, cap: u64| {
        println!("{:<13}{name:<13}{:>20} of {} stones", "", format_stones_grouped(issued), format_stones_grouped(cap));
    };
    println!("supply");
    line("mileage", s.mileage_milli, MILEAGE_POOL_CAP_MILLI);
    line("cultivation", s.cultivation_milli, CULTIVATION_POOL_CAP_MILLI);
    line("total", s.total_milli(), TOTAL_SUPPLY_CAP_MILLI);
    if s.mileage_earned_milli > s.mileage_milli {
        println!("{:<13}{:<13}{:>20} stones earned by mileage, not yet mined", "", "unmined", format_stones_grouped(s.mileage_earned_milli - s.mileage_milli));
    }
}

fn show(path: &Path, key: Option<&str>, limit: usize, tables: Arc<EconomyTables>) -> Result<ExitCode> {
    let key = key.map(parse_key).transpose()?;
    let (ledger, report) = Ledger::open_with(path, None, key, tables).with_context(|| format!("opening ledger {}", path.display()))?;
    let state = ledger.state();
    let cp = ledger.checkpoint();
    println!("ledger       {}", path.display());
    println!("log          {}", cp.origin);
    println!("entries      {}", ledger.size());
    println!("checkpoint   size {} root {}", cp.size, cp.root);
    println!("verifier key {}", ledger.verifier_key().text);
    print_supply(state);
    let kinds: Vec<String> = state.entries_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("by kind      {}", kinds.join(", "));
    // What an auditor asks of a shared valley: whom it trusts, which cars speak in it,
    // which box commitments are still unopened, which vouchers were redeemed.
    let self_reported = if state.self_reported_mints { "mint (a local valley)" } else { "mint nothing (a shared valley)" };
    println!("trust        self-reported trips {self_reported}");
    for (key, name) in &state.makers {
        println!("             car maker {} ({key})", horizon::ledger::entry::printable(name));
    }
    for (key, name) in &state.organisers {
        println!("             event organiser {} ({key})", horizon::ledger::entry::printable(name));
    }
    let owned = state.cars.values().filter(|c| c.owner.is_some()).count();
    let open_boxes = state.players.values().filter(|p| p.open_box.is_some()).count();
    println!("cars         {} provisioned, {owned} with an owner", state.cars.len());
    println!("boxes        {open_boxes} commitments not yet opened");
    println!("vouchers     {} redeemed", state.redeemed.len());
    if report.uncommitted > 0 {
        println!("note: {} records past the checkpoint are not committed (the authority recovers them when it next opens the ledger)", report.uncommitted);
    }
    let mut players: Vec<_> = state.players.iter().collect();
    players.sort_by(|a, b| b.1.stones_milli.cmp(&a.1.stones_milli).then(a.0.cmp(b.0)));
    println!();
    println!("players ({}):", players.len());
    println!(
        "  {:<16} {:<12} {:<13} {:>10} {:>9} {:>9} {:>8} {:>6} {:>7}",
        "key", "name", "role", "stones", "unmined", "fragments", "crystals", "pity", "km"
    );
    for (key, p) in players.iter().take(limit) {
        let role = match &p.role {
            Role::Guest => "guest".to_string(),
            Role::Owner { vehicle } => format!("owner {}", horizon::ledger::entry::printable(vehicle)),
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
            println!("  {:<16} upgrades: {}", "", p.items.iter().cloned().collect::<Vec<_>>().join(", "));
        }
        for v in &p.vouchers {
            let redeemed = v.redeemed.map(|at| format!(", redeemed in entry {at}")).unwrap_or_default();
            println!("  {:<16} voucher {} for {}{redeemed}", "", v.id, v.item);
        }
    }
    if players.len() > limit {
        println!("  … and {} more (--players N to list more)", players.len() - limit);
    }
    Ok(ExitCode::SUCCESS)
}

fn prove(path: &Path, index: u64, out: Option<PathBuf>, tables: Arc<EconomyTables>) -> Result<ExitCode> {
    let (ledger, _) = Ledger::open_with(path, None, None, tables).with_context(|| format!("opening ledger {}", path.display()))?;
    let receipt = ledger.receipt(index)?;
    let text = receipt.to_text();
    let out = out.unwrap_or_else(|| PathBuf::from(format!("entry-{index}.tlog-proof")));
    if out.as_os_str() == "-" {
        print!("{text}");
    } else {
        std::fs::write(&out, &text).with_context(|| format!("writing {}", out.display()))?;
        println!("wrote receipt for entry {index} (of {}) to {}", ledger.size(), out.display());
        println!("check it with: horizon ledger check-receipt {} --key '{}'", out.display(), ledger.verifier_key().text);
    }
    Ok(ExitCode::SUCCESS)
}

fn check_receipt(file: &Path, key: &str) -> Result<ExitCode> {
    let key = parse_key(key)?;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let receipt = match Receipt::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            println!("FAILED: {}: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    match receipt.verify(&key) {
        Ok(v) => {
            println!("OK: entry {} is in log {} at size {}", v.index, v.checkpoint.origin, v.checkpoint.size);
            println!("entry        {}", v.entry.summary());
            println!("root         {}", v.checkpoint.root);
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
        bail!("--players must be at least 1");
    }
    let progress = bar(entries, "simulating {bar:40} {pos}/{len} entries ({eta} left)");
    let opts = SimulationOptions { players, entries, seed, start_ms: super::now_ms() - 365 * 86_400_000 };
    let summary = simulate_ledger(out, &opts, tables, &mut |done, total| {
        progress.set_length(total.max(done));
        progress.set_position(done);
    })?;
    progress.finish_and_clear();
    println!("wrote a simulated ledger of {} entries and {players} players to {}", summary.entries, out.display());
    println!("verifier key {}", summary.verifier_key);
    Ok(ExitCode::SUCCESS)
}
