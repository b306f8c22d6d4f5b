//! Full verification of a stored ledger, streaming, in memory independent of its length:
//! the checkpoint's signature, every record's frame, every entry's encoding and signature
//! (Ed25519 batch verification), every rule on replay, and the Merkle root.

use crate::platform::files::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use super::checkpoint::{SignedCheckpoint, VerifierKey, verify_checkpoint};
use super::error::{LOG_FILE, LedgerError};
use super::framing::{Record, RecordReader};
use super::merkle::RootAccumulator;
use super::replay::{LedgerState, Replay, Signatures};
use super::store::{CHECKPOINT_FILE, VKEY_FILE};
use crate::economy::EconomyTables;

pub use super::replay::SIGNATURE_BATCH;

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

/// What a verifier knew before: the least size the log must have, or a checkpoint it saw
/// (a client's last one, or a witness's), which the log must extend.
#[derive(Clone, Debug, Default)]
pub enum Seen {
    #[default]
    Nothing,
    MinSize(u64),
    /// A signed checkpoint note (checked with the same verifier key).
    Checkpoint(Vec<u8>),
}

/// [`verify_ledger_with`] under the bundled economy tables.
pub fn verify_ledger(dir: &Path, trusted: Option<VerifierKey>, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport, LedgerError> {
    verify_ledger_with(dir, trusted, EconomyTables::shared(), progress)
}

/// Verifies the ledger in `dir` under the economy `tables`. `trusted` pins the log's verifier
/// key; without it the ledger's own `log.vkey` is used (and the report says so). `progress`
/// is called with (bytes read, bytes in all).
pub fn verify_ledger_with(
    dir: &Path,
    trusted: Option<VerifierKey>,
    tables: Arc<EconomyTables>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, LedgerError> {
    verify_ledger_seen(dir, trusted, tables, &Seen::Nothing, progress)
}

/// [`verify_ledger_with`], and the ledger must extend what was `seen` before: a smaller
/// tree (files rolled back to an older, genuine checkpoint) or one whose prefix is not the
/// seen tree (a fork) is refused.
pub fn verify_ledger_seen(
    dir: &Path,
    trusted: Option<VerifierKey>,
    tables: Arc<EconomyTables>,
    seen: &Seen,
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
            let text = crate::platform::files::read_to_string(&path).map_err(|source| LedgerError::Io { path: path.clone(), source })?;
            VerifierKey::parse(&text).map_err(|source| LedgerError::Key { path, source })?
        }
    };
    let cp_path = dir.join(CHECKPOINT_FILE);
    let note = crate::platform::files::read(&cp_path).map_err(|source| LedgerError::Io { path: cp_path.clone(), source })?;
    let checkpoint = verify_checkpoint(&note, &key).map_err(|source| LedgerError::Checkpoint { path: cp_path, source })?;
    let (seen_size, seen_root) = match seen {
        Seen::Nothing => (0, None),
        Seen::MinSize(n) => (*n, None),
        Seen::Checkpoint(note) => {
            let c = verify_checkpoint(note, &key).map_err(|source| LedgerError::Checkpoint { path: "the checkpoint seen before".into(), source })?;
            (c.size, Some(c.root))
        }
    };
    if checkpoint.size < seen_size {
        return Err(LedgerError::RolledBack { seen: seen_size, size: checkpoint.size });
    }
    if seen_size == 0 && seen_root.is_some_and(|r| r != tlog_tiles::EMPTY_HASH) {
        return Err(LedgerError::NotAnExtension { seen: 0 });
    }

    let mut records = RecordReader::new(BufReader::with_capacity(1 << 20, file), &log_path)?;
    let mut replay = Replay::<RootAccumulator>::new(tables, Some(key.public_key));
    while replay.index() < checkpoint.size {
        let index = replay.index();
        let io = |source| LedgerError::Io { path: log_path.clone(), source };
        match records.next_record().map_err(io)? {
            Record::Entry { bytes, .. } => replay.step(bytes, Signatures::Batched)?,
            Record::Damaged { offset, what } => return Err(LedgerError::DamagedRecord { index, offset, what }),
            Record::Torn { .. } | Record::End => {
                return Err(LedgerError::MissingRecords { found: index, committed: checkpoint.size });
            }
        };
        if replay.index() % SIGNATURE_BATCH as u64 == 0 {
            progress(records.offset(), total);
        }
        if replay.index() == seen_size
            && let Some(root) = seen_root
            && replay.tree().root() != root
        {
            return Err(LedgerError::NotAnExtension { seen: seen_size });
        }
    }
    replay.settle()?;
    if replay.tree().root() != checkpoint.root {
        return Err(LedgerError::RootMismatch { size: checkpoint.size });
    }
    let mut uncommitted = 0;
    while let Ok(Record::Entry { .. }) = records.next_record() {
        uncommitted += 1;
    }
    progress(total, total);
    let (state, _) = replay.into_parts();
    Ok(VerifyReport { checkpoint, state, uncommitted, key, key_from_ledger })
}
