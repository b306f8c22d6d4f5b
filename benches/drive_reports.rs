//! Drive reports on the server (numbers go into the README): how many samples per second the
//! authority checks (bounds, clock, the twin's top speed, landmarks, laps of every route) and
//! tallies, as its sequencer runs them, reported as the game does (eight samples, two
//! seconds of driving, a report); and the pure check alone.
//!
//! Run: `cargo bench --no-default-features --bench drive_reports` (add `-- --players N`,
//! default 200 players, each driving three laps of the lakeside route at 25 m/s).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use horizon::ledger::replay::DAY_MS;
use horizon::ledger::{NamedKey, PublicKey, Role};
use horizon::level::drive::{DriveRecord, DriveSample};
use horizon::profile::DataDir;
use horizon::valley::embedded::{EmbeddedValley, Trusted};
use horizon::valley::{ValleyService, block_on_ready};

static NOW: AtomicU64 = AtomicU64::new(0);

fn clock() -> u64 {
    NOW.load(Ordering::SeqCst)
}

fn arg_value(name: &str) -> Option<u64> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(|s| s.parse().expect("a number"))
}

/// Samples every 250 ms along the route's loop, `laps` times, from the spawn point.
fn laps(level: &horizon::level::Level, laps: usize, speed: f32) -> Vec<DriveSample> {
    let route = level.route("lakeside").expect("the lakeside route");
    let step = speed * 0.25 / route.length_m();
    let count = (laps as f32 / step) as usize;
    (0..count).map(|i| (i as u64 * 250, route.point_at(i as f32 * step))).map(|(t_ms, (x, z))| DriveSample { t_ms, x, z }).collect()
}

fn main() {
    let players = arg_value("--players").unwrap_or(200);
    let level = horizon::level::bundled("Stone Valley").expect("the bundled valley");
    let samples = laps(&level, 3, 25.0);
    println!("## Drive reports ({players} players × {} samples, 3 laps each)\n", samples.len());

    let tmp = tempfile::tempdir().expect("temporary directory");
    let day0 = 20_400 * DAY_MS + 10 * 3_600_000;
    NOW.store(day0, Ordering::SeqCst);
    let mut valley = EmbeddedValley::open_shared(&DataDir(tmp.path().join("server")), clock, horizon::economy::EconomyTables::shared(), "crypto-horizon.valley/bench", &Trusted::default())
        .expect("a shared valley");
    let keys: Vec<PublicKey> = (0..players)
        .map(|p| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&p.to_be_bytes());
            let key = NamedKey::from_seed("player", seed).expect("a key").public_key();
            valley.enrol(key, Role::Guest, "Bench").expect("enrolled");
            block_on_ready(valley.start_drive(&key, "Stone Valley")).expect("a drive");
            key
        })
        .collect();
    // All players drive at once: each round, every player's next two seconds.
    let started = Instant::now();
    let mut reports = 0u64;
    for chunk in samples.chunks(8) {
        NOW.store(day0 + chunk.last().expect("samples").t_ms, Ordering::SeqCst);
        for key in &keys {
            block_on_ready(valley.report_drive(key, chunk.to_vec())).expect("a plausible drive");
            reports += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let total = samples.len() as u64 * players;
    println!("server: {total} samples in {reports} reports checked in {secs:.2} s = {:.0} samples/s, {:.0} reports/s", total as f64 / secs, reports as f64 / secs);

    let started = Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        let mut record = DriveRecord::default();
        record.extend(&level, 30.0, u64::MAX / 2, &samples).expect("a plausible drive");
        assert!(record.best_laps_ms.contains_key("lakeside"));
    }
    let secs = started.elapsed().as_secs_f64();
    println!("pure check: {:.0} samples/s", (rounds * samples.len()) as f64 / secs);
}
