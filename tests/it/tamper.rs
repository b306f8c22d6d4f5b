//! Any change to a stored ledger is detected: every single byte, dropped, reordered and
//! duplicated records, and a log shorter than its checkpoint.

use horizon::ledger::store::{CHECKPOINT_FILE, LOG_FILE, LOG_HEADER, LedgerError, frame_record};
use horizon::ledger::verify::verify_ledger;
use horizon::ledger::checkpoint::CheckpointError;
use horizon::ledger::{Body, Ledger, VerifierKey, Violation};

use crate::support::{T0, log_key, player_key, small_ledger, split_records};

fn pinned() -> Option<VerifierKey> {
    Some(VerifierKey::parse(&log_key().verifier_key()).unwrap())
}

fn verify(dir: &std::path::Path) -> Result<u64, LedgerError> {
    verify_ledger(dir, pinned(), &mut |_, _| {}).map(|r| r.checkpoint.size)
}

#[test]
fn an_untouched_ledger_verifies_and_opens() {
    let dir = tempfile::tempdir().unwrap();
    let size = small_ledger(dir.path()).size();
    assert_eq!(verify(dir.path()).unwrap(), size);
    let (ledger, report) = Ledger::open(dir.path(), None, pinned()).unwrap();
    assert_eq!(ledger.size(), size);
    assert_eq!(report, Default::default());
}

#[test]
fn every_single_byte_change_of_the_log_or_checkpoint_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    drop(small_ledger(dir.path()));
    for file in [LOG_FILE, CHECKPOINT_FILE] {
        let path = dir.path().join(file);
        let original = std::fs::read(&path).unwrap();
        for i in 0..original.len() {
            for flip in [0x01u8, 0x80] {
                let mut bad = original.clone();
                bad[i] ^= flip;
                std::fs::write(&path, &bad).unwrap();
                let expected = |e: &LedgerError| match (file, e) {
                    (CHECKPOINT_FILE, LedgerError::Checkpoint { .. }) => true,
                    (LOG_FILE, LedgerError::BadHeader { .. }) => i < LOG_HEADER.len(),
                    // A frame's length or checksum no longer fits its bytes: damaged, or
                    // (a longer length) the log ends inside it, so records are missing.
                    (LOG_FILE, LedgerError::DamagedRecord { .. } | LedgerError::MissingRecords { .. }) => i >= LOG_HEADER.len(),
                    _ => false,
                };
                let e = verify(dir.path()).expect_err("verify detects it");
                assert!(expected(&e), "{file}: byte {i} ^ {flip:#x}: verify says {e}");
                let e = Ledger::open(dir.path(), None, pinned()).expect_err("open detects it");
                assert!(expected(&e), "{file}: byte {i} ^ {flip:#x}: open says {e}");
            }
        }
        std::fs::write(&path, &original).unwrap();
    }
    verify(dir.path()).expect("restored ledger verifies again");
}

fn rewrite(dir: &std::path::Path, change: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let path = dir.join(LOG_FILE);
    let mut records = split_records(&std::fs::read(&path).unwrap());
    change(&mut records);
    let mut log = LOG_HEADER.to_vec();
    for r in records {
        log.extend(r);
    }
    std::fs::write(path, log).unwrap();
}

#[test]
fn dropped_records_are_refused_as_loss() {
    let dir = tempfile::tempdir().unwrap();
    let size = small_ledger(dir.path()).size();
    rewrite(dir.path(), |r| {
        r.pop();
    });
    let err = verify(dir.path()).unwrap_err();
    assert!(matches!(err, LedgerError::MissingRecords { found, committed } if found == size - 1 && committed == size), "{err}");
    let err = Ledger::open(dir.path(), Some(log_key()), None).unwrap_err();
    assert!(err.to_string().contains("refusing to open"), "{err}");
}

#[test]
fn a_record_dropped_from_the_middle_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    drop(small_ledger(dir.path()));
    rewrite(dir.path(), |r| {
        r.remove(4);
    });
    // The attestation is gone: the mint after it pays a deposit that was never earned.
    let no_deposit = |e: &LedgerError| matches!(e, LedgerError::Rule { index: 4, violation: Violation::NoSuchDeposit { .. } });
    let e = verify(dir.path()).unwrap_err();
    assert!(no_deposit(&e), "{e}");
    let e = Ledger::open(dir.path(), Some(log_key()), None).unwrap_err();
    assert!(no_deposit(&e), "{e}");
}

#[test]
fn reordered_records_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    drop(small_ledger(dir.path()));
    rewrite(dir.path(), |r| r.swap(5, 6)); // two mints: each pays its deposit in either order…
    // …but the authority's nonces no longer increase.
    let reordered = |e: &LedgerError| matches!(e, LedgerError::Rule { index: 6, violation: Violation::ReusedNonce { .. } });
    let err = verify(dir.path()).unwrap_err();
    assert!(reordered(&err), "{err}");
    let err = Ledger::open(dir.path(), Some(log_key()), None).unwrap_err();
    assert!(reordered(&err), "{err}");
}

#[test]
fn a_duplicated_record_is_a_reused_nonce() {
    let dir = tempfile::tempdir().unwrap();
    drop(small_ledger(dir.path()));
    rewrite(dir.path(), |r| {
        let mint = r[5].clone();
        r.insert(6, mint);
    });
    // The copy sits inside the committed range: the rules catch it before the root does.
    let err = verify(dir.path()).unwrap_err();
    assert!(matches!(err, LedgerError::Rule { index: 6, violation: Violation::ReusedNonce { .. } }), "{err}");
    assert!(err.to_string().contains("nonce"), "{err}");
    let err = Ledger::open(dir.path(), Some(log_key()), None).unwrap_err();
    assert!(matches!(err, LedgerError::Rule { index: 6, violation: Violation::ReusedNonce { .. } }), "{err}");
}

