//! Sync against the real `horizon serve` over loopback: the authority's contract on both
//! implementations, faults between them (a fault-injecting TCP proxy in front of the real
//! server, and the server killed and restarted), replays, forgeries, rollbacks and forks,
//! consent, privacy, export and forget.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use horizon::ledger::replay::DAY_MS;
use horizon::ledger::{Body, Entry, Kind, NamedKey, Role, Scope};
use horizon::profile::DataDir;
use horizon::telemetry::TripSummary;
use horizon::valley::embedded::system_clock;
use horizon::client::http::HttpValley;
use horizon::client::queue::Intent;
use horizon::valley::wire::{EnrolRequest, TripsRequest};
use horizon::valley::{EmbeddedValley, ValleyError, ValleyService};

use super::support::{Server, server_name};

const EXE: &str = env!("CARGO_BIN_EXE_horizon");

fn horizon(data: &Path, args: &[&str]) -> Output {
    Command::new(EXE).arg("--data-dir").arg(data).args(args).output().expect("horizon runs")
}

fn stdout(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A free loopback port (bound and released: good enough on a test machine).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// Trips of `vehicle` on the last three days, 60 km each.
fn trips(vehicle: &str, odometer: f64) -> Vec<TripSummary> {
    let today = (system_clock() / DAY_MS) as i64;
    (0..3)
        .map(|i| {
            let start = (today - 3 + i) * 86_400 + 8 * 3600;
            TripSummary {
                vehicle: vehicle.into(),
                start,
                end: start + 3600,
                odometer_start_km: odometer + 60.0 * i as f64,
                odometer_end_km: odometer + 60.0 * (i + 1) as f64,
                energy_kwh: 9.5,
                hard_brakes: 1,
                hard_accelerations: 0,
            }
        })
        .collect()
}

/// What every implementation of the authority must do, in one player's story.
async fn contract<V: ValleyService>(valley: &mut V, key: &NamedKey, sign: impl Fn(&V, Body) -> Entry) {
    let me = key.public_key();
    let start = valley.player(&me).await.unwrap();
    assert!(start.state.is_owner());
    assert_eq!(start.state.stones_milli, 0);

    let report = valley.import_trips(&me, trips("EV-C-1", 1000.0)).await.unwrap();
    assert_eq!(report.checked.len(), 3);
    assert_eq!(report.attested_km, 180);
    assert!(!report.new_deposits.is_empty(), "180 km drop stones");
    let again = valley.import_trips(&me, trips("EV-C-1", 1000.0)).await.unwrap();
    assert_eq!((again.already_imported, again.new_deposits.len()), (3, 0), "a trip is attested once");
    let view = valley.player(&me).await.unwrap();
    let waiting: u64 = report.new_deposits.iter().map(|d| d.amount_milli).sum();
    assert_eq!(view.state.unmined_milli(), waiting);
    assert!((view.stats.real_km - 180.0).abs() < 1e-6, "the twin counts the accepted km: {}", view.stats.real_km);

    let d = report.new_deposits[0];
    let mined = valley.mine(&me, d.km_index).await.unwrap();
    assert_eq!(mined.amount_milli, d.amount_milli);
    assert!(matches!(valley.mine(&me, d.km_index).await, Err(ValleyError::NoSuchDeposit(k)) if k == d.km_index));
    assert_eq!(valley.player(&me).await.unwrap().state.stones_milli, d.amount_milli);

    assert_eq!(valley.complete_task(&me, "visit-garage").await.unwrap(), 10);
    assert!(matches!(valley.complete_task(&me, "visit-garage").await, Err(ValleyError::TaskDone(_))));
    assert!(matches!(valley.complete_task(&me, "no-such-task").await, Err(ValleyError::UnknownTask(_))));

    let c = valley.commit_box(&me).await.unwrap();
    assert!(matches!(valley.open_box(&me, c, [1; 32]).await, Err(ValleyError::NotEnoughCrystals { price: 100, have: 10 })));
    for task in ["visit-lookout", "visit-spires", "visit-arch"] {
        valley.complete_task(&me, task).await.unwrap();
    }
    let c = valley.commit_box(&me).await.unwrap();
    let opening = valley.open_box(&me, c, [7; 32]).await.unwrap();
    assert_eq!(opening.commitment, c);
    assert_eq!(horizon::economy::boxes::commitment(&opening.server_seed), c);
    assert!(matches!(valley.open_box(&me, c, [7; 32]).await, Err(ValleyError::NoCommitment(_))));
    assert_eq!(valley.player(&me).await.unwrap().state.boxes_opened, 1);

    let purchase = sign(valley, Body::Purchase { item: "tyres-1".into(), price_milli: 1000 });
    valley.submit(purchase).await.unwrap();
    let view = valley.player(&me).await.unwrap();
    assert!(view.state.items.contains("tyres-1"));
    assert_eq!(view.state.stones_milli, d.amount_milli - 1000 + match opening.prize {
        horizon::ledger::Prize::Stone { amount_milli } => amount_milli,
        _ => 0,
    });
    let overdraft = sign(valley, Body::Purchase { item: "motor-3".into(), price_milli: 12_000 });
    assert!(valley.submit(overdraft).await.is_err(), "no tiers skipped, no overdraft");
}

fn embedded_owner(dir: &Path) -> (EmbeddedValley, NamedKey) {
    let mut valley = EmbeddedValley::open(&DataDir(dir.to_path_buf()), system_clock).unwrap();
    let key = NamedKey::from_seed("player", [42; 32]).unwrap();
    valley.enrol(key.public_key(), Role::Owner { vehicle: "EV-C-1".into() }, "Ada").unwrap();
    for scope in [Scope::Mileage, Scope::Behaviour] {
        let e = valley.sign_for(&key, Body::Consent { scope, granted: true }).unwrap();
        horizon::valley::block_on_ready(valley.submit(e)).unwrap();
    }
    (valley, key)
}

/// A client of `url` enrolled as the owner of EV-C-1 with both scopes.
async fn http_owner(dir: &Path, url: &str, seed: u8) -> (HttpValley, NamedKey) {
    let key = NamedKey::from_seed("player", [seed; 32]).unwrap();
    let mut valley = HttpValley::open(&DataDir(dir.to_path_buf()), url, NamedKey::from_seed("player", [seed; 32]).unwrap(), system_clock).unwrap();
    valley.sync_replica().await.unwrap();
    valley.enqueue(Intent::Enrol(EnrolRequest { name: "Ada".into(), vehicle: Some("EV-C-1".into()) })).unwrap();
    valley.flush().await.unwrap();
    valley.sync_replica().await.unwrap();
    for scope in [Scope::Mileage, Scope::Behaviour] {
        let e = valley.sign(Body::Consent { scope, granted: true }).unwrap();
        valley.submit(e).await.unwrap();
    }
    valley.sync_replica().await.unwrap();
    (valley, key)
}

#[test]
fn the_contract_holds_for_the_embedded_authority() {
    let dir = tempfile::tempdir().unwrap();
    let (mut valley, key) = embedded_owner(dir.path());
    let signer = NamedKey::from_seed("player", [42; 32]).unwrap();
    horizon::valley::block_on_ready(contract(&mut valley, &key, |v, body| v.sign_for(&signer, body).unwrap()));
    horizon::ledger::verify::verify_ledger(&dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
}

#[test]
fn the_contract_holds_for_the_http_authority_against_a_real_server() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    rt().block_on(async {
        let (mut valley, key) = http_owner(client_dir.path(), &server.url, 42).await;
        contract(&mut valley, &key, |v, body| v.sign(body).unwrap()).await;
        // The client's verified replica matches the server's ledger entry for entry.
        valley.sync_replica().await.unwrap();
        let answer = reqwest::get(format!("{}/checkpoint", server.url)).await.unwrap().text().await.unwrap();
        let size = valley.replica.size();
        assert!(answer.contains(&format!("\n{size}\n")), "{answer}");
        // The tlog tiles agree with the entry bundles and the checkpoint's root.
        assert!(size < 256, "one partial tile");
        let url = server.url.clone();
        let get = |path: String| {
            let url = url.clone();
            async move { reqwest::get(format!("{url}/{path}")).await.unwrap().bytes().await.unwrap().to_vec() }
        };
        let bundle = get(format!("tile/entries/000.p/{size}")).await;
        let hashes = get(format!("tile/0/000.p/{size}")).await;
        assert_eq!(hashes.len() as u64, 32 * size);
        let mut tree = horizon::ledger::merkle::RootAccumulator::default();
        let (mut at, mut i) = (0, 0);
        while at < bundle.len() {
            let len = u16::from_be_bytes([bundle[at], bundle[at + 1]]) as usize;
            let leaf = horizon::ledger::merkle::leaf_hash(&bundle[at + 2..at + 2 + len]);
            assert_eq!(&hashes[32 * i..32 * i + 32], &leaf.0[..], "tile hash {i} is the entry's leaf hash");
            tree.push(leaf);
            at += 2 + len;
            i += 1;
        }
        assert_eq!(tree.root(), valley.replica.checkpoint().unwrap().root);
        assert_eq!(reqwest::get(format!("{}/tile/0/000.p/{}", server.url, size + 1)).await.unwrap().status(), 404, "nothing past the tree");
        // Each player's state, as the public ledger has it.
        let state: serde_json::Value = reqwest::get(format!("{}/v1/player/{}", server.url, key.public_key().to_hex())).await.unwrap().json().await.unwrap();
        assert_eq!(state["vehicle"], "EV-C-1");
        assert_eq!(state["stones_milli"].as_u64().unwrap(), valley.view(&key.public_key()).unwrap().state.stones_milli);
        assert!(state["items"].as_array().unwrap().iter().any(|i| i == "tyres-1"), "{state}");
    });
    drop(server);
    horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
}

/// What the proxy does to the next request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Answer 500 without passing the request on.
    Status500,
    /// Pass it on, then close without answering (the server acted; the answer is lost).
    DropAnswer,
    /// Pass it on, answer only the first half of the response.
    Truncate,
    /// Pass it on, then hold the connection for this long before closing.
    Hang(Duration),
}

