//! Forged and mutated signatures, double spends, negative balances, pool overflows and
//! reused nonces are rejected with their reason: on append (nothing is stored) and in a
//! published ledger (verify names the first bad entry).

use horizon::economy::{MILEAGE_POOL_CAP_MILLI, MILLI_PER_STONE};
use horizon::ledger::store::LedgerError;
use horizon::ledger::verify::verify_ledger;
use horizon::ledger::{Body, Entry, Ledger, Pool, Prize, Violation};

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
    let spend = |l: &Ledger| player_entry(l, &owner, Body::Purchase { item: "battery-t1".into(), price_milli: 2 * MILLI_PER_STONE });
    let first = spend(&ledger);
    ledger.append(&[first]).unwrap();
    let second = spend(&ledger);
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
    let first = player_entry(&ledger, &owner, Body::Purchase { item: "a".into(), price_milli: 1_500 });
    let second = Entry::sign(Body::Purchase { item: "b".into(), price_milli: 1_500 }, &owner.signing_key, first.nonce + 1, T0).unwrap();
    let size = ledger.size();
    assert!(ledger.append(&[first, second]).is_err());
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
    let entry = player_entry(&ledger, &owner, Body::Purchase { item: "a".into(), price_milli: 100 });
    let replay = Entry::sign(Body::Purchase { item: "b".into(), price_milli: 100 }, &owner.signing_key, entry.nonce, T0).unwrap();
    ledger.append(&[entry]).unwrap();
    let err = rejected(&mut ledger, replay);
    assert!(matches!(err, LedgerError::Rule { violation: Violation::ReusedNonce { .. }, .. }), "{err}");
}

#[test]
fn guests_never_receive_stones() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let guest = player_key(2).public_key();
    let mint = ledger
        .sign_as_authority(Body::Mint { player: guest, pool: Pool::Mileage, amount_milli: 1_000, cause: 4, km_index: 30 }, T0)
        .unwrap();
    assert!(matches!(rejected(&mut ledger, mint), LedgerError::Rule { violation: Violation::GuestCannotMine(_), .. }));
    let server_seed = [5u8; 32];
    let draw = ledger
        .sign_as_authority(
            Body::BoxDraw {
                player: guest,
                price_crystals: 100,
                table: [0; 32],
                commitment: <sha2::Sha256 as sha2::Digest>::digest(server_seed).into(),
                server_seed,
                client_seed: [6; 32],
                draw: 0,
                pity: 0,
                prize: Prize::Fragments { count: 1 },
            },
            T0,
        )
        .unwrap();
    assert!(matches!(rejected(&mut ledger, draw), LedgerError::Rule { violation: Violation::GuestPrize(_), .. }));
}

#[test]
fn a_draw_whose_seed_does_not_match_its_commitment_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let draw = ledger
        .sign_as_authority(
            Body::BoxDraw {
                player: player_key(1).public_key(),
                price_crystals: 100,
                table: [0; 32],
                commitment: [0; 32],
                server_seed: [5; 32],
                client_seed: [6; 32],
                draw: 0,
                pity: 0,
                prize: Prize::Gift { item: "decal-spire".into() },
            },
            T0,
        )
        .unwrap();
    assert!(matches!(rejected(&mut ledger, draw), LedgerError::Rule { violation: Violation::BadCommitment, .. }));
}

#[test]
fn a_mint_that_would_overflow_the_mileage_pool_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = small_ledger(dir.path());
    let mut state = ledger.state().clone();
    state.supply.mileage_milli = MILEAGE_POOL_CAP_MILLI - 500;
    let mint = ledger
        .sign_as_authority(
            Body::Mint { player: player_key(1).public_key(), pool: Pool::Mileage, amount_milli: 1_000, cause: 4, km_index: 35 },
            T0,
        )
        .unwrap();
    let err = state.apply(ledger.size(), &mint).unwrap_err();
    assert!(matches!(err, Violation::PoolCap { pool: Pool::Mileage, .. }), "{err}");
    // Exactly reaching the cap is allowed.
    state.supply.mileage_milli = MILEAGE_POOL_CAP_MILLI - 1_000;
    state.apply(ledger.size(), &mint).unwrap();
    assert_eq!(state.supply.mileage_milli, MILEAGE_POOL_CAP_MILLI);
}

#[test]
fn the_same_kilometre_is_never_paid_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = small_ledger(dir.path());
    let again = ledger
        .sign_as_authority(
            Body::Mint { player: player_key(1).public_key(), pool: Pool::Mileage, amount_milli: 1_000, cause: 4, km_index: 17 },
            T0,
        )
        .unwrap();
    assert!(matches!(rejected(&mut ledger, again), LedgerError::Rule { violation: Violation::BadMintKm { km_index: 17 }, .. }));
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
    let overspend = player_entry(&ledger, &owner, Body::Purchase { item: "motor-t3".into(), price_milli: 50 * MILLI_PER_STONE });
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
