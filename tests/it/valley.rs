//! The embedded valley authority as the game and the command line use it.

use std::process::Command;

use horizon::economy::{CULTIVATION_POOL_CAP_MILLI, EconomyTables, MILEAGE_POOL_CAP_MILLI, boxes};
use horizon::ledger::verify::verify_ledger;
use horizon::ledger::{Body, Scope};
use horizon::profile::DataDir;
use horizon::telemetry::{TripSummary, Verdict};
use horizon::valley::{EmbeddedValley, ValleyService, block_on_ready as block_on};
use proptest::prelude::*;

/// A fixed clock: 2025-10-09, a month after the sample trips.
fn clock() -> u64 {
    1_760_000_000_000
}

#[test]
fn the_first_run_has_a_sample_car_with_stones_to_mine() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir(dir.path().into());
    let (mut valley, player) = EmbeddedValley::open_with_player(&data, clock).unwrap();
    let key = player.public_key();
    let view = block_on(valley.player(&key)).unwrap();
    assert!(view.state.is_owner() && view.state.consented(Scope::Mileage));
    assert_eq!(view.stats.trips, 10);
    assert!(view.stats.real_km > 500.0);
    let deposits: Vec<_> = view.state.deposits.values().copied().collect();
    assert!(deposits.len() > 50, "{} deposits from ~580 km", deposits.len());
    // The sample car is a simulated one, provisioned by the demo maker and paired with the
    // player; its sample week is car-signed.
    let car = valley.ledger().state().car("EV-DEMO-01").expect("the sample car is provisioned").clone();
    assert_eq!(car.owner, Some(key));
    assert_eq!(car.maker, horizon::ledger::PublicKey::from_signing_key(&horizon::ledger::car::demo_maker_key()));
    assert_eq!(valley.ledger().state().entries_by_kind.get(&horizon::ledger::Kind::CarTrip), Some(&10));

    // Mining a deposit adds a signed mint and raises the balance by exactly that deposit.
    let size = valley.ledger().size();
    let mined = block_on(valley.mine(&key, deposits[3].km_index)).unwrap();
    let after = block_on(valley.player(&key)).unwrap();
    assert_eq!(after.state.stones_milli, mined.amount_milli);
    assert_eq!(valley.ledger().size(), size + 1);
    let (entry, _) = valley.ledger().read_entry(size).unwrap();
    assert!(matches!(entry.body, Body::Mint { km_index, .. } if km_index == deposits[3].km_index));
    assert!(block_on(valley.mine(&key, deposits[3].km_index)).is_err(), "a deposit is mined once");

    // Reopening finds the same profile; nothing is imported twice.
    drop(valley);
    let (mut valley, again) = EmbeddedValley::open_with_player(&data, clock).unwrap();
    assert_eq!(again.public_key(), key);
    assert_eq!(block_on(valley.player(&key)).unwrap().state.deposits.len(), deposits.len() - 1);
}

#[test]
fn unmined_deposits_are_credited_after_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir(dir.path().into());
    let (valley, player) = EmbeddedValley::open_with_player(&data, clock).unwrap();
    let unmined = valley.ledger().state().player(&player.public_key()).unwrap().unmined_milli();
    drop(valley);
    fn later() -> u64 {
        clock() + 31 * 86_400_000
    }
    let (valley, _) = EmbeddedValley::open_with_player(&data, later).unwrap();
    let p = valley.ledger().state().player(&player.public_key()).unwrap();
    assert_eq!((p.stones_milli, p.deposits.len()), (unmined, 0), "nothing earned is lost");
}

