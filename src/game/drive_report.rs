//! The drive as evidence for tasks (the trust issue's interim checks; the racing issue
//! replaces them with input logs). A shared valley pays landmark, distance, lap and streak
//! tasks only for a drive it checked (`level::drive`): so, when the valley is not the
//! player's own, the game begins a drive with the authority as it enters the valley, samples
//! the car's place four times a second of simulated time, and reports the samples every two
//! seconds and just before a task is claimed ([`DriveReport::flush_at`]). A refused report
//! ends the drive; another begins from where the car is ten seconds later.

use bevy::prelude::*;

use super::AppSystems;
use super::authority::{Intent, Outcome};
use super::authority_link::AuthorityLink;
use super::car::{Car, PlayerDriven, physics_dt};
use super::screens::{Play, Screen};
use super::world::CurrentLevel;
use crate::level::drive::{DriveSample, MAX_SAMPLES_PER_REPORT, MIN_SAMPLE_GAP_MS};

const SAMPLE_EVERY_S: f64 = 0.25;
const REPORT_EVERY_S: f64 = 2.0;
const BEGIN_AGAIN_AFTER_S: f64 = 10.0;

/// The drive under way, as the game reports it.
#[derive(Resource, Default, Debug)]
pub struct DriveReport {
    /// Simulated seconds driven in the valley since the game started.
    clock: f64,
    /// When (on `clock`) the drive began: its samples' times count from there.
    began_at: Option<f64>,
    /// Whether the authority has begun it (samples wait until then).
    confirmed: bool,
    pending: Vec<DriveSample>,
    /// Whether a report is on its way: one at a time, so that a slow authority is never
    /// handed a queue of them (samples wait in `pending` meanwhile).
    in_flight: bool,
    last_sample_ms: Option<u64>,
    last_report_at: f64,
    refused_at: Option<f64>,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<DriveReport>().add_systems(
        Update,
        (hear_outcomes, sample_drive.run_if(in_state(Play::Running)))
            .chain()
            .in_set(AppSystems::Simulation)
            .run_if(in_state(Screen::Valley).and_then(needs_evidence)),
    );
}

/// A valley of the player's own (local origin) pays on the game's word; any other wants the drive.
fn needs_evidence(link: Option<Res<AuthorityLink>>) -> bool {
    link.is_some_and(|l| !crate::ledger::state::is_local_origin(&l.ledger.origin))
}

impl DriveReport {
    fn sample(&mut self, at: Vec3) {
        let Some(began) = self.began_at else { return };
        let t_ms = ((self.clock - began) * 1000.0) as u64;
        if self.last_sample_ms.is_some_and(|last| t_ms < last + MIN_SAMPLE_GAP_MS) {
            return;
        }
        self.pending.push(DriveSample { t_ms, x: at.x, z: at.z });
        self.last_sample_ms = Some(t_ms);
        // A long wait for the authority keeps the latest samples, as many as one report takes.
        let over = self.pending.len().saturating_sub(MAX_SAMPLES_PER_REPORT);
        self.pending.drain(..over);
    }

    /// Samples the car at `at` and sends what the authority has not seen yet: called before a
    /// task is claimed, so that the claim's evidence is on its way first. False while some of
    /// it must wait (the drive not begun yet, a report still on its way): claim later.
    pub fn flush_at(&mut self, at: Vec3, intents: &mut MessageWriter<Intent>) -> bool {
        if self.began_at.is_none() {
            return true;
        }
        self.sample(at);
        if !self.confirmed || self.in_flight {
            return false;
        }
        if !self.pending.is_empty() {
            intents.write(Intent::ReportDrive { samples: std::mem::take(&mut self.pending) });
            self.in_flight = true;
            self.last_report_at = self.clock;
        }
        true
    }
}

fn sample_drive(
    time: Res<Time>,
    mode: Res<bevy_rapier3d::prelude::TimestepMode>,
    current: Res<CurrentLevel>,
    mut drive: ResMut<DriveReport>,
    cars: Query<&Transform, (With<Car>, With<PlayerDriven>)>,
    mut intents: MessageWriter<Intent>,
) {
    let Ok(car) = cars.single() else { return };
    drive.clock += f64::from(physics_dt(&mode, &time));
    let p = car.translation;
    if drive.began_at.is_none() {
        if drive.refused_at.is_some_and(|at| drive.clock < at + BEGIN_AGAIN_AFTER_S) {
            return;
        }
        drive.began_at = Some(drive.clock);
        drive.confirmed = false;
        drive.in_flight = false;
        drive.last_sample_ms = None;
        drive.pending.clear();
        drive.sample(p);
        intents.write(Intent::StartDrive { level: current.level.name.clone() });
        return;
    }
    let since_sample = drive.clock - drive.began_at.unwrap_or(0.0) - drive.last_sample_ms.map_or(0.0, |ms| ms as f64 / 1000.0);
    if since_sample >= SAMPLE_EVERY_S {
        drive.sample(p);
    }
    if drive.clock - drive.last_report_at >= REPORT_EVERY_S {
        drive.flush_at(p, &mut intents);
    }
}

fn hear_outcomes(mut outcomes: MessageReader<Outcome>, mut drive: ResMut<DriveReport>) {
    for outcome in outcomes.read() {
        match outcome {
            Outcome::DriveStarted => drive.confirmed = true,
            Outcome::DriveReported(_) => drive.in_flight = false,
            Outcome::Refused { intent: Intent::StartDrive { .. } | Intent::ReportDrive { .. }, reason } => {
                warn!("the valley did not count this drive: {reason}");
                drive.began_at = None;
                drive.confirmed = false;
                drive.in_flight = false;
                drive.pending.clear();
                drive.refused_at = Some(drive.clock);
            }
            _ => {}
        }
    }
}
