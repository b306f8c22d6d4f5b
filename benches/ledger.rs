//! Ledger benchmarks (numbers go into the README):
//! - streaming verification of a simulated ledger, in entries per second, against the raw
//!   Ed25519 batch-verification rate of the same signatures measured in the same run, with
//!   the verifying process's peak memory;
//! - durable appends, in entries per second, with one fsync'd batch per append, for batch
//!   sizes 1, 64 and 1024.
//!
//! Run: `cargo bench --no-default-features --bench ledger` (add `-- --entries N` to change
//! the ledger size, default 1,000,000).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use ed25519_dalek::{Signature, VerifyingKey};
use horizon::ledger::simulate::{SimulationOptions, simulate_ledger};
use horizon::ledger::store::{LOG_FILE, Record, RecordReader};
use horizon::ledger::verify::{SIGNATURE_BATCH, verify_ledger};
use horizon::ledger::{Body, Entry, Ledger, NamedKey, Role};

/// Peak resident memory of this process, from the kernel (kB).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0)))
        .unwrap_or(0)
}

fn arg_value(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    if let Some(dir) = arg_value("--child-verify") {
        let started = Instant::now();
        let report = verify_ledger(Path::new(&dir), None, &mut |_, _| {}).expect("simulated ledger verifies");
        let secs = started.elapsed().as_secs_f64();
        println!("child {} {secs} {}", report.checkpoint.size, peak_rss_kb());
        return;
    }
    let entries: u64 = arg_value("--entries").map(|s| s.parse().expect("--entries N")).unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().expect("temporary directory");

    println!("## Ledger benchmarks ({entries} entries)\n");
    let dir = tmp.path().join("sim");
    let started = Instant::now();
    let opts = SimulationOptions { players: 1000, entries, seed: 1, start_ms: 1_700_000_000_000 };
    let summary = simulate_ledger(&dir, &opts, horizon::economy::EconomyTables::shared(), &mut |_, _| {}).expect("simulate");
    let sim_secs = started.elapsed().as_secs_f64();
    let log_bytes = std::fs::metadata(dir.join(LOG_FILE)).map(|m| m.len()).unwrap_or(0);
    println!(
        "simulate: {} entries ({:.1} MB) in {sim_secs:.1} s = {:.0} entries/s (sign + check + append, batches of 1024)",
        summary.entries,
        log_bytes as f64 / 1e6,
        summary.entries as f64 / sim_secs
    );

    let raw_before = raw_batch_rate(&dir, 200_000);
    // Verify in a fresh process so that its peak memory is its own.
    let out = Command::new(std::env::current_exe().expect("own path"))
        .args(["--child-verify", dir.to_str().expect("utf-8 path")])
        .output()
        .expect("child verify");
    let line = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = line.trim().split_whitespace().collect();
    assert_eq!(fields.first(), Some(&"child"), "child output: {line} {}", String::from_utf8_lossy(&out.stderr));
    let (n, secs, rss_kb): (f64, f64, f64) = (fields[1].parse().unwrap(), fields[2].parse().unwrap(), fields[3].parse().unwrap());
    let rate = n / secs;
    // The raw rate is taken before and after; the faster one makes the ratio conservative.
    let raw = raw_before.max(raw_batch_rate(&dir, 200_000));
    println!("\n| measure | value |\n|---|---|");
    println!("| raw Ed25519 batch verification (batches of {SIGNATURE_BATCH}, same signatures) | {raw:.0} signatures/s |");
    println!("| `ledger verify` (everything, streaming) | {rate:.0} entries/s ({n} entries in {secs:.1} s) |");
    println!("| ratio to raw batch rate | {:.2} |", rate / raw);
    println!("| peak memory of the verifying process | {:.1} MB |", rss_kb / 1024.0);

    println!("\n| durable append batch size | entries/s | appends (fsync'd batches)/s |\n|---|---|---|");
    for (batch, total) in [(1usize, 500usize), (64, 64 * 100), (1024, 1024 * 40)] {
        let (eps, bps) = durable_appends(&tmp.path().join(format!("append-{batch}")), batch, total);
        println!("| {batch} | {eps:.0} | {bps:.1} |");
    }
}

/// Ed25519 batch verification alone, over the first `limit` entries' signatures.
fn raw_batch_rate(dir: &Path, limit: usize) -> f64 {
    let path = dir.join(LOG_FILE);
    let mut records = RecordReader::new(BufReader::new(File::open(&path).unwrap()), &path).unwrap();
    let mut keys: HashMap<[u8; 32], VerifyingKey> = HashMap::new();
    let (mut messages, mut signatures, mut vkeys) = (Vec::new(), Vec::new(), Vec::new());
    while messages.len() < limit {
        let Record::Entry { bytes, .. } = records.next_record().unwrap() else { break };
        let entry = Entry::from_bytes(bytes).unwrap();
        let key = *keys.entry(entry.actor.0).or_insert_with(|| entry.actor.verifying_key().unwrap());
        let (msg, sig) = bytes.split_at(bytes.len() - 64);
        messages.push(msg.to_vec());
        signatures.push(Signature::from_bytes(sig.try_into().unwrap()));
        vkeys.push(key);
    }
    let started = Instant::now();
    for ((m, s), k) in messages.chunks(SIGNATURE_BATCH).zip(signatures.chunks(SIGNATURE_BATCH)).zip(vkeys.chunks(SIGNATURE_BATCH)) {
        let refs: Vec<&[u8]> = m.iter().map(Vec::as_slice).collect();
        ed25519_dalek::verify_batch(&refs, s, k).expect("valid signatures");
    }
    messages.len() as f64 / started.elapsed().as_secs_f64()
}

/// Appends `total` pre-signed entries in batches of `batch`, each batch durable.
fn durable_appends(dir: &Path, batch: usize, total: usize) -> (f64, f64) {
    let key = NamedKey::from_seed("bench.crypto-horizon/valley", [1; 32]).unwrap();
    let mut ledger = Ledger::create(dir, key.clone(), 0).unwrap();
    let first_nonce = ledger.state().next_nonce(&key.public_key());
    // Enrolments: authority entries that every rule allows in any number.
    let entries: Vec<Entry> = (0..total as u64)
        .map(|i| {
            let mut seed = [3u8; 32];
            seed[..8].copy_from_slice(&i.to_be_bytes());
            let player = NamedKey::from_seed("player", seed).unwrap().public_key();
            let body = Body::Enrol { player, role: Role::Guest, name: format!("bench-{i}") };
            Entry::sign(body, &key.signing_key, first_nonce + i, 2 + i).unwrap()
        })
        .collect();
    let started = Instant::now();
    for chunk in entries.chunks(batch) {
        ledger.append(chunk).unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    (total as f64 / secs, (total / batch) as f64 / secs)
}
