//! Crash-safe storage of the log in a directory:
//!
//! ```text
//! entries.log   "CH-LEDGER-LOG-1\n", then records: len:u32 crc32:u32 entry[len]   (big-endian)
//! checkpoint    the latest C2SP checkpoint, a signed note: the commit point
//! log.vkey      the log's C2SP verifier key
//! ```
//!
//! An append writes its records and fsyncs them, then writes the new signed checkpoint to a
//! temporary file, fsyncs it and renames it over `checkpoint` (and fsyncs the directory).
//! Whatever the moment of a crash, the records named by `checkpoint` are intact on disk.
//! On open, complete and valid records past the checkpoint are re-committed (when the log
//! key is at hand), a torn or invalid tail is cut off and kept beside the log, and fewer
//! records than the checkpoint claims is refused as loss or tampering.
//!
//! This file is the ledger's life cycle; the framing is in `framing`, the errors in `error`,
//! the files behind the [`Storage`] trait, the replay in `replay`. (Over 400 lines on
//! purpose: what is left is one type's methods over the same fields — create, open and
//! recover, stage and commit, read and prove — and splitting them would only spread the
//! invariants between `end`, `offsets`, `pending` and the checkpoint over several files.)

use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use super::checkpoint::{NamedKey, SignedCheckpoint, VerifierKey, sign_checkpoint, verify_checkpoint};
use super::entry::{Body, Entry, PublicKey};
use super::framing::framed_len;
use super::merkle::{HashStore, RootAccumulator};
use super::replay::{LedgerState, Replay, Signatures};
use super::signatures::{KeyCache, PendingSignatures};
use crate::economy::{CULTIVATION_POOL_CAP_MILLI, EconomyTables, MILEAGE_POOL_CAP_MILLI};

// Paths of the split-up store, kept for the callers that use them.
pub use super::error::{LOG_FILE, LedgerError, Result};
pub use super::files::{FileError, open_lines_for_append, write_atomically};
pub use super::framing::{FRAME_LEN, LOG_HEADER, MAX_RECORD_LEN};
pub use super::framing::{Record, RecordReader, frame_record};
pub use super::signatures::signature_is_valid;
pub use super::storage::{FsStorage, Storage};

pub const CHECKPOINT_FILE: &str = "checkpoint";
pub const VKEY_FILE: &str = "log.vkey";

/// What opening found and did about records past the checkpoint.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Complete, valid records past the checkpoint that were committed now.
    pub recovered: u64,
    /// Records past the checkpoint left alone because the ledger was opened read-only.
    pub uncommitted: u64,
    /// Bytes of a torn or invalid tail that were cut off…
    pub dropped_bytes: u64,
    /// …and the file they were saved to.
    pub torn_copy: Option<std::path::PathBuf>,
}

/// An open ledger: the verified state of every committed entry, and (with the log key) the
/// means to append.
pub struct Ledger {
    storage: Box<dyn Storage>,
    log_key: Option<NamedKey>,
    vkey: VerifierKey,
    checkpoint: SignedCheckpoint,
    /// State and tree of every entry appended or staged.
    replay: Replay<HashStore>,
    offsets: Vec<u64>,
    end: u64,
    /// Framed records staged and not yet written (see [`Ledger::stage`]).
    pending: Vec<u8>,
    poisoned: Option<String>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ledger({}, {} entries)", self.dir().display(), self.size())
    }
}

impl Ledger {
    /// [`Ledger::create_with`] under the bundled economy tables.
    pub fn create(dir: &Path, log_key: NamedKey, time_ms: u64) -> Result<Ledger> {
        Ledger::create_with(dir, log_key, time_ms, EconomyTables::shared())
    }

    /// Creates a new ledger in `dir` with its genesis entry, signed by `log_key`, whose name
    /// is the log's origin; its entries keep the rules of the economy `tables`.
    pub fn create_with(dir: &Path, log_key: NamedKey, time_ms: u64, tables: Arc<EconomyTables>) -> Result<Ledger> {
        Ledger::create_in(Box::new(FsStorage::create(dir)?), log_key, time_ms, tables)
    }