#[test]
fn boxes_are_committed_before_and_recompute_from_the_revealed_seed_after() {
    let dir = tempfile::tempdir().unwrap();
    let (mut valley, player) = EmbeddedValley::open_with_player(&DataDir(dir.path().into()), clock).unwrap();
    let key = player.public_key();
    // A commitment is a ledger entry: only for a player who can pay for the box.
    let poor = block_on(valley.commit_box(&key)).unwrap_err();
    assert!(poor.to_string().contains("a box costs 100 crystals; you have 0"), "{poor}");
    assert_eq!(block_on(valley.complete_task(&key, "co-creation")).unwrap(), 100);
    assert!(block_on(valley.complete_task(&key, "co-creation")).unwrap_err().to_string().contains("done for now"));
    let size = valley.ledger().size();
    let commitment = block_on(valley.commit_box(&key)).unwrap();
    let (recorded, _) = valley.ledger().read_entry(size).unwrap();
    assert!(matches!(recorded.body, Body::BoxCommit { commitment: c, .. } if c == commitment), "recorded before the draw: {recorded:?}");
    assert_eq!(block_on(valley.commit_box(&key)).unwrap(), commitment, "asking again shows the same commitment");
    assert_eq!(valley.ledger().size(), size + 1, "and records nothing more");
    assert!(block_on(valley.open_box(&key, [0; 32], [1; 32])).is_err(), "only the committed box opens");
    let opened = block_on(valley.open_box(&key, commitment, [1; 32])).unwrap();
    assert_eq!(boxes::commitment(&opened.server_seed), commitment);
    let tables = EconomyTables::bundled();
    let recomputed = boxes::resolve(&tables.boxes, true, opened.pity_before, &opened.server_seed, &opened.client_seed, opened.draw, u64::MAX);
    assert_eq!(recomputed, opened.prize);
    assert!(block_on(valley.open_box(&key, commitment, [1; 32])).is_err(), "a commitment opens one box");
}

#[test]
fn buying_signs_a_purchase_changes_the_twin_and_entitlements_get_vouchers() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir(dir.path().into());
    let (mut valley, player) = EmbeddedValley::open_with_player(&data, clock).unwrap();
    let key = player.public_key();
    let deposits: Vec<u64> = valley.ledger().state().player(&key).unwrap().deposits.keys().copied().collect();
    for km in deposits.iter().take(30) {
        block_on(valley.mine(&key, *km)).unwrap();
    }
    let before = block_on(valley.player(&key)).unwrap();
    let buy = valley.sign_for(&player, Body::Purchase { item: "motor-1".into(), price_milli: 2_000 }).unwrap();
    block_on(valley.submit(buy)).unwrap();
    let after = block_on(valley.player(&key)).unwrap();
    assert_eq!(after.state.stones_milli, before.state.stones_milli - 2_000);
    assert_eq!(after.stats.power.value, before.stats.power.value + 6, "{}", after.stats.power.explanation);
    let ota = valley.sign_for(&player, Body::Purchase { item: "ota-sport-mode".into(), price_milli: 20_000 }).unwrap();
    block_on(valley.submit(ota)).unwrap();
    let p = block_on(valley.player(&key)).unwrap().state;
    assert_eq!(p.vouchers.len(), 1);
    assert!(p.vouchers[0].id.starts_with("CHV-"));

    drop(valley);
    let out = Command::new(env!("CARGO_BIN_EXE_horizon")).args(["--data-dir", dir.path().to_str().unwrap(), "ledger", "show"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("upgrades: motor-1, ota-sport-mode"), "{text}");
    assert!(text.contains(&format!("voucher {} for ota-sport-mode", p.vouchers[0].id)), "{text}");
    assert!(text.contains("owner EV-DEMO-01"), "{text}");
}

#[test]
fn import_attests_accepted_trips_and_explains_rejected_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (mut valley, player) = EmbeddedValley::open_with_player(&DataDir(dir.path().into()), clock).unwrap();
    let key = player.public_key();
    let base = TripSummary {
        vehicle: "EV-DEMO-01".into(),
        start: 1_759_300_000,
        end: 1_759_303_600,
        odometer_start_km: 13_061.5,
        odometer_end_km: 13_101.5,
        energy_kwh: 6.0,
        hard_brakes: 0,
        hard_accelerations: 0,
    };
    let bad = TripSummary { start: 1_759_310_000, end: 1_759_310_060, odometer_start_km: 13_101.5, odometer_end_km: 13_201.5, ..base.clone() };
    let tomorrow = (clock() / 1000) as i64 + 86_400;
    let future = TripSummary { start: tomorrow, end: tomorrow + 3600, odometer_start_km: 13_101.5, odometer_end_km: 13_141.5, ..base.clone() };
    let km_before = valley.ledger().state().player(&key).unwrap().km_attested;
    let report = block_on(valley.import_trips(&key, vec![base.clone(), bad, future])).unwrap();
    assert_eq!(report.attested_km, 40);
    assert!(matches!(report.checked[0].verdict, Verdict::Accepted { minable_km: 40, .. }));
    assert!(matches!(&report.checked[1].verdict, Verdict::Rejected { reason } if reason.contains("faster than a car")));
    assert!(matches!(&report.checked[2].verdict, Verdict::Rejected { reason } if reason.contains("ends in the future")));
    assert_eq!(valley.ledger().state().player(&key).unwrap().km_attested, km_before + 40);
    let again = block_on(valley.import_trips(&key, vec![base])).unwrap();
    assert_eq!((again.already_imported, again.attested_km), (1, 0), "a trip is never paid twice");
}

