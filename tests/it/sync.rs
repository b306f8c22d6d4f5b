//! Sync against the real `horizon serve` over loopback: the authority's contract on both
//! implementations, faults between them (a fault-injecting TCP proxy in front of the real
//! server, and the server killed and restarted), replays, forgeries, rollbacks and forks,
//! consent, privacy, export and forget.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use horizon::ledger::replay::DAY_MS;
use horizon::ledger::{Body, Entry, Kind, NamedKey, Role, Scope};
use horizon::profile::DataDir;
use horizon::telemetry::TripSummary;
use horizon::valley::embedded::system_clock;
use horizon::client::http::HttpValley;
use horizon::client::queue::Intent;
use horizon::valley::wire::{CarTripsRequest, EnrolRequest, TripsRequest};
use horizon::valley::{EmbeddedValley, ValleyError, ValleyService};

use super::support::{Server, car_signed, paired_car, server_name};

const EXE: &str = env!("CARGO_BIN_EXE_horizon");

fn horizon(data: &Path, args: &[&str]) -> Output {
    Command::new(EXE).arg("--data-dir").arg(data).args(args).output().expect("horizon runs")
}

fn stdout(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
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
/// `dir` holds the player's car (see `http_owner`).
async fn contract<V: ValleyService>(valley: &mut V, key: &NamedKey, dir: &Path, sign: impl Fn(&V, Body) -> Entry) {
    let me = key.public_key();
    let start = valley.player(&me).await.unwrap();
    assert!(start.state.is_owner());
    assert_eq!(start.state.stones_milli, 0);

    let signed = car_signed(dir, "EV-C-1", &trips("EV-C-1", 1000.0));
    let report = valley.import_car_trips(&me, signed.clone()).await.unwrap();
    assert_eq!(report.checked.len(), 3);
    assert_eq!(report.attested_km, 180);
    assert!(!report.new_deposits.is_empty(), "180 km drop stones");
    let again = valley.import_car_trips(&me, signed).await.unwrap();
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

    // Tasks pay for a drive the valley checked (a shared one insists; the local one is the
    // player's own authority and takes the drive as well).
    let seen = super::support::drive_to(valley, &me, &["garage", "arch", "lookout", "spires"]).await;
    assert_eq!(seen.landmarks, ["arch", "garage", "lookout", "spires"], "{seen:?}");
    assert_eq!(valley.complete_task(&me, "visit-garage").await.unwrap(), 10);
    assert!(matches!(valley.complete_task(&me, "visit-garage").await, Err(ValleyError::TaskDone(_))));
    assert!(matches!(valley.complete_task(&me, "no-such-task").await, Err(ValleyError::UnknownTask(_))));

    assert!(matches!(valley.commit_box(&me).await, Err(ValleyError::NotEnoughCrystals { price: 100, have: 10 })));
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
    let skip = sign(valley, Body::Purchase { item: "motor-3".into(), price_milli: 12_000 });
    let e = valley.submit(skip).await.unwrap_err();
    assert!(e.to_string().contains("\"motor-3\" needs \"motor-2\" first"), "no tier is skipped: {e}");
    let have = valley.player(&me).await.unwrap().state.stones_milli;
    assert!(have < 20_000, "{have}");
    let overdraft = sign(valley, Body::Purchase { item: "ota-sport-mode".into(), price_milli: 20_000 });
    let e = valley.submit(overdraft).await.unwrap_err();
    assert!(e.to_string().contains(&format!("has {have} milli-stones but spends 20000")), "no overdraft: {e}");
    let view = valley.player(&me).await.unwrap();
    assert_eq!(view.state.stones_milli, have);
    assert!(!view.state.items.contains("motor-3") && !view.state.items.contains("ota-sport-mode"));
}

/// An owner of EV-C-1 (a simulated car in `dir`, paired) in a local valley in `dir`.
fn embedded_owner(dir: &Path) -> (EmbeddedValley, NamedKey) {
    let mut valley = EmbeddedValley::open(&DataDir(dir.to_path_buf()), system_clock).unwrap();
    let key = NamedKey::from_seed("player", [42; 32]).unwrap();
    valley.enrol(key.public_key(), Role::Guest, "Ada").unwrap();
    for scope in [Scope::Mileage, Scope::Behaviour] {
        let e = valley.sign_for(&key, Body::Consent { scope, granted: true }).unwrap();
        horizon::valley::block_on_ready(valley.submit(e)).unwrap();
    }
    let (_, pairing) = paired_car(dir, "EV-C-1", key.public_key());
    valley.pair(&key.public_key(), pairing).unwrap();
    (valley, key)
}

/// A client of `url` enrolled as the owner of EV-C-1 with both scopes.
async fn http_owner(dir: &Path, url: &str, seed: u8) -> (HttpValley, NamedKey) {
    http_owner_of(dir, url, seed, "EV-C-1").await
}

/// A client of `url` with both scopes, paired as the owner of `vehicle` (a simulated car
/// in `dir`, see `support::paired_car`).
async fn http_owner_of(dir: &Path, url: &str, seed: u8, vehicle: &str) -> (HttpValley, NamedKey) {
    let key = NamedKey::from_seed("player", [seed; 32]).unwrap();
    let mut valley = HttpValley::open(&DataDir(dir.to_path_buf()), url, NamedKey::from_seed("player", [seed; 32]).unwrap(), system_clock).unwrap();
    valley.sync_replica().await.unwrap();
    valley.enqueue(Intent::Enrol(EnrolRequest { name: "Ada".into(), vehicle: None })).unwrap();
    valley.flush().await.unwrap();
    valley.sync_replica().await.unwrap();
    for scope in [Scope::Mileage, Scope::Behaviour] {
        let e = valley.sign(Body::Consent { scope, granted: true }).unwrap();
        valley.submit(e).await.unwrap();
    }
    let (_, pairing) = paired_car(dir, vehicle, key.public_key());
    valley.pair(&key.public_key(), pairing).await.unwrap();
    valley.sync_replica().await.unwrap();
    (valley, key)
}

#[test]
fn the_contract_holds_for_the_embedded_authority() {
    let dir = tempfile::tempdir().unwrap();
    let (mut valley, key) = embedded_owner(dir.path());
    let signer = NamedKey::from_seed("player", [42; 32]).unwrap();
    horizon::valley::block_on_ready(contract(&mut valley, &key, dir.path(), |v, body| v.sign_for(&signer, body).unwrap()));
    horizon::ledger::verify::verify_ledger(&dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
}

#[test]
fn the_contract_holds_for_the_http_authority_against_a_real_server() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    rt().block_on(async {
        let (mut valley, key) = http_owner(client_dir.path(), &server.url, 42).await;
        contract(&mut valley, &key, client_dir.path(), |v, body| v.sign(body).unwrap()).await;
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

/// What the proxy does to a request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Answer 500 without passing the request on.
    Status500,
    /// Pass it on, then close without answering (the server acted; the answer is lost).
    DropAnswer,
    /// Pass it on, answer the head and only the first half of the body.
    Truncate,
    /// Pass it on, then answer nothing and hold the connection open until the client gives
    /// up and closes it (a server that hangs past the client's timeout).
    Hang,
}

/// What a proxy reports to a test that waits on it.
#[derive(Debug)]
enum Seen {
    /// An answer passed on whole, to the request with this first line.
    Answer(String),
    /// Sent by the test itself: the client it runs has exited.
    ClientExited,
}

/// A TCP proxy in front of the real server that injects faults and records requests. It binds
/// a port of its own (0) and stays at that address while the server behind it is killed and
/// restarted on ports of their own; with no server behind it, it closes each connection
/// unanswered, as a server that is down answers nothing.
struct Proxy {
    url: String,
    upstream: Arc<Mutex<Option<String>>>,
    /// Faults for the next requests, in order: each for the next request whose first bytes
    /// match its prefix (b"" for any); requests that do not match pass on unharmed.
    plan: Arc<Mutex<VecDeque<(&'static [u8], Fault)>>>,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    reports: Arc<Mutex<Option<mpsc::Sender<Seen>>>>,
}

/// The length of the HTTP message at the start of `data` (head and content-length body),
/// once it is all there.
fn http_message_len(data: &[u8]) -> Option<usize> {
    let end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
    let len = head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse::<usize>().unwrap_or(0));
    (data.len() >= end + 4 + len).then_some(end + 4 + len)
}

fn read_http_message(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    while http_message_len(&data).is_none() {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return if data.is_empty() { None } else { Some(data) };
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some(data)
}

fn first_line(message: &[u8]) -> String {
    String::from_utf8_lossy(message).lines().next().unwrap_or_default().to_string()
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let proxy = Proxy { url, upstream: Arc::default(), plan: Arc::default(), requests: Arc::default(), reports: Arc::default() };
        proxy.forward_to(Some(upstream));
        let (upstream, plan, requests, reports) = (proxy.upstream.clone(), proxy.plan.clone(), proxy.requests.clone(), proxy.reports.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut client) = conn else { continue };
                let (upstream, plan, requests, reports) = (upstream.clone(), plan.clone(), requests.clone(), reports.clone());
                std::thread::spawn(move || {
                    let Some(request) = read_http_message(&mut client) else { return };
                    requests.lock().unwrap().push(request.clone());
                    let fault = {
                        let mut plan = plan.lock().unwrap();
                        plan.front().is_some_and(|(prefix, _)| request.starts_with(prefix)).then(|| plan.pop_front().unwrap().1)
                    };
                    if let Some(Fault::Status500) = fault {
                        let body = r#"{"code":"server","message":"injected failure"}"#;
                        let _ = write!(client, "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                        return;
                    }
                    // No server behind the proxy, or none there any more: nothing answers.
                    let Some(upstream) = upstream.lock().unwrap().clone() else { return };
                    let Ok(mut server) = TcpStream::connect(&upstream) else { return };
                    // One request per connection: ask the server to close after it.
                    let end = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
                    let head = String::from_utf8_lossy(&request[..end]).into_owned();
                    let _ = server.write_all(format!("{head}\r\nconnection: close\r\n\r\n").as_bytes());
                    let _ = server.write_all(&request[end + 4..]);
                    let mut response = Vec::new();
                    let _ = server.read_to_end(&mut response);
                    match fault {
                        None => {
                            // A server killed in the middle answers part or nothing: passed on as it is.
                            if client.write_all(&response).is_ok()
                                && http_message_len(&response) == Some(response.len())
                                && let Some(reports) = &*reports.lock().unwrap()
                            {
                                let _ = reports.send(Seen::Answer(first_line(&request)));
                            }
                        }
                        Some(Fault::DropAnswer) => {}
                        Some(Fault::Truncate) => {
                            let body_start = response.windows(4).position(|w| w == b"\r\n\r\n").expect("the server answered") + 4;
                            assert!(response.len() > body_start + 1, "an answer with a body to cut: {}", String::from_utf8_lossy(&response));
                            let _ = client.write_all(&response[..body_start + (response.len() - body_start) / 2]);
                        }
                        Some(Fault::Hang) => {
                            let _ = client.read(&mut [0u8; 1]);
                        }
                        Some(Fault::Status500) => unreachable!(),
                    }
                });
            }
        });
        proxy
    }

    /// Sends the next requests to the server at `url`, or (None) to nothing.
    fn forward_to(&self, url: Option<&str>) {
        *self.upstream.lock().unwrap() = url.map(|u| u.trim_start_matches("http://").to_string());
    }

    /// Injects `faults` into the next requests, one each.
    fn fail_next(&self, faults: &[Fault]) {
        self.plan.lock().unwrap().extend(faults.iter().map(|&f| (&b""[..], f)));
    }

    /// Injects `fault` into the next request that starts with `prefix` (e.g. b"GET /tile/").
    fn fail_next_request_for(&self, prefix: &'static [u8], fault: Fault) {
        self.plan.lock().unwrap().push_back((prefix, fault));
    }

    /// Whether every planned fault has been injected.
    fn plan_is_done(&self) -> bool {
        self.plan.lock().unwrap().is_empty()
    }

    /// Reports each answer passed on whole to `to` from now on.
    fn report_answers(&self, to: mpsc::Sender<Seen>) {
        *self.reports.lock().unwrap() = Some(to);
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

/// Checks that `e` is the clear, retryable error a user sees when `fault` hits a trips
/// request sent to the proxy at `url`.
fn assert_clear_error(fault: Fault, url: &str, e: &ValleyError) {
    let text = e.to_string();
    let unavailable = format!("the valley server at {url} is unavailable (");
    assert!(e.is_retryable(), "{fault:?}: {e:?}");
    let clear = match fault {
        Fault::Status500 => matches!(e, ValleyError::Unavailable { .. }) && text == format!("{unavailable}500 Internal Server Error: injected failure)"),
        Fault::DropAnswer => matches!(e, ValleyError::Unavailable { .. }) && text.starts_with(&unavailable) && text.ends_with("connection closed before message completed)"),
        Fault::Truncate => matches!(e, ValleyError::BadAnswer(_)) && text.starts_with("the valley server's answer could not be read (/v1/car-trips: error decoding response body"),
        Fault::Hang => matches!(e, ValleyError::Unavailable { .. }) && text.starts_with(&unavailable) && text.ends_with("(timed out))"),
    };
    assert!(clear, "{fault:?} gives a clear error, not {e:?}: {text}");
}

#[test]
fn faults_lose_nothing_and_count_nothing_twice() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    let proxy = Proxy::start(&server.url);
    rt().block_on(async {
        let (valley, _) = http_owner(client_dir.path(), &proxy.url, 43).await;
        let mut valley = valley.with_timeout(Duration::from_millis(1500));
        for (k, fault) in [Fault::Status500, Fault::DropAnswer, Fault::Truncate, Fault::Hang].into_iter().enumerate() {
            let before = count(server_dir.path(), Kind::CarTrip);
            // One trip per fault, each on its own day.
            let batch = car_signed(client_dir.path(), "EV-C-1", &[one_trip(6 - k as i64, 2000.0 + 60.0 * k as f64)]);
            valley.enqueue(Intent::CarTrips(CarTripsRequest::new(&batch))).unwrap();
            proxy.fail_next(&[fault]);
            let e = valley.flush().await.unwrap_err();
            assert_clear_error(fault, &proxy.url, &e);
            assert!(proxy.plan_is_done(), "{fault:?} was injected");
            assert_eq!(valley.queue.items().len(), 1, "{fault:?}: the intent stays queued");
            // The server is back: the resend is answered once, however far the first got.
            let report = valley.flush().await.unwrap();
            assert_eq!((report.sent, report.refused.len()), (1, 0), "{fault:?}: {report:?}");
            assert!(valley.queue.is_empty());
            assert_eq!(count(server_dir.path(), Kind::CarTrip), before + 1, "{fault:?}: attested exactly once");
        }
        // A cut-short tile is a clear error too, nothing of it is kept, and the next sync completes.
        let verified = valley.replica.size();
        proxy.fail_next_request_for(b"GET /tile/", Fault::Truncate);
        let e = valley.sync_replica().await.unwrap_err();
        assert!(matches!(e, ValleyError::BadAnswer(_)) && e.is_retryable(), "{e:?}");
        let tile_url = format!("the valley server's answer could not be read ({}/tile/", proxy.url);
        assert!(e.to_string().starts_with(&tile_url) && e.to_string().contains("error decoding response body"), "{e}");
        assert!(proxy.plan_is_done(), "a tile was fetched and cut short");
        assert_eq!(valley.replica.size(), verified, "nothing from a cut-short tile is kept");
        proxy.fail_next(&[Fault::Status500]);
        let e = valley.sync_replica().await.unwrap_err();
        assert!(matches!(e, ValleyError::Unavailable { .. }) && e.is_retryable(), "{e:?}");
        assert_eq!(e.to_string(), format!("the valley server at {0} is unavailable ({0}/checkpoint: 500 Internal Server Error)", proxy.url));
        let synced = valley.sync_replica().await.unwrap();
        assert!(synced.size > verified && synced.new_entries > 0, "{synced:?}");
    });
    horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
}

#[test]
fn replayed_and_forged_requests_are_refused_or_answered_once() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    let proxy = Proxy::start(&server.url);
    rt().block_on(async {
        let (mut valley, _) = http_owner(client_dir.path(), &proxy.url, 44).await;
        let signed = car_signed(client_dir.path(), "EV-C-1", &trips("EV-C-1", 3000.0));
        valley.import_car_trips(&valley_key(44), signed).await.unwrap();
    });
    let attestations = count(server_dir.path(), Kind::CarTrip);
    assert_eq!(attestations, 3);
    // Replay the captured signed request byte for byte, straight to the server.
    let captured = proxy.sent().into_iter().find(|r| r.starts_with(b"POST /v1/car-trips")).expect("the trips request went through the proxy");
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
    assert_eq!(count(server_dir.path(), Kind::CarTrip), attestations, "a replay is not applied again");
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
    let mut server = Server::start(server_dir.path());
    // The client knows the server by one address, the proxy's: each server behind it has its own port.
    let proxy = Proxy::start(&server.url);
    let url = proxy.url.clone();
    let rt = rt();
    let (mut valley, key) = rt.block_on(http_owner(client_dir.path(), &url, 45));
    // Keep the server's state at this point, then let it grow.
    server.kill();
    copy_dir(server_dir.path(), copy.path());
    let mut server = Server::start(server_dir.path());
    proxy.forward_to(Some(&server.url));
    rt.block_on(async {
        valley.import_car_trips(&key.public_key(), car_signed(client_dir.path(), "EV-C-1", &trips("EV-C-1", 4000.0))).await.unwrap();
        valley.sync_replica().await.unwrap();
    });
    let trusted = valley.replica.size();
    // The server comes back with the old copy of its ledger: a rollback.
    server.kill();
    let mut old = Server::start(copy.path());
    proxy.forward_to(Some(&old.url));
    let e = rt.block_on(valley.sync_replica()).unwrap_err();
    assert!(matches!(e, ValleyError::Untrusted(_)), "{e}");
    assert!(e.to_string().contains("rolled its log back"), "{e}");
    assert_eq!(valley.replica.size(), trusted, "nothing from a bad server is kept");
    // The old copy grows differently (another player's car and trips): a fork.
    rt.block_on(async {
        let other_dir = tempfile::tempdir().unwrap();
        let (mut other, other_key) = http_owner_of(other_dir.path(), &url, 46, "EV-C-2").await;
        other.import_car_trips(&other_key.public_key(), car_signed(other_dir.path(), "EV-C-2", &trips("EV-C-2", 9000.0))).await.unwrap();
    });
    let e = rt.block_on(valley.sync_replica()).unwrap_err();
    assert!(matches!(e, ValleyError::Untrusted(_)), "{e}");
    assert!(e.to_string().contains("forked its log"), "{e}");
    assert_eq!(valley.replica.size(), trusted, "nothing from a bad server is kept");
    old.kill();
    // The honest server again: the replica carries on.
    let server = Server::start(server_dir.path());
    proxy.forward_to(Some(&server.url));
    let synced = rt.block_on(valley.sync_replica()).unwrap();
    assert_eq!((synced.size, synced.new_entries), (trusted, 0), "the honest log is the one verified before");
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
    let mut server = Server::start(server_dir.path());
    // The client syncs through the proxy, which stays at one address while the server behind
    // it is killed and restarted (each time on a port of its own), and reports the answers it
    // passes on.
    let proxy = Proxy::start(&server.url);
    let enrol = horizon(client.path(), &["sync", "--server", &proxy.url, "--vehicle", "EV-C-1"]);
    assert!(enrol.status.success(), "{}", stdout(&enrol));
    // 120 consent changes made offline: signed and queued, in order.
    server.kill();
    proxy.forward_to(None);
    for i in 0..120 {
        let what = if i % 2 == 0 { "grant" } else { "revoke" };
        let o = horizon(client.path(), &["consent", what, "behaviour"]);
        assert!(o.status.success(), "{}", stdout(&o));
        assert!(stdout(&o).contains("next `horizon sync`"), "{}", stdout(&o));
    }
    // Kill the server while the sync is sending, several times.
    let mut interrupted = 0;
    for _ in 0..3 {
        server = Server::start(server_dir.path());
        proxy.forward_to(Some(&server.url));
        let (report, seen) = mpsc::channel();
        proxy.report_answers(report.clone());
        let sync = Command::new(EXE).arg("--data-dir").arg(client.path()).arg("sync").stdout(Stdio::piped()).spawn().unwrap();
        let waiter = std::thread::spawn(move || {
            let out = sync.wait_with_output().unwrap();
            let _ = report.send(Seen::ClientExited);
            out
        });
        // Kill it once the server has answered twenty more intents: in the middle of the
        // queue (or when the sync has ended first).
        let mut answered = 0;
        while answered < 20 {
            match seen.recv().unwrap() {
                Seen::Answer(line) if line.starts_with("POST /v1/") => answered += 1,
                Seen::Answer(_) => {}
                Seen::ClientExited => break,
            }
        }
        server.kill();
        proxy.forward_to(None);
        let out = waiter.join().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success() || text.contains("queued"), "{text}");
        interrupted += usize::from(!out.status.success());
    }
    server = Server::start(server_dir.path());
    proxy.forward_to(Some(&server.url));
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
    let server = Server::start(server_dir.path());
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
        // Self-reported: it shapes the twin, and a shared valley mints nothing for it.
        assert!(stdout(&o).contains("accepted") && stdout(&o).contains("this valley mints stones only for car-signed trips"), "{}", stdout(&o));
        assert!(stdout(&o).contains(" 0 km minable") && stdout(&o).contains("; 0 km attested;"), "{}", stdout(&o));
    }
    assert_eq!(count(server_dir.path(), Kind::MileageAttestation), 0, "no self-reported km attested");
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
    // Without the behaviour scope, hard-event counts are zeroed before they leave: the track
    // has some.
    let track = horizon::telemetry::parse_trip_file("drive.gpx", gpx_text.as_bytes(), "EV-C-1", 0.0).unwrap();
    assert!(track.iter().any(|t| t.hard_brakes + t.hard_accelerations > 0), "{track:?}");
    for request in &sent {
        let body = &request[request.find("\r\n\r\n").unwrap() + 4..];
        let trips: TripsRequest = serde_json::from_str(body).unwrap();
        assert!(trips.trips.iter().all(|t| (t.hard_brakes, t.hard_accelerations) == (0, 0)), "{body}");
    }

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
    // No trip's start or end is in the ledger: not as text, nor as a number in seconds or
    // milliseconds in either byte order.
    let log = std::fs::read(data.path().join("ledger").join(horizon::ledger::store::LOG_FILE)).unwrap();
    let trips = doc["local"]["trips"].as_array().unwrap();
    for t in trips {
        for at in [t["start"].as_i64().unwrap(), t["end"].as_i64().unwrap()] {
            let iso = horizon::telemetry::format_time(at);
            assert!(!String::from_utf8_lossy(&log).contains(&iso[..16]), "{iso} is not in the ledger");
            for n in [at, at * 1000] {
                for bytes in [n.to_be_bytes(), n.to_le_bytes()] {
                    assert!(!log.windows(8).any(|w| w == bytes), "the trip time {iso} ({n}) is not in the ledger");
                }
            }
        }
    }
}

#[test]
fn the_game_plays_connected_and_mines_through_the_server() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    let imported = super::support::cli_owner_with_sample_week(client.path(), &server.url);
    assert_eq!(imported.matches("  accepted ").count(), 10, "the car's sample week: {imported}");
    assert!(imported.contains("km minable") && !imported.contains(" 0 km minable"), "{imported}");
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