#[test]
fn a_valid_record_past_the_checkpoint_is_recovered_and_a_torn_one_cut() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = small_ledger(dir.path());
    let size = ledger.size();
    let award = ledger
        .sign_as_authority(Body::CrystalAward { player: player_key(2).public_key(), amount: 20, task: "drive-5km".into() }, T0)
        .unwrap();
    drop(ledger);
    // As if the process died after writing the record but before the checkpoint, then
    // again half-way through writing the next one.
    let path = dir.path().join(LOG_FILE);
    let mut log = std::fs::read(&path).unwrap();
    let mut framed = Vec::new();
    frame_record(&award.to_bytes(), &mut framed);
    log.extend(&framed);
    log.extend(&framed[..framed.len() / 2]);
    std::fs::write(&path, &log).unwrap();

    let (read_only, report) = Ledger::open(dir.path(), None, pinned()).unwrap();
    assert_eq!((read_only.size(), report.uncommitted), (size, 1), "read-only shows committed state only");
    drop(read_only);
    assert_eq!(std::fs::read(&path).unwrap(), log, "a read-only open changes nothing");

    let (ledger, report) = Ledger::open(dir.path(), Some(log_key()), None).unwrap();
    assert_eq!(report.recovered, 1);
    assert_eq!(report.dropped_bytes, (framed.len() / 2) as u64);
    let torn = report.torn_copy.unwrap();
    assert_eq!(std::fs::read(&torn).unwrap(), framed[..framed.len() / 2]);
    assert_eq!(ledger.size(), size + 1);
    assert_eq!(ledger.state().player(&player_key(2).public_key()).unwrap().crystals, 50);
    drop(ledger);
    assert_eq!(verify(dir.path()).unwrap(), size + 1);
}

#[test]
fn a_different_log_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(small_ledger(dir.path()));
    let stranger = horizon::ledger::NamedKey::from_seed(crate::support::ORIGIN, [3; 32]).unwrap();
    let stranger_key = VerifierKey::parse(&stranger.verifier_key()).unwrap();
    let err = verify_ledger(dir.path(), Some(stranger_key.clone()), &mut |_, _| {}).unwrap_err();
    assert!(matches!(&err, LedgerError::Checkpoint { source: CheckpointError::BadSignature(..), .. }), "{err}");
    assert!(err.to_string().contains("not signed by"), "{err}");
    let err = Ledger::open(dir.path(), None, Some(stranger_key)).unwrap_err();
    assert!(matches!(&err, LedgerError::Checkpoint { source: CheckpointError::BadSignature(..), .. }), "{err}");
    let err = Ledger::open(dir.path(), Some(stranger), None).unwrap_err();
    assert!(matches!(&err, LedgerError::WrongLogKey(_)), "{err}");
}

/// Copies the files of a ledger directory.
fn copy_ledger(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Rolling the files back to an older, genuine checkpoint verifies on its own (every
/// signature in it is real); given the checkpoint a client or a witness saw, verify refuses
/// it, and a fork of the same size too.
#[test]
fn a_rolled_back_or_forked_copy_fails_against_a_checkpoint_seen_before() {
    use horizon::ledger::verify::{Seen, verify_ledger_seen};
    let (now, old, fork) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut ledger = small_ledger(now.path());
    copy_ledger(now.path(), old.path());
    copy_ledger(now.path(), fork.path());
    let enrol = |ledger: &mut Ledger, n: u8| {
        let e = ledger.sign_as_authority(Body::Enrol { player: player_key(n).public_key(), role: horizon::ledger::Role::Guest, name: format!("p{n}") }, T0 + 1_000).unwrap();
        ledger.append(&[e]).unwrap();
    };
    enrol(&mut ledger, 20);
    drop(ledger);
    let (mut forked, _) = Ledger::open(fork.path(), Some(log_key()), pinned()).unwrap();
    enrol(&mut forked, 21);
    drop(forked);
    let seen_now = std::fs::read(now.path().join(CHECKPOINT_FILE)).unwrap();
    let seen_old = std::fs::read(old.path().join(CHECKPOINT_FILE)).unwrap();
    let check = |dir: &std::path::Path, seen: Seen| verify_ledger_seen(dir, pinned(), horizon::economy::EconomyTables::shared(), &seen, &mut |_, _| {});
    assert!(verify(old.path()).is_ok(), "on its own the old copy verifies");
    let size = verify(now.path()).unwrap();
    assert!(matches!(check(old.path(), Seen::Checkpoint(seen_now.clone())), Err(LedgerError::RolledBack { seen, size: s }) if seen == size && s == size - 1));
    assert!(matches!(check(old.path(), Seen::MinSize(size)), Err(LedgerError::RolledBack { .. })));
    assert!(matches!(check(fork.path(), Seen::Checkpoint(seen_now.clone())), Err(LedgerError::NotAnExtension { seen }) if seen == size));
    assert!(check(now.path(), Seen::Checkpoint(seen_old.clone())).is_ok(), "the log extends what was seen before");
    assert!(check(fork.path(), Seen::Checkpoint(seen_old)).is_ok());
    // And from the command line.
    let seen_file = now.path().join("seen.checkpoint");
    std::fs::write(&seen_file, &seen_now).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_horizon")).args(["ledger", "verify"]).arg(old.path()).arg("--seen").arg(&seen_file).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("a checkpoint of") && text.contains("was seen before: the log was rolled back"), "{text}");
}