#[derive(Debug, Clone)]
enum Op {
    Trip { km: u32, hours_later: u32 },
    Mine(usize),
    Task(usize),
    OpenBox(u8),
    Combine,
    Buy(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u32..400, 1u32..30).prop_map(|(km, hours_later)| Op::Trip { km, hours_later }),
        (0usize..1000).prop_map(Op::Mine),
        (0usize..8).prop_map(Op::Task),
        any::<u8>().prop_map(Op::OpenBox),
        Just(Op::Combine),
        (0usize..20).prop_map(Op::Buy),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Whatever players do, the pools never pass their caps, no balance goes negative (an
    /// overdraft is refused), and the ledger verifies and replays to the same balances.
    #[test]
    fn any_sequence_of_actions_keeps_every_invariant(ops in proptest::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let (mut valley, player) = EmbeddedValley::open_with_player(&DataDir(dir.path().into()), clock).unwrap();
        let key = player.public_key();
        let tables = EconomyTables::bundled();
        let mut odometer = 13_061.5;
        let mut time = 1_759_300_000i64;
        for op in ops {
            let state = valley.ledger().state().player(&key).unwrap().clone();
            let _ = match op {
                Op::Trip { km, hours_later } => {
                    time += i64::from(hours_later) * 3600;
                    let trip = TripSummary {
                        vehicle: "EV-DEMO-01".into(),
                        start: time,
                        end: time + i64::from(km) * 60,
                        odometer_start_km: odometer,
                        odometer_end_km: odometer + f64::from(km),
                        energy_kwh: f64::from(km) * 0.17,
                        hard_brakes: 1,
                        hard_accelerations: 1,
                    };
                    time = trip.end;
                    odometer += f64::from(km);
                    block_on(valley.import_trips(&key, vec![trip])).map(|_| ())
                }
                Op::Mine(i) => match state.deposits.keys().nth(i % state.deposits.len().max(1)) {
                    Some(km) => block_on(valley.mine(&key, *km)).map(|_| ()),
                    None => Ok(()),
                },
                Op::Task(i) => block_on(valley.complete_task(&key, &tables.tasks[i % tables.tasks.len()].id)).map(|_| ()),
                Op::OpenBox(seed) => match block_on(valley.commit_box(&key)) {
                    Ok(c) => block_on(valley.open_box(&key, c, [seed; 32])).map(|_| ()),
                    Err(e) => Err(e),
                },
                Op::Combine => {
                    let e = valley.sign_for(&player, Body::Combine { fragments: 10 }).unwrap();
                    block_on(valley.submit(e)).map(|_| ())
                }
                Op::Buy(i) => {
                    let u = &tables.upgrades[i % tables.upgrades.len()];
                    let e = valley.sign_for(&player, Body::Purchase { item: u.id.clone(), price_milli: u.price_milli }).unwrap();
                    block_on(valley.submit(e)).map(|_| ())
                }
            };
            let supply = valley.ledger().state().supply;
            prop_assert!(supply.mileage_earned_milli <= MILEAGE_POOL_CAP_MILLI);
            prop_assert!(supply.mileage_milli <= supply.mileage_earned_milli);
            prop_assert!(supply.cultivation_milli <= CULTIVATION_POOL_CAP_MILLI);
        }
        let live = valley.ledger().state().player(&key).unwrap().clone();
        let size = valley.ledger().size();
        drop(valley);
        let report = verify_ledger(&dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
        prop_assert_eq!(report.checkpoint.size, size);
        prop_assert_eq!(report.state.player(&key).unwrap(), &live);
        let s = report.state.supply;
        prop_assert!(s.mileage_milli <= MILEAGE_POOL_CAP_MILLI && s.cultivation_milli <= CULTIVATION_POOL_CAP_MILLI);
    }
}

#[test]
fn a_first_run_cut_short_is_completed_by_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir(dir.path().into());
    // As if the first run died right after enrolling the player.
    {
        let mut valley = EmbeddedValley::open(&data, clock).unwrap();
        let (player, _) = horizon::profile::load_or_create_key(&data.player_key(), "player").unwrap();
        valley.enrol(player.public_key(), horizon::ledger::Role::Owner { vehicle: "EV-DEMO-01".into() }, "Driver").unwrap();
    }
    let (mut valley, player) = EmbeddedValley::open_with_player(&data, clock).unwrap();
    let view = block_on(valley.player(&player.public_key())).unwrap();
    assert!(view.state.consented(Scope::Mileage) && view.state.consented(Scope::Behaviour));
    assert_eq!(view.stats.trips, 10, "the sample trips were imported");
    let entries = valley.ledger().size();
    drop(valley);
    let (valley, _) = EmbeddedValley::open_with_player(&data, clock).unwrap();
    assert_eq!(valley.ledger().size(), entries, "a complete profile is left alone");
}

/// A replica written before it shared the ledger's framing (`len:u32 ‖ bytes`, no header)
/// opens with every entry, is rewritten in the checksummed framing, and a record torn at its
/// end or past its checkpoint is dropped.
#[test]
fn a_replica_in_the_old_unframed_format_still_opens_and_is_rewritten_framed() {
    use horizon::ledger::store::{LOG_HEADER, frame_record};
    use horizon::ledger::Entry;
    use horizon::client::replica::Replica;
    let source = tempfile::tempdir().unwrap();
    let ledger = crate::support::small_ledger(source.path());
    let entries: Vec<Vec<u8>> = ledger.entries().unwrap().iter().map(Entry::to_bytes).collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("server.vkey"), format!("{}\n", ledger.verifier_key().text)).unwrap();
    // A checkpoint of all but the last entry, which is past it (a crash between the writes).
    let cp = horizon::ledger::checkpoint::sign_checkpoint(&crate::support::log_key(), entries.len() as u64 - 1, ledger.hashes().root_at(entries.len() as u64 - 1).unwrap());
    std::fs::write(dir.path().join("checkpoint"), &cp.note).unwrap();
    let mut old = Vec::new();
    for e in &entries {
        old.extend_from_slice(&(e.len() as u32).to_be_bytes());
        old.extend_from_slice(e);
    }
    old.extend_from_slice(&[0, 0, 1]); // a torn length
    std::fs::write(dir.path().join("entries"), &old).unwrap();

    let replica = Replica::open(dir.path()).unwrap();
    let kept = entries.len() - 1;
    assert_eq!(replica.size(), kept as u64);
    // The entry past the checkpoint (the owner's tyres) is not in the replayed state.
    let owner = crate::support::player_key(1).public_key();
    let (before, after) = (replica.state().player(&owner).unwrap(), ledger.state().player(&owner).unwrap());
    assert!(after.items.contains("tyres-1") && !before.items.contains("tyres-1"));
    assert_eq!(before.stones_milli, after.stones_milli + 1_000);
    let mut framed = LOG_HEADER.to_vec();
    for e in &entries[..kept] {
        frame_record(e, &mut framed);
    }
    assert_eq!(std::fs::read(dir.path().join("entries")).unwrap(), framed, "rewritten in the ledger's framing");
    assert_eq!(replica.entries().unwrap().len(), kept);
    replica.receipt(kept as u64 - 1).unwrap().verify(ledger.verifier_key()).expect("a receipt from the rewritten replica");
    drop(replica);
    assert_eq!(Replica::open(dir.path()).unwrap().size(), kept as u64, "and it reopens");
}
