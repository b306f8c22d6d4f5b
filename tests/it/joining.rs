//! Joining a shared valley from a fresh profile (`horizon play --server URL --join`, the
//! browser page's *join*), against a real `horizon serve` over loopback: the player enrols,
//! consents, brings a sample car of its own and mines there; the server's ledger records it
//! and verifies; joining again changes nothing; a server that trusts no demo car mints
//! nothing for it.

use std::path::Path;
use std::process::Command;

use horizon::client::joining::sample_car_for;
use horizon::ledger::{Body, Ledger, Role};
use horizon::profile::load_or_create_key;

use super::support::Server;

const EXE: &str = env!("CARGO_BIN_EXE_horizon");

/// Plays `frames` headless frames joined to `url`; returns the report line.
fn play_joined(data: &Path, url: &str, frames: &str) -> String {
    let out = Command::new(EXE).arg("--data-dir").arg(data).args(["play", "--server", url, "--join", "--autopilot", "--headless", "--frames", frames]).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    text.lines().find(|l| l.starts_with("headless:")).unwrap_or_else(|| panic!("a report line in {text}")).to_string()
}

fn mined(line: &str) -> u64 {
    line.split("mined ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"))
}

/// The server's ledger (after the server is stopped), verified from scratch.
fn server_ledger(dir: &Path) -> Ledger {
    let report = horizon::ledger::verify::verify_ledger(&dir.join("ledger"), None, &mut |_, _| {}).expect("the server's ledger verifies");
    assert!(report.checkpoint.size > 0);
    Ledger::open(&dir.join("ledger"), None, None).unwrap().0
}

#[test]
fn a_fresh_profile_joins_a_shared_valley_and_mines_there_once() {
    let server_dir = tempfile::tempdir().unwrap();
    let player_dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(server_dir.path());
    let first = play_joined(player_dir.path(), &server.url, "2400");
    assert!(mined(&first) > 0, "the joined player's autopilot mines their sample car's stones: {first}");
    // The profile remembers its server; joining again adds no enrolment, car or trips.
    let again = play_joined(player_dir.path(), &server.url, "2");
    server.kill();
    let (key, _) = load_or_create_key(&horizon::profile::DataDir(player_dir.path().to_path_buf()).player_key(), "player").unwrap();
    let me = key.public_key();
    let ledger = server_ledger(server_dir.path());
    let entries = ledger.entries().unwrap();
    let count = |f: &dyn Fn(&Body) -> bool| entries.iter().filter(|e| f(&e.body)).count();
    assert_eq!(count(&|b| matches!(b, Body::Enrol { player, .. } if *player == me)), 1, "{again}");
    assert_eq!(count(&|b| matches!(b, Body::Bind(_))), 1, "one car paired: {again}");
    assert!(count(&|b| matches!(b, Body::Mint { player, .. } if *player == me)) as u64 >= mined(&first), "its mints are on the server's ledger");
    let state = ledger.state().player(&me).expect("enrolled on the server");
    assert_eq!(state.role, Role::Owner { vehicle: sample_car_for(&me) });
    assert!(state.stones_milli > 0, "its stones are on the server's ledger");
}

#[test]
fn a_server_that_trusts_no_demo_car_mints_nothing_for_a_join() {
    let server_dir = tempfile::tempdir().unwrap();
    let player_dir = tempfile::tempdir().unwrap();
    let mut server = Server::spawn(server_dir.path(), &[]);
    let line = play_joined(player_dir.path(), &server.url, "600");
    assert_eq!(mined(&line), 0, "{line}");
    assert!(line.contains("stones 0.000 -> 0.000"), "{line}");
    server.kill();
    let ledger = server_ledger(server_dir.path());
    let (key, _) = load_or_create_key(&horizon::profile::DataDir(player_dir.path().to_path_buf()).player_key(), "player").unwrap();
    let state = ledger.state().player(&key.public_key()).expect("enrolled as a guest");
    assert_eq!((state.role.clone(), state.stones_milli, state.deposits.len()), (Role::Guest, 0, 0));
}