/// A TCP proxy in front of the real server that injects faults and records requests.
struct Proxy {
    url: String,
    plan: Arc<Mutex<VecDeque<Fault>>>,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

fn read_http_message(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
            let len = head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse::<usize>().unwrap_or(0));
            if data.len() >= end + 4 + len {
                return Some(data);
            }
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return if data.is_empty() { None } else { Some(data) };
        }
        data.extend_from_slice(&buf[..n]);
    }
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let plan: Arc<Mutex<VecDeque<Fault>>> = Arc::default();
        let requests: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let (p, r) = (plan.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut client) = conn else { continue };
                let (upstream, plan, requests) = (upstream.clone(), p.clone(), r.clone());
                std::thread::spawn(move || {
                    while let Some(request) = read_http_message(&mut client) {
                        requests.lock().unwrap().push(request.clone());
                        let fault = plan.lock().unwrap().pop_front();
                        if let Some(Fault::Status500) = fault {
                            let body = r#"{"code":"server","message":"injected failure"}"#;
                            let _ = write!(client, "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                            return;
                        }
                        let Ok(mut server) = TcpStream::connect(&upstream) else { return };
                        // One request per upstream connection: ask the server to close after it.
                        let text = String::from_utf8_lossy(&request).into_owned();
                        let end = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
                        let head = text[..end].to_string();
                        let rewritten = format!("{head}\r\nconnection: close\r\n\r\n");
                        let _ = server.write_all(rewritten.as_bytes());
                        let _ = server.write_all(&request[end + 4..]);
                        let mut response = Vec::new();
                        let _ = server.read_to_end(&mut response);
                        match fault {
                            None => {
                                let _ = client.write_all(&response);
                                return;
                            }
                            Some(Fault::DropAnswer) => return,
                            Some(Fault::Truncate) => {
                                let _ = client.write_all(&response[..response.len() - response.len() / 3]);
                                return;
                            }
                            Some(Fault::Hang(d)) => {
                                std::thread::sleep(d);
                                return;
                            }
                            Some(Fault::Status500) => unreachable!(),
                        }
                    }
                });
            }
        });
        Proxy { url, plan, requests }
    }

    fn fail_next(&self, faults: &[Fault]) {
        self.plan.lock().unwrap().extend(faults.iter().copied());
    }

    fn sent(&self) -> Vec<Vec<u8>> {
        self.requests.lock().unwrap().clone()
    }
}

