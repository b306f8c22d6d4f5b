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

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};


use super::checkpoint::{CheckpointError, NamedKey, SignedCheckpoint, VerifierKey, sign_checkpoint, verify_checkpoint};
use super::codec::DecodeError;
use super::entry::{Body, Entry, PublicKey};
use super::merkle::{HashStore, leaf_hash};
use super::replay::{LedgerState, Violation};
use super::signatures::{BadSignature, KeyCache, PendingSignatures};
pub use super::signatures::signature_is_valid;
use crate::economy::{CULTIVATION_POOL_CAP_MILLI, MILEAGE_POOL_CAP_MILLI};

pub const LOG_FILE: &str = "entries.log";
pub const CHECKPOINT_FILE: &str = "checkpoint";
pub const VKEY_FILE: &str = "log.vkey";
pub const LOG_HEADER: &[u8; 16] = b"CH-LEDGER-LOG-1\n";
/// Frame of each record: length and CRC-32 of the entry bytes.
pub const FRAME_LEN: usize = 8;
/// No entry comes near this; a larger length is a damaged frame.
pub const MAX_RECORD_LEN: u32 = 64 * 1024;

impl From<BadSignature> for LedgerError {
    fn from(b: BadSignature) -> Self {
        LedgerError::BadSignature { index: b.index, actor: b.actor }
    }
}

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
    Key { path: PathBuf, source: super::checkpoint::KeyError },
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
    Entry(#[from] super::entry::StringTooLong),
}

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io { path: path.to_path_buf(), source }
}

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
    pub torn_copy: Option<PathBuf>,
}

/// Reads framed records from a log file, one at a time.
pub struct RecordReader<R> {
    reader: R,
    offset: u64,
    buf: Vec<u8>,
}

/// One step of reading a log.
pub enum Record<'a> {
    Entry { offset: u64, bytes: &'a [u8] },
    /// The file ends inside a frame or a record.
    Torn { offset: u64 },
    /// A complete frame whose length or checksum is wrong.
    Damaged { offset: u64, what: String },
    End,
}

impl<R: Read> RecordReader<R> {
    /// Checks the header and positions at the first record.
    pub fn new(mut reader: R, path: &Path) -> Result<Self> {
        let mut header = [0u8; 16];
        reader.read_exact(&mut header).map_err(|_| LedgerError::BadHeader { path: path.into() })?;
        if &header != LOG_HEADER {
            return Err(LedgerError::BadHeader { path: path.into() });
        }
        Ok(RecordReader { reader, offset: LOG_HEADER.len() as u64, buf: Vec::with_capacity(512) })
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn fill(&mut self, n: usize) -> io::Result<usize> {
        self.buf.resize(n, 0);
        let mut got = 0;
        while got < n {
            match self.reader.read(&mut self.buf[got..])? {
                0 => break,
                k => got += k,
            }
        }
        Ok(got)
    }

    pub fn next_record(&mut self) -> io::Result<Record<'_>> {
        let offset = self.offset;
        let got = self.fill(FRAME_LEN)?;
        if got == 0 {
            return Ok(Record::End);
        }
        if got < FRAME_LEN {
            return Ok(Record::Torn { offset });
        }
        let len = u32::from_be_bytes(self.buf[0..4].try_into().unwrap());
        let crc = u32::from_be_bytes(self.buf[4..8].try_into().unwrap());
        if len > MAX_RECORD_LEN || len == 0 {
            return Ok(Record::Damaged { offset, what: format!("impossible record length {len}") });
        }
        let got = self.fill(len as usize)?;
        if got < len as usize {
            return Ok(Record::Torn { offset });
        }
        if crc32fast::hash(&self.buf) != crc {
            return Ok(Record::Damaged { offset, what: "checksum mismatch".into() });
        }
        self.offset += (FRAME_LEN + len as usize) as u64;
        Ok(Record::Entry { offset, bytes: &self.buf })
    }
}

