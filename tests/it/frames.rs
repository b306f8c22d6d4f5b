//! The frame never waits for the valley: with a server that takes 2 s to answer each
//! request, the game (headless, connected, the real plugins) goes on stepping frames while
//! its intents are on the way, and their outcomes arrive later. The frame times are printed;
//! this checks that no system waits on the network, it is not a speed benchmark.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use bevy::ecs::message::Messages;
use horizon::game::authority::{Authority, Intent, Outcome};
use horizon::game::authority_link::AuthorityLink;
use horizon::game::{DEFAULT_LEVEL, play_app};
use horizon::level::Level;
use horizon::profile::DataDir;

use crate::support::Server;

/// How long the slow server takes over each request.
const SERVER_DELAY: Duration = Duration::from_secs(2);

/// A TCP proxy in front of `upstream` that holds each HTTP request for `delay` before
/// passing it on (the delay is the fault under test). Returns its base URL.
fn slow_proxy(upstream: String, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&upstream) else { continue };
            let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n @ 1..) = from_client.read(&mut buf) {
                    // A chunk that starts a request (not the rest of a body) waits first.
                    if [&b"GET "[..], b"POST ", b"PUT ", b"HEAD "].iter().any(|m| buf[..n].starts_with(m)) {
                        std::thread::sleep(delay);
                    }
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = to_server.shutdown(std::net::Shutdown::Write);
            });
            let (mut from_server, mut to_client) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut to_client);
                let _ = to_client.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    url
}

#[test]
fn frames_go_on_under_50_ms_while_the_server_takes_2_s_to_answer() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    // An owner with the sample week's deposits in the valley, set up at full speed.
    super::support::cli_owner_with_sample_week(client.path(), &server.url);

    // The game connects through the slow proxy (start-up waits for it; frames must not).
    let url = slow_proxy(server.addr().to_string(), SERVER_DELAY);
    let data = DataDir(client.path().to_path_buf());
    let (key, _) = horizon::profile::load_or_create_key(&data.player_key(), "player").unwrap();
    let authority = Authority::connected(&data, &url, key).unwrap();
    let level = Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL).unwrap();
    let mut app = play_app(level, authority, client.path());
    let stones_before = app.world().resource::<horizon::game::screens::Profile>().player.state.stones_milli;
    let deposit = *app.world().resource::<horizon::game::screens::Profile>().player.state.deposits.keys().next().expect("a deposit to mine");
    // The first frames build the valley's colliders; what is timed starts after them.
    for _ in 0..10 {
        app.update();
    }
    let mut cursor = app.world().resource::<Messages<Outcome>>().get_cursor();

    app.world_mut().write_message(Intent::Mine { km_index: deposit });
    let sent = Instant::now();
    let mut frame_ms = Vec::new();
    let answered = loop {
        let start = Instant::now();
        app.update();
        frame_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let outcomes: Vec<Outcome> = cursor.read(app.world().resource::<Messages<Outcome>>()).cloned().collect();
        // (The drive the game reports to a shared valley has answers of its own.)
        let drive = |o: &Outcome| matches!(o, Outcome::DriveStarted | Outcome::DriveReported(_) | Outcome::Refused { intent: Intent::StartDrive { .. } | Intent::ReportDrive { .. }, .. });
        if let Some(o) = outcomes.into_iter().find(|o| !drive(o)) {
            break o;
        }
        assert!(sent.elapsed() < Duration::from_secs(60), "no answer in 60 s");
    };
    let waited = sent.elapsed();
    let slowest = frame_ms.iter().copied().fold(0.0, f64::max);
    let mean = frame_ms.iter().sum::<f64>() / frame_ms.len() as f64;
    println!("{} frames while the intent was out ({:.2} s): mean {mean:.2} ms, slowest {slowest:.2} ms", frame_ms.len(), waited.as_secs_f64());
    assert!(matches!(answered, Outcome::Mined(ref d) if d.km_index == deposit), "the server minted the deposit: {answered:?}");
    assert!(waited >= SERVER_DELAY, "the answer came through the slow server ({waited:?})");
    assert!(frame_ms.len() > 20, "frames went on meanwhile: only {}", frame_ms.len());
    assert!(slowest < 50.0, "a frame took {slowest:.1} ms: something waits on the server");
    // The outcome arrived with the server's new balance.
    let Outcome::Mined(d) = answered else { unreachable!() };
    let stones = app.world().resource::<horizon::game::screens::Profile>().player.state.stones_milli;
    assert_eq!(stones, stones_before + d.amount_milli, "the profile shows the minted stone");
    drop(app.world_mut().remove_resource::<AuthorityLink>());
}