/// Entries of `kind` in the server's ledger (read by the verifier, which takes no lock).
fn count(server_dir: &Path, kind: Kind) -> usize {
    let report = horizon::ledger::verify::verify_ledger(&server_dir.join("ledger"), None, &mut |_, _| {}).unwrap();
    report.state.entries_by_kind.get(&kind).copied().unwrap_or(0) as usize
}

/// One 60 km trip `days_ago` days back, continuing the odometer.
fn one_trip(days_ago: i64, odometer: f64) -> TripSummary {
    let mut t = trips("EV-C-1", odometer).remove(0);
    let today = (system_clock() / DAY_MS) as i64;
    t.start = (today - days_ago) * 86_400 + 8 * 3600;
    t.end = t.start + 3600;
    t
}

#[test]
fn faults_lose_nothing_and_count_nothing_twice() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    let proxy = Proxy::start(&server.url);
    rt().block_on(async {
        let (valley, _) = http_owner(client_dir.path(), &proxy.url, 43).await;
        let mut valley = valley.with_timeout(Duration::from_millis(1500));
        for (k, (fault, expected)) in [
            (Fault::Status500, "500"),
            (Fault::DropAnswer, "unavailable"),
            (Fault::Truncate, "could not be read"),
            (Fault::Hang(Duration::from_secs(4)), "unavailable"),
        ]
        .into_iter()
        .enumerate()
        {
            let before = count(server_dir.path(), Kind::MileageAttestation);
            // One trip per fault, each on its own day.
            let batch = vec![one_trip(10 - k as i64, 2000.0 + 60.0 * k as f64)];
            valley.enqueue(Intent::Trips(TripsRequest { trips: batch })).unwrap();
            proxy.fail_next(&[fault]);
            let e = valley.flush().await.unwrap_err();
            assert!(e.is_retryable(), "{fault:?}: {e}");
            assert!(e.to_string().contains(expected), "{fault:?} gives a clear error: {e}");
            assert_eq!(valley.queue.items().len(), 1, "{fault:?}: the intent stays queued");
            // The server is back: the resend is answered once, however far the first got.
            let report = valley.flush().await.unwrap();
            assert_eq!((report.sent, report.refused.len()), (1, 0), "{fault:?}: {report:?}");
            assert!(valley.queue.is_empty());
            assert_eq!(count(server_dir.path(), Kind::MileageAttestation), before + 1, "{fault:?}: attested exactly once");
        }
        // A cut-short tile is a clear error too, and the next sync completes.
        proxy.fail_next(&[Fault::Truncate]);
        let _ = valley.sync_replica().await;
        proxy.fail_next(&[Fault::Status500]);
        assert!(valley.sync_replica().await.unwrap_err().is_retryable());
        valley.sync_replica().await.unwrap();
    });
    horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
}