/// Appends the frame and bytes of one entry to `out`.
pub fn frame_record(entry_bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(entry_bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(&crc32fast::hash(entry_bytes).to_be_bytes());
    out.extend_from_slice(entry_bytes);
}

/// Writes `bytes` to `path` durably: temporary file, fsync, rename, fsync of the directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
    f.write_all(bytes).map_err(io_err(&tmp))?;
    f.sync_all().map_err(io_err(&tmp))?;
    drop(f);
    fs::rename(&tmp, path).map_err(io_err(path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Opens a file of one record per line for appending. A last line a crash left torn is ended
/// first, so that the next record starts on a line of its own (readers skip the torn one).
pub fn open_lines_for_append(path: &Path) -> io::Result<File> {
    let mut f = OpenOptions::new().create(true).read(true).append(true).open(path)?;
    let len = f.metadata()?.len();
    if len > 0 {
        let mut last = [0u8];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            f.write_all(b"\n")?;
            f.sync_data()?;
        }
    }
    Ok(f)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))
}

/// An open ledger: the verified state of every committed entry, and (with the log key) the
/// means to append.
pub struct Ledger {
    dir: PathBuf,
    file: File,
    log_key: Option<NamedKey>,
    vkey: VerifierKey,
    checkpoint: SignedCheckpoint,
    state: LedgerState,
    tree: HashStore,
    offsets: Vec<u64>,
    end: u64,
    /// Framed records staged and not yet written (see [`Ledger::stage`]).
    pending: Vec<u8>,
    poisoned: Option<String>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ledger({}, {} entries)", self.dir.display(), self.size())
    }
}

impl Ledger {
    /// Creates a new ledger in `dir` with its genesis entry, signed by `log_key`, whose name
    /// is the log's origin.
    pub fn create(dir: &Path, log_key: NamedKey, time_ms: u64) -> Result<Ledger> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let log_path = dir.join(LOG_FILE);
        if log_path.exists() {
            return Err(LedgerError::AlreadyExists(dir.into()));
        }
        let mut file = OpenOptions::new().read(true).write(true).create_new(true).open(&log_path).map_err(io_err(&log_path))?;
        file.write_all(LOG_HEADER).map_err(io_err(&log_path))?;
        file.sync_all().map_err(io_err(&log_path))?;
        sync_dir(dir)?;
        let vkey = VerifierKey::parse(&log_key.verifier_key()).expect("own verifier key parses");
        write_atomically(&dir.join(VKEY_FILE), format!("{}\n", vkey.text).as_bytes())?;
        let empty = sign_checkpoint(&log_key, 0, tlog_tiles::EMPTY_HASH);
        let mut ledger = Ledger {
            dir: dir.into(),
            file,
            log_key: Some(log_key),
            vkey,
            checkpoint: empty,
            state: LedgerState::default(),
            tree: HashStore::default(),
            offsets: Vec::new(),
            end: LOG_HEADER.len() as u64,
            pending: Vec::new(),
            poisoned: None,
        };
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