    /// Creates a new ledger in empty `storage`.
    pub fn create_in(mut storage: Box<dyn Storage>, log_key: NamedKey, time_ms: u64, tables: Arc<EconomyTables>) -> Result<Ledger> {
        let log_path = storage.dir().join(LOG_FILE);
        let header = storage.write_log(0, LOG_HEADER).and_then(|()| storage.sync_log());
        header.map_err(|source| LedgerError::Io { path: log_path, source })?;
        let vkey = VerifierKey::parse(&log_key.verifier_key()).expect("own verifier key parses");
        replace(storage.as_mut(), VKEY_FILE, format!("{}\n", vkey.text).as_bytes())?;
        let empty = sign_checkpoint(&log_key, 0, tlog_tiles::EMPTY_HASH);
        let mut ledger = Ledger::new(storage, Some(log_key), vkey, empty, tables);
        let genesis = ledger.sign_as_authority(
            Body::Genesis {
                origin: ledger.vkey.name.clone(),
                mileage_cap_milli: MILEAGE_POOL_CAP_MILLI,
                cultivation_cap_milli: CULTIVATION_POOL_CAP_MILLI,
            },
            time_ms,
        )?;
        ledger.append(&[genesis])?;
        Ok(ledger)
    }

    /// [`Ledger::open_with`] under the bundled economy tables.
    pub fn open(dir: &Path, log_key: Option<NamedKey>, trusted: Option<VerifierKey>) -> Result<(Ledger, OpenReport)> {
        Ledger::open_with(dir, log_key, trusted, EconomyTables::shared())
    }

    /// Opens the ledger in `dir`, replaying it under the economy `tables`. With `log_key`, it
    /// can append and recovers a torn tail; without, it is read-only and changes nothing on
    /// disk. `trusted` pins the verifier key (otherwise the ledger's own `log.vkey` is used).
    pub fn open_with(
        dir: &Path,
        log_key: Option<NamedKey>,
        trusted: Option<VerifierKey>,
        tables: Arc<EconomyTables>,
    ) -> Result<(Ledger, OpenReport)> {
        let storage = FsStorage::open(dir, log_key.is_some())?;
        Ledger::open_in(Box::new(storage), log_key, trusted, tables)
    }

