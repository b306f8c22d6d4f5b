//! Offline first: what a player does while the server is away is queued durably, in order,
//! each intent with its idempotency key, and sent exactly once when the server is back
//! (the server keeps the answer to each key; a resend gets that answer, not a second
//! effect). An intent leaves the queue only once the server has answered it.
//!
//! `SYNC/queue.jsonl`: one intent per line, appended with an fsync; rewritten atomically when
//! the head is answered.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::valley::ValleyError;
use crate::valley::wire::{CarTripsRequest, EnrolRequest, GrantRequest, MineRequest, PairRequest, SubmitRequest, TaskRequest, TripsRequest};

/// One thing to tell the server.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    Enrol(EnrolRequest),
    Trips(TripsRequest),
    #[serde(rename = "car-trips")]
    CarTrips(CarTripsRequest),
    Pair(PairRequest),
    Grant(GrantRequest),
    Mine(MineRequest),
    Task(TaskRequest),
    Submit(SubmitRequest),
}

impl Intent {
    /// The POST path under `/v1/`.
    pub fn action(&self) -> &'static str {
        match self {
            Intent::Enrol(_) => "enrol",
            Intent::Trips(_) => "trips",
            Intent::CarTrips(_) => "car-trips",
            Intent::Pair(_) => "pair",
            Intent::Grant(_) => "grant",
            Intent::Mine(_) => "mine",
            Intent::Task(_) => "task",
            Intent::Submit(_) => "submit",
        }
    }

    /// The player-signed entry a submit carries.
    pub fn entry(&self) -> Option<crate::ledger::Entry> {
        use base64::Engine;
        let Intent::Submit(s) = self else { return None };
        let bytes = base64::engine::general_purpose::STANDARD.decode(&s.entry).ok()?;
        crate::ledger::Entry::from_bytes(&bytes).ok()
    }

    pub fn body(&self) -> Vec<u8> {
        match self {
            Intent::Enrol(r) => serde_json::to_vec(r),
            Intent::Trips(r) => serde_json::to_vec(r),
            Intent::CarTrips(r) => serde_json::to_vec(r),
            Intent::Pair(r) => serde_json::to_vec(r),
            Intent::Grant(r) => serde_json::to_vec(r),
            Intent::Mine(r) => serde_json::to_vec(r),
            Intent::Task(r) => serde_json::to_vec(r),
            Intent::Submit(r) => serde_json::to_vec(r),
        }
        .expect("plain data serialises")
    }
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Queued {
    /// The idempotency key the intent is sent with, every time.
    pub id: String,
    /// When the player did it (Unix ms).
    pub at_ms: u64,
    pub intent: Intent,
}

pub struct Queue {
    path: PathBuf,
    items: Vec<Queued>,
}

fn store_error(path: &Path, e: impl std::fmt::Display) -> ValleyError {
    ValleyError::Store { path: path.display().to_string(), message: e.to_string() }
}

impl Queue {
    pub fn open(path: &Path) -> Result<Queue, ValleyError> {
        let mut items = Vec::new();
        match crate::platform::files::read_to_string(path) {
            Ok(text) => {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    // A line torn by a crash was never acknowledged to the player: skip it.
                    if let Ok(q) = serde_json::from_str(line) {
                        items.push(q);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(store_error(path, e)),
        }
        Ok(Queue { path: path.to_path_buf(), items })
    }

    pub fn items(&self) -> &[Queued] {
        &self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds an intent durably (it is on disk when this returns).
    pub fn push(&mut self, intent: Intent, at_ms: u64) -> Result<&Queued, ValleyError> {
        let q = Queued { id: crate::valley::wire::new_idempotency_key(), at_ms, intent };
        if let Some(dir) = self.path.parent() {
            crate::platform::files::create_dir_all(dir).map_err(|e| store_error(dir, e))?;
        }
        let mut line = serde_json::to_vec(&q).expect("plain data serialises");
        line.push(b'\n');
        // A torn earlier line must not swallow this one.
        let mut f = crate::ledger::store::open_lines_for_append(&self.path).map_err(|e| store_error(&self.path, e))?;
        f.write_all(&line).and_then(|_| f.sync_data()).map_err(|e| store_error(&self.path, e))?;
        self.items.push(q);
        Ok(self.items.last().expect("just pushed"))
    }

    /// Removes the head once the server has answered it.
    pub fn pop_front(&mut self) -> Result<(), ValleyError> {
        if self.items.is_empty() {
            return Ok(());
        }
        let rest = &self.items[1..];
        let mut text = Vec::new();
        for q in rest {
            text.extend(serde_json::to_vec(q).expect("plain data serialises"));
            text.push(b'\n');
        }
        crate::ledger::store::write_atomically(&self.path, &text).map_err(|e| store_error(&self.path, e))?;
        self.items.remove(0);
        Ok(())
    }
}
