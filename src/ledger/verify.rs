//! Full verification of a stored ledger, streaming, in memory independent of its length:
//! the checkpoint's signature, every record's frame, every entry's encoding and signature
//! (Ed25519 batch verification), every rule on replay, and the Merkle root.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::checkpoint::{SignedCheckpoint, VerifierKey, verify_checkpoint};
use super::entry::Entry;
use super::merkle::{RootAccumulator, leaf_hash};
use super::replay::LedgerState;
use super::signatures::{KeyCache, PendingSignatures};
use super::store::{CHECKPOINT_FILE, LOG_FILE, LedgerError, Record, RecordReader, VKEY_FILE};

/// Signatures checked together. Large enough to reach the batch speed-up, small enough that
/// the pending bytes stay a few hundred kilobytes.
pub const SIGNATURE_BATCH: usize = 256;

/// What a successful verification found.
#[derive(Debug)]
pub struct VerifyReport {
    pub checkpoint: SignedCheckpoint,
    pub state: LedgerState,
    /// Complete records past the checkpoint, which it does not cover (not verified).
    pub uncommitted: u64,
    /// The verifier key that was trusted, and whether it came from the ledger itself.
    pub key: VerifierKey,
    pub key_from_ledger: bool,
}

/// Verifies the ledger in `dir`. `trusted` pins the log's verifier key; without it the
/// ledger's own `log.vkey` is used (and the report says so). `progress` is called with
/// (bytes read, bytes in all).
pub fn verify_ledger(
    dir: &Path,
    trusted: Option<VerifierKey>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, LedgerError> {
    let log_path = dir.join(LOG_FILE);
    let file = File::open(&log_path).map_err(|_| LedgerError::NotALedger(dir.into()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let key_from_ledger = trusted.is_none();
    let key = match trusted {
        Some(k) => k,
        None => {
            let path = dir.join(VKEY_FILE);
            let text = std::fs::read_to_string(&path).map_err(|source| LedgerError::Io { path: path.clone(), source })?;
            VerifierKey::parse(&text).map_err(|source| LedgerError::Key { path, source })?
        }
    };
    let cp_path = dir.join(CHECKPOINT_FILE);
    let note = std::fs::read(&cp_path).map_err(|source| LedgerError::Io { path: cp_path.clone(), source })?;
    let checkpoint = verify_checkpoint(&note, &key).map_err(|source| LedgerError::Checkpoint { path: cp_path, source })?;

    let mut records = RecordReader::new(BufReader::with_capacity(1 << 20, file), &log_path)?;
    let mut state = LedgerState::default();
    let mut tree = RootAccumulator::default();
    let mut keys = KeyCache::default();
    let mut pending = PendingSignatures::default();
    let mut index = 0u64;
    while index < checkpoint.size {
        let (entry, bytes) = match records.next_record().map_err(|source| LedgerError::Io { path: log_path.clone(), source })? {
            Record::Entry { bytes, .. } => {
                let entry = Entry::from_bytes(bytes).map_err(|source| LedgerError::Malformed { index, source });
                (entry, bytes)
            }
            Record::Damaged { offset, what } => return Err(LedgerError::DamagedRecord { index, offset, what }),
            Record::Torn { .. } | Record::End => {
                return Err(LedgerError::MissingRecords { found: index, committed: checkpoint.size });
            }
        };
        // An earlier bad signature is the first error, so settle pending ones before any other.
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                pending.check()?;
                return Err(e);
            }
        };
        if index == 0 && entry.actor != key.public_key {
            return Err(LedgerError::WrongAuthority { expected: key.public_key, found: entry.actor });
        }
        let Some(actor_key) = keys.get(&entry.actor) else {
            pending.check()?;
            return Err(LedgerError::BadSignature { index, actor: entry.actor });
        };
        if let Err(violation) = state.apply(index, &entry, || tree.root().0) {
            pending.check()?;
            return Err(LedgerError::Rule { index, violation });
        }
        tree.push(leaf_hash(bytes));
        pending.push(index, entry.actor, bytes, actor_key);
        index += 1;
        if pending.len() == SIGNATURE_BATCH {
            pending.check()?;
            progress(records.offset(), total);
        }
    }
    pending.check()?;
    if tree.root() != checkpoint.root {
        return Err(LedgerError::RootMismatch { size: checkpoint.size });
    }
    let mut uncommitted = 0;
    while let Ok(Record::Entry { .. }) = records.next_record() {
        uncommitted += 1;
    }
    progress(total, total);
    Ok(VerifyReport { checkpoint, state, uncommitted, key, key_from_ledger })
}
