//! Forged and mutated signatures, double spends, negative balances, pool overflows and
//! reused nonces are rejected with their reason: on append (nothing is stored) and in a
//! published ledger (verify names the first bad entry).

use horizon::economy::{EconomyTables, MILEAGE_POOL_CAP_MILLI, MILLI_PER_STONE, boxes, mileage};
use horizon::ledger::replay::DAY_MS;
use horizon::ledger::store::LedgerError;
use horizon::ledger::verify::verify_ledger;
use horizon::ledger::{Body, Entry, Ledger, Pool, Prize, PublicKey, Violation};

use crate::support::{T0, log_key, player_entry, player_key, small_ledger, write_raw_ledger};

fn rejected(ledger: &mut Ledger, entry: Entry) -> LedgerError {
    let before = ledger.size();
    let err = ledger.append(&[entry]).unwrap_err();
    assert_eq!(ledger.size(), before, "a rejected entry is not stored");
    err
}

#[test]
fn a_forged_signature_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    // The thief signs a purchase with their own key but names the owner as actor.
    let thief = player_key(9);
    let mut forged = player_entry(&ledger, &thief, Body::Purchase { item: "motor-t1".into(), price_milli: 1_000 });
    forged.actor = player_key(1).public_key();
    assert!(matches!(rejected(&mut ledger, forged), LedgerError::BadSignature { .. }));
}

#[test]
fn a_mutated_signature_or_body_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let mut entry = player_entry(&ledger, &player_key(1), Body::Purchase { item: "motor-t1".into(), price_milli: 1_000 });
    entry.signature[10] ^= 1;
    assert!(matches!(rejected(&mut ledger, entry), LedgerError::BadSignature { .. }));
    let mut entry = player_entry(&ledger, &player_key(1), Body::Purchase { item: "motor-t1".into(), price_milli: 1_000 });
    entry.body = Body::Purchase { item: "motor-t1".into(), price_milli: 1 };
    assert!(matches!(rejected(&mut ledger, entry), LedgerError::BadSignature { .. }));
}

#[test]
fn spending_more_than_the_balance_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1);
    // 3 stones mined, 1 spent: 2 left.
    assert_eq!(ledger.state().player(&owner.public_key()).unwrap().stones_milli, 2 * MILLI_PER_STONE);
    let first = player_entry(&ledger, &owner, Body::Purchase { item: "motor-1".into(), price_milli: 2 * MILLI_PER_STONE });
    ledger.append(&[first]).unwrap();
    let second = player_entry(&ledger, &owner, Body::Purchase { item: "aero-1".into(), price_milli: 2 * MILLI_PER_STONE });
    let err = rejected(&mut ledger, second);
    assert!(
        matches!(err, LedgerError::Rule { violation: Violation::Insufficient { have: 0, need: 2000, .. }, .. }),
        "double spend: {err}"
    );
    assert_eq!(ledger.state().player(&owner.public_key()).unwrap().stones_milli, 0, "no balance goes negative");
}

#[test]
fn a_batch_with_one_bad_entry_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1);
    let before = ledger.state().player(&owner.public_key()).unwrap().clone();
    let first = player_entry(&ledger, &owner, Body::Purchase { item: "motor-1".into(), price_milli: 2_000 });
    let second = Entry::sign(Body::Purchase { item: "aero-1".into(), price_milli: 2_000 }, &owner.signing_key, first.nonce + 1, T0).unwrap();
    let size = ledger.size();
    let err = ledger.append(&[first, second]).unwrap_err();
    assert!(matches!(err, LedgerError::Rule { violation: Violation::Insufficient { have: 0, need: 2000, .. }, index } if index == size + 1), "{err}");
    assert_eq!(ledger.size(), size);
    assert_eq!(ledger.state().player(&owner.public_key()).unwrap(), &before, "the first entry's spend was undone");
    // And the ledger on disk agrees.
    drop(ledger);
    let (reopened, _) = Ledger::open(dir.path(), Some(log_key()), None).unwrap();
    assert_eq!(reopened.state().player(&owner.public_key()).unwrap(), &before);
}

