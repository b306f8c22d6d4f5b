//! Boxes provable end to end: the commitment is on the ledger before the draw (and survives
//! a restart of the server), the client checks the reveal against the commitment it was
//! shown and its own seed, replay checks the draw opens the recorded commitment, and a
//! commitment never opened stays visible.

use horizon::client::http::HttpValley;
use horizon::client::queue::Intent;
use horizon::economy::EconomyTables;
use horizon::economy::boxes::commitment;
use horizon::ledger::rules::box_draw_body;
use horizon::ledger::{Body, Kind, Ledger, LedgerError, NamedKey, Role, Violation};
use horizon::profile::DataDir;
use horizon::valley::embedded::system_clock;
use horizon::valley::wire::EnrolRequest;
use horizon::valley::{ValleyError, ValleyService};

use super::support::{Server, T0, grant_for, organiser_option};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// A guest of `url` (player seed `seed`, client data in `dir`) with 100 crystals from an
/// organiser's grant when `earn` is set (the server must trust `support::organiser`).
async fn guest(dir: &std::path::Path, url: &str, seed: u8, earn: bool) -> HttpValley {
    let key = NamedKey::from_seed("player", [seed; 32]).unwrap();
    let mut valley = HttpValley::open(&DataDir(dir.to_path_buf()), url, key, system_clock).unwrap();
    valley.sync_replica().await.unwrap();
    if valley.replica.state().player(&valley.player_key()).is_none() {
        valley.enqueue(Intent::Enrol(EnrolRequest { name: "Box".into(), vehicle: None })).unwrap();
        valley.flush().await.unwrap();
    }
    if earn {
        let me = valley.player_key();
        let origin = valley.replica.checkpoint().unwrap().origin.clone();
        assert_eq!(valley.claim_grant(&me, grant_for(&origin, "box-test", me)).await.unwrap(), 100);
    }
    valley.sync_replica().await.unwrap();
    valley
}

#[test]
fn a_boxs_commitment_is_on_the_ledger_before_its_draw_and_survives_a_restart() {
    let server_dir = tempfile::tempdir().unwrap();
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut server = Server::start_with(server_dir.path(), &organiser_option().each_ref().map(String::as_str));
    let shown = rt().block_on(async {
        let mut valley = guest(first.path(), &server.url, 30, true).await;
        let me = valley.player_key();
        let c = valley.commit_box(&me).await.unwrap();
        assert_eq!(valley.commit_box(&me).await.unwrap(), c, "one commitment waits at a time");
        c
    });
    // The server is killed between the commitment and the opening.
    server.kill();
    let state = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap().state;
    let me = NamedKey::from_seed("player", [30; 32]).unwrap().public_key();
    let open = state.player(&me).unwrap().open_box.expect("the commitment is on the ledger");
    assert_eq!(open.commitment, shown);
    assert_eq!(state.entries_by_kind.get(&Kind::BoxCommit), Some(&1));
    let server = Server::start_with(server_dir.path(), &organiser_option().each_ref().map(String::as_str));
    rt().block_on(async {
        let mut valley = guest(second.path(), &server.url, 30, false).await;
        let opening = valley.open_box(&me, shown, [9; 32]).await.unwrap();
        assert_eq!((opening.commitment, commitment(&opening.server_seed), opening.client_seed), (shown, shown, [9; 32]));
        assert!(matches!(valley.open_box(&me, shown, [9; 32]).await, Err(ValleyError::NoCommitment(_))), "a commitment opens one box");
    });
    drop(server);
    let (ledger, _) = Ledger::open(&server_dir.path().join("ledger"), None, None).unwrap();
    let entries = ledger.entries().unwrap();
    let commit_at = entries.iter().position(|e| matches!(e.body, Body::BoxCommit { commitment, .. } if commitment == shown)).unwrap();
    let draw_at = entries.iter().position(|e| matches!(e.body, Body::BoxDraw { commitment, .. } if commitment == shown)).unwrap();
    let open_at = entries.iter().position(|e| e.actor == me && matches!(e.body, Body::BoxOpen { commitment, client_seed } if commitment == shown && client_seed == [9; 32])).expect("the player's signed seed is on the ledger");
    assert!(commit_at < open_at && open_at < draw_at, "committed at entry {commit_at}, the player's seed at {open_at}, drawn at {draw_at}");
    assert_eq!(ledger.state().player(&me).unwrap().open_box, None, "opened");
}

#[test]
fn a_commitment_never_opened_stays_visible_and_a_guest_without_crystals_gets_none() {
    let server_dir = tempfile::tempdir().unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Server::start_with(server_dir.path(), &organiser_option().each_ref().map(String::as_str));
    rt().block_on(async {
        let mut rich = guest(a.path(), &server.url, 31, true).await;
        let me = rich.player_key();
        let c = rich.commit_box(&me).await.unwrap();
        rich.sync_replica().await.unwrap();
        assert_eq!(rich.replica.state().player(&me).unwrap().open_box.map(|o| o.commitment), Some(c));
        // Opening it without the player's signed seed is refused: the server could pick one.
        let body = serde_json::to_vec(&horizon::valley::wire::OpenBoxRequest { commitment: hex::encode(c), client_seed: hex::encode([1u8; 32]), entry: None }).unwrap();
        let key = NamedKey::from_seed("player", [31; 32]).unwrap();
        let headers = horizon::valley::wire::sign_request(&key, &super::support::server_name(server_dir.path()), "POST", "/v1/box/open", system_clock(), "open-unsigned", &body);
        let mut request = reqwest::Client::new().post(format!("{}/v1/box/open", server.url)).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 400);
        assert!(answer.text().await.unwrap().contains("needs your signed box-open entry"));
        let mut poor = guest(b.path(), &server.url, 32, false).await;
        let me = poor.player_key();
        assert!(matches!(poor.commit_box(&me).await, Err(ValleyError::NotEnoughCrystals { price: 100, have: 0 })));
    });
    let state = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap().state;
    assert_eq!(state.entries_by_kind.get(&Kind::BoxCommit), Some(&1), "no entry for a player who cannot pay");
}

