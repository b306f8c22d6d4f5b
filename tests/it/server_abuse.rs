//! `horizon serve` tried as an attacker would, over loopback against the real binary: paths
//! that used to panic the server, half-sent requests, junk from thousands of fresh keys,
//! requests replayed to another server, floods, bad names, oversized requests.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use horizon::ledger::NamedKey;
use horizon::telemetry::TripSummary;
use horizon::valley::embedded::system_clock;
use horizon::valley::wire::{EnrolRequest, MAX_TRIPS_PER_REQUEST, TripsRequest, sign_request};

use super::support::{Server, server_name};

/// Status, headers (lower-cased) and body of one request sent on its own connection.
pub(super) fn send(addr: &str, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // The server may close first (a refused connection, a body over the limit).
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let end = text.find("\r\n\r\n").unwrap_or(text.len());
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text[..end].to_lowercase(), out.get(end + 4..).unwrap_or_default().to_vec())
}

fn get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    send(addr, format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes())
}

/// A POST signed by `key` for the server named `server`.
fn signed_post(key: &NamedKey, server: &str, action: &str, body: &[u8], idempotency: &str) -> Vec<u8> {
    let path = format!("/v1/{action}");
    let mut head = format!("POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in sign_request(key, server, "POST", &path, system_clock(), idempotency, body) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn enrol_body(name: &str, vehicle: Option<&str>) -> Vec<u8> {
    serde_json::to_vec(&EnrolRequest { name: name.into(), vehicle: vehicle.map(str::to_string) }).unwrap()
}

fn fresh_key(n: u64) -> NamedKey {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    seed[31] = 0xA5;
    NamedKey::from_seed("player", seed).unwrap()
}

fn checkpoint_is_served(addr: &str) {
    let (status, _, body) = get(addr, "/checkpoint");
    assert_eq!(status, 200, "GET /checkpoint: {}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("\n— "), "a signed note: {}", String::from_utf8_lossy(&body));
}

#[test]
fn tile_paths_that_used_to_stop_the_server_are_refused_and_it_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    // No car maker trusted: the log holds its genesis alone.
    let server = Server::spawn(dir.path(), &[]);
    let addr = server.addr().to_string();
    let name = server_name(dir.path());
    for path in [
        "/tile/entries/000.p/0",
        "/tile/64/000",
        "/tile/0/000.p/300",
        "/tile/0/x000/001",
        "/tile/0/000/extra",
        "/tile/entries/x019/x446/x744/x073/x709/x551/615",
    ] {
        let (status, _, body) = get(&addr, path);
        assert_eq!(status, 400, "{path}: {}", String::from_utf8_lossy(&body));
        assert!(String::from_utf8_lossy(&body).starts_with("tile path "), "{path}: says what is wrong: {}", String::from_utf8_lossy(&body));
        checkpoint_is_served(&addr);
    }
    // Well-formed but outside the tree (u64::MAX used to wrap to entry 0 and answer 200).
    for path in ["/tile/entries/x018/x446/x744/x073/x709/x551/615", "/tile/7/x018/x446/x744/x073/x709/x551/615", "/tile/entries/000.p/2", "/tile/0/001", "/tile/3/000.p/1"] {
        let (status, _, body) = get(&addr, path);
        assert_eq!(status, 404, "{path}: {}", String::from_utf8_lossy(&body));
    }
    // The tree's one entry (the genesis) is there, and the server still takes writes.
    let (status, _, tile) = get(&addr, "/tile/0/000.p/1");
    assert_eq!((status, tile.len()), (200, 32));
    let (status, _, bundle) = get(&addr, "/tile/entries/000.p/1");
    assert_eq!(status, 200);
    assert_eq!(u16::from_be_bytes([bundle[0], bundle[1]]) as usize, bundle.len() - 2, "one entry, length-prefixed");
    let (status, _, body) = send(&addr, &signed_post(&fresh_key(1), &name, "enrol", &enrol_body("Ada", None), "e1"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

#[test]
fn half_sent_requests_are_cut_at_the_header_timeout_and_slow_bodies_answered_408() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--header-timeout", "1", "--request-timeout", "2", "--max-connections-per-address", "1000"]);
    let addr = server.addr().to_string();
    let started = Instant::now();
    let mut half_open: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"POST /v1/enrol HTTP/1.1\r\nhost: x\r\ncontent-le").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
            s
        })
        .collect();
    // Others are served meanwhile.
    checkpoint_is_served(&addr);
    let mut cut = 0;
    for s in &mut half_open {
        let mut buf = [0u8; 256];
        // The server closes the connection (EOF, or a reset), rather than the read timing out.
        match s.read(&mut buf) {
            Ok(_) => cut += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => cut += 1,
            Err(_) => {}
        }
    }
    assert_eq!(cut, 300, "every half-sent request's connection was closed by the server");
    assert!(started.elapsed() < Duration::from_secs(15), "within the timeout, not at the client's: {:?}", started.elapsed());
    // Headers complete, body stalled: answered 408 when the request's deadline passes.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s.write_all(b"POST /v1/enrol HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"name\"").unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 408"), "{}", String::from_utf8_lossy(&out));
    checkpoint_is_served(&addr);
}