#[test]
fn replayed_and_forged_requests_are_refused_or_answered_once() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    let proxy = Proxy::start(&server.url);
    rt().block_on(async {
        let (mut valley, _) = http_owner(client_dir.path(), &proxy.url, 44).await;
        valley.import_trips(&valley_key(44), trips("EV-C-1", 3000.0)).await.unwrap();
    });
    let attestations = count(server_dir.path(), Kind::MileageAttestation);
    assert_eq!(attestations, 3);
    // Replay the captured signed request byte for byte, straight to the server.
    let captured = proxy.sent().into_iter().find(|r| r.starts_with(b"POST /v1/trips")).expect("the trips request went through the proxy");
    let upstream = server.url.trim_start_matches("http://");
    let raw = |bytes: &[u8]| {
        let mut s = TcpStream::connect(upstream).unwrap();
        let text = String::from_utf8_lossy(bytes).into_owned();
        let end = text.find("\r\n\r\n").unwrap();
        s.write_all(format!("{}\r\nconnection: close\r\n\r\n", &text[..end]).as_bytes()).unwrap();
        s.write_all(&bytes[end + 4..]).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let replayed = raw(&captured);
    assert!(replayed.starts_with("HTTP/1.1 200"), "{replayed}");
    assert!(replayed.to_lowercase().contains("x-horizon-replayed: 1"), "the stored answer, marked: {replayed}");
    assert_eq!(count(server_dir.path(), Kind::MileageAttestation), attestations, "a replay is not applied again");
    // The same request under a new idempotency key: the signature no longer covers it.
    let text = String::from_utf8_lossy(&captured).into_owned();
    let key_line = text.lines().find(|l| l.to_lowercase().starts_with("idempotency-key:")).unwrap().to_string();
    let forged = text.replacen(&key_line, "idempotency-key: 00000000000000000000000000000000", 1);
    let answer = raw(forged.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("signature does not verify"), "{answer}");
    // A request signed by another key than the one it names.
    let body = br#"{"km_index":0}"#;
    let other = NamedKey::from_seed("player", [99; 32]).unwrap();
    let mut headers = horizon::valley::wire::sign_request(&other, &server_name(server_dir.path()), "POST", "/v1/mine", system_clock(), "forged-1", body);
    headers[0].1 = valley_key(44).to_hex();
    let mut request = format!("POST /v1/mine HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
    for (n, v) in &headers {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    let answer = raw(&bytes);
    assert!(answer.starts_with("HTTP/1.1 401") && answer.contains("signature does not verify"), "{answer}");
    assert_eq!(count(server_dir.path(), Kind::Mint), 0, "nothing was mined");
}

fn valley_key(seed: u8) -> horizon::ledger::PublicKey {
    NamedKey::from_seed("player", [seed; 32]).unwrap().public_key()
}

#[test]
fn a_server_that_rolls_back_or_forks_its_log_is_refused() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let copy = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Server::start(server_dir.path(), port);
    let url = server.url.clone();
    let rt = rt();
    let (mut valley, key) = rt.block_on(http_owner(client_dir.path(), &url, 45));
    // Keep the server's state at this point, then let it grow.
    server.kill();
    copy_dir(server_dir.path(), copy.path());
    let mut server = Server::start(server_dir.path(), port);
    rt.block_on(async {
        valley.import_trips(&key.public_key(), trips("EV-C-1", 4000.0)).await.unwrap();
        valley.sync_replica().await.unwrap();
    });
    let trusted = valley.replica.size();
    // The server comes back with the old copy of its ledger: a rollback.
    server.kill();
    let mut old = Server::start(copy.path(), port);
    let e = rt.block_on(valley.sync_replica()).unwrap_err();
    assert!(matches!(e, ValleyError::Untrusted(_)), "{e}");
    assert!(e.to_string().contains("rolled its log back"), "{e}");
    // The old copy grows differently (another player's trips): a fork.
    rt.block_on(async {
        let other_dir = tempfile::tempdir().unwrap();
        let (mut other, other_key) = http_owner(other_dir.path(), &url, 46).await;
        other.import_trips(&other_key.public_key(), trips("EV-C-1", 9000.0)).await.unwrap();
        other.complete_task(&other_key.public_key(), "visit-garage").await.unwrap();
    });
    let e = rt.block_on(valley.sync_replica()).unwrap_err();
    assert!(e.to_string().contains("forked its log"), "{e}");
    assert_eq!(valley.replica.size(), trusted, "nothing from a bad server is kept");
    old.kill();
    // The honest server again: the replica carries on.
    let _server = Server::start(server_dir.path(), port);
    rt.block_on(valley.sync_replica()).unwrap();
    let _ = &mut server;
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_server_killed_mid_sync_loses_nothing_and_counts_nothing_twice() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Server::start(server_dir.path(), port);
    let url = server.url.clone();
    let enrol = horizon(client.path(), &["sync", "--server", &url, "--vehicle", "EV-C-1"]);
    assert!(enrol.status.success(), "{}", stdout(&enrol));
    // 120 consent changes made offline: signed and queued, in order.
    server.kill();
    for i in 0..120 {
        let what = if i % 2 == 0 { "grant" } else { "revoke" };
        let o = horizon(client.path(), &["consent", what, "behaviour"]);
        assert!(o.status.success(), "{}", stdout(&o));
        assert!(stdout(&o).contains("next `horizon sync`"), "{}", stdout(&o));
    }
    let mut server = Server::start(server_dir.path(), port);
    // Kill the server while the sync is sending, several times.
    let mut interrupted = 0;
    let answers = server_dir.path().join("server").join("answers.jsonl");
    let answered = || std::fs::read_to_string(&answers).map_or(0, |t| t.lines().count());
    for _ in 0..3 {
        let target = answered() + 20;
        let mut sync = Command::new(EXE).arg("--data-dir").arg(client.path()).arg("sync").stdout(Stdio::piped()).spawn().unwrap();
        // Kill it once the server has answered twenty more: in the middle of the queue.
        while answered() < target && sync.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(1));
        }
        server.kill();
        let out = sync.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success() || text.contains("queued"), "{text}");
        interrupted += usize::from(!out.status.success());
        server = Server::start(server_dir.path(), port);
    }
    assert!(interrupted > 0, "at least one sync was cut off by the kill");
    let done = horizon(client.path(), &["sync"]);
    assert!(done.status.success(), "{}", stdout(&done));
    drop(server);
    let (ledger, _) = horizon::ledger::Ledger::open(&server_dir.path().join("ledger"), None, None).unwrap();
    let me = horizon::profile::load_or_create_key(&DataDir(client.path().to_path_buf()).player_key(), "player").unwrap().0.public_key();
    let consents: Vec<bool> = ledger
        .entries()
        .unwrap()
        .iter()
        .filter(|e| e.actor == me)
        .filter_map(|e| match e.body {
            Body::Consent { scope: Scope::Behaviour, granted } => Some(granted),
            _ => None,
        })
        .collect();
    assert_eq!(consents.len(), 120, "each queued change recorded exactly once");
    assert!(consents.iter().enumerate().all(|(i, g)| *g == (i % 2 == 0)), "and in order");
    assert!(!ledger.state().player(&me).unwrap().consented(Scope::Behaviour), "the last change (a revoke) holds");
}