#[test]
fn a_reveal_that_does_not_open_the_commitment_shown_is_caught() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start_with(server_dir.path(), &organiser_option().each_ref().map(String::as_str));
    rt().block_on(async {
        let mut valley = guest(client.path(), &server.url, 33, true).await;
        let me = valley.player_key();
        let shown = valley.commit_box(&me).await.unwrap();
        let opening = valley.open_box(&me, shown, [4; 32]).await.unwrap();
        opening.check_against(&shown, &[4; 32]).unwrap();
        // An answer that reveals another commitment, a seed that is not the player's, or a
        // server seed that does not hash to what was shown.
        let mut other = opening.clone();
        other.commitment = [1; 32];
        let e = other.check_against(&shown, &[4; 32]).unwrap_err();
        assert!(e.to_string().contains("not") && e.to_string().contains("shown before opening"), "{e}");
        let e = opening.check_against(&shown, &[5; 32]).unwrap_err();
        assert!(e.to_string().contains("another seed than the one sent"), "{e}");
        let mut seed = opening.clone();
        seed.server_seed = [2; 32];
        let e = seed.check_against(&shown, &[4; 32]).unwrap_err();
        assert!(e.to_string().contains("SHA-256 of the revealed server seed"), "{e}");
    });
}

#[test]
fn replay_refuses_a_draw_that_opens_no_recorded_commitment() {
    let dir = tempfile::tempdir().unwrap();
    let tables = EconomyTables::shared();
    // A shared ledger (not a local origin), as a server writes.
    let mut ledger = Ledger::create(dir.path(), NamedKey::from_seed("crypto-horizon.valley/box-test", [5; 32]).unwrap(), T0).unwrap();
    let player = NamedKey::from_seed("player", [34; 32]).unwrap().public_key();
    let append = |ledger: &mut Ledger, body: Body, at: u64| {
        let e = ledger.sign_as_authority(body, T0 + at).unwrap();
        ledger.append(&[e])
    };
    append(&mut ledger, Body::Enrol { player, role: Role::Guest, name: "box".into() }, 1).unwrap();
    for (task, amount) in [("visit-garage", 10), ("visit-lookout", 30), ("visit-spires", 30), ("visit-arch", 30)] {
        append(&mut ledger, Body::CrystalAward { player, amount, task: task.into() }, 2).unwrap();
    }
    let draw = |ledger: &Ledger, seed: [u8; 32]| {
        let state = ledger.state().player(&player).unwrap().clone();
        box_draw_body(&tables, ledger.state(), player, &state, seed, [3; 32])
    };
    let rule = |r: Result<u64, LedgerError>| match r {
        Err(LedgerError::Rule { violation, .. }) => violation,
        other => panic!("not a rule violation: {other:?}"),
    };
    let uncommitted = draw(&ledger, [7; 32]);
    assert!(matches!(rule(append(&mut ledger, uncommitted, 3)), Violation::NoRecordedCommitment(_)));
    append(&mut ledger, Body::BoxCommit { player, commitment: commitment(&[8; 32]) }, 4).unwrap();
    assert!(matches!(rule(append(&mut ledger, Body::BoxCommit { player, commitment: commitment(&[9; 32]) }, 5)), Violation::BoxAlreadyCommitted(_)));
    let other = draw(&ledger, [7; 32]);
    assert!(matches!(rule(append(&mut ledger, other, 6)), Violation::CommitmentNotRecorded { .. }), "a seed other than the committed one");
    // Without the player's signed seed, the authority cannot draw (it could pick the seed).
    let unsigned = draw(&ledger, [8; 32]);
    assert!(matches!(rule(append(&mut ledger, unsigned, 7)), Violation::SeedNotSigned(_)));
    let signer = NamedKey::from_seed("player", [34; 32]).unwrap();
    let open = horizon::ledger::Entry::sign(Body::BoxOpen { commitment: commitment(&[8; 32]), client_seed: [4; 32] }, &signer.signing_key, 0, T0 + 8).unwrap();
    ledger.append(&[open]).unwrap();
    let other_seed = draw(&ledger, [8; 32]); // drawn with client seed [3; 32], not the signed [4; 32]
    assert!(matches!(rule(append(&mut ledger, other_seed, 9)), Violation::SeedNotSigned(_)), "the authority's choice of seed");
    let state = ledger.state().player(&player).unwrap().clone();
    let committed = box_draw_body(&tables, ledger.state(), player, &state, [8; 32], [4; 32]);
    append(&mut ledger, committed, 10).unwrap();
    assert_eq!(ledger.state().player(&player).unwrap().boxes_opened, 1);
}