    /// Opens the ledger in `dir`. With `log_key`, it can append and recovers a torn tail;
    /// without, it is read-only and changes nothing on disk. `trusted` pins the verifier key
    /// (otherwise the ledger's own `log.vkey` is used).
    pub fn open(dir: &Path, log_key: Option<NamedKey>, trusted: Option<VerifierKey>) -> Result<(Ledger, OpenReport)> {
        let log_path = dir.join(LOG_FILE);
        if !log_path.exists() {
            return Err(LedgerError::NotALedger(dir.into()));
        }
        let vkey = match trusted {
            Some(k) => k,
            None => read_vkey(dir)?,
        };
        if let Some(k) = &log_key
            && k.verifier_key() != vkey.text
        {
            return Err(LedgerError::WrongLogKey(vkey.text.clone()));
        }
        let writable = log_key.is_some();
        let file = OpenOptions::new().read(true).write(writable).open(&log_path).map_err(io_err(&log_path))?;
        if writable {
            // One writer at a time; the lock goes with the file handle.
            file.try_lock().map_err(|e| LedgerError::Io {
                path: log_path.clone(),
                source: io::Error::other(format!("the ledger is in use by another process ({e})")),
            })?;
        }
        let cp_path = dir.join(CHECKPOINT_FILE);
        let checkpoint = match fs::read(&cp_path) {
            Ok(bytes) => verify_checkpoint(&bytes, &vkey).map_err(|source| LedgerError::Checkpoint { path: cp_path.clone(), source })?,
            // A crash before the first checkpoint: nothing is committed yet.
            Err(e) if e.kind() == io::ErrorKind::NotFound => SignedCheckpoint {
                origin: vkey.name.clone(),
                size: 0,
                root: tlog_tiles::EMPTY_HASH,
                note: Vec::new(),
            },
            Err(e) => return Err(LedgerError::Io { path: cp_path, source: e }),
        };

        let mut ledger = Ledger {
            dir: dir.into(),
            file,
            log_key,
            vkey,
            checkpoint,
            state: LedgerState::default(),
            tree: HashStore::default(),
            offsets: Vec::new(),
            end: LOG_HEADER.len() as u64,
            pending: Vec::new(),
            poisoned: None,
        };
        let report = ledger.load(&log_path)?;
        Ok((ledger, report))
    }