#[test]
fn consent_gates_imports_and_only_summaries_leave_the_device() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    let proxy = Proxy::start(&server.url);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let gpx = fixtures.join("drive.gpx");
    let o = horizon(client.path(), &["sync", "--server", &proxy.url, "--vehicle", "EV-C-1"]);
    assert!(o.status.success(), "{}", stdout(&o));
    // No consent yet: nothing is imported or sent.
    let o = horizon(client.path(), &["import", gpx.to_str().unwrap()]);
    assert!(!o.status.success() && stdout(&o).contains("needs the mileage consent"), "{}", stdout(&o));
    assert!(!proxy.sent().iter().any(|r| r.starts_with(b"POST /v1/trips")));
    assert!(horizon(client.path(), &["consent", "grant", "mileage"]).status.success());

    // A CSV export with a VIN column and an address, and the GPX track.
    let csv = client.path().join("export.csv");
    std::fs::write(
        &csv,
        "VIN;Start;End;Distance (km);Energy (kWh);From\nWVWZZZ1JZXW000001;01.11.2026 08:00;01.11.2026 08:40;31,5;5,2;\"Hauptstraße 1, Stuttgart\"\n",
    )
    .unwrap();
    for file in [&gpx, &csv] {
        let o = horizon(client.path(), &["import", file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stdout(&o));
        assert!(stdout(&o).contains("accepted"), "{}", stdout(&o));
    }
    let sent: Vec<String> = proxy.sent().iter().map(|r| String::from_utf8_lossy(r).into_owned()).filter(|r| r.starts_with("POST /v1/trips")).collect();
    assert_eq!(sent.len(), 2);
    let gpx_text = std::fs::read_to_string(&gpx).unwrap();
    // Every coordinate and every fix time but the first and last of each trip stays home.
    let coords: Vec<&str> = gpx_text.split('"').filter(|s| s.len() > 6 && s.contains('.') && s.parse::<f64>().is_ok()).take(50).collect();
    let fix_times: Vec<&str> = gpx_text.split("<time>").skip(2).filter_map(|s| s.split("</time>").next()).collect();
    assert!(coords.len() > 10 && fix_times.len() > 100);
    for request in &sent {
        for c in &coords {
            assert!(!request.contains(c), "a coordinate {c} left the device");
        }
        for t in &fix_times[5..fix_times.len() - 5] {
            let t = t.trim_end_matches('Z');
            assert!(!request.contains(t), "a fix time {t} left the device");
        }
        assert!(!request.contains("WVWZZZ") && !request.contains("Hauptstra"), "no VIN, no address: {request}");
        assert!(request.contains("odometer_start_km"), "a summary was sent");
    }
    // Without the behaviour scope, hard-event counts are zeroed before they leave.
    assert!(sent.iter().all(|r| r.contains("\"hard_brakes\":0")), "{sent:?}");

    // Revoking stops sync at once: it is a ledger entry, and imports are refused.
    assert!(horizon(client.path(), &["consent", "revoke", "mileage"]).status.success());
    let o = horizon(client.path(), &["import", csv.to_str().unwrap()]);
    assert!(!o.status.success() && stdout(&o).contains("needs the mileage consent"), "{}", stdout(&o));
    drop(server);
    let (ledger, _) = horizon::ledger::Ledger::open(&server_dir.path().join("ledger"), None, None).unwrap();
    let revokes = ledger.entries().unwrap().iter().filter(|e| matches!(e.body, Body::Consent { scope: Scope::Mileage, granted: false })).count();
    assert_eq!(revokes, 1);
}

