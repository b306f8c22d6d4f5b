//! Tasks from `assets/economy/tasks.ron`, tracked while the player drives: visit a landmark,
//! drive a distance in the valley today, lap a route in a time, play on consecutive days.
//! A finished task is sent to the authority, which awards its crystals once (or once a day)
//! and refuses the rest. `task_list` shows each task's progress.
//!
//! Progress that outlives a session (km today, days played, best laps) is kept in
//! `DATA/game/progress.json`; the rewards themselves are only ever in the ledger.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppSystems;
use super::authority::{GameTables, Intent, Outcome};
use super::authority_link::AuthorityLink;
use super::drive_report::DriveReport;
use super::car::Car;
use super::car::PlayerDriven;
use super::screens::{Play, Profile, Screen};
use super::world::CurrentLevel;
use crate::economy::tables::{Task, TaskKind};
use crate::ledger::replay::DAY_MS;
use crate::level::drive::{LAP_CORRIDOR_M, LANDMARK_VISIT_RADIUS_M, LapTracker};

/// A refused task is asked again after this long (s of driving).
const RETRY_REFUSED_S: f64 = 10.0;
/// Progress is written after this much more driving (km).
const SAVE_EVERY_KM: f64 = 0.2;

/// What the player has done towards the tasks.
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
pub struct TaskProgress {
    /// The day (days since the Unix epoch, UTC) that `km_today` counts.
    pub day: u32,
    pub km_today: f64,
    /// Days on which the player drove in the valley (the last few weeks).
    pub play_days: BTreeSet<u32>,
    /// Best lap per route (s).
    pub best_laps: BTreeMap<String, f32>,
    /// One lap tracker per route of the level.
    #[serde(skip)]
    laps: Vec<LapTracker>,
    /// Simulated seconds driven this session (laps are timed in it).
    #[serde(skip)]
    clock: f64,
    #[serde(skip)]
    last_position: Option<Vec3>,
    #[serde(skip)]
    km_saved: f64,
    /// Tasks sent to the authority and not yet answered.
    #[serde(skip)]
    asked: BTreeSet<String>,
    /// When (session clock, s) the authority last refused each task: asked again only
    /// [`RETRY_REFUSED_S`] later, not every frame.
    #[serde(skip)]
    refused_at: BTreeMap<String, f64>,
    #[serde(skip)]
    path: Option<PathBuf>,
}

impl TaskProgress {
    /// Loads the progress under the player's data directory (empty if there is none yet).
    pub fn load(data_dir: &std::path::Path) -> TaskProgress {
        let path = data_dir.join("game").join("progress.json");
        let mut progress: TaskProgress = crate::platform::files::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        progress.path = Some(path);
        progress
    }

    /// Saves the progress: serialised here, written (atomically, with its fsyncs) on the
    /// authority's worker, in order with its other jobs, so no frame waits on the disk.
    fn save(&mut self, link: &AuthorityLink) {
        let Some(path) = self.path.clone() else { return };
        let bytes = serde_json::to_vec_pretty(self).expect("plain data serialises");
        link.send(move |_| {
            if let Some(dir) = path.parent() {
                let _ = crate::platform::files::create_dir_all(dir);
            }
            if let Err(e) = crate::ledger::store::write_atomically(&path, &bytes) {
                warn!("could not save task progress to {}: {e}", path.display());
            }
            None
        });
        self.km_saved = self.km_today;
    }

    /// Consecutive days played up to and including `today`.
    pub fn streak(&self, today: u32) -> u32 {
        (0..).take_while(|back| today >= *back && self.play_days.contains(&(today - back))).count() as u32
    }