    fn load(&mut self, log_path: &Path) -> Result<OpenReport> {
        let committed = self.checkpoint.size;
        let reader = BufReader::with_capacity(1 << 16, File::open(log_path).map_err(io_err(log_path))?);
        let mut records = RecordReader::new(reader, log_path)?;
        let mut keys = KeyCache::default();
        let mut index = 0u64;
        let mut report = OpenReport::default();
        let mut root_checked = false;
        loop {
            if index == committed && !root_checked {
                if self.tree.root() != self.checkpoint.root {
                    return Err(LedgerError::RootMismatch { size: committed });
                }
                root_checked = true;
            }
            let record = records.next_record().map_err(io_err(log_path))?;
            let (offset, bytes) = match record {
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
            // Committed entries must be sound; a bad uncommitted one ends the recoverable tail.
            let checked = Entry::from_bytes(bytes)
                .map_err(|source| LedgerError::Malformed { index, source })
                .and_then(|entry| {
                    if index >= committed && !signature_is_valid(&entry, bytes, &mut keys) {
                        return Err(LedgerError::BadSignature { index, actor: entry.actor });
                    }
                    if index == 0 {
                        self.check_genesis_authority(&entry)?;
                    }
                    self.state.apply(index, &entry, || self.tree.root().0).map_err(|violation| LedgerError::Rule { index, violation })
                });
            match checked {
                Ok(()) => {}
                Err(e) if index < committed => return Err(e),
                Err(_) => break,
            }
            self.tree.push(leaf_hash(bytes));
            self.offsets.push(offset);
            self.end = offset + (FRAME_LEN + bytes.len()) as u64;
            index += 1;
        }

        let file_len = self.file.metadata().map_err(io_err(log_path))?.len();
        let tail_records = index - committed;
        let tail_bytes = file_len - self.end;
        if self.log_key.is_none() {
            return Ok(report);
        }
        if tail_bytes > 0 {
            let torn = self.dir.join(format!("{LOG_FILE}.torn-{}", self.end));
            let mut cut = vec![0u8; tail_bytes as usize];
            self.file.seek(SeekFrom::Start(self.end)).and_then(|_| self.file.read_exact(&mut cut)).map_err(io_err(log_path))?;
            write_atomically(&torn, &cut)?;
            self.file.set_len(self.end).and_then(|_| self.file.sync_all()).map_err(io_err(log_path))?;
            report.dropped_bytes = tail_bytes;
            report.torn_copy = Some(torn);
        }
        if tail_records > 0 {
            self.commit()?;
            report.recovered = tail_records;
        }
        Ok(report)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of entries appended (staged ones included: the next entry's index).
    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    pub fn state(&self) -> &LedgerState {
        &self.state
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
        let nonce = self.state.next_nonce(&key.public_key());
        Ok(Entry::sign(body, &key.signing_key, nonce, time_ms)?)
    }

    /// Appends entries as one durable batch: each must carry a valid signature and keep every
    /// rule, or nothing is written. Returns the index of the first.
    pub fn append(&mut self, entries: &[Entry]) -> Result<u64> {
        let first = self.stage(entries)?;
        self.commit_staged()?;
        Ok(first)
    }

    /// Checks entries and applies them to the state and the tree, to be written by the next
    /// [`Ledger::commit_staged`]: a sequencer stages many requests and makes them durable
    /// with one write, one fsync and one checkpoint. Each must carry a valid signature and
    /// keep every rule, or none is staged. Returns the index of the first.
    pub fn stage(&mut self, entries: &[Entry]) -> Result<u64> {
        if let Some(why) = &self.poisoned {
            return Err(LedgerError::Poisoned(why.clone()));
        }
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
        if let Some(why) = &self.poisoned {
            return Err(LedgerError::Poisoned(why.clone()));
        }
        let entry = self.sign_as_authority(body, time_ms)?;
        let bytes = entry.to_bytes();
        self.stage_checked(std::slice::from_ref(&entry), vec![bytes])
    }

    /// Stages entries whose signatures are known to be good.
    fn stage_checked(&mut self, entries: &[Entry], encoded: Vec<Vec<u8>>) -> Result<u64> {
        let first = self.size();
        if first == 0 {
            self.check_genesis_authority(&entries[0])?;
        }
        for (i, (entry, bytes)) in entries.iter().zip(&encoded).enumerate() {
            let index = first + i as u64;
            if let Err(violation) = self.state.apply(index, entry, || self.tree.root().0) {
                // `apply` changes nothing on error, but earlier entries of this call were
                // applied: replay what was there before to drop them (rare: batches come
                // from the authority's own sequencing).
                self.tree.truncate(first);
                if i > 0 {
                    self.rebuild_state()?;
                }
                return Err(LedgerError::Rule { index, violation });
            }
            self.tree.push(leaf_hash(bytes));
        }
        let mut offset = self.end + self.pending.len() as u64;
        for bytes in &encoded {
            self.offsets.push(offset);
            offset += (FRAME_LEN + bytes.len()) as u64;
            frame_record(bytes, &mut self.pending);
        }
        Ok(first)
    }

    /// Writes and fsyncs what was staged, then signs and durably writes one checkpoint for it.
    pub fn commit_staged(&mut self) -> Result<()> {
        if let Some(why) = &self.poisoned {
            return Err(LedgerError::Poisoned(why.clone()));
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let path = self.dir.join(LOG_FILE);
        let written = self
            .file
            .seek(SeekFrom::Start(self.end))
            .and_then(|_| self.file.write_all(&self.pending))
            .and_then(|_| self.file.sync_data());
        if let Err(e) = written {
            // Best effort to leave the file as it was; reopening recovers either way. The
            // state holds entries the disk does not: nothing more may be appended.
            let _ = self.file.set_len(self.end);
            self.poisoned = Some(e.to_string());
            return Err(LedgerError::Io { path, source: e });
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
        self.tree.root()
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

    fn rebuild_state(&mut self) -> Result<()> {
        let mut state = LedgerState::default();
        let mut tree = super::merkle::RootAccumulator::default();
        let mut entries = self.entries()?;
        let mut staged = RecordReader { reader: &self.pending[..], offset: 0, buf: Vec::new() };
        while let Record::Entry { bytes, .. } = staged.next_record().map_err(io_err(&self.dir))? {
            entries.push(Entry::from_bytes(bytes).map_err(|source| LedgerError::Malformed { index: entries.len() as u64, source })?);
        }
        for (index, entry) in entries.iter().enumerate() {
            state.apply(index as u64, entry, || tree.root().0).map_err(|violation| LedgerError::Rule { index: index as u64, violation })?;
            tree.push(leaf_hash(&entry.to_bytes()));
        }
        self.state = state;
        Ok(())
    }

    /// Signs and durably writes a checkpoint for everything appended so far.
    fn commit(&mut self) -> Result<()> {
        let key = self.log_key.as_ref().ok_or(LedgerError::ReadOnly)?;
        let checkpoint = sign_checkpoint(key, self.tree.size(), self.tree.root());
        write_atomically(&self.dir.join(CHECKPOINT_FILE), &checkpoint.note)?;
        self.checkpoint = checkpoint;
        Ok(())
    }

    /// Reads committed entry `index` from disk, with its stored bytes.
    pub fn read_entry(&self, index: u64) -> Result<(Entry, Vec<u8>)> {
        let offset = *self.offsets.get(index as usize).ok_or(LedgerError::NoSuchEntry { index, size: self.size() })?;
        let path = self.dir.join(LOG_FILE);
        let mut f = File::open(&path).map_err(io_err(&path))?;
        f.seek(SeekFrom::Start(offset)).map_err(io_err(&path))?;
        let mut records = RecordReader { reader: f, offset, buf: Vec::new() };
        match records.next_record().map_err(io_err(&path))? {
            Record::Entry { bytes, .. } => {
                let entry = Entry::from_bytes(bytes).map_err(|source| LedgerError::Malformed { index, source })?;
                Ok((entry, bytes.to_vec()))
            }
            _ => Err(LedgerError::DamagedRecord { index, offset, what: "changed since the ledger was opened".into() }),
        }
    }

    /// Every committed entry, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>> {
        let path = self.dir.join(LOG_FILE);
        let reader = BufReader::new(File::open(&path).map_err(io_err(&path))?);
        let mut records = RecordReader::new(reader, &path)?;
        let committed = self.committed_size();
        let mut out = Vec::with_capacity(committed as usize);
        while (out.len() as u64) < committed {
            match records.next_record().map_err(io_err(&path))? {
                Record::Entry { bytes, .. } => out.push(
                    Entry::from_bytes(bytes).map_err(|source| LedgerError::Malformed { index: out.len() as u64, source })?,
                ),
                _ => return Err(LedgerError::MissingRecords { found: out.len() as u64, committed }),
            }
        }
        Ok(out)
    }

    /// Every stored hash of the tree, for serving tlog tiles.
    pub fn hashes(&self) -> &crate::ledger::merkle::HashStore {
        &self.tree
    }

    /// Inclusion proof of entry `index` in the current checkpoint's tree.
    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<tlog_tiles::Hash>> {
        if index >= self.size() {
            return Err(LedgerError::NoSuchEntry { index, size: self.size() });
        }
        Ok(self.tree.prove_inclusion(index, self.size()).expect("index is in the tree"))
    }

    /// Consistency proof from an earlier size to the current checkpoint's tree.
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<tlog_tiles::Hash>> {
        if old_size > self.size() {
            return Err(LedgerError::NoSuchEntry { index: old_size, size: self.size() });
        }
        Ok(self.tree.prove_consistency(old_size, self.size()).expect("sizes are in the tree"))
    }

    fn check_genesis_authority(&self, genesis: &Entry) -> Result<()> {
        if genesis.actor != self.vkey.public_key {
            return Err(LedgerError::WrongAuthority { expected: self.vkey.public_key, found: genesis.actor });
        }
        Ok(())
    }
}

fn read_vkey(dir: &Path) -> Result<VerifierKey> {
    let path = dir.join(VKEY_FILE);
    let text = fs::read_to_string(&path).map_err(io_err(&path))?;
    VerifierKey::parse(&text).map_err(|source| LedgerError::Key { path, source })
}
