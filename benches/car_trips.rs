//! Car-signed trips on the server (numbers go into the README): how many trips per second
//! the authority verifies and records (the details' digest and times, the car's Ed25519
//! signature, the per-car counter, odometer, window and daily cap, the entry signed and
//! staged, batches made durable), against the raw single-signature Ed25519 rate of the same
//! machine; and how fast `ledger verify` replays such a ledger, car signatures included.
//!
//! Run: `cargo bench --no-default-features --bench car_trips` (add `-- --cars N --trips T`,
//! default 500 cars of 20 trips each).

use std::time::Instant;

use ed25519_dalek::{Signer, SigningKey};
use horizon::ledger::car::{SignedTrip, demo_maker_key};
use horizon::ledger::{Body, NamedKey, PublicKey, Role, Scope};
use horizon::profile::DataDir;
use horizon::simulated_car::{SIMULATED_HISTORY_MS, SimulatedCar};
use horizon::telemetry::TripSummary;
use horizon::valley::EmbeddedValley;
use horizon::valley::embedded::{Trusted, system_clock};

fn arg_value(name: &str) -> Option<u64> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(|s| s.parse().expect("a number"))
}

fn main() {
    let cars = arg_value("--cars").unwrap_or(500);
    let trips_per_car = arg_value("--trips").unwrap_or(20);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let data = DataDir(tmp.path().join("server"));
    let mut valley = EmbeddedValley::open_shared(&data, system_clock, horizon::economy::EconomyTables::shared(), "crypto-horizon.valley/bench", &Trusted::demo()).expect("a shared valley");
    valley.start_batching();
    let now = system_clock();
    let now_s = (now / 1000) as i64;

    // Players, each with a paired simulated car, and their cars' signed trips (set-up, not timed).
    let mut fleet: Vec<(PublicKey, Vec<SignedTrip>)> = Vec::new();
    for c in 0..cars {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&c.to_be_bytes());
        let player = NamedKey::from_seed("player", seed).expect("a key");
        let me = player.public_key();
        valley.enrol(me, Role::Guest, &format!("p{c}")).expect("enrol");
        let consent = valley.sign_for(&player, Body::Consent { scope: Scope::Mileage, granted: true }).expect("sign");
        horizon::valley::block_on_ready(horizon::valley::ValleyService::submit(&mut valley, consent)).expect("consent");
        let mut car = SimulatedCar::open_or_create(&tmp.path().join(format!("car{c}")), &format!("EV-B-{c}"), &demo_maker_key(), now - SIMULATED_HISTORY_MS).expect("a car");
        valley.pair(&me, car.pair(me, now).expect("pair")).expect("paired");
        let trips: Vec<TripSummary> = (0..trips_per_car as i64)
            .map(|i| {
                // Spread over the last six days, two hours apart, 25 km each.
                let start = now_s - 6 * 86_400 + i * 7200;
                TripSummary { vehicle: car.vehicle().into(), start, end: start + 1800, odometer_start_km: 25.0 * i as f64, odometer_end_km: 25.0 * (i + 1) as f64, energy_kwh: 4.0, hard_brakes: 0, hard_accelerations: 0 }
            })
            .collect();
        fleet.push((me, car.sign_trips(&trips, false).expect("signed")));
    }
    valley.commit().expect("commit");

    println!("## Car-signed trips ({cars} cars × {trips_per_car} trips)\n");
    let total = cars * trips_per_car;
    let started = Instant::now();
    let mut recorded = 0u64;
    let mut since_commit = 0;
    for (me, trips) in fleet {
        let n = trips.len();
        let report = valley.import_car(&me, trips).expect("import");
        recorded += report.checked.iter().filter(|c| matches!(c.verdict, horizon::telemetry::Verdict::Accepted { .. })).count() as u64;
        since_commit += n;
        // The server's sequencer makes up to 1,024 requests durable at once.
        if since_commit >= 1024 {
            valley.commit().expect("commit");
            since_commit = 0;
        }
    }
    valley.commit().expect("commit");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(recorded, total, "every trip was recorded");
    println!("server: {total} car-signed trips verified and recorded in {secs:.2} s = {:.0} trips/s (details, car signature, per-car checks, entry signed, durable batches)", total as f64 / secs);

    // The raw rate of one Ed25519 strict verification, on this machine, now.
    let key = SigningKey::from_bytes(&[9; 32]);
    let message = [7u8; 120];
    let signature = key.sign(&message);
    let verifying = key.verifying_key();
    let n = 20_000;
    let started = Instant::now();
    for _ in 0..n {
        verifying.verify_strict(std::hint::black_box(&message), &signature).expect("verifies");
    }
    let raw = n as f64 / started.elapsed().as_secs_f64();
    println!("raw: {raw:.0} single Ed25519 verifications/s; the server's path does one car and one entry signature per trip");

    drop(valley);
    let started = Instant::now();
    let report = horizon::ledger::verify::verify_ledger(&data.ledger(), None, &mut |_, _| {}).expect("verifies");
    let secs = started.elapsed().as_secs_f64();
    println!("verify: {} entries ({total} car trips) in {secs:.2} s = {:.0} entries/s (batched entry signatures, each car signature on its own)", report.checkpoint.size, report.checkpoint.size as f64 / secs);
}