    fn roll_over(&mut self, today: u32, link: &AuthorityLink) {
        if self.day != today {
            self.day = today;
            self.km_today = 0.0;
            self.km_saved = 0.0;
        }
        if self.play_days.insert(today) {
            // Five weeks are plenty for any streak task.
            self.play_days.retain(|d| d + 35 >= today);
            self.save(link);
        }
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(Update, (hear_outcomes, track_driving.run_if(in_state(Play::Running)), finish_tasks).chain().in_set(AppSystems::Simulation).run_if(in_state(Screen::Valley)));
}

pub fn today(authority: &AuthorityLink) -> u32 {
    (authority.now() / DAY_MS) as u32
}

/// Whether the ledger already holds this task's reward for now (the authority's own rule).
pub fn is_done(task: &Task, rewarded: Option<&u32>, today: u32) -> bool {
    crate::economy::tasks::check_repeat(task.repeat, rewarded.copied(), today).is_err()
}

fn track_driving(
    time: Res<Time>,
    mode: Res<bevy_rapier3d::prelude::TimestepMode>,
    authority: Res<AuthorityLink>,
    current: Res<CurrentLevel>,
    mut progress: ResMut<TaskProgress>,
    cars: Query<&Transform, (With<Car>, With<PlayerDriven>)>,
) {
    let Ok(car) = cars.single() else { return };
    let today = today(&authority);
    progress.roll_over(today, &authority);
    let p = car.translation;
    if let Some(last) = progress.last_position {
        let step = Vec2::new(p.x - last.x, p.z - last.z).length() as f64;
        // A reset jumps the car: that is not driving.
        if step < 5.0 {
            progress.km_today += step / 1000.0;
        }
    }
    progress.last_position = Some(p);
    if progress.km_today - progress.km_saved >= SAVE_EVERY_KM {
        progress.save(&authority);
    }
    // Laps of every route (routes may share roads).
    progress.clock += f64::from(super::car::physics_dt(&mode, &time));
    let now = progress.clock;
    let routes = &current.level.routes;
    progress.laps.resize_with(routes.len(), LapTracker::default);
    let mut finished_laps = Vec::new();
    for (i, route) in routes.iter().enumerate() {
        let (t, dist) = route.nearest((p.x, p.z));
        let lap = &mut progress.laps[i];
        if dist > LAP_CORRIDOR_M {
            lap.restart();
            continue;
        }
        if let Some(seconds) = lap.advance(t, now) {
            finished_laps.push((route.id.clone(), seconds));
        }
    }
    for (id, seconds) in finished_laps {
        let best = progress.best_laps.entry(id).or_insert(f32::MAX);
        *best = best.min(seconds);
        progress.save(&authority);
    }
}

/// Whether the task's condition holds now; None for tasks the valley cannot check.
fn condition_met(task: &Task, progress: &TaskProgress, current: &CurrentLevel, car: Vec3, today: u32) -> Option<bool> {
    Some(match &task.kind {
        TaskKind::VisitLandmark { landmark } => current.level.landmarks.iter().find(|l| &l.id == landmark).is_some_and(|l| {
            Vec2::new(l.position.0 - car.x, l.position.1 - car.z).length() < LANDMARK_VISIT_RADIUS_M
        }),
        TaskKind::DriveDistance { km } => progress.km_today >= f64::from(*km),
        TaskKind::LapTime { route, seconds } => {
            let route_index = current.level.routes.iter().position(|r| &r.id == route);
            route_index.and_then(|i| progress.laps.get(i)).and_then(|l| l.last_lap).is_some_and(|s| s <= *seconds as f32)
        }
        TaskKind::DailyStreak { days } => progress.streak(today) >= *days,
        TaskKind::CoCreation => return None,
    })
}

fn finish_tasks(
    authority: Res<AuthorityLink>,
    tables: Res<GameTables>,
    profile: Res<Profile>,
    current: Res<CurrentLevel>,
    mut progress: ResMut<TaskProgress>,
    mut drive: ResMut<DriveReport>,
    cars: Query<&Transform, (With<Car>, With<PlayerDriven>)>,
    mut intents: MessageWriter<Intent>,
) {
    let Ok(car) = cars.single() else { return };
    let today = today(&authority);
    for task in &tables.tasks {
        if progress.asked.contains(&task.id) || is_done(task, profile.player.state.tasks.get(&task.id), today) {
            continue;
        }
        if progress.refused_at.get(&task.id).is_some_and(|at| progress.clock < at + RETRY_REFUSED_S) {
            continue;
        }
        if condition_met(task, &progress, &current, car.translation, today) == Some(true) {
            // The evidence goes first (a no-op where the valley is the player's own).
            if !drive.flush_at(car.translation, &mut intents) {
                continue;
            }
            progress.asked.insert(task.id.clone());
            intents.write(Intent::CompleteTask { task: task.id.clone() });
        }
    }
}

/// A task the authority answered may be asked again (it was refused) or is done.
fn hear_outcomes(mut outcomes: MessageReader<Outcome>, mut progress: ResMut<TaskProgress>) {
    for outcome in outcomes.read() {
        match outcome {
            Outcome::TaskDone { task, .. } => {
                progress.asked.remove(task);
            }
            Outcome::Refused { intent: Intent::CompleteTask { task }, .. } => {
                progress.asked.remove(task);
                let now = progress.clock;
                progress.refused_at.insert(task.clone(), now);
            }
            _ => {}
        }
    }
}

/// A line of progress for a task not yet done.
pub fn progress_text(task: &Task, progress: &TaskProgress, current: &CurrentLevel, today: u32) -> String {
    match &task.kind {
        TaskKind::VisitLandmark { landmark } => current.level.landmarks.iter().find(|l| &l.id == landmark).map_or_else(
            || crate::t!("game-task-not-in-valley"),
            |l| crate::t!("game-task-drive-to", landmark = crate::i18n::named("landmark", &l.id, &l.name)),
        ),
        TaskKind::DriveDistance { km } => crate::t!("game-task-km-today", driven = format!("{:.1}", progress.km_today.min(f64::from(*km))), km = km.to_string()),
        TaskKind::LapTime { route, .. } if !current.level.routes.iter().any(|r| &r.id == route) => crate::t!("game-task-not-in-valley"),
        TaskKind::LapTime { route, seconds } => {
            let best = progress.best_laps.get(route).map_or_else(|| crate::t!("game-task-no-lap"), |b| crate::t!("game-task-best-lap", time = format_lap(*b)));
            crate::t!("game-task-lap", time = format_lap(*seconds as f32), best = best)
        }
        TaskKind::DailyStreak { days } => crate::t!("game-task-streak", played = progress.streak(today).min(*days).to_string(), days = days.to_string()),
        TaskKind::CoCreation => crate::t!("game-task-co-creation"),
    }
}

pub fn format_lap(seconds: f32) -> String {
    format!("{}:{:04.1}", (seconds / 60.0).floor() as u32, seconds % 60.0)
}
