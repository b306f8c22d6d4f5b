//! The answers given to enrolled players, by (player, idempotency key), kept only while a
//! replay of their request could still pass the clock-skew check: a retry gets the first
//! answer instead of acting twice; an older replay is refused as stale anyway, and the
//! ledger's own once-only rules (a trip attested once, a deposit mined once, a nonce used
//! once) stand behind both. Requests from keys that are not enrolled leave nothing here.
//!
//! `DATA/server/answers.jsonl` holds them, a line each, appended and fsynced once per batch
//! and rewritten without the expired ones when it has grown to twice what is live.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ledger::PublicKey;
use crate::ledger::store::{open_lines_for_append, write_atomically};
use crate::valley::wire::MAX_CLOCK_SKEW_MS;

/// More live answers than this and the oldest are forgotten (the ledger still refuses a
/// second payment); a per-key rate limit keeps honest use far below it.
pub const MAX_ANSWERS: usize = 200_000;
/// And at most this many bytes of answer bodies in memory.
pub const MAX_ANSWER_BYTES: usize = 64 << 20;

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct StoredAnswer {
    /// The player's public key, hex.
    pub key: String,
    pub idempotency: String,
    /// Until when (server ms) a replay of the request could pass the skew check.
    pub expires_ms: u64,
    pub body_sha256: String,
    pub status: u16,
    pub body: String,
}

pub struct Answers {
    path: PathBuf,
    file: File,
    by_key: HashMap<(String, String), StoredAnswer>,
    /// Slots in the order they were kept, to expire the oldest first.
    order: VecDeque<(u64, String, String)>,
    lines_in_file: usize,
    unsynced: Vec<u8>,
    /// Slots kept since the last sync: forgotten if the batch cannot be made durable, so
    /// that a retry is applied again rather than told of a success that was never stored.
    unsynced_slots: Vec<(String, String)>,
    body_bytes: usize,
}

fn io(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

impl Answers {
    /// Reads the answers still live at `now`, and rewrites the file with only those.
    pub fn open(path: &Path, now: u64) -> Result<Answers, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        let mut live: Vec<StoredAnswer> = Vec::new();
        if let Ok(f) = File::open(path) {
            // A line torn by a crash is not an answer that was given: skip it.
            for line in BufReader::new(f).lines().map_while(Result::ok) {
                if let Ok(a) = serde_json::from_str::<StoredAnswer>(&line)
                    && a.expires_ms >= now
                {
                    live.push(a);
                }
            }
        }
        let mut answers = Answers {
            path: path.to_path_buf(),
            file: open_lines_for_append(path).map_err(|e| io(path, e))?,
            by_key: HashMap::new(),
            order: VecDeque::new(),
            lines_in_file: 0,
            unsynced: Vec::new(),
            unsynced_slots: Vec::new(),
            body_bytes: 0,
        };
        for a in live {
            answers.insert(a);
        }
        answers.compact()?;
        Ok(answers)
    }

    /// The answer first given to this player's request with this idempotency key.
    pub fn get(&mut self, key: &PublicKey, idempotency: &str, now: u64) -> Option<&StoredAnswer> {
        self.expire(now);
        self.by_key.get(&(key.to_hex(), idempotency.to_string()))
    }

    /// Keeps an answer (durable at the next [`Answers::sync`]) for a request signed at
    /// `request_ms`.
    pub fn keep(&mut self, key: PublicKey, idempotency: String, request_ms: u64, body_sha256: String, status: u16, body: String) {
        let answer = StoredAnswer { key: key.to_hex(), idempotency, expires_ms: request_ms.saturating_add(MAX_CLOCK_SKEW_MS), body_sha256, status, body };
        let mut line = serde_json::to_vec(&answer).expect("plain data serialises");
        line.push(b'\n');
        self.unsynced.extend_from_slice(&line);
        self.unsynced_slots.push((answer.key.clone(), answer.idempotency.clone()));
        self.insert(answer);
        while self.by_key.len() > MAX_ANSWERS || self.body_bytes > MAX_ANSWER_BYTES {
            let Some((_, k, i)) = self.order.pop_front() else { break };
            self.forget(&(k, i));
        }
    }

    fn forget(&mut self, slot: &(String, String)) {
        if let Some(a) = self.by_key.remove(slot) {
            self.body_bytes -= a.body.len();
        }
    }

    fn insert(&mut self, a: StoredAnswer) {
        self.order.push_back((a.expires_ms, a.key.clone(), a.idempotency.clone()));
        self.lines_in_file += 1;
        self.body_bytes += a.body.len();
        if let Some(old) = self.by_key.insert((a.key.clone(), a.idempotency.clone()), a) {
            self.body_bytes -= old.body.len();
        }
    }

    fn expire(&mut self, now: u64) {
        while let Some((expires, _, _)) = self.order.front()
            && *expires < now
        {
            let (_, k, i) = self.order.pop_front().expect("front exists");
            self.forget(&(k, i));
        }
    }

    /// Writes the answers kept since the last call with one fsync; rewrites the file
    /// without expired answers once it holds twice what is live.
    pub fn sync(&mut self, now: u64) -> Result<(), String> {
        if !self.unsynced.is_empty() {
            self.file.write_all(&self.unsynced).and_then(|_| self.file.sync_data()).map_err(|e| io(&self.path, e))?;
            self.unsynced.clear();
        }
        self.unsynced_slots.clear();
        self.expire(now);
        if self.lines_in_file > 2 * self.by_key.len() + 1024 {
            self.compact()?;
        }
        Ok(())
    }

    /// Forgets the answers kept since the last sync (their batch was not made durable). A
    /// torn line they may have left is ended when the file is next opened.
    pub fn discard_unsynced(&mut self) {
        for slot in std::mem::take(&mut self.unsynced_slots) {
            self.forget(&slot);
        }
        self.unsynced.clear();
        if let Ok(file) = open_lines_for_append(&self.path) {
            self.file = file;
        }
    }

    fn compact(&mut self) -> Result<(), String> {
        let mut text = Vec::new();
        for (_, k, i) in &self.order {
            if let Some(a) = self.by_key.get(&(k.clone(), i.clone())) {
                text.extend_from_slice(&serde_json::to_vec(a).expect("plain data serialises"));
                text.push(b'\n');
            }
        }
        write_atomically(&self.path, &text).map_err(|e| e.to_string())?;
        self.file = open_lines_for_append(&self.path).map_err(|e| io(&self.path, e))?;
        self.lines_in_file = self.by_key.len();
        Ok(())
    }
}
