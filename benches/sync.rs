//! Sync benchmark (numbers go into the README): car-signed trips ingested per second by one
//! `horizon serve` over loopback with 50 concurrent clients (each paired with a simulated
//! car, whose trips are signed before the clock starts, as a car signs them while driving),
//! each request signed, checked, attested and answered durably, with p50/p99 latency; meanwhile a reader asks for
//! `GET /checkpoint` every 5 ms (p50/p99: reads must not wait for the writers); then the
//! server's ledger is verified.
//!
//! Run: `cargo bench --no-default-features --bench sync` (no Bevy needed).

use std::time::{Duration, Instant};

use horizon::ledger::car::demo_maker_key;
use horizon::ledger::{Body, NamedKey, Scope};
use horizon::simulated_car::{SIMULATED_HISTORY_MS, SimulatedCar};
use horizon::profile::DataDir;
use horizon::telemetry::TripSummary;
use horizon::valley::embedded::system_clock;
use horizon::client::http::HttpValley;
use horizon::client::queue::Intent;
use horizon::server::{RateLimits, ServeOptions, ValleyServer, serve_on};
use horizon::valley::wire::{CarTripsRequest, EnrolRequest};
use horizon::valley::ValleyService;
use horizon::valley::wire::new_idempotency_key;

const CLIENTS: usize = 50;

/// The `k`-th trip of a car, in the last six days: 25 minutes apart, 10 minutes long.
fn trip(vehicle: &str, k: i64, odometer: f64, km: f64) -> TripSummary {
    let start = (system_clock() / 1000) as i64 - 6 * 86_400 + k * 1500;
    TripSummary {
        vehicle: vehicle.into(),
        start,
        end: start + 600,
        odometer_start_km: odometer,
        odometer_end_km: odometer + km,
        energy_kwh: km * 0.16,
        hard_brakes: 1,
        hard_accelerations: 1,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Figures {
    trips_per_s: f64,
    p50: Duration,
    p99: Duration,
    checkpoint_p50: Duration,
    checkpoint_p99: Duration,
    checkpoint_reads: usize,
    size: u64,
    verify_s: f64,
}

async fn run(requests_per_client: usize, trips_per_request: usize) -> Figures {
    let server_dir = tempfile::tempdir().unwrap();
    let server = ValleyServer::open(&DataDir(server_dir.path().to_path_buf()), system_clock, &horizon::server::ServerTrust::demo()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Every client is on 127.0.0.1: the per-address limit would measure itself.
    let rate = RateLimits { per_address_per_s: 1_000_000, address_burst: 1_000_000, per_key_per_s: 1_000_000, key_burst: 1_000_000 };
    tokio::spawn(async move { serve_on(listener, server, ServeOptions { rate, max_connections_per_address: 1024, ..ServeOptions::default() }).await.unwrap() });

    // Enrol the clients with the mileage scope, each paired with a simulated car whose
    // trips are signed here, before the clock starts.
    let mut clients = Vec::new();
    let dirs: Vec<_> = (0..CLIENTS).map(|_| tempfile::tempdir().unwrap()).collect();
    for (i, dir) in dirs.iter().enumerate() {
        let key = NamedKey::from_seed("player", [i as u8 + 1; 32]).unwrap();
        let mut v = HttpValley::open(&DataDir(dir.path().to_path_buf()), &url, NamedKey::from_seed("player", [i as u8 + 1; 32]).unwrap(), system_clock).unwrap();
        v.sync_replica().await.unwrap();
        v.enqueue(Intent::Enrol(EnrolRequest { name: format!("bench {i}"), vehicle: None })).unwrap();
        v.flush().await.unwrap();
        v.sync_replica().await.unwrap();
        let consent = v.sign(Body::Consent { scope: Scope::Mileage, granted: true }).unwrap();
        v.submit(consent).await.unwrap();
        let vehicle = format!("EV-BENCH-{i:02}");
        let now = system_clock();
        let mut car = SimulatedCar::open_or_create(&dir.path().join("car"), &vehicle, &demo_maker_key(), now - SIMULATED_HISTORY_MS).unwrap();
        v.pair(&key.public_key(), car.pair(key.public_key(), now).unwrap()).await.unwrap();
        let trips: Vec<TripSummary> = (0..(requests_per_client * trips_per_request) as i64).map(|k| trip(&vehicle, k, 10_000.0 + 2.0 * k as f64, 2.0)).collect();
        let signed = car.sign_trips(&trips, false).unwrap();
        let bodies: Vec<Vec<u8>> = signed.chunks(trips_per_request).map(|c| serde_json::to_vec(&CarTripsRequest::new(c)).unwrap()).collect();
        clients.push((v, bodies));
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (done, url) = (done.clone(), url.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let t0 = Instant::now();
                let r = client.get(format!("{url}/checkpoint")).send().await.unwrap();
                assert!(r.status().is_success());
                r.bytes().await.unwrap();
                latencies.push(t0.elapsed());
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            latencies
        })
    };
    for (mut v, bodies) in clients {
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for body in bodies {
                let t0 = Instant::now();
                v.post("car-trips", &body, &new_idempotency_key()).await.unwrap();
                latencies.push(t0.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reads = reader.await.unwrap();
    reads.sort();
    latencies.sort();
    let trips = (CLIENTS * requests_per_client * trips_per_request) as f64;

    let verify_started = Instant::now();
    let report = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).expect("the server's ledger verifies");
    let verify_s = verify_started.elapsed().as_secs_f64();
    assert_eq!(report.state.entries_by_kind.get(&horizon::ledger::Kind::CarTrip).copied(), Some(trips as u64), "every trip was attested");
    Figures {
        trips_per_s: trips / elapsed,
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
        checkpoint_p50: percentile(&reads, 0.5),
        checkpoint_p99: percentile(&reads, 0.99),
        checkpoint_reads: reads.len(),
        size: report.checkpoint.size,
        verify_s,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    println!("## Sync benchmark\n");
    println!("One `horizon serve` (in-process, loopback), {CLIENTS} concurrent clients, each request signed by its player, checked, attested and its answer kept durably; one reader asks for the checkpoint every 5 ms meanwhile.\n");
    println!("| trips per request | trips ingested/s | p50 latency | p99 latency | `GET /checkpoint` p50 | p99 | (reads) | ledger entries | ledger verified in |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (requests, per_request) in [(40, 1), (8, 10), (2, 100)] {
        let f = rt.block_on(run(requests, per_request));
        println!(
            "| {per_request} | {:.0} | {} | {} | {} | {} | {} | {} | {:.2} s (ok) |",
            f.trips_per_s,
            ms(f.p50),
            ms(f.p99),
            ms(f.checkpoint_p50),
            ms(f.checkpoint_p99),
            f.checkpoint_reads,
            f.size,
            f.verify_s
        );
    }
}
