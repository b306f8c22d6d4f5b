//! A drive in the valley as the authority checks it (the trust issue's interim evidence for
//! tasks; the racing issue replaces it with re-simulated input logs). The game samples its
//! car's place a few times a second of simulated time; a sample counts only if the twin could
//! have driven there from the one before — inside the valley, no faster than its top speed,
//! no later than the session's real age allows — and what the tasks pay for (landmarks
//! reached, metres driven, laps and their times) is derived from the counted samples alone.
//! The game's own task tracking uses the same lap rule ([`LapTracker`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{LANDMARK_PAD_RADIUS_M, Level, Point, distance};

/// How far (m) from a route's line a lap still counts.
pub const LAP_CORRIDOR_M: f32 = 60.0;
/// How near (m) a landmark's centre the car must come to visit it (its pad and a margin).
pub const LANDMARK_VISIT_RADIUS_M: f32 = LANDMARK_PAD_RADIUS_M + 6.0;
/// How far from the spawn point a session's first sample may lie (the car starts there).
pub const START_RADIUS_M: f32 = 12.0;
/// Samples in one report (ten minutes at two a second).
pub const MAX_SAMPLES_PER_REPORT: usize = 1_200;
/// Samples closer together than this (ms) are refused: their speed would be noise.
pub const MIN_SAMPLE_GAP_MS: u64 = 100;
/// The car may exceed its top speed downhill and its samples are rounded: this factor and
/// margin (m/s) allow for that and no more.
pub const SPEED_FACTOR: f32 = 1.25;
pub const SPEED_MARGIN_MPS: f32 = 3.0;
/// A sample may be this much (ms) ahead of the session's age on the authority's clock.
pub const CLOCK_ALLOWANCE_MS: u64 = 1_500;

/// Where the car was, `t_ms` of driving after the session began.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriveSample {
    pub t_ms: u64,
    pub x: f32,
    pub z: f32,
}

/// Why a sample was refused; `index` is its place in the report.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DriveRefusal {
    #[error("sample {index}: a drive begins at the spawn point or where the last one could have got to ({distance_m:.0} m from the spawn point)")]
    AwayFromStart { index: usize, distance_m: f32 },
    #[error("sample {index}: ({x}, {z}) is not a place in the valley")]
    OutsideValley { index: usize, x: f32, z: f32 },
    #[error("sample {index}: its time {t_ms} ms is not at least {MIN_SAMPLE_GAP_MS} ms after the one before ({previous_ms} ms)")]
    TimeOutOfOrder { index: usize, t_ms: u64, previous_ms: u64 },
    #[error("sample {index}: {t_ms} ms of driving, but the session began only {age_ms} ms ago")]
    AheadOfClock { index: usize, t_ms: u64, age_ms: u64 },
    #[error("sample {index}: {speed_mps:.1} m/s from the place before, faster than this twin can drive ({top_speed_mps:.1} m/s top speed)")]
    TooFast { index: usize, speed_mps: f32, top_speed_mps: f32 },
}

/// What the counted samples of one session show.
#[derive(Clone, Debug, Default)]
pub struct DriveRecord {
    last: Option<DriveSample>,
    /// Where the player's previous drive ended and how long (ms) before this one began: a
    /// drive may begin anywhere the twin could have driven to from there meanwhile.
    resumed_from: Option<(Point, u64)>,
    /// Metres driven (resets to the road are not driving).
    pub metres: f64,
    /// Landmarks whose pad the car reached.
    pub landmarks: BTreeSet<String>,
    /// The best finished lap per route (ms).
    pub best_laps_ms: BTreeMap<String, u64>,
    laps: Vec<LapTracker>,
}

impl DriveRecord {
    /// A drive that begins `gap_ms` after the player's previous one ended at `place`.
    pub fn resuming(place: Point, gap_ms: u64) -> DriveRecord {
        DriveRecord { resumed_from: Some((place, gap_ms)), ..DriveRecord::default() }
    }

    /// Counts `samples` of a car whose top speed is `top_speed_mps`, `age_ms` after the session
    /// began on the authority's clock. All or nothing: a refused sample leaves the record as it
    /// was, so that a bad report cannot poison a good drive.
    pub fn extend(&mut self, level: &Level, top_speed_mps: f32, age_ms: u64, samples: &[DriveSample]) -> Result<(), DriveRefusal> {
        *self = self.extended(level, top_speed_mps, age_ms, samples)?;
        Ok(())
    }

    /// The record with `samples` counted (see [`DriveRecord::extend`]), this one unchanged: for
    /// a caller that has more to check before it keeps the result.
    pub fn extended(&self, level: &Level, top_speed_mps: f32, age_ms: u64, samples: &[DriveSample]) -> Result<DriveRecord, DriveRefusal> {
        let mut next = self.clone();
        for (index, s) in samples.iter().enumerate() {
            next.count(level, top_speed_mps, age_ms, index, *s)?;
        }
        Ok(next)
    }

