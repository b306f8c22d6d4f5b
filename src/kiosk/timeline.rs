//! The show machine's rhythm, as a pure state machine over a clock in seconds: attract
//! mode until someone touches a control, then a visitor's drive; after a stretch without
//! input a "still there?" countdown, which any input answers; the drive's result on screen
//! for a while; attract again. The game feeds it inputs and ticks; tests feed it a clock.

use super::config::KioskConfig;

/// The timeouts of a show (from its configuration), in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timeouts {
    pub idle_s: f64,
    pub still_there_s: f64,
    pub session_s: f64,
    pub goodbye_s: f64,
}

impl Timeouts {
    pub fn of(config: &KioskConfig) -> Timeouts {
        Timeouts { idle_s: config.idle_s.into(), still_there_s: config.still_there_s.into(), session_s: config.session_s.into(), goodbye_s: config.goodbye_s.into() }
    }
}

/// Why a visitor's drive ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriveEnd {
    /// Nobody answered "still there?".
    Idle,
    /// The session's time was up.
    TimeUp,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    /// The autopilot drives; the screen invites visitors.
    Attract,
    /// A visitor drives: since when, and their latest input.
    Driving { began_s: f64, last_input_s: f64 },
    /// Nobody touched a control for the idle time: a countdown runs.
    StillThere { began_s: f64, asked_s: f64 },
    /// The drive is over; its result shows until attract resumes.
    Result { ended_s: f64, why: DriveEnd },
}

/// What changed, for the game to act on (switch identities, cameras, overlays).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    VisitorArrived,
    AskedStillThere,
    StillHere,
    DriveEnded(DriveEnd),
    AttractResumed,
}

/// Input in the first seconds of the result is the leaving visitor's, not a new one's.
const RESULT_DEAF_S: f64 = 3.0;

#[derive(Clone, Debug)]
pub struct Timeline {
    timeouts: Timeouts,
    phase: Phase,
}

impl Timeline {
    pub fn new(timeouts: Timeouts) -> Timeline {
        Timeline { timeouts, phase: Phase::Attract }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether a visitor has the controls (driving or being asked).
    pub fn visitor_present(&self) -> bool {
        matches!(self.phase, Phase::Driving { .. } | Phase::StillThere { .. })
    }

    /// A control was touched at `now_s`.
    pub fn input(&mut self, now_s: f64) -> Option<Change> {
        match self.phase {
            Phase::Attract => {
                self.phase = Phase::Driving { began_s: now_s, last_input_s: now_s };
                Some(Change::VisitorArrived)
            }
            Phase::Driving { began_s, .. } => {
                self.phase = Phase::Driving { began_s, last_input_s: now_s };
                None
            }
            Phase::StillThere { began_s, .. } => {
                self.phase = Phase::Driving { began_s, last_input_s: now_s };
                Some(Change::StillHere)
            }
            Phase::Result { ended_s, .. } if now_s - ended_s >= RESULT_DEAF_S => {
                self.phase = Phase::Driving { began_s: now_s, last_input_s: now_s };
                Some(Change::VisitorArrived)
            }
            Phase::Result { .. } => None,
        }
    }

    /// Time passed to `now_s`: what it changed, if anything.
    pub fn tick(&mut self, now_s: f64) -> Option<Change> {
        let t = self.timeouts;
        match self.phase {
            Phase::Attract => None,
            Phase::Driving { began_s, .. } | Phase::StillThere { began_s, .. } if now_s - began_s >= t.session_s => self.end(now_s, DriveEnd::TimeUp),
            Phase::Driving { began_s, last_input_s } if now_s - last_input_s >= t.idle_s => {
                self.phase = Phase::StillThere { began_s, asked_s: now_s };
                Some(Change::AskedStillThere)
            }
            Phase::StillThere { asked_s, .. } if now_s - asked_s >= t.still_there_s => self.end(now_s, DriveEnd::Idle),
            Phase::Result { ended_s, .. } if now_s - ended_s >= t.goodbye_s => {
                self.phase = Phase::Attract;
                Some(Change::AttractResumed)
            }
            _ => None,
        }
    }

    fn end(&mut self, now_s: f64, why: DriveEnd) -> Option<Change> {
        self.phase = Phase::Result { ended_s: now_s, why };
        Some(Change::DriveEnded(why))
    }

    /// Seconds left on the "still there?" countdown.
    pub fn countdown_left(&self, now_s: f64) -> Option<f64> {
        match self.phase {
            Phase::StillThere { asked_s, .. } => Some((self.timeouts.still_there_s - (now_s - asked_s)).max(0.0)),
            _ => None,
        }
    }

    /// Seconds left of the visitor's session.
    pub fn session_left(&self, now_s: f64) -> Option<f64> {
        match self.phase {
            Phase::Driving { began_s, .. } | Phase::StillThere { began_s, .. } => Some((self.timeouts.session_s - (now_s - began_s)).max(0.0)),
            _ => None,
        }
    }
}
