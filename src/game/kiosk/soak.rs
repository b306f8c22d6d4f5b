//! `horizon kiosk --soak HOURS`: days of a show in minutes. The real kiosk plugins run
//! headless (no window, no GPU) on the configured show, its clock moving 1/60 s an update as
//! fast as the machine goes, while scripted visitors come and go: each arrives after a spell
//! of attract, holds the accelerator for a while, lets go; every third answers "still
//! there?" once. Every simulated hour it reports the entities alive, resident memory, the
//! ledger and the data on disk, so that a leak shows as a slope.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::visitors::ShowFloor;
use crate::game::authority_link::AuthorityLink;
use crate::game::camera::GameCamera;
use crate::kiosk::{KioskConfig, Phase};
use crate::level::Level;

/// One look at the soaking kiosk, taken in attract mode as soon as its hour has come.
#[derive(Clone, Debug)]
pub struct SoakSample {
    pub hour: f64,
    pub visitors: u64,
    pub entities: u32,
    pub resident_mib: Option<f64>,
    pub ledger_entries: u64,
    pub disk_mib: f64,
}

impl std::fmt::Display for SoakSample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "hour {:>5.1}: {:>5} visitors, {:>4} entities, resident {}, ledger {} entries, {:.1} MiB on disk",
            self.hour,
            self.visitors,
            self.entities,
            self.resident_mib.map_or("unknown".into(), |m| format!("{m:.1} MiB")),
            self.ledger_entries,
            self.disk_mib
        )
    }
}

/// What a soak found.
#[derive(Clone, Debug)]
pub struct SoakReport {
    pub samples: Vec<SoakSample>,
    /// Simulated seconds a real second (how much faster than a show it ran).
    pub speed: f64,
}

impl SoakReport {
    /// Resident memory growth a simulated day, after the first hour (start-up's allocations).
    pub fn resident_growth_mib_per_day(&self) -> Option<f64> {
        let first = self.samples.iter().find(|s| s.hour >= 1.0)?;
        let last = self.samples.last()?;
        let days = (last.hour - first.hour) / 24.0;
        let grown = last.resident_mib? - first.resident_mib?;
        (days > 0.0).then_some(grown / days)
    }

    /// The fewest and most entities seen after the first hour.
    pub fn entity_range(&self) -> (u32, u32) {
        let later = self.samples.iter().filter(|s| s.hour >= 1.0).map(|s| s.entities);
        (later.clone().min().unwrap_or(0), later.max().unwrap_or(0))
    }
}

/// Updates a simulated second.
const UPDATES_A_SECOND: u32 = 60;
/// A visitor arrives after this much attract (s), holds the accelerator this long.
const ATTRACT_BEFORE_VISITOR_S: u32 = 8;
const ACCELERATOR_S: u32 = 20;

/// Runs the show for `hours` simulated hours; `report` hears each hourly sample.
pub fn soak(data_dir: &Path, config: &KioskConfig, hours: f64, mut report: impl FnMut(&SoakSample)) -> anyhow::Result<SoakReport> {
    let level = match &config.level {
        Some(path) => Level::load(path)?,
        None => Level::parse("levels/stone_valley.ron", crate::game::DEFAULT_LEVEL)?,
    };
    let data = crate::profile::DataDir(data_dir.to_path_buf());
    let authority = crate::game::embedded(&data)?;
    let mut app = super::kiosk_app(level, authority, data_dir, config);
    // The camera the director moves (the window's presentation would spawn it).
    app.world_mut().spawn((GameCamera, Transform::default()));
    let started = std::time::Instant::now();
    let total_s = (hours * 3600.0).round() as u64;
    let mut samples = Vec::new();
    let mut visit_s = 0u32;
    let mut attract_s = 0u32;
    let mut answered = false;
    // Each hour's look waits for attract mode, so that every look sees the same scene (a
    // visitor's deposits are fewer than the show's own).
    let mut look_due: Option<u64> = None;
    for second in 0.. {
        let (phase, visitors) = {
            let floor = app.world().resource::<ShowFloor>();
            (floor.timeline.phase(), floor.visitors)
        };
        if second % 3600 == 0 && second <= total_s {
            look_due = Some(second / 3600);
        }
        if let Some(hour) = look_due
            && phase == Phase::Attract
        {
            let sample = look(&mut app, hour as f64, data_dir);
            report(&sample);
            samples.push(sample);
            look_due = None;
        }
        if second >= total_s && look_due.is_none() {
            break;
        }
        match phase {
            Phase::Attract => {
                visit_s = 0;
                answered = false;
                attract_s += 1;
                if attract_s >= ATTRACT_BEFORE_VISITOR_S {
                    keys(&mut app).press(KeyCode::KeyW);
                    attract_s = 0;
                }
            }
            Phase::Driving { .. } => {
                visit_s += 1;
                if visit_s == ACCELERATOR_S {
                    keys(&mut app).release(KeyCode::KeyW);
                }
            }
            Phase::StillThere { .. } => {
                // Every third visitor is still there, once: a tap of the space bar.
                if visitors % 3 == 0 && !answered {
                    keys(&mut app).press(KeyCode::Space);
                    answered = true;
                }
            }
            Phase::Result { .. } => keys(&mut app).release_all(),
        }
        for update in 0..UPDATES_A_SECOND {
            app.update();
            if update == 0 {
                keys(&mut app).release(KeyCode::Space);
            }
        }
        // The authority's answers land before the next simulated second, as they would
        // within a frame or two on a show machine.
        app.world().resource::<AuthorityLink>().wait_idle();
    }
    let speed = total_s as f64 / started.elapsed().as_secs_f64().max(1e-9);
    Ok(SoakReport { samples, speed })
}

fn keys(app: &mut App) -> Mut<'_, ButtonInput<KeyCode>> {
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>()
}

fn look(app: &mut App, hour: f64, data_dir: &Path) -> SoakSample {
    let world = app.world();
    SoakSample {
        hour,
        visitors: world.resource::<ShowFloor>().visitors,
        entities: world.entities().count_spawned(),
        resident_mib: super::operator::resident_mib(),
        ledger_entries: world.resource::<AuthorityLink>().ledger.size,
        disk_mib: bytes_under(data_dir.to_path_buf()) as f64 / (1024.0 * 1024.0),
    }
}

fn bytes_under(dir: PathBuf) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => todo.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}
