//! Drives in the valley as the authority saw them (the checks are `level::drive`'s): one
//! session per player at a time, begun on the authority's clock in a bundled level; what the
//! counted samples showed today; and the days each player drove, for streaks. A shared valley
//! pays landmark, distance, lap and streak tasks only for what is recorded here.
//!
//! ```text
//! DATA/valley/drive-days.json   player key → the UTC days (last five weeks) with checked driving
//! ```
//! Sessions and today's tallies live in memory: a restarted server asks for a new session.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::economy::tables::{Task, TaskKind};
use crate::ledger::PublicKey;
use crate::ledger::files::write_atomically;
use crate::level::Level;
use crate::level::drive::{DriveRecord, DriveSample, MAX_SAMPLES_PER_REPORT};
use crate::valley::{DriveProgress, ValleyError};

/// Driving counted per player and UTC day: far more than a person drives for fun, far less
/// than a script could claim.
pub const DAILY_VALLEY_KM_CAP: f64 = 300.0;
/// Sessions begun per player and UTC day.
pub const MAX_SESSIONS_PER_DAY: u32 = 200;
/// Checked driving that makes a day count towards a streak (km).
pub const STREAK_DAY_KM: f64 = 1.0;
/// Streak days are kept this long.
const KEEP_DAYS: u32 = 35;

struct Session {
    level: String,
    started_ms: u64,
    record: DriveRecord,
}

/// What one player's counted samples showed on `day`.
#[derive(Default)]
struct Day {
    day: u32,
    metres: f64,
    sessions: u32,
    landmarks: BTreeSet<String>,
    best_laps_ms: BTreeMap<String, u64>,
}

pub(super) struct Drives {
    /// The bundled levels, parsed at the first drive (not at every open of a valley).
    levels: Option<Vec<Level>>,
    sessions: HashMap<PublicKey, Session>,
    days: HashMap<PublicKey, Day>,
    /// Where each player's last counted sample was, and when (ms since the epoch).
    last_place: HashMap<PublicKey, ((f32, f32), u64)>,
    drive_days: BTreeMap<String, BTreeSet<u32>>,
    path: PathBuf,
}

impl Drives {
    /// The drive days under `path` (none yet if it does not exist).
    pub(super) fn open(path: PathBuf) -> Result<Drives, ValleyError> {
        let drive_days = match crate::platform::files::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| ValleyError::Store { path: path.display().to_string(), message: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(ValleyError::Store { path: path.display().to_string(), message: e.to_string() }),
        };
        Ok(Drives { levels: None, sessions: HashMap::new(), days: HashMap::new(), last_place: HashMap::new(), drive_days, path })
    }

    fn day_of(&mut self, key: &PublicKey, day: u32) -> &mut Day {
        let d = self.days.entry(*key).or_default();
        if d.day != day {
            *d = Day { day, ..Day::default() };
        }
        d
    }

    /// Begins a drive in the bundled level named `level` at `now_ms`; ends the one before.
    pub(super) fn start(&mut self, key: &PublicKey, level: &str, now_ms: u64) -> Result<u64, ValleyError> {
        if !self.levels.get_or_insert_with(crate::level::bundled_levels).iter().any(|l| l.name == level) {
            return Err(ValleyError::BadInput(format!("{level:?} is not a valley this authority knows: drives are checked in the bundled levels only")));
        }
        let today = self.day_of(key, day(now_ms));
        if today.sessions >= MAX_SESSIONS_PER_DAY {
            return Err(ValleyError::BadInput(format!("{MAX_SESSIONS_PER_DAY} drives begun today already; more tomorrow (UTC)")));
        }
        today.sessions += 1;
        let record = match self.last_place.get(key) {
            Some((place, at_ms)) => DriveRecord::resuming(*place, now_ms.saturating_sub(*at_ms)),
            None => DriveRecord::default(),
        };
        self.sessions.insert(*key, Session { level: level.to_string(), started_ms: now_ms, record });
        Ok(now_ms)
    }