#[test]
fn a_reused_nonce_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1);
    let entry = player_entry(&ledger, &owner, Body::Purchase { item: "paint-aurora".into(), price_milli: 500 });
    let replay = Entry::sign(Body::Purchase { item: "paint-jade".into(), price_milli: 500 }, &owner.signing_key, entry.nonce, T0).unwrap();
    ledger.append(&[entry]).unwrap();
    let err = rejected(&mut ledger, replay);
    assert!(matches!(err, LedgerError::Rule { violation: Violation::ReusedNonce { .. }, .. }), "{err}");
}

fn draw_body(player: PublicKey, pity: u32, server_seed: [u8; 32], prize: Prize) -> Body {
    let tables = EconomyTables::bundled();
    Body::BoxDraw {
        player,
        price_crystals: tables.boxes.price_crystals,
        table: tables.box_table_digest,
        commitment: boxes::commitment(&server_seed),
        server_seed,
        client_seed: [6; 32],
        draw: 0,
        pity,
        prize,
    }
}

#[test]
fn guests_never_receive_stones() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1).public_key();
    let deposit = *ledger.state().player(&owner).unwrap().deposits.values().next().unwrap();
    let guest = player_key(2).public_key();
    let mint = ledger
        .sign_as_authority(
            Body::Mint { player: guest, pool: Pool::Mileage, amount_milli: 1_000, cause: deposit.cause, km_index: deposit.km_index },
            T0,
        )
        .unwrap();
    assert!(matches!(rejected(&mut ledger, mint), LedgerError::Rule { violation: Violation::GuestCannotMine(_), .. }));
    let award = ledger.sign_as_authority(Body::CrystalAward { player: guest, amount: 100, task: "co-creation".into() }, T0).unwrap();
    ledger.append(&[award]).unwrap();
    let draw = ledger.sign_as_authority(draw_body(guest, 0, [5; 32], Prize::Fragments { count: 1 }), T0).unwrap();
    let err = rejected(&mut ledger, draw);
    assert!(matches!(err, LedgerError::Rule { violation: Violation::WrongPrize { .. }, .. }), "{err}");
}

#[test]
fn a_box_prize_must_be_what_its_revealed_seed_draws() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1).public_key();
    let award = ledger.sign_as_authority(Body::CrystalAward { player: owner, amount: 100, task: "co-creation".into() }, T0).unwrap();
    ledger.append(&[award]).unwrap();
    let seed = [5u8; 32];
    let tables = EconomyTables::bundled();
    let fair = boxes::resolve(&tables.boxes, true, 0, &seed, &[6; 32], 0, u64::MAX);
    let unfair = if fair == (Prize::Stone { amount_milli: 1000 }) { Prize::Crystals { count: 20 } } else { Prize::Stone { amount_milli: 1000 } };
    let cheat = ledger.sign_as_authority(draw_body(owner, 0, seed, unfair), T0).unwrap();
    assert!(matches!(rejected(&mut ledger, cheat), LedgerError::Rule { violation: Violation::WrongPrize { .. }, .. }));
    let mut bad_seed = draw_body(owner, 0, seed, fair.clone());
    if let Body::BoxDraw { commitment, .. } = &mut bad_seed {
        *commitment = [0; 32];
    }
    let bad_seed = ledger.sign_as_authority(bad_seed, T0).unwrap();
    assert!(matches!(rejected(&mut ledger, bad_seed), LedgerError::Rule { violation: Violation::BadCommitment, .. }));
    let refund = if let Prize::Crystals { count } = fair { count } else { 0 };
    let honest = ledger.sign_as_authority(draw_body(owner, 0, seed, fair), T0).unwrap();
    ledger.append(&[honest]).unwrap();
    assert_eq!(ledger.state().player(&owner).unwrap().crystals, 30 + refund, "130 crystals, one box of 100");
}

