//! Game benchmarks (numbers go into the README), release build with the game:
//! - simulation cost per fixed tick of the full valley (terrain collider, landmarks, the
//!   car driving, 500 deposit sensors) on one core, headless;
//! - frames per second at 1280×720 and the time from start to the first valley frame, by
//!   running the release `horizon play` under Xvfb (Mesa's lavapipe here; a GPU elsewhere).
//!
//! Run: `cargo bench --bench sim` (Xvfb, from `scripts/setup-debian.sh --render`).

use std::process::Command;
use std::time::Instant;

use bevy::prelude::*;
use bevy_rapier3d::prelude::{Collider, RigidBody, Sensor};
use horizon::game::car::{CarControls, spawn_car};
use horizon::game::simulation_app;
use horizon::game::world::CurrentLevel;
use horizon::level::Level;
use horizon::twin::{TwinInputs, twin_stats, vehicle_params};

const TICKS: u32 = 3_000;

fn main() {
    // One core: the task pools get one thread each.
    bevy::tasks::ComputeTaskPool::get_or_init(|| bevy::tasks::TaskPoolBuilder::new().num_threads(1).build());
    let level = Level::parse("levels/stone_valley.ron", horizon::game::DEFAULT_LEVEL).expect("bundled level");
    let mut app = simulation_app(level);
    let items = Default::default();
    let params = vehicle_params(&twin_stats(TwinInputs { trips: &[], behaviour_consent: true, items: &items, task_xp: 0, game_km: 0.0 }));
    let car = app.world_mut().resource_scope(|world, current: Mut<CurrentLevel>| {
        let mut commands = world.commands();
        for km in 0..500 {
            let (x, z) = current.level.deposit_position(1, km);
            let y = current.field.height_at(x, z) + 0.6;
            commands.spawn((Transform::from_xyz(x, y, z), RigidBody::Fixed, Collider::ball(0.8), Sensor));
        }
        spawn_car(&mut commands, &current, params, current.level.spawn.position, current.level.spawn.heading_deg.to_radians(), None)
    });
    app.world_mut().flush();
    for _ in 0..120 {
        app.update();
    }
    *app.world_mut().get_mut::<CarControls>(car).expect("car") = CarControls { throttle: 0.8, steer: 0.3, brake: 0.0 };
    let started = Instant::now();
    for _ in 0..TICKS {
        app.update();
    }
    let per_tick_ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(TICKS);

    println!("## Game benchmarks\n");
    println!("| measure | value |\n|---|---|");
    println!("| simulation per fixed tick (terrain collider, landmarks, the car driving, 500 deposit sensors), one core, headless | {per_tick_ms:.3} ms ({TICKS} ticks) |");

    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_horizon"));
    let data = tempfile::tempdir().expect("temporary directory");
    for (w, h) in [(1280, 720)] {
        let out = Command::new("xvfb-run")
            .args(["-a", "-s", &format!("-screen 0 {w}x{h}x24")])
            .arg(exe)
            .args(["--data-dir", data.path().to_str().expect("utf-8"), "play", "--frames", "120"])
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = String::from_utf8_lossy(&o.stdout);
                match text.lines().find(|l| l.starts_with("timing:")) {
                    Some(line) => println!("| `horizon play` at {w}×{h}, software renderer (lavapipe) | {} |", line.trim_start_matches("timing: ")),
                    None => println!("| `horizon play` at {w}×{h} | no timing line |"),
                }
            }
            other => println!("| `horizon play` at {w}×{h} | not measured: {other:?} |"),
        }
    }
}
