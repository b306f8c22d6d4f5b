//! The client's verified replica of the server's ledger. On every sync it fetches the
//! signed checkpoint, checks the signature with the key it trusts, refuses a tree smaller
//! than the one it verified before (a rollback), fetches the new entries as C2SP entry
//! bundles, checks that its own entries plus the new ones hash to the checkpoint's root (else
//! the server forked its log), and checks each one's signature and every economy rule by
//! replaying it (the ledger's one replay core). Only then is anything stored.
//!
//! ```text
//! SYNC/server.vkey        the server's verifier key (pinned on the first sync)
//! SYNC/checkpoint         the last checkpoint verified
//! SYNC/entries            the entries verified, framed as the ledger's log: header, then
//!                         len:u32 crc32:u32 bytes (big-endian)
//! ```
//!
//! Replicas written before the framing was shared hold `len:u32 ‖ bytes` records with no
//! header (a first record's length never reads as the header): they are read as before and
//! rewritten in the framed format on open.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::valley::ValleyError;
use crate::economy::EconomyTables;
use crate::ledger::checkpoint::verify_checkpoint;
use crate::ledger::files::write_atomically;
use crate::ledger::framing::{LOG_HEADER, Record, RecordReader, frame_record};
use crate::ledger::merkle::{HashStore, leaf_hash};
use crate::ledger::replay::{Replay, Signatures};
use crate::ledger::{Entry, LedgerState, Receipt, SignedCheckpoint, VerifierKey};

const ENTRIES_FILE: &str = "entries";

pub struct Replica {
    dir: PathBuf,
    key: Option<VerifierKey>,
    checkpoint: Option<SignedCheckpoint>,
    /// The state, and every tree hash for roots and receipts (64 bytes an entry).
    replay: Replay<HashStore>,
}

fn store_error(path: &Path, e: impl std::fmt::Display) -> ValleyError {
    ValleyError::Store { path: path.display().to_string(), message: e.to_string() }
}

/// What one sync brought.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncedTo {
    pub size: u64,
    pub new_entries: u64,
}

/// The records of a replica's entries file, and whether the file is exactly them in the
/// framed format (else it is rewritten).
fn read_records(bytes: &[u8]) -> (Vec<Vec<u8>>, bool) {
    if bytes.is_empty() {
        return (Vec::new(), true);
    }
    if !bytes.starts_with(LOG_HEADER) {
        return (read_unframed(bytes), false);
    }
    let mut reader = RecordReader::at(&bytes[LOG_HEADER.len()..], LOG_HEADER.len() as u64);
    let mut out = Vec::new();
    loop {
        match reader.next_record() {
            Ok(Record::Entry { bytes, .. }) => out.push(bytes.to_vec()),
            Ok(Record::End) => return (out, true),
            // A record torn by a crash was never confirmed by a checkpoint: stop there.
            _ => return (out, false),
        }
    }
}

/// The records of a replica written before the framing was shared: `len:u32 ‖ bytes`.
fn read_unframed(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let Some(record) = bytes.get(at + 4..at + 4 + len) else { break };
        out.push(record.to_vec());
        at += 4 + len;
    }
    out
}

fn framed_file(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = LOG_HEADER.to_vec();
    for r in records {
        frame_record(r, &mut out);
    }
    out
}

impl Replica {
    /// [`Replica::open_with`] under the bundled economy tables.
    pub fn open(dir: &Path) -> Result<Replica, ValleyError> {
        Replica::open_with(dir, EconomyTables::shared())
    }

