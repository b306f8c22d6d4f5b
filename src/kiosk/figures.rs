//! The valley's live figures a show screen rolls: stones mined today, kilometres driven
//! today, visitors today, the latest checkpoint, and the newest entries as a ticker. Kept
//! up by reading only the entries added since the last look, so a ledger of days of a show
//! costs the same to follow as a new one.

use std::collections::VecDeque;

use crate::ledger::replay::DAY_MS;
use crate::ledger::{Body, Entry, Role};

/// Entries the ticker keeps.
pub const TICKER_ENTRIES: usize = 8;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValleyFigures {
    /// The UTC day (days since the Unix epoch) the counts are for.
    pub day: u64,
    pub stones_mined_today_milli: u64,
    /// Kilometres that cars' signed trips brought today.
    pub km_today: u64,
    pub visitors_today: u64,
    /// Entries read so far (the ledger's size at the last look).
    pub size: u64,
    /// The latest checkpoint's root hash, hex.
    pub root_hex: String,
    /// The newest entries' one-line summaries, newest last.
    pub ticker: VecDeque<String>,
}

impl ValleyFigures {
    /// Counts entry `index` of the ledger, written at `entry.time_ms`, for the UTC day
    /// `today` (a new day starts the counts again). Entries must come in order.
    pub fn add(&mut self, index: u64, entry: &Entry, today: u64) {
        if self.day != today {
            *self = ValleyFigures { day: today, size: self.size, root_hex: std::mem::take(&mut self.root_hex), ticker: std::mem::take(&mut self.ticker), ..Default::default() };
        }
        self.size = self.size.max(index + 1);
        if entry.time_ms / DAY_MS == today {
            match &entry.body {
                Body::Mint { amount_milli, .. } => self.stones_mined_today_milli += amount_milli,
                Body::CarTrip { km, .. } => self.km_today += u64::from(*km),
                Body::Enrol { role: Role::Guest, .. } => self.visitors_today += 1,
                _ => {}
            }
        }
        self.ticker.push_back(format!("#{index} {}", entry.summary()));
        while self.ticker.len() > TICKER_ENTRIES {
            self.ticker.pop_front();
        }
    }
}
