//! Shared helpers: small ledgers with known content.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use horizon::ledger::checkpoint::sign_checkpoint;
use horizon::ledger::merkle::{RootAccumulator, leaf_hash};
use horizon::ledger::store::{CHECKPOINT_FILE, LOG_FILE, LOG_HEADER, VKEY_FILE, frame_record};
use horizon::ledger::replay::DAY_MS;
use horizon::ledger::{Body, Entry, Ledger, NamedKey, Pool, Role, Scope};

/// A local origin: the small ledgers attest self-reported trips, which only local ledgers allow.
pub const ORIGIN: &str = "crypto-horizon.local/test-valley";
pub const T0: u64 = 1_760_000_000_000;

pub fn log_key() -> NamedKey {
    NamedKey::from_seed(ORIGIN, [7; 32]).unwrap()
}

pub fn player_key(n: u8) -> NamedKey {
    NamedKey::from_seed("player", [100 + n; 32]).unwrap()
}

/// A ledger with an owner (player 1: 3 stones mined, 1 spent on tyres, more deposits
/// waiting, 30 crystals) and a guest (player 2: 30 crystals). Entries 5, 6, 7 are mints.
pub fn small_ledger(dir: &Path) -> Ledger {
    let mut ledger = Ledger::create(dir, log_key(), T0).unwrap();
    let owner = player_key(1);
    let guest = player_key(2);
    let enrol_owner = ledger
        .sign_as_authority(
            Body::Enrol { player: owner.public_key(), role: Role::Owner { vehicle: "EV-7F3A".into() }, name: "ada".into() },
            T0 + 1,
        )
        .unwrap();
    ledger.append(&[enrol_owner]).unwrap();
    let enrol_guest = ledger
        .sign_as_authority(Body::Enrol { player: guest.public_key(), role: Role::Guest, name: "bo".into() }, T0 + 2)
        .unwrap();
    ledger.append(&[enrol_guest]).unwrap();
    let consent = player_entry(&ledger, &owner, Body::Consent { scope: Scope::Mileage, granted: true });
    ledger.append(&[consent]).unwrap();
    let attest = ledger
        .sign_as_authority(
            Body::MileageAttestation {
                player: owner.public_key(),
                trip: [1; 32],
                day: (T0 / DAY_MS) as u32,
                km: 80,
                first_km: 0,
                beacon: ledger.state().beacon_at((T0 / DAY_MS) as u32, ledger.checkpoint().root.0),
            },
            T0 + 4,
        )
        .unwrap();
    ledger.append(&[attest]).unwrap();
    let deposits: Vec<_> = ledger.state().player(&owner.public_key()).unwrap().deposits.values().copied().collect();
    assert!(deposits.len() >= 4, "80 km at 0.21 stones/km drop {} stones", deposits.len());
    // Mine three of them; the rest stay in the valley.
    for (i, d) in deposits.iter().take(3).enumerate() {
        let mint = ledger
            .sign_as_authority(
                Body::Mint {
                    player: owner.public_key(),
                    pool: Pool::Mileage,
                    amount_milli: d.amount_milli,
                    cause: d.cause,
                    km_index: d.km_index,
                },
                T0 + 5 + i as u64,
            )
            .unwrap();
        ledger.append(&[mint]).unwrap();
    }
    for p in [&owner, &guest] {
        let award = ledger
            .sign_as_authority(Body::CrystalAward { player: p.public_key(), amount: 30, task: "visit-lookout".into() }, T0 + 9)
            .unwrap();
        ledger.append(&[award]).unwrap();
    }
    let buy = player_entry(&ledger, &owner, Body::Purchase { item: "tyres-1".into(), price_milli: 1_000 });
    ledger.append(&[buy]).unwrap();
    ledger
}

/// An entry signed by a player with their next nonce.
pub fn player_entry(ledger: &Ledger, key: &NamedKey, body: Body) -> Entry {
    let nonce = ledger.state().next_nonce(&key.public_key());
    Entry::sign(body, &key.signing_key, nonce, T0 + 100 + nonce).unwrap()
}

/// Writes a ledger straight to disk, bypassing every check of `Ledger::append`, with a valid
/// signed checkpoint: what a dishonest or buggy authority could publish.
pub fn write_raw_ledger(dir: &Path, key: &NamedKey, entries: &[Vec<u8>]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut log = LOG_HEADER.to_vec();
    let mut tree = RootAccumulator::default();
    for bytes in entries {
        frame_record(bytes, &mut log);
        tree.push(leaf_hash(bytes));
    }
    std::fs::write(dir.join(LOG_FILE), log).unwrap();
    std::fs::write(dir.join(CHECKPOINT_FILE), sign_checkpoint(key, tree.size(), tree.root()).note).unwrap();
    std::fs::write(dir.join(VKEY_FILE), key.verifier_key()).unwrap();
}