    fn count(&mut self, level: &Level, top_speed_mps: f32, age_ms: u64, index: usize, s: DriveSample) -> Result<(), DriveRefusal> {
        let half = level.terrain.size_m / 2.0;
        if !(s.x.is_finite() && s.z.is_finite() && s.x.abs() < half && s.z.abs() < half) {
            return Err(DriveRefusal::OutsideValley { index, x: s.x, z: s.z });
        }
        if s.t_ms > age_ms + CLOCK_ALLOWANCE_MS {
            return Err(DriveRefusal::AheadOfClock { index, t_ms: s.t_ms, age_ms });
        }
        let reach = |seconds: f32| (top_speed_mps * SPEED_FACTOR + SPEED_MARGIN_MPS) * seconds;
        let Some(last) = self.last else {
            let distance_m = distance(level.spawn.position, (s.x, s.z));
            let resumes = self.resumed_from.is_some_and(|(place, gap_ms)| distance(place, (s.x, s.z)) <= reach((gap_ms + s.t_ms) as f32 / 1000.0));
            if distance_m > START_RADIUS_M && !resumes {
                return Err(DriveRefusal::AwayFromStart { index, distance_m });
            }
            self.arrive(level, s, 0.0, false);
            return Ok(());
        };
        if s.t_ms < last.t_ms + MIN_SAMPLE_GAP_MS {
            return Err(DriveRefusal::TimeOutOfOrder { index, t_ms: s.t_ms, previous_ms: last.t_ms });
        }
        let seconds = (s.t_ms - last.t_ms) as f32 / 1000.0;
        let reach = reach(seconds);
        let step = distance((last.x, last.z), (s.x, s.z));
        if step <= reach {
            self.arrive(level, s, step, false);
            return Ok(());
        }
        // A reset puts the car on the first route's nearest point: allowed from where it
        // was, then driving on from there; it is not driving.
        let road = level.routes[0].point_at(level.routes[0].nearest((last.x, last.z)).0);
        if distance(road, (s.x, s.z)) <= reach {
            self.arrive(level, s, 0.0, true);
            return Ok(());
        }
        Err(DriveRefusal::TooFast { index, speed_mps: step / seconds, top_speed_mps })
    }

    fn arrive(&mut self, level: &Level, s: DriveSample, driven_m: f32, reset: bool) {
        self.metres += f64::from(driven_m);
        for l in &level.landmarks {
            if distance(l.position, (s.x, s.z)) < LANDMARK_VISIT_RADIUS_M {
                self.landmarks.insert(l.id.clone());
            }
        }
        self.laps.resize_with(level.routes.len(), LapTracker::default);
        for (route, lap) in level.routes.iter().zip(&mut self.laps) {
            let (t, off) = route.nearest((s.x, s.z));
            if off > LAP_CORRIDOR_M || reset {
                lap.restart();
                continue;
            }
            if let Some(seconds) = lap.advance(t, s.t_ms as f64 / 1000.0) {
                let ms = (seconds * 1000.0).round() as u64;
                let best = self.best_laps_ms.entry(route.id.clone()).or_insert(u64::MAX);
                *best = (*best).min(ms);
            }
        }
        self.last = Some(s);
    }

    /// The last counted sample, if any.
    pub fn last(&self) -> Option<DriveSample> {
        self.last
    }
}

/// A lap of one route: started when the car crosses the route's start, finished when it
/// crosses it again after passing its three quarter marks in order, without leaving the
/// route's corridor (the caller resets the tracker when it does).
#[derive(Clone, Debug, Default)]
pub struct LapTracker {
    started: Option<f64>,
    /// Quarter marks passed (1, 2, 3).
    marks: u8,
    last_t: Option<f32>,
    /// The last lap's time (s).
    pub last_lap: Option<f32>,
}

impl LapTracker {
    /// Follows the car to route parameter `t` at time `now` (s); returns a finished lap's time.
    pub fn advance(&mut self, t: f32, now: f64) -> Option<f32> {
        let mut finished = None;
        if let Some(last_t) = self.last_t {
            let next_mark = f32::from(self.marks + 1) * 0.25;
            if self.started.is_some() && self.marks < 3 && last_t < next_mark && t >= next_mark && t - last_t < 0.1 {
                self.marks += 1;
            }
            if self.started.is_none() && t < 0.02 {
                // Standing on the start line: the lap starts here.
                self.started = Some(now);
                self.marks = 0;
            }
            if last_t > 0.9 && t < 0.1 {
                if let (Some(start), 3) = (self.started, self.marks) {
                    finished = Some((now - start) as f32);
                    self.last_lap = finished;
                }
                self.started = Some(now);
                self.marks = 0;
            } else if last_t < 0.1 && t > 0.9 {
                // Driving the wrong way round: no lap.
                self.started = None;
            }
        }
        self.last_t = Some(t);
        finished
    }

    /// Forgets the lap in progress (the car left the corridor), keeping the last lap's time.
    pub fn restart(&mut self) {
        *self = LapTracker { last_lap: self.last_lap, ..LapTracker::default() };
    }
}
