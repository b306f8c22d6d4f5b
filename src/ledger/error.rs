//! What can go wrong with a ledger: storage, tampering, bad entries. The one error type of
//! the ledger's storage, its verification and its replay, so that every caller reports the
//! same precise reasons (which entry, which byte, which rule).

use std::io;
use std::path::{Path, PathBuf};

use super::checkpoint::{CheckpointError, KeyError};
use super::codec::DecodeError;
use super::entry::{PublicKey, StringTooLong};
use super::files::FileError;
use super::signatures::BadSignature;
use super::state::Violation;

/// The log file's name in a ledger directory (named in the errors).
pub const LOG_FILE: &str = "entries.log";

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} is not a ledger directory (no {LOG_FILE})")]
    NotALedger(PathBuf),
    #[error("{0} already holds a ledger")]
    AlreadyExists(PathBuf),
    #[error("{path}: not a Crypto Horizon ledger log (bad header)")]
    BadHeader { path: PathBuf },
    #[error("{path}: {source}")]
    Key { path: PathBuf, source: KeyError },
    #[error("checkpoint {path}: {source}")]
    Checkpoint { path: PathBuf, source: CheckpointError },
    #[error(
        "the ledger holds {found} records but its signed checkpoint commits to {committed}: \
         records were lost or removed; refusing to open"
    )]
    MissingRecords { found: u64, committed: u64 },
    #[error("record {index} (byte {offset}) is damaged: {what}; it is covered by the signed checkpoint, so the ledger was altered")]
    DamagedRecord { index: u64, offset: u64, what: String },
    #[error("entry {index} is malformed: {source}")]
    Malformed { index: u64, source: DecodeError },
    #[error("entry {index} has an invalid signature by {actor}")]
    BadSignature { index: u64, actor: PublicKey },
    #[error("entry {index} breaks the rules: {violation}")]
    Rule { index: u64, violation: Violation },
    #[error(
        "the first {size} records do not hash to the root of the signed checkpoint: the ledger was altered \
         (records changed, dropped, inserted or reordered)"
    )]
    RootMismatch { size: u64 },
    #[error("the ledger's checkpoint commits to {size} entries, but a checkpoint of {seen} was seen before: the log was rolled back")]
    RolledBack { seen: u64, size: u64 },
    #[error("the ledger's first {seen} entries do not hash to the root of the checkpoint seen before: the log was forked or rewritten")]
    NotAnExtension { seen: u64 },
    #[error("the log key does not match the ledger's verifier key {0}")]
    WrongLogKey(String),
    #[error("genesis names authority {found}, but the checkpoint key is {expected}")]
    WrongAuthority { expected: PublicKey, found: PublicKey },
    #[error("this ledger was opened read-only: appending needs the log key")]
    ReadOnly,
    #[error("an earlier write failed ({0}); reopen the ledger to recover")]
    Poisoned(String),
    #[error("no entry {index}: the ledger has {size}")]
    NoSuchEntry { index: u64, size: u64 },
    #[error("{0}")]
    Entry(#[from] StringTooLong),
}

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

impl From<BadSignature> for LedgerError {
    fn from(b: BadSignature) -> Self {
        LedgerError::BadSignature { index: b.index, actor: b.actor }
    }
}

impl From<FileError> for LedgerError {
    fn from(e: FileError) -> Self {
        LedgerError::Io { path: e.path, source: e.source }
    }
}

/// Names `path` in an I/O error.
pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io { path: path.to_path_buf(), source }
}
