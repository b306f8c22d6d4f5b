//! Game benchmarks (numbers go into the README), release build with the game:
//! - simulation cost per fixed tick of the play loop (terrain collider, landmarks, the car on
//!   autopilot, ~500 deposits, mining through the authority, tasks) on one core, headless;
//! - frames per second at 1280×720 and the time from start to the first valley frame, by
//!   running the release `horizon play` under Xvfb (Mesa's lavapipe here; a GPU elsewhere).
//!
//! Run: `cargo bench --bench sim` (Xvfb, from `scripts/setup-debian.sh --render`).

use std::process::Command;
use std::time::Instant;

use horizon::game::authority::Authority;
use horizon::game::authority_link::AuthorityLink;
use horizon::game::autopilot::Autopilot;
use horizon::game::deposits::DepositCrystal;
use horizon::game::play_app;
use horizon::level::Level;
use horizon::profile::DataDir;
use horizon::telemetry::TripSummary;
use horizon::valley::embedded::system_clock;
use horizon::valley::{EmbeddedValley, ValleyService, block_on_ready};

const TICKS: u32 = 3_000;
/// Deposits in the valley while the tick is measured.
const DEPOSITS: usize = 500;

fn main() {
    // One core: the task pools get one thread each.
    bevy::tasks::ComputeTaskPool::get_or_init(|| bevy::tasks::TaskPoolBuilder::new().num_threads(1).build());
    let level = Level::parse("levels/stone_valley.ron", horizon::game::DEFAULT_LEVEL).expect("bundled level");
    // The sample profile, plus a month more of the sample car's driving: ~500 deposits.
    let data = tempfile::tempdir().expect("temporary directory");
    let (mut valley, key) = EmbeddedValley::open_with_player(&DataDir(data.path().to_path_buf()), system_clock).expect("a profile");
    let me = key.public_key();
    let mut odometer = valley.accepted_trips(&me).iter().map(|t| t.odometer_end_km).fold(0.0, f64::max);
    let today = (system_clock() / horizon::ledger::replay::DAY_MS) as i64;
    let mut day = today - 29;
    while block_on_ready(valley.player(&me)).expect("player").state.deposits.len() < DEPOSITS && day < today {
        let start = day * 86_400 + 8 * 3600;
        let trip = TripSummary { vehicle: "EV-DEMO-01".into(), start, end: start + 4 * 3600, odometer_start_km: odometer, odometer_end_km: odometer + 450.0, energy_kwh: 70.0, hard_brakes: 2, hard_accelerations: 1 };
        odometer += 450.0;
        day += 1;
        block_on_ready(valley.import_trips(&me, vec![trip])).expect("import");
    }
    let mut app = play_app(level, Authority::embedded(valley, key), data.path());
    for _ in 0..60 {
        app.update();
    }
    let deposits = app.world_mut().query::<&DepositCrystal>().iter(app.world()).count();
    // The autopilot drives (and mines) while the ticks are timed.
    app.insert_resource(Autopilot::on_route(0));
    // Ticks in which the authority appended to the ledger (a deposit mined: an fsync'd
    // append and checkpoint) are counted apart from the simulation's own cost.
    let (mut plain, mut mining) = (Vec::new(), Vec::new());
    for _ in 0..TICKS {
        let size = app.world().resource::<AuthorityLink>().ledger.size;
        let t0 = Instant::now();
        app.update();
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        if app.world().resource::<AuthorityLink>().ledger.size == size { plain.push(ms) } else { mining.push(ms) }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    plain.sort_by(f64::total_cmp);
    let per_tick_ms = mean(&plain);
    let p99 = plain.get(plain.len() * 99 / 100).copied().unwrap_or_default();
    let left = app.world_mut().query::<&DepositCrystal>().iter(app.world()).count();

    println!("## Game benchmarks\n");
    println!("| measure | value |\n|---|---|");
    println!(
        "| simulation per fixed 1/60 s tick of the play loop (terrain collider, landmarks, the car on autopilot, {deposits} deposits, tasks), one core, headless (goal < 1 ms) | {per_tick_ms:.3} ms mean, {p99:.3} ms p99 ({} ticks) |",
        plain.len()
    );
    println!(
        "| a tick in which a deposit is mined (the authority's fsync'd ledger append and checkpoint) | {:.1} ms mean ({} of {TICKS} ticks; {} deposits mined) |",
        mean(&mining),
        mining.len(),
        deposits - left
    );

    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_horizon"));
    let data = tempfile::tempdir().expect("temporary directory");
    for (w, h) in [(1280, 720)] {
        let out = Command::new("xvfb-run")
            .args(["-a", "-s", &format!("-screen 0 {w}x{h}x24")])
            .arg(exe)
            .args(["--data-dir", data.path().to_str().expect("utf-8"), "play", "--frames", "120"])
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = String::from_utf8_lossy(&o.stdout);
                match text.lines().find(|l| l.starts_with("timing:")) {
                    Some(line) => println!("| `horizon play` at {w}×{h}, software renderer (lavapipe) | {} |", line.trim_start_matches("timing: ")),
                    None => println!("| `horizon play` at {w}×{h} | no timing line |"),
                }
            }
            other => println!("| `horizon play` at {w}×{h} | not measured: {other:?} |"),
        }
    }
}