#[test]
fn one_client_cannot_hold_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--max-connections-per-address", "5"]);
    let addr = server.addr().to_string();
    let held: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"GET /checkpoint HTTP/1.1\r\nhost: x\r\n").unwrap();
            s
        })
        .collect();
    // Each held connection is being served (its headers are awaited): a sixth is closed at
    // once, unanswered.
    let (status, _, body) = get(&addr, "/checkpoint");
    assert_eq!((status, body.len()), (0, 0), "the sixth connection got no answer");
    // The client closes them, and waits until the server has closed its side of each.
    for mut s in held {
        s.shutdown(std::net::Shutdown::Write).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).expect("the server closes a connection its client has closed");
    }
    // Then the client is served again at once.
    let (status, _, body) = get(&addr, "/checkpoint");
    assert_eq!(status, 200, "served once its connections are closed: {}", String::from_utf8_lossy(&body));
}

fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).unwrap().trim().trim_end_matches(" kB").trim().parse().unwrap()
}

fn disk_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() { disk_bytes(&entry.path()) } else { meta.len() };
    }
    total
}

/// Sends `count` requests from fresh keys over a few kept-alive connections: trips and
/// enrolments with bad names from keys never enrolled, and malformed tiles.
fn junk(addr: &str, server: &str, from: u64, count: u64) {
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let (addr, server) = (addr.to_string(), server.to_string());
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                let trips = serde_json::to_vec(&TripsRequest { trips: vec![trip(0, 1000.0, 500.0)] }).unwrap();
                for n in (from + t..from + count).step_by(4) {
                    let key = fresh_key(n);
                    let request = match n % 3 {
                        0 => signed_post(&key, &server, "trips", &trips, &format!("j{n}")),
                        1 => signed_post(&key, &server, "enrol", &enrol_body("\u{1b}[31mred", Some("EV-\u{1b}]0;x")), &format!("j{n}")),
                        _ => format!("GET /tile/entries/{n}.p/0 HTTP/1.1\r\nhost: x\r\n\r\n").into_bytes(),
                    };
                    // Kept alive: drop the connection: close header.
                    let request = String::from_utf8(request).unwrap().replacen("connection: close\r\n", "", 1);
                    s.write_all(request.as_bytes()).unwrap();
                    read_one_response(&mut s);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// Reads one response (headers and a content-length body) from a kept-alive connection.
fn read_one_response(s: &mut TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_lowercase();
    let len: usize = text.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    text[9..12].parse().unwrap()
}

fn trip(day: i64, odometer: f64, km: f64) -> TripSummary {
    TripSummary {
        vehicle: "EV-JUNK".into(),
        start: day * 86_400,
        end: day * 86_400 + 7200,
        odometer_start_km: odometer,
        odometer_end_km: odometer + km,
        energy_kwh: 0.0,
        hard_brakes: 0,
        hard_accelerations: 0,
    }
}

#[test]
fn junk_from_ten_thousand_fresh_keys_leaves_memory_and_disk_flat() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--rate-per-address", "1000000", "--address-burst", "1000000"]);
    let (addr, name) = (server.addr().to_string(), server_name(dir.path()));
    // Warm up the server's pools and buffers first.
    junk(&addr, &name, 0, 1_000);
    let (rss, disk) = (resident_kb(server.child.id()), disk_bytes(dir.path()));
    junk(&addr, &name, 1_000, 10_000);
    let (rss_after, disk_after) = (resident_kb(server.child.id()), disk_bytes(dir.path()));
    eprintln!("10,000 junk requests: resident {rss} → {rss_after} kB, disk {disk} → {disk_after} bytes");
    assert!(rss_after < rss + 4 * 1024, "resident memory grew from {rss} to {rss_after} kB");
    assert_eq!(disk_after, disk, "nothing was stored for keys never enrolled");
    // A body over the limit is refused before it is read whole, and stores nothing.
    let huge = enrol_body(&"x".repeat(1_600_000), None);
    let (status, _, _) = send(&addr, &signed_post(&fresh_key(99_999), &name, "enrol", &huge, "big"));
    assert_eq!(status, 413);
    assert_eq!(disk_bytes(dir.path()), disk);
    checkpoint_is_served(&addr);
}

#[test]
fn a_request_signed_for_one_server_is_refused_by_another() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (Server::start(dir_a.path()), Server::start(dir_b.path()));
    let key = fresh_key(7);
    let request = signed_post(&key, &server_name(dir_a.path()), "enrol", &enrol_body("Ada", Some("EV-ADA-1")), "once");
    let (status, _, body) = send(b.addr(), &request);
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("does not verify"), "{}", String::from_utf8_lossy(&body));
    let (status, _, _) = get(b.addr(), &format!("/v1/player/{}", key.public_key().to_hex()));
    assert_eq!(status, 404, "not enrolled on the other server");
    let (status, _, body) = send(a.addr(), &request);
    assert_eq!(status, 200, "the server it was signed for takes it: {}", String::from_utf8_lossy(&body));
    let (status, _, body) = get(a.addr(), &format!("/v1/player/{}", key.public_key().to_hex()));
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("\"name\":\"Ada\""));
}