/// Splits a log file into its header and framed records (frame included).
pub fn split_records(log: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = LOG_HEADER.len();
    while pos < log.len() {
        let len = u32::from_be_bytes(log[pos..pos + 4].try_into().unwrap()) as usize;
        out.push(log[pos..pos + 8 + len].to_vec());
        pos += 8 + len;
    }
    out
}

/// `horizon serve` as a child process; killed when dropped. It binds a free port itself
/// (`--addr 127.0.0.1:0`) and says which in the line it prints once bound, `listening on
/// http://ADDR`: no port is picked before the bind, so no other test can take it meanwhile.
/// A server that must be reached at one address across restarts sits behind a proxy that
/// stays up (see `sync::Proxy`); each restart has a port of its own.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    /// Serves `data` with the default limits.
    pub fn start(data: &Path) -> Server {
        Server::start_with(data, &[])
    }

    /// Serves with extra `horizon serve` options (limits, timeouts), trusting the demo
    /// maker (the tests' cars are simulated).
    pub fn start_with(data: &Path, options: &[&str]) -> Server {
        Server::spawn(data, &[&["--trust-demo-maker"], options].concat())
    }

    /// Serves with exactly these options.
    pub fn spawn(data: &Path, options: &[&str]) -> Server {
        Server::spawn_on(data, "127.0.0.1:0", options)
    }

    /// Serves `data` again where a stopped server was (`addr`, host:port), trusting the demo
    /// maker: for clients that keep one address (a show machine's configuration). The port
    /// was this test's a moment ago; no test binds a port it did not get from the system.
    pub fn restart_at(data: &Path, addr: &str) -> Server {
        Server::spawn_on(data, addr, &["--trust-demo-maker"])
    }

    fn spawn_on(data: &Path, addr: &str, options: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_horizon"))
            .arg("--data-dir")
            .arg(data)
            .args(["serve", "--addr", addr])
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let bound: std::net::SocketAddr = match line.trim().strip_prefix("listening on http://").map(str::parse) {
            Some(Ok(addr)) => addr,
            _ => panic!("server said {line:?}, not `listening on http://ADDR`"),
        };
        assert!(bound.ip().is_loopback() && bound.port() != 0, "server said {line:?}");
        Server { child, url: format!("http://{bound}") }
    }

    /// host:port
    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The name requests to the server with data in `data` are signed for (its verifier key).
pub fn server_name(data: &Path) -> String {
    std::fs::read_to_string(data.join("ledger").join(VKEY_FILE)).unwrap().trim().to_string()
}

/// A simulated car in `dir/car-<vehicle>`, provisioned by the demo maker (as a car on the
/// road for the last week), paired with `owner`.
pub fn paired_car(dir: &Path, vehicle: &str, owner: horizon::ledger::PublicKey) -> (horizon::simulated_car::SimulatedCar, horizon::telemetry::car_signed::Pairing) {
    let now = horizon::valley::embedded::system_clock();
    let provisioned = now - horizon::simulated_car::SIMULATED_HISTORY_MS;
    let mut car = horizon::simulated_car::SimulatedCar::open_or_create(&dir.join(format!("car-{vehicle}")), vehicle, &horizon::ledger::car::demo_maker_key(), provisioned).unwrap();
    let pairing = car.pair(owner, now).unwrap();
    (car, pairing)
}

/// The trips signed by the car of `vehicle` in `dir` (see [`paired_car`]).
pub fn car_signed(dir: &Path, vehicle: &str, trips: &[horizon::telemetry::TripSummary]) -> Vec<horizon::ledger::car::SignedTrip> {
    let mut car = horizon::simulated_car::SimulatedCar::open(&dir.join(format!("car-{vehicle}"))).unwrap();
    car.sign_trips(trips, true).unwrap()
}

/// Runs `horizon` in `data` and returns what it printed; panics, with that, if it fails.
pub fn horizon_ok(data: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_horizon")).arg("--data-dir").arg(data).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{args:?}: {text}");
    text
}