#[test]
fn export_writes_everything_held_and_forget_deletes_it_but_not_the_ledger() {
    let data = tempfile::tempdir().unwrap();
    let o = horizon(data.path(), &["import", concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample/trips.json")]);
    assert!(o.status.success(), "{}", stdout(&o));
    let out = data.path().join("export.json");
    let o = horizon(data.path(), &["export", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["format"], "crypto-horizon/export@1");
    let key = doc["player"]["public_key"].as_str().unwrap().to_string();
    assert_eq!(doc["local"]["trips"].as_array().unwrap().len(), 10, "the accepted trips");
    assert!(doc["local"]["entries"].as_array().unwrap().len() > 10, "the player's ledger entries");
    assert_eq!(doc["local"]["consents"]["mileage"], true);

    let o = horizon(data.path(), &["forget"]);
    assert_eq!(o.status.code(), Some(2), "asks for --yes first: {}", stdout(&o));
    assert!(data.path().join("keys/player.key").exists());
    let o = horizon(data.path(), &["forget", "--yes"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(!data.path().join("keys/player.key").exists());
    assert!(!data.path().join("valley/trips").exists());
    // The ledger stays, verifies, and names the player only by key.
    let o = horizon(data.path(), &["ledger", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let (ledger, _) = horizon::ledger::Ledger::open(&data.path().join("ledger"), None, None).unwrap();
    assert!(ledger.state().player(&horizon::ledger::PublicKey::from_hex(&key).unwrap()).is_some());
    let log = std::fs::read(data.path().join("ledger").join(horizon::ledger::store::LOG_FILE)).unwrap();
    assert!(!String::from_utf8_lossy(&log).contains("2025-09-01"), "no trip times in the ledger");
}

#[test]
fn the_game_plays_connected_and_mines_through_the_server() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    for args in [
        vec!["sync", "--server", &server.url, "--vehicle", "EV-DEMO-01"],
        vec!["consent", "grant", "mileage"],
        vec!["import", concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample/trips.json")],
    ] {
        let o = horizon(client.path(), &args);
        assert!(o.status.success(), "{args:?}: {}", stdout(&o));
    }
    assert!(!client.path().join("ledger").exists(), "connected: no local valley is created");
    let o = horizon(client.path(), &["play", "--autopilot", "--headless", "--frames", "2400"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}");
    let line = text.lines().find(|l| l.starts_with("headless:")).expect("a report line");
    let mined: usize = line.split("mined ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(mined >= 1, "{line}");
    // The server minted them, and its ledger verifies; the client's replica agrees.
    assert_eq!(count(server_dir.path(), Kind::Mint), mined);
    let o = horizon(client.path(), &["sync"]);
    assert!(o.status.success() && stdout(&o).contains(&format!("{mined}.000 stones")), "{}", stdout(&o));
}