    /// Counts `samples` of the player's drive under way, for a twin whose top speed is
    /// `top_speed_mps`; all or none.
    pub(super) fn report(&mut self, key: &PublicKey, top_speed_mps: f32, now_ms: u64, samples: &[DriveSample]) -> Result<DriveProgress, ValleyError> {
        if samples.len() > MAX_SAMPLES_PER_REPORT {
            return Err(ValleyError::BadInput(format!("{} samples in one report; at most {MAX_SAMPLES_PER_REPORT}", samples.len())));
        }
        let session = self.sessions.get(key).ok_or_else(|| ValleyError::BadInput("no drive is under way: begin one (drive/start) before reporting it".into()))?;
        let level = self.levels.iter().flatten().find(|l| l.name == session.level).expect("a drive begins only in a known level");
        let before = session.record.metres;
        let record = session
            .record
            .extended(level, top_speed_mps, now_ms.saturating_sub(session.started_ms), samples)
            .map_err(|e| ValleyError::BadInput(format!("drive report: {e}")))?;
        let today = self.day_of(key, day(now_ms));
        let metres = today.metres + (record.metres - before);
        if metres > DAILY_VALLEY_KM_CAP * 1000.0 {
            return Err(ValleyError::BadInput(format!("the valley counts at most {DAILY_VALLEY_KM_CAP} km of driving per player and day; more counts tomorrow (UTC)")));
        }
        today.metres = metres;
        today.landmarks.extend(record.landmarks.iter().cloned());
        for (route, ms) in &record.best_laps_ms {
            let best = today.best_laps_ms.entry(route.clone()).or_insert(u64::MAX);
            *best = (*best).min(*ms);
        }
        let progress = DriveProgress { km_today: metres / 1000.0, landmarks: today.landmarks.iter().cloned().collect(), best_laps_ms: today.best_laps_ms.clone() };
        let session = self.sessions.get_mut(key).expect("looked up above");
        if let Some(last) = record.last() {
            self.last_place.insert(*key, ((last.x, last.z), session.started_ms + last.t_ms));
        }
        session.record = record;
        if progress.km_today >= STREAK_DAY_KM {
            self.note_drive_day(key, day(now_ms))?;
        }
        Ok(progress)
    }

    fn note_drive_day(&mut self, key: &PublicKey, today: u32) -> Result<(), ValleyError> {
        let days = self.drive_days.entry(key.to_string()).or_default();
        if !days.insert(today) {
            return Ok(());
        }
        days.retain(|d| d + KEEP_DAYS >= today);
        let bytes = serde_json::to_vec(&self.drive_days).expect("plain data serialises");
        let store_error = |e: &dyn std::fmt::Display| ValleyError::Store { path: self.path.display().to_string(), message: e.to_string() };
        if let Some(dir) = self.path.parent() {
            crate::platform::files::create_dir_all(dir).map_err(|e| store_error(&e))?;
        }
        write_atomically(&self.path, &bytes).map_err(|e| store_error(&e))
    }

    /// Whether the recorded drives show `task` done by the player on `today`; if not, what is
    /// missing, in words.
    pub(super) fn proof_of(&self, task: &Task, key: &PublicKey, today: u32) -> Result<(), String> {
        let seen = self.days.get(key).filter(|d| d.day == today);
        match &task.kind {
            TaskKind::VisitLandmark { landmark } if seen.is_some_and(|d| d.landmarks.contains(landmark)) => Ok(()),
            TaskKind::VisitLandmark { landmark } => Err(format!("no drive reported today reached the landmark {landmark:?}")),
            TaskKind::DriveDistance { km } => {
                let driven = seen.map_or(0.0, |d| d.metres / 1000.0);
                if driven >= f64::from(*km) { Ok(()) } else { Err(format!("the drives reported today cover {driven:.1} of {km} km")) }
            }
            TaskKind::LapTime { route, seconds } => match seen.and_then(|d| d.best_laps_ms.get(route)) {
                Some(ms) if *ms <= u64::from(*seconds) * 1000 => Ok(()),
                Some(ms) => Err(format!("today's best lap of {route:?} was {:.1} s, not under {seconds} s", *ms as f64 / 1000.0)),
                None => Err(format!("no drive reported today lapped the route {route:?}")),
            },
            TaskKind::DailyStreak { days } => {
                let played = self.drive_days.get(&key.to_string());
                let streak = (0..).take_while(|back| today >= *back && played.is_some_and(|p| p.contains(&(today - back)))).count() as u32;
                if streak >= *days { Ok(()) } else { Err(format!("{streak} of {days} days in a row with {STREAK_DAY_KM} km of reported driving")) }
            }
            TaskKind::CoCreation => Err("co-creation pays only for an event organiser's signed grant".into()),
        }
    }
}

fn day(ms: u64) -> u32 {
    (ms / crate::ledger::replay::DAY_MS) as u32
}