/// The pool cannot be brought near its cap of 210 M stones through appends in a test, so the
/// cap is checked where it is decided: each attestation's drops are paid by this rule, which
/// the replay recomputes (the last drop pays what is left, later ones nothing).
#[test]
fn drops_near_the_mileage_cap_pay_exactly_what_is_left() {
    assert_eq!(mileage::pay_drops(&[3, 7, 9], MILEAGE_POOL_CAP_MILLI - 1_500), vec![(3, 1_000), (7, 500)]);
    assert_eq!(mileage::pay_drops(&[3, 7], MILEAGE_POOL_CAP_MILLI - 2_000), vec![(3, 1_000), (7, 1_000)]);
    assert!(mileage::pay_drops(&[1], MILEAGE_POOL_CAP_MILLI).is_empty());
}

#[test]
fn a_mint_must_pay_what_its_deposit_holds_from_the_mileage_pool() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1).public_key();
    let d = *ledger.state().player(&owner).unwrap().deposits.values().next().unwrap();
    let mint = |l: &Ledger, pool, amount_milli| {
        l.sign_as_authority(Body::Mint { player: owner, pool, amount_milli, cause: d.cause, km_index: d.km_index }, T0).unwrap()
    };
    let e = mint(&ledger, Pool::Mileage, d.amount_milli + 1);
    let err = rejected(&mut ledger, e);
    assert!(matches!(err, LedgerError::Rule { violation: Violation::WrongMintAmount { expected, found }, .. } if expected == d.amount_milli && found == d.amount_milli + 1), "{err}");
    let e = mint(&ledger, Pool::Cultivation, d.amount_milli);
    assert!(matches!(rejected(&mut ledger, e), LedgerError::Rule { violation: Violation::CultivationMint, .. }));
    let supply = ledger.state().supply;
    let e = mint(&ledger, Pool::Mileage, d.amount_milli);
    ledger.append(&[e]).unwrap();
    assert_eq!(ledger.state().supply.mileage_milli, supply.mileage_milli + d.amount_milli, "the pool pays the deposit");
    assert_eq!(ledger.state().player(&owner).unwrap().deposits.get(&d.km_index), None, "and it is mined");
}

#[test]
fn the_same_kilometre_is_never_paid_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let (first_mint, _) = ledger.read_entry(5).unwrap();
    let Body::Mint { km_index, .. } = first_mint.body else { panic!("entry 5 is a mint") };
    let again = ledger.sign_as_authority(first_mint.body.clone(), T0).unwrap();
    let err = rejected(&mut ledger, again);
    assert!(matches!(err, LedgerError::Rule { violation: Violation::NoSuchDeposit { km_index: k, .. }, .. } if k == km_index), "{err}");
}

#[test]
fn purchases_follow_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1);
    for (item, price, expected) in [
        ("motor-2", 5_000, "needs \"motor-1\" first"),
        ("motor-1", 1, "costs 2000 milli-stones, not 1"),
        ("tyres-1", 1_000, "already owned"),
        ("flux-capacitor", 1_000, "not in the upgrade catalogue"),
        ("paint-celestial", 0, "comes only from blind boxes"),
    ] {
        let e = player_entry(&ledger, &owner, Body::Purchase { item: item.into(), price_milli: price });
        let err = rejected(&mut ledger, e);
        assert!(err.to_string().contains(expected), "{item}: {err}");
    }
}

#[test]
fn tasks_pay_their_published_reward_and_respect_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let owner = player_key(1).public_key();
    let award = |l: &Ledger, task: &str, amount: u64, t: u64| {
        l.sign_as_authority(Body::CrystalAward { player: owner, amount, task: task.into() }, t).unwrap()
    };
    let e = award(&ledger, "visit-lookout", 30, T0 + 50);
    assert!(rejected(&mut ledger, e).to_string().contains("already rewarded (once only)"));
    let e = award(&ledger, "drive-5km", 999, T0 + 50);
    assert!(rejected(&mut ledger, e).to_string().contains("pays 20 crystals, not 999"));
    let e = award(&ledger, "drive-5km", 20, T0 + 50);
    ledger.append(&[e]).unwrap();
    let e = award(&ledger, "drive-5km", 20, T0 + 60);
    assert!(rejected(&mut ledger, e).to_string().contains("already rewarded today"));
    let e = award(&ledger, "drive-5km", 20, T0 + DAY_MS);
    ledger.append(&[e]).unwrap();
}