#[test]
fn floods_are_answered_429_with_retry_after_per_address_and_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--rate-per-address", "2", "--address-burst", "10"]);
    let statuses: Vec<(u16, String)> = (0..30).map(|_| get(server.addr(), "/checkpoint")).map(|(s, h, _)| (s, h)).collect();
    let limited: Vec<_> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    assert!(statuses.iter().take(10).all(|(s, _)| *s == 200), "the burst is served");
    assert!(limited.len() >= 15, "most of the flood is refused: {} of 30", limited.len());
    assert!(limited.iter().all(|(_, h)| h.contains("retry-after: ")), "each 429 says when to come back");

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--rate-per-key", "1", "--key-burst", "3"]);
    let name = server_name(dir.path());
    let (one, other) = (fresh_key(1), fresh_key(2));
    let answers: Vec<u16> = (0..8).map(|i| send(server.addr(), &signed_post(&one, &name, "enrol", &enrol_body("One", None), &format!("k{i}"))).0).collect();
    assert_eq!(&answers[..3], &[200, 200, 200], "{answers:?}");
    assert!(answers[3..].iter().filter(|&&s| s == 429).count() >= 4, "{answers:?}");
    let (status, _, _) = send(server.addr(), &signed_post(&other, &name, "enrol", &enrol_body("Other", None), "o1"));
    assert_eq!(status, 200, "another player's budget is their own");
    // A forged request in someone's name does not spend their budget: it fails the signature first.
    let mut forged = String::from_utf8(signed_post(&fresh_key(3), &name, "enrol", &enrol_body("X", None), "f1")).unwrap();
    forged = forged.replace(&fresh_key(3).public_key().to_hex(), &fresh_key(4).public_key().to_hex());
    for _ in 0..5 {
        assert_eq!(send(server.addr(), forged.as_bytes()).0, 401);
    }
    assert_eq!(send(server.addr(), &signed_post(&fresh_key(4), &name, "enrol", &enrol_body("Four", None), "f4")).0, 200);
}