/// As a new player would with the command line: join the server at `url`, grant the mileage
/// scope, build a simulated car EV-DEMO-01 (in `data/car-demo`), pair it, and let it sign and
/// send the sample week as if just driven. Returns what the last import printed.
pub fn cli_owner_with_sample_week(data: &Path, url: &str) -> String {
    let car = data.join("car-demo");
    let car = car.to_str().unwrap();
    horizon_ok(data, &["sync", "--server", url]);
    horizon_ok(data, &["consent", "grant", "mileage"]);
    horizon_ok(data, &["car", "new", "--car", car, "--vehicle", "EV-DEMO-01"]);
    let pairing = format!("{car}/pairing.json");
    horizon_ok(data, &["car", "pair", "--car", car, "--out", &pairing]);
    horizon_ok(data, &["import", &pairing]);
    let trips = format!("{car}/week.json");
    horizon_ok(data, &["car", "drive", "--car", car, "--now", "--out", &trips, concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample/trips.json")]);
    horizon_ok(data, &["import", &trips])
}

/// The event organiser the tests' servers trust with `Server::start_with(dir, &organiser_option())`.
pub fn organiser() -> NamedKey {
    NamedKey::from_seed("organiser", [41; 32]).unwrap()
}

/// `--organiser Expo=KEY` for [`organiser`].
pub fn organiser_option() -> [String; 2] {
    ["--organiser".into(), format!("Expo={}", organiser().public_key().to_hex())]
}

/// The origin line of the ledger a server serves from `data`.
pub fn valley_origin(data: &Path) -> String {
    std::fs::read_to_string(data.join("ledger").join("checkpoint")).unwrap().lines().next().unwrap().to_string()
}

/// A co-creation grant for `player` from [`organiser`] at event `event` today: 100 crystals.
pub fn grant_for(valley: &str, event: &str, player: horizon::ledger::PublicKey) -> horizon::ledger::grant::Grant {
    let today = (horizon::valley::embedded::system_clock() / horizon::ledger::replay::DAY_MS) as u32;
    horizon::ledger::grant::Grant::sign(&organiser().signing_key, valley, event, player, today).unwrap()
}

/// Samples of a car driving straight legs through `points` at `speed` m/s, one every 250 ms,
/// times from `start_ms`.
pub fn drive_samples(points: &[(f32, f32)], speed: f32, start_ms: u64) -> Vec<horizon::level::drive::DriveSample> {
    use horizon::level::drive::DriveSample;
    // Every 250 ms along the whole polyline (legs of any length, even none); the end may fall
    // short by less than one step.
    let legs: Vec<((f32, f32), (f32, f32), f32)> = points.windows(2).map(|w| (w[0], w[1], ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())).collect();
    let total: f32 = legs.iter().map(|l| l.2).sum();
    let step_m = speed * 0.25;
    let count = (total / step_m).floor() as usize;
    let at = |mut d: f32| {
        for &(a, b, len) in &legs {
            if d <= len && len > 0.0 {
                let f = d / len;
                return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
            }
            d -= len;
        }
        *points.last().unwrap()
    };
    (0..=count)
        .map(|i| {
            let d = (i as f32 * step_m).min(total);
            let (x, z) = at(d);
            DriveSample { t_ms: start_ms + (d / speed * 1000.0).round() as u64, x, z }
        })
        .collect()
}

/// Drives from the Stone Valley's spawn to each landmark in turn as the twin could (straight
/// legs at 90 % of its top speed, ending 10 m from each landmark), reporting to `valley` in
/// real time: each second's samples go once that second has passed. Returns what the valley
/// last said of today's driving.
pub async fn drive_to<V: horizon::valley::ValleyService>(valley: &mut V, me: &horizon::ledger::PublicKey, landmarks: &[&str]) -> horizon::valley::DriveProgress {
    let level = horizon::level::bundled("Stone Valley").unwrap();
    let top = horizon::twin::vehicle_params(&valley.player(me).await.unwrap().stats).top_speed_mps;
    let mut points = vec![level.spawn.position];
    for id in landmarks {
        let (x, z) = level.landmark(id).unwrap().position;
        let from = *points.last().unwrap();
        let length = ((x - from.0).powi(2) + (z - from.1).powi(2)).sqrt();
        let f = ((length - 10.0) / length).max(0.0);
        points.push((from.0 + (x - from.0) * f, from.1 + (z - from.1) * f));
    }
    let samples = drive_samples(&points, top * 0.9, 0);
    valley.start_drive(me, "Stone Valley").await.unwrap();
    let began = std::time::Instant::now();
    let mut progress = horizon::valley::DriveProgress::default();
    for chunk in samples.chunks(4) {
        let until = std::time::Duration::from_millis(chunk.last().unwrap().t_ms);
        if let Some(wait) = until.checked_sub(began.elapsed()) {
            std::thread::sleep(wait);
        }
        progress = valley.report_drive(me, chunk.to_vec()).await.unwrap();
    }
    progress
}