/// A dishonest authority can sign entries that break the rules; verification names the first.
#[test]
fn verify_names_the_first_rule_breaking_entry_of_a_published_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let source = tempfile::tempdir().unwrap();
    let ledger = small_ledger(source.path());
    let mut entries: Vec<Vec<u8>> = ledger.entries().unwrap().iter().map(Entry::to_bytes).collect();
    // A second purchase the owner cannot afford, properly signed by the owner.
    let owner = player_key(1);
    let overspend = player_entry(&ledger, &owner, Body::Purchase { item: "ota-sport-mode".into(), price_milli: 20 * MILLI_PER_STONE });
    entries.push(overspend.to_bytes());
    write_raw_ledger(dir.path(), &log_key(), &entries);
    let err = verify_ledger(dir.path(), None, &mut |_, _| {}).unwrap_err();
    let index = entries.len() as u64 - 1;
    assert!(matches!(err, LedgerError::Rule { index: i, violation: Violation::Insufficient { .. } } if i == index), "{err}");
    assert!(err.to_string().starts_with(&format!("entry {index} breaks the rules")), "{err}");

    // A mutated signature inside a published ledger is named by index too.
    let mut entries: Vec<Vec<u8>> = ledger.entries().unwrap().iter().map(Entry::to_bytes).collect();
    let last = entries.len() - 3;
    let n = entries[last].len();
    entries[last][n - 1] ^= 0x40;
    write_raw_ledger(dir.path(), &log_key(), &entries);
    let err = verify_ledger(dir.path(), None, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, LedgerError::BadSignature { index, .. } if index == last as u64), "{err}");
}

/// One owner per car: a second enrolment naming a car that already has an owner (in any
/// spelling of its pseudonym) is refused on append and named by verify in a published ledger.
#[test]
fn a_car_has_one_owner() {
    use horizon::ledger::Role;
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let second = |ledger: &Ledger, vehicle: &str| {
        let body = Body::Enrol { player: player_key(3).public_key(), role: Role::Owner { vehicle: vehicle.into() }, name: "eve".into() };
        ledger.sign_as_authority(body, T0 + DAY_MS).unwrap()
    };
    for spelling in ["EV-7F3A", " ev-7f3a "] {
        let entry = second(&ledger, spelling);
        let err = rejected(&mut ledger, entry);
        assert!(matches!(&err, LedgerError::Rule { violation: Violation::VehicleOwned { owner, .. }, .. } if *owner == player_key(1).public_key()), "{err}");
        assert!(err.to_string().contains("already has an owner"), "{err}");
    }
    assert!(ledger.state().player(&player_key(3).public_key()).is_none());
    // Another car is fine.
    let other = second(&ledger, "EV-0001");
    ledger.append(&[other]).unwrap();
    assert_eq!(ledger.state().owner_of("ev-0001"), Some(player_key(3).public_key()));

    let published = tempfile::tempdir().unwrap();
    let mut entries: Vec<Vec<u8>> = small_ledger(tempfile::tempdir().unwrap().path()).entries().unwrap().iter().map(Entry::to_bytes).collect();
    entries.push(second(&ledger, "EV-7F3A").to_bytes());
    write_raw_ledger(published.path(), &log_key(), &entries);
    let err = verify_ledger(published.path(), None, &mut |_, _| {}).unwrap_err();
    let index = entries.len() as u64 - 1;
    assert!(matches!(err, LedgerError::Rule { index: i, violation: Violation::VehicleOwned { .. } } if i == index), "{err}");
}