    /// Opens the ledger held by `storage` (see [`Ledger::open_with`]).
    pub fn open_in(
        storage: Box<dyn Storage>,
        log_key: Option<NamedKey>,
        trusted: Option<VerifierKey>,
        tables: Arc<EconomyTables>,
    ) -> Result<(Ledger, OpenReport)> {
        let vkey = match trusted {
            Some(k) => k,
            None => read_vkey(storage.as_ref())?,
        };
        if let Some(k) = &log_key
            && k.verifier_key() != vkey.text
        {
            return Err(LedgerError::WrongLogKey(vkey.text.clone()));
        }
        let cp_path = storage.dir().join(CHECKPOINT_FILE);
        let checkpoint = match storage.read_file(CHECKPOINT_FILE) {
            Ok(bytes) => verify_checkpoint(&bytes, &vkey).map_err(|source| LedgerError::Checkpoint { path: cp_path.clone(), source })?,
            // Created but the genesis checkpoint never written: an empty log.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                SignedCheckpoint { origin: vkey.name.clone(), size: 0, root: tlog_tiles::EMPTY_HASH, note: Vec::new() }
            }
            Err(e) => return Err(LedgerError::Io { path: cp_path, source: e }),
        };
        let mut ledger = Ledger::new(storage, log_key, vkey, checkpoint, tables);
        let report = ledger.load()?;
        Ok((ledger, report))
    }

    fn new(storage: Box<dyn Storage>, log_key: Option<NamedKey>, vkey: VerifierKey, checkpoint: SignedCheckpoint, tables: Arc<EconomyTables>) -> Ledger {
        let replay = Replay::new(tables, Some(vkey.public_key));
        Ledger { storage, log_key, vkey, checkpoint, replay, offsets: Vec::new(), end: LOG_HEADER.len() as u64, pending: Vec::new(), poisoned: None }
    }

    fn log_path(&self) -> std::path::PathBuf {
        self.storage.dir().join(LOG_FILE)
    }

    fn io(&self) -> impl FnOnce(io::Error) -> LedgerError {
        let path = self.log_path();
        move |source| LedgerError::Io { path, source }
    }

    /// Replays the log: the committed records must all be there and sound; the ones past the
    /// checkpoint are a tail to recover (with the log key) or to count (read-only).
    fn load(&mut self) -> Result<OpenReport> {
        let committed = self.checkpoint.size;
        let log_path = self.log_path();
        let reader = self.storage.read_log(0).map_err(io_err_at(&log_path))?;
        let mut records = RecordReader::new(reader, &log_path)?;
        let mut report = OpenReport::default();
        let mut root_checked = false;
        loop {
            let index = self.replay.index();
            if index == committed && !root_checked {
                if self.replay.tree().root() != self.checkpoint.root {
                    return Err(LedgerError::RootMismatch { size: committed });
                }
                root_checked = true;
            }
            let (offset, bytes) = match records.next_record().map_err(io_err_at(&log_path))? {
                // Read-only: count what is past the checkpoint, but show only committed state.
                Record::Entry { .. } if index >= committed && self.log_key.is_none() => {
                    report.uncommitted += 1;
                    continue;
                }
                Record::Entry { offset, bytes } => (offset, bytes),
                Record::Damaged { offset, what } if index < committed => {
                    return Err(LedgerError::DamagedRecord { index, offset, what });
                }
                Record::End | Record::Torn { .. } if index < committed => {
                    return Err(LedgerError::MissingRecords { found: index, committed });
                }
                _ => break,
            };
            // Committed entries are covered by the checkpoint's root; a bad uncommitted one
            // ends the recoverable tail.
            let signatures = if index < committed { Signatures::Trusted } else { Signatures::Strict };
            match self.replay.step(bytes, signatures) {
                Ok(_) => {}
                Err(e) if index < committed => return Err(e),
                Err(_) => break,
            }
            self.offsets.push(offset);
            self.end = offset + framed_len(bytes.len());
        }
        drop(records);
        if self.log_key.is_none() {
            return Ok(report);
        }
        self.recover_tail(committed, report)
    }

    /// Cuts off a torn or invalid tail (kept beside the log) and commits the valid records
    /// past the checkpoint.
    fn recover_tail(&mut self, committed: u64, mut report: OpenReport) -> Result<OpenReport> {
        let file_len = self.storage.log_len().map_err(self.io())?;
        let tail_records = self.replay.index() - committed;
        let tail_bytes = file_len - self.end;
        if tail_bytes > 0 {
            let name = format!("{LOG_FILE}.torn-{}", self.end);
            let mut cut = Vec::with_capacity(tail_bytes as usize);
            let read = self.storage.read_log(self.end).and_then(|mut r| r.read_to_end(&mut cut));
            read.map_err(self.io())?;
            replace(self.storage.as_mut(), &name, &cut)?;
            self.storage.truncate_log(self.end).map_err(self.io())?;
            report.dropped_bytes = tail_bytes;
            report.torn_copy = Some(self.storage.dir().join(name));
        }
        if tail_records > 0 {
            self.commit()?;
            report.recovered = tail_records;
        }
        Ok(report)
    }

    pub fn dir(&self) -> &Path {
        self.storage.dir()
    }

    /// Number of entries appended (staged ones included: the next entry's index).
    pub fn size(&self) -> u64 {
        self.replay.index()
    }

    pub fn state(&self) -> &LedgerState {
        self.replay.state()
    }

    /// The economy tables whose rules the entries keep.
    pub fn tables(&self) -> &Arc<EconomyTables> {
        self.replay.tables()
    }

    pub fn checkpoint(&self) -> &SignedCheckpoint {
        &self.checkpoint
    }

    pub fn verifier_key(&self) -> &VerifierKey {
        &self.vkey
    }

    pub fn authority(&self) -> PublicKey {
        self.vkey.public_key
    }

    /// Signs `body` with the log key as the authority's next entry.
    pub fn sign_as_authority(&self, body: Body, time_ms: u64) -> Result<Entry> {
        let key = self.log_key.as_ref().ok_or(LedgerError::ReadOnly)?;
        let nonce = self.state().next_nonce(&key.public_key());
        Ok(Entry::sign(body, &key.signing_key, nonce, time_ms)?)
    }

    /// A secret only this ledger's authority can compute: SHA-256 of `context` and the log
    /// key (the server seeds of boxes are derived so, and so survive a restart).
    pub fn derive_secret(&self, context: &[u8]) -> Result<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let key = self.log_key.as_ref().ok_or(LedgerError::ReadOnly)?;
        Ok(Sha256::new().chain_update(b"crypto-horizon/authority-secret@1").chain_update(key.signing_key.to_bytes()).chain_update(context).finalize().into())
    }

    /// Appends entries as one durable batch: each must carry a valid signature and keep every
    /// rule, or nothing is written. Returns the index of the first.
    pub fn append(&mut self, entries: &[Entry]) -> Result<u64> {
        let first = self.stage(entries)?;
        self.commit_staged()?;
        Ok(first)
    }

    fn check_writable(&self) -> Result<()> {
        if let Some(why) = &self.poisoned {
            return Err(LedgerError::Poisoned(why.clone()));
        }
        Ok(())
    }

    /// Checks entries and applies them to the state and the tree, to be written by the next
    /// [`Ledger::commit_staged`]: a sequencer stages many requests and makes them durable
    /// with one write, one fsync and one checkpoint. Each must carry a valid signature and
    /// keep every rule, or none is staged. Returns the index of the first.
    pub fn stage(&mut self, entries: &[Entry]) -> Result<u64> {
        self.check_writable()?;
        if self.log_key.is_none() {
            return Err(LedgerError::ReadOnly);
        }
        let first = self.size();
        if entries.is_empty() {
            return Ok(first);
        }
        let encoded: Vec<Vec<u8>> = entries.iter().map(Entry::to_bytes).collect();
        let mut keys = KeyCache::default();
        let mut signatures = PendingSignatures::default();
        for (i, (entry, bytes)) in entries.iter().zip(&encoded).enumerate() {
            let index = first + i as u64;
            let key = keys.get(&entry.actor).ok_or(LedgerError::BadSignature { index, actor: entry.actor })?;
            signatures.push(index, entry.actor, bytes, key);
        }
        signatures.check()?;
        self.stage_checked(entries, encoded)
    }

    /// Signs `body` with the log key as the authority's next entry and stages it. Its
    /// signature is not checked again: it was made here, with the key this ledger holds
    /// (opening and `ledger verify` check every signature all the same). Returns its index.
    pub fn stage_as_authority(&mut self, body: Body, time_ms: u64) -> Result<u64> {
        self.check_writable()?;
        let entry = self.sign_as_authority(body, time_ms)?;
        let bytes = entry.to_bytes();
        self.stage_checked(std::slice::from_ref(&entry), vec![bytes])
    }

    /// Stages entries whose signatures are known to be good.
    fn stage_checked(&mut self, entries: &[Entry], encoded: Vec<Vec<u8>>) -> Result<u64> {
        let first = self.size();
        for (i, (entry, bytes)) in entries.iter().zip(&encoded).enumerate() {
            if let Err(e) = self.replay.step_entry(entry, bytes, Signatures::Trusted) {
                // A failed step changes nothing that matters, but earlier entries of this
                // call were applied: replay what was there before to drop them (rare:
                // batches come from the authority's own sequencing).
                self.replay.tree_mut().truncate(first);
                if i > 0 {
                    self.rebuild_state()?;
                }
                return Err(e);
            }
        }
        let mut offset = self.end + self.pending.len() as u64;
        for bytes in &encoded {
            self.offsets.push(offset);
            offset += framed_len(bytes.len());
            frame_record(bytes, &mut self.pending);
        }
        Ok(first)
    }

    /// Writes and fsyncs what was staged, then signs and durably writes one checkpoint for it.
    pub fn commit_staged(&mut self) -> Result<()> {
        self.check_writable()?;
        if self.pending.is_empty() {
            return Ok(());
        }
        let end = self.end;
        let written = self.storage.write_log(end, &self.pending).and_then(|()| self.storage.sync_log());
        if let Err(e) = written {
            // Best effort to leave the file as it was; reopening recovers either way. The
            // state holds entries the disk does not: nothing more may be appended.
            let _ = self.storage.truncate_log(end);
            self.poisoned = Some(e.to_string());
            return Err(LedgerError::Io { path: self.log_path(), source: e });
        }
        self.end += self.pending.len() as u64;
        self.pending.clear();
        if let Err(e) = self.commit() {
            self.poisoned = Some(e.to_string());
            return Err(e);
        }
        Ok(())
    }

    /// The tree root over every entry appended or staged (the checkpoint's once committed).
    pub fn root(&self) -> tlog_tiles::Hash {
        self.replay.tree().root()
    }

    /// Entries covered by the signed checkpoint (staged ones are not).
    pub fn committed_size(&self) -> u64 {
        self.checkpoint.size
    }

    /// Byte offset of each committed entry's record in the log file, for readers that serve
    /// entries without going through the ledger.
    pub fn committed_offsets(&self) -> &[u64] {
        &self.offsets[..self.checkpoint.size as usize]
    }

    /// Replays the committed and the staged entries again, for their state alone.
    fn rebuild_state(&mut self) -> Result<()> {
        let mut replay = Replay::<RootAccumulator>::new(self.tables().clone(), None);
        for entry in self.entries()? {
            replay.step_entry(&entry, &entry.to_bytes(), Signatures::Trusted)?;
        }
        let mut staged = RecordReader::at(&self.pending[..], 0);
        while let Record::Entry { bytes, .. } = staged.next_record().map_err(self.io())? {
            replay.step(bytes, Signatures::Trusted)?;
        }
        self.replay.set_state(replay.into_parts().0);
        Ok(())
    }

    /// Signs and durably writes a checkpoint for everything appended so far.
    fn commit(&mut self) -> Result<()> {
        let key = self.log_key.as_ref().ok_or(LedgerError::ReadOnly)?;
        let checkpoint = sign_checkpoint(key, self.size(), self.root());
        replace(self.storage.as_mut(), CHECKPOINT_FILE, &checkpoint.note)?;
        self.checkpoint = checkpoint;
        Ok(())
    }

    /// Reads committed entry `index` from disk, with its stored bytes.
    pub fn read_entry(&self, index: u64) -> Result<(Entry, Vec<u8>)> {
        let offset = *self.offsets.get(index as usize).ok_or(LedgerError::NoSuchEntry { index, size: self.size() })?;
        let reader = self.storage.read_log(offset).map_err(self.io())?;
        let mut records = RecordReader::at(reader, offset);
        match records.next_record().map_err(self.io())? {
            Record::Entry { bytes, .. } => {
                let entry = Entry::from_bytes(bytes).map_err(|source| LedgerError::Malformed { index, source })?;
                Ok((entry, bytes.to_vec()))
            }
            _ => Err(LedgerError::DamagedRecord { index, offset, what: "changed since the ledger was opened".into() }),
        }
    }

    /// Every committed entry, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>> {
        let reader = self.storage.read_log(0).map_err(self.io())?;
        let mut records = RecordReader::new(reader, &self.log_path())?;
        let committed = self.committed_size();
        let mut out = Vec::with_capacity(committed as usize);
        while (out.len() as u64) < committed {
            match records.next_record().map_err(self.io())? {
                Record::Entry { bytes, .. } => out.push(
                    Entry::from_bytes(bytes).map_err(|source| LedgerError::Malformed { index: out.len() as u64, source })?,
                ),
                _ => return Err(LedgerError::MissingRecords { found: out.len() as u64, committed }),
            }
        }
        Ok(out)
    }

    /// Every stored hash of the tree, for serving tlog tiles.
    pub fn hashes(&self) -> &HashStore {
        self.replay.tree()
    }

    /// Inclusion proof of entry `index` in the current checkpoint's tree.
    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<tlog_tiles::Hash>> {
        if index >= self.size() {
            return Err(LedgerError::NoSuchEntry { index, size: self.size() });
        }
        Ok(self.hashes().prove_inclusion(index, self.size()).expect("index is in the tree"))
    }

    /// Consistency proof from an earlier size to the current checkpoint's tree.
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<tlog_tiles::Hash>> {
        if old_size > self.size() {
            return Err(LedgerError::NoSuchEntry { index: old_size, size: self.size() });
        }
        Ok(self.hashes().prove_consistency(old_size, self.size()).expect("sizes are in the tree"))
    }
}

fn io_err_at(path: &Path) -> impl Fn(io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io { path: path.to_path_buf(), source }
}

/// Replaces a small file of the ledger, naming it in the error.
fn replace(storage: &mut dyn Storage, name: &str, bytes: &[u8]) -> Result<()> {
    storage.replace_file(name, bytes).map_err(|source| LedgerError::Io { path: storage.dir().join(name), source })
}

fn read_vkey(storage: &dyn Storage) -> Result<VerifierKey> {
    let path = storage.dir().join(VKEY_FILE);
    let bytes = storage.read_file(VKEY_FILE).map_err(io_err_at(&path))?;
    let text = String::from_utf8(bytes).map_err(|e| LedgerError::Io { path: path.clone(), source: io::Error::new(io::ErrorKind::InvalidData, e) })?;
    VerifierKey::parse(&text).map_err(|source| LedgerError::Key { path, source })
}
