//! The show's best laps of the day: the fastest laps visitors drove at this show machine,
//! per route, for the board in attract mode. A new day (the show's local date) starts an
//! empty board. Kept in a small JSON file in the kiosk's data folder, so a restart at
//! lunchtime keeps the morning's names on the board.

use serde::{Deserialize, Serialize};

/// Places on the board, per route.
pub const BOARD_PLACES: usize = 5;

/// A lap shorter than this is no lap (a tracker fooled by a reset onto the line).
pub const SHORTEST_LAP_MS: u64 = 5_000;

/// One visitor's best lap of a route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowLap {
    pub route: String,
    pub ms: u64,
    /// The first hex digits of the visitor's key (what their receipt shows them).
    pub visitor: String,
    /// When they drove it, on the show's clock ("14:32").
    pub clock: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BestLaps {
    /// The show's local date the board is for ("2026-12-06").
    pub day: String,
    /// The board, fastest first within each route.
    pub laps: Vec<ShowLap>,
}

impl BestLaps {
    /// Puts a visitor's lap on the board of `day` (a new day clears it) and returns its place
    /// (1 the fastest), or `None` where it is off the board. Ties keep the earlier lap ahead.
    pub fn record(&mut self, lap: ShowLap, day: &str) -> Option<usize> {
        if self.day != day {
            *self = BestLaps { day: day.to_string(), laps: Vec::new() };
        }
        if lap.ms < SHORTEST_LAP_MS {
            return None;
        }
        let ahead = self.laps.iter().filter(|l| l.route == lap.route && l.ms <= lap.ms).count();
        if ahead >= BOARD_PLACES {
            return None;
        }
        let at = self.laps.iter().position(|l| l.route == lap.route && l.ms > lap.ms).unwrap_or(self.laps.len());
        let route = lap.route.clone();
        self.laps.insert(at, lap);
        // Drops the lap that fell off this route's board.
        let mut kept = 0;
        self.laps.retain(|l| {
            if l.route != route {
                return true;
            }
            kept += 1;
            kept <= BOARD_PLACES
        });
        Some(ahead + 1)
    }

    /// The board of a route for `day`, fastest first (empty on another day's board).
    pub fn route<'a>(&'a self, route: &'a str, day: &str) -> impl Iterator<Item = &'a ShowLap> + 'a {
        let today = self.day == day;
        self.laps.iter().filter(move |l| today && l.route == route)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the board serialises")
    }

    /// Reads a board back; an error names what is wrong and where (line and column).
    pub fn from_json(text: &str) -> Result<BestLaps, String> {
        let board: BestLaps = serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
        for route in board.laps.iter().map(|l| &l.route).collect::<std::collections::BTreeSet<_>>() {
            let times: Vec<u64> = board.laps.iter().filter(|l| &l.route == route).map(|l| l.ms).collect();
            if times.len() > BOARD_PLACES || times.windows(2).any(|w| w[0] > w[1]) {
                return Err(format!("route {route:?}: {} laps, not the fastest {BOARD_PLACES} in order", times.len()));
            }
        }
        Ok(board)
    }
}
