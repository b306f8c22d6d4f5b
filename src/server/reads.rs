//! What the server publishes for reading: the signed checkpoint, the tree's stored hashes,
//! where each committed entry lies in the log file, and each player's state as JSON. The
//! sequencer publishes after each committed batch; readers (checkpoint, tiles, player state)
//! take a read lock for microseconds and never wait for a batch's fsyncs.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::{PoisonError, RwLock};

use tlog_tiles::{Hash, HashReader};

use crate::ledger::store::{FRAME_LEN, LOG_FILE, MAX_RECORD_LEN};
use crate::ledger::{Ledger, PublicKey};
use crate::valley::wire::player_json;

use super::tiles::{TILE_HEIGHT, TilePath};

#[derive(Default)]
struct Published {
    checkpoint: String,
    size: u64,
    hashes: Vec<Hash>,
    offsets: Vec<u64>,
    players: HashMap<PublicKey, serde_json::Value>,
}

pub struct Reads {
    published: RwLock<Published>,
    vkey: String,
    /// The log, opened for reading: committed records never change, so reads at their
    /// offsets need no lock.
    log: File,
}

/// Why a read found nothing to serve.
pub enum ReadError {
    /// The tile or entry is not (yet) in the committed tree.
    NotInTree { size: u64 },
    Io(String),
}

struct StoredHashes<'a>(&'a [Hash]);

impl HashReader for StoredHashes<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes.iter().map(|&i| self.0.get(i as usize).copied().ok_or(tlog_tiles::Error::IndexesNotInTree)).collect()
    }
}

impl Reads {
    /// Everything the ledger has committed, every player included.
    pub fn new(ledger: &Ledger) -> std::io::Result<Reads> {
        let log = File::open(ledger.dir().join(LOG_FILE))?;
        let reads = Reads { published: RwLock::new(Published::default()), vkey: format!("{}\n", ledger.verifier_key().text), log };
        let everyone: Vec<PublicKey> = ledger.state().players.keys().copied().collect();
        reads.publish(ledger, &everyone);
        Ok(reads)
    }

    /// Publishes what the ledger has committed since the last call, and the state of `touched`.
    pub fn publish(&self, ledger: &Ledger, touched: &[PublicKey]) {
        let size = ledger.committed_size();
        let hash_count = if size == 0 { 0 } else { tlog_tiles::stored_hash_count(size) as usize };
        let players: Vec<(PublicKey, serde_json::Value)> =
            touched.iter().filter_map(|k| ledger.state().player(k).map(|p| (*k, player_json(k, p)))).collect();
        let checkpoint = String::from_utf8_lossy(&ledger.checkpoint().note).into_owned();
        let mut p = self.published.write().unwrap_or_else(PoisonError::into_inner);
        let known = p.hashes.len();
        p.hashes.extend_from_slice(&ledger.hashes().stored()[known..hash_count]);
        let known = p.offsets.len();
        p.offsets.extend_from_slice(&ledger.committed_offsets()[known..]);
        p.size = size;
        p.checkpoint = checkpoint;
        p.players.extend(players);
    }

    pub fn checkpoint(&self) -> String {
        self.published.read().unwrap_or_else(PoisonError::into_inner).checkpoint.clone()
    }

    pub fn verifier_key(&self) -> &str {
        &self.vkey
    }

    pub fn size(&self) -> u64 {
        self.published.read().unwrap_or_else(PoisonError::into_inner).size
    }

    /// The player's state as JSON, with the committed ledger size.
    pub fn player(&self, key: &PublicKey) -> Option<String> {
        let p = self.published.read().unwrap_or_else(PoisonError::into_inner);
        let mut value = p.players.get(key)?.clone();
        value["ledger_size"] = p.size.into();
        Some(value.to_string())
    }

    /// A hash tile or an entry bundle (each entry as uint16 length ‖ bytes).
    pub fn tile(&self, tile: TilePath) -> Result<Vec<u8>, ReadError> {
        let p = self.published.read().unwrap_or_else(PoisonError::into_inner);
        let size = p.size;
        if tile.leaves_needed().is_none_or(|needed| needed > size) {
            return Err(ReadError::NotInTree { size });
        }
        match tile {
            TilePath::Hashes { level, index, width } => tlog_tiles::Tile::new(TILE_HEIGHT, level, index, width, false)
                .read_data(&StoredHashes(&p.hashes))
                .map_err(|_| ReadError::NotInTree { size }),
            TilePath::Entries { index, width } => {
                let first = index * super::tiles::TILE_WIDTH;
                let offsets: Vec<u64> = p.offsets[first as usize..(first + u64::from(width)) as usize].to_vec();
                drop(p);
                let mut bundle = Vec::new();
                for offset in offsets {
                    let bytes = self.record_at(offset).map_err(ReadError::Io)?;
                    bundle.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
                    bundle.extend_from_slice(&bytes);
                }
                Ok(bundle)
            }
        }
    }

    fn record_at(&self, offset: u64) -> Result<Vec<u8>, String> {
        let mut frame = [0u8; FRAME_LEN];
        self.log.read_exact_at(&mut frame, offset).map_err(|e| format!("reading the log at byte {offset}: {e}"))?;
        let len = u32::from_be_bytes(frame[..4].try_into().expect("4 bytes"));
        if len == 0 || len > MAX_RECORD_LEN {
            return Err(format!("the log's record at byte {offset} has an impossible length {len}"));
        }
        let mut bytes = vec![0u8; len as usize];
        self.log.read_exact_at(&mut bytes, offset + FRAME_LEN as u64).map_err(|e| format!("reading the log at byte {offset}: {e}"))?;
        Ok(bytes)
    }
}