#[test]
fn names_and_pseudonyms_must_be_short_printable_text() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let name = server_name(dir.path());
    for (i, (who, vehicle, says)) in [
        ("\u{1b}[2J\u{1b}[31mOwned", None, "U+001B"),
        ("Ada", Some("EV\u{202e}1-VE"), "U+202E"),
        ("", None, "1 to 32 characters"),
        (&*"长".repeat(33), None, "1 to 32 characters (it has 33)"),
        ("Ada", Some("   "), "1 to 32 characters"),
    ]
    .into_iter()
    .enumerate()
    {
        let key = fresh_key(100 + i as u64);
        let (status, _, body) = send(server.addr(), &signed_post(&key, &name, "enrol", &enrol_body(who, vehicle), "n"));
        let body = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 422, "{who:?}: {body}");
        assert!(body.contains(says), "{who:?}: {body}");
        assert_eq!(get(server.addr(), &format!("/v1/player/{}", key.public_key().to_hex())).0, 404);
    }
    let (status, _, body) = send(server.addr(), &signed_post(&fresh_key(1), &name, "enrol", &enrol_body("原石谷的车主", Some("EV-沪A-01")), "ok"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

/// Two identities claiming one car (the attack that paid the same invented trips twice): the
/// second is refused, however it spells the pseudonym, and may still join as a guest.
#[test]
fn a_second_owner_of_a_car_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let name = server_name(dir.path());
    let (owner, thief) = (fresh_key(200), fresh_key(201));
    let (status, _, body) = send(server.addr(), &signed_post(&owner, &name, "enrol", &enrol_body("Ada", Some("EV-SHARED-1")), "o"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    for (i, spelling) in ["EV-SHARED-1", "ev-shared-1 "].into_iter().enumerate() {
        let (status, _, body) = send(server.addr(), &signed_post(&thief, &name, "enrol", &enrol_body("Eve", Some(spelling)), &format!("t{i}")));
        let body = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 422, "{spelling:?}: {body}");
        assert!(body.contains("\"vehicle-owned\"") && body.contains("already has an owner"), "{spelling:?}: {body}");
        assert_eq!(get(server.addr(), &format!("/v1/player/{}", thief.public_key().to_hex())).0, 404);
    }
    // Refused as an owner, the thief has nothing to send trips for.
    let trips = serde_json::to_vec(&TripsRequest { trips: vec![trip(20_000, 1000.0, 50.0)] }).unwrap();
    let (status, _, body) = send(server.addr(), &signed_post(&thief, &name, "trips", &trips, "tt"));
    assert_eq!(status, 422);
    assert!(String::from_utf8_lossy(&body).contains("not-enrolled"), "{}", String::from_utf8_lossy(&body));
    let (status, _, _) = send(server.addr(), &signed_post(&thief, &name, "enrol", &enrol_body("Eve", None), "g"));
    assert_eq!(status, 200, "a guest has no car to claim");
    let (_, _, owner_view) = get(server.addr(), &format!("/v1/player/{}", owner.public_key().to_hex()));
    assert!(String::from_utf8_lossy(&owner_view).contains("EV-SHARED-1"), "{}", String::from_utf8_lossy(&owner_view));
}

/// Player-signed entries dated years ahead (which would fix a far day's beacon and leave
/// every real day after it without one) or long ago are refused; one signed now is taken.
#[test]
fn entries_dated_outside_the_skew_window_are_refused() {
    use base64::Engine;
    use horizon::ledger::{Body, Entry, Scope};
    use horizon::valley::wire::{ENTRY_MAX_AGE_MS, ENTRY_MAX_AHEAD_MS, SubmitRequest};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let name = server_name(dir.path());
    let key = fresh_key(300);
    assert_eq!(send(server.addr(), &signed_post(&key, &name, "enrol", &enrol_body("Ada", Some("EV-SKEW")), "e")).0, 200);
    let now = system_clock();
    let submit = |time_ms: u64, nonce: u64, idem: &str| {
        let entry = Entry::sign(Body::Consent { scope: Scope::Mileage, granted: true }, &key.signing_key, nonce, time_ms).unwrap();
        let body = serde_json::to_vec(&SubmitRequest { entry: base64::engine::general_purpose::STANDARD.encode(entry.to_bytes()) }).unwrap();
        let (status, _, answer) = send(server.addr(), &signed_post(&key, &name, "submit", &body, idem));
        (status, String::from_utf8_lossy(&answer).into_owned())
    };
    for (i, (time_ms, says)) in [
        (now + 10 * 365 * 86_400_000, "ahead of the valley's clock"),
        (1 << 63, "ahead of the valley's clock"),
        (now + ENTRY_MAX_AHEAD_MS + 60_000, "ahead of the valley's clock"),
        (now - ENTRY_MAX_AGE_MS - 60_000, "older than"),
        (0, "older than"),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, body) = submit(time_ms, 0, &format!("s{i}"));
        assert_eq!(status, 400, "{time_ms}: {body}");
        assert!(body.contains(says), "{time_ms}: {body}");
    }
    let (status, body) = submit(now, 0, "ok");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn trips_per_request_are_capped_and_the_client_sends_more_in_several() {
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    let name = server_name(server_dir.path());
    let key = fresh_key(5);
    assert_eq!(send(server.addr(), &signed_post(&key, &name, "enrol", &enrol_body("Ada", Some("EV-JUNK")), "e")).0, 200);
    let today = (system_clock() / horizon::ledger::replay::DAY_MS) as i64;
    let many: Vec<TripSummary> = (0..250).map(|i| trip(today - 260 + i, 1000.0 + 20.0 * i as f64, 20.0)).collect();
    let too_many = serde_json::to_vec(&TripsRequest { trips: many[..MAX_TRIPS_PER_REQUEST + 1].to_vec() }).unwrap();
    let (status, _, body) = send(server.addr(), &signed_post(&key, &name, "trips", &too_many, "t"));
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("101 trips in one request; at most 100"), "{}", String::from_utf8_lossy(&body));
    // The client splits 250 trips into requests the server takes.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        use horizon::valley::ValleyService;
        let data = horizon::profile::DataDir(client_dir.path().to_path_buf());
        let mut valley = horizon::client::http::HttpValley::open(&data, &server.url, key.clone(), system_clock).unwrap();
        let consent = valley.sign(horizon::ledger::Body::Consent { scope: horizon::ledger::Scope::Mileage, granted: true }).unwrap();
        valley.submit(consent).await.unwrap();
        let report = valley.import_trips(&key.public_key(), many).await.unwrap();
        assert_eq!(report.checked.len(), 250);
        assert!(report.checked.iter().all(|c| matches!(c.verdict, horizon::telemetry::Verdict::Accepted { .. })), "they shape the twin, whatever their age");
        assert_eq!((report.attested_km, report.new_deposits.len()), (0, 0), "self-reported km mint nothing on a shared valley");
    });
}