    /// Opens the replica in `dir`, replaying (and so re-checking) what it holds under the
    /// economy `tables`.
    pub fn open_with(dir: &Path, tables: Arc<EconomyTables>) -> Result<Replica, ValleyError> {
        crate::platform::files::create_dir_all(dir).map_err(|e| store_error(dir, e))?;
        let mut replica = Replica { dir: dir.to_path_buf(), key: None, checkpoint: None, replay: Replay::new(tables, None) };
        let vkey_path = dir.join("server.vkey");
        if let Ok(text) = crate::platform::files::read_to_string(&vkey_path) {
            replica.key = Some(VerifierKey::parse(text.trim()).map_err(|e| store_error(&vkey_path, e))?);
        }
        let cp_path = dir.join("checkpoint");
        if let (Ok(note), Some(key)) = (crate::platform::files::read(&cp_path), &replica.key) {
            replica.checkpoint = Some(verify_checkpoint(&note, key).map_err(|e| store_error(&cp_path, e))?);
        }
        let entries_path = dir.join(ENTRIES_FILE);
        let (mut records, mut clean) = match crate::platform::files::read(&entries_path) {
            Ok(bytes) => read_records(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), true),
            Err(e) => return Err(store_error(&entries_path, e)),
        };
        // Entries past the checkpoint (a crash between the two writes) are dropped.
        if let Some(cp) = &replica.checkpoint
            && (cp.size as usize) < records.len()
        {
            records.truncate(cp.size as usize);
            clean = false;
        }
        for record in &records {
            replica.replay.step(record, Signatures::Strict).map_err(|e| store_error(&entries_path, e))?;
        }
        if !clean {
            write_atomically(&entries_path, &framed_file(&records)).map_err(|e| store_error(&entries_path, e))?;
        }
        Ok(replica)
    }

    /// The verified entries, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, ValleyError> {
        Ok(self.entry_bytes()?.iter().filter_map(|b| Entry::from_bytes(b).ok()).collect())
    }

    fn entry_bytes(&self) -> Result<Vec<Vec<u8>>, ValleyError> {
        let path = self.dir.join(ENTRIES_FILE);
        let bytes = match crate::platform::files::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(store_error(&path, e)),
        };
        let (mut records, _) = read_records(&bytes);
        records.truncate(self.size() as usize);
        Ok(records)
    }

    /// A receipt for entry `index` against the last verified checkpoint, built from the
    /// replica alone (anyone can check it offline with the server's key).
    pub fn receipt(&self, index: u64) -> Result<Receipt, ValleyError> {
        let cp = self.checkpoint.as_ref().ok_or_else(|| ValleyError::Untrusted("nothing verified yet".into()))?;
        let entry_bytes = self.entry_bytes()?.into_iter().nth(index as usize).ok_or(ValleyError::Remote(format!("no entry {index} in the replica")))?;
        let proof = self.replay.tree().prove_inclusion(index, cp.size).map_err(|e| ValleyError::Remote(format!("entry {index}: {e:?}")))?;
        Ok(Receipt { entry_bytes, index, proof, checkpoint_note: cp.note.clone() })
    }

    pub fn state(&self) -> &LedgerState {
        self.replay.state()
    }

    /// The tree root at `size` entries (≤ the replica's), to check an older checkpoint.
    pub fn root_at(&self, size: u64) -> Option<tlog_tiles::Hash> {
        self.replay.tree().root_at(size).ok()
    }

    pub fn size(&self) -> u64 {
        self.replay.index()
    }

    pub fn key(&self) -> Option<&VerifierKey> {
        self.key.as_ref()
    }

    pub fn checkpoint(&self) -> Option<&SignedCheckpoint> {
        self.checkpoint.as_ref()
    }

    /// Trusts `key` from now on (the first sync, or `--server-key`). A replica that already
    /// trusts another key refuses.
    pub fn pin_key(&mut self, key: VerifierKey) -> Result<(), ValleyError> {
        if let Some(old) = &self.key {
            if old.text != key.text {
                return Err(ValleyError::Untrusted(format!("it signs with {}, but this profile trusts {}", key.text, old.text)));
            }
            return Ok(());
        }
        let path = self.dir.join("server.vkey");
        write_atomically(&path, format!("{}\n", key.text).as_bytes()).map_err(|e| store_error(&path, e))?;
        self.key = Some(key);
        Ok(())
    }

    /// Brings the replica up to the server's checkpoint (`note`), fetching entry bundles with
    /// `fetch(path)`. Nothing is stored unless everything checks out.
    pub async fn sync<F, Fut>(&mut self, note: &[u8], mut fetch: F) -> Result<SyncedTo, ValleyError>
    where
        F: FnMut(String) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<u8>, ValleyError>>,
    {
        let key = self.key.clone().ok_or_else(|| ValleyError::Untrusted("no server key is trusted yet".into()))?;
        let cp = verify_checkpoint(note, &key).map_err(|e| ValleyError::Untrusted(format!("its checkpoint does not verify with {}: {e}", key.text)))?;
        let old = self.size();
        if cp.size < old {
            return Err(ValleyError::Untrusted(format!(
                "it rolled its log back: it now shows {} entries, but it signed a checkpoint of {old} before",
                cp.size
            )));
        }
        let mut fresh = Vec::new();
        let mut index = old;
        while index < cp.size {
            let bundle_index = index / 256;
            let width = (cp.size - bundle_index * 256).min(256);
            let path = tlog_tiles::Tile::new(8, 0, bundle_index, width as u32, true).path().replacen("tile/8/data/", "tile/entries/", 1);
            let bundle = fetch(path.clone()).await?;
            let mut at = 0;
            let mut in_bundle = bundle_index * 256;
            while at < bundle.len() && in_bundle < bundle_index * 256 + width {
                let len = bundle.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as usize).ok_or_else(|| ValleyError::BadAnswer(format!("{path} is cut short")))?;
                let bytes = bundle.get(at + 2..at + 2 + len).ok_or_else(|| ValleyError::BadAnswer(format!("{path} is cut short")))?;
                if in_bundle >= index {
                    fresh.push(bytes.to_vec());
                }
                at += 2 + len;
                in_bundle += 1;
            }
            if in_bundle < bundle_index * 256 + width {
                return Err(ValleyError::BadAnswer(format!("{path} holds {} entries, not {width}", in_bundle - bundle_index * 256)));
            }
            index = in_bundle;
        }
        // First the tree: do the new entries extend what was verified before?
        let mut tree = self.replay.tree().clone();
        for bytes in &fresh {
            tree.push(leaf_hash(bytes));
        }
        if tree.root() != cp.root {
            return Err(ValleyError::Untrusted(format!(
                "it forked its log: its checkpoint of {} entries has root {}, but the {old} entries verified before and the new ones hash to {}",
                cp.size,
                cp.root,
                tree.root()
            )));
        }
        drop(tree);
        // Then every signature and rule.
        let mut next = self.replay.clone();
        for bytes in &fresh {
            next.step(bytes, Signatures::Strict).map_err(|e| ValleyError::Untrusted(format!("its log breaks the rules: {e}")))?;
        }
        // Entries first, then the checkpoint that covers them (the commit point).
        let entries_path = self.dir.join(ENTRIES_FILE);
        let mut file = crate::platform::files::OpenOptions::new().create(true).append(true).open(&entries_path).map_err(|e| store_error(&entries_path, e))?;
        let empty = file.metadata().map_err(|e| store_error(&entries_path, e))?.len() == 0;
        let mut out = if empty { LOG_HEADER.to_vec() } else { Vec::new() };
        for bytes in &fresh {
            frame_record(bytes, &mut out);
        }
        file.write_all(&out).and_then(|_| file.sync_data()).map_err(|e| store_error(&entries_path, e))?;
        let cp_path = self.dir.join("checkpoint");
        write_atomically(&cp_path, &cp.note).map_err(|e| store_error(&cp_path, e))?;
        self.checkpoint = Some(cp);
        self.replay = next;
        Ok(SyncedTo { size: self.size(), new_entries: fresh.len() as u64 })
    }
}