#[test]
fn a_server_killed_after_answering_remembers_every_trip_it_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let name = server_name(dir.path());
    let key = fresh_key(6);
    let consent = horizon::ledger::Entry::sign(
        horizon::ledger::Body::Consent { scope: horizon::ledger::Scope::Mileage, granted: true },
        &key.signing_key,
        0,
        system_clock(),
    )
    .unwrap();
    use base64::Engine;
    let submit = serde_json::to_vec(&horizon::valley::wire::SubmitRequest { entry: base64::engine::general_purpose::STANDARD.encode(consent.to_bytes()) }).unwrap();
    assert_eq!(send(server.addr(), &signed_post(&key, &name, "enrol", &enrol_body("Ada", Some("EV-JUNK")), "e")).0, 200);
    assert_eq!(send(server.addr(), &signed_post(&key, &name, "submit", &submit, "c")).0, 200);
    let today = (system_clock() / horizon::ledger::replay::DAY_MS) as i64;
    let first = serde_json::to_vec(&TripsRequest { trips: vec![trip(today - 2, 5000.0, 80.0)] }).unwrap();
    let (status, _, body) = send(server.addr(), &signed_post(&key, &name, "trips", &first, "t1"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("\"accepted\":true"), "{}", String::from_utf8_lossy(&body));
    // Killed at once after answering: no clean shutdown, nothing folded.
    server.kill();
    let server = Server::start(dir.path());
    let name = server_name(dir.path());
    // A later trip whose odometer reads less than the accepted one ended at is refused:
    // the restarted server knows the first trip.
    let back = serde_json::to_vec(&TripsRequest { trips: vec![trip(today - 1, 4900.0, 50.0)] }).unwrap();
    let (status, _, body) = send(server.addr(), &signed_post(&key, &name, "trips", &back, "t2"));
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"accepted\":false") && body.contains("ended at 5,080 km"), "the odometer going back is caught: {body}");
}
