//! Tasks the authority can check (the trust issue, part 4): a shared valley pays landmark,
//! distance, lap and streak tasks only for a drive it saw — begun on its clock, sampled no
//! faster than the twin drives and no sooner than real time allows, inside its own copy of
//! the level. Tried as an attacker would against the real server on loopback; the days-long
//! rules (distance, laps, streaks) against the same authority with a clock the test turns.

use std::sync::atomic::{AtomicU64, Ordering};

use horizon::client::http::HttpValley;
use horizon::client::queue::Intent;
use horizon::economy::EconomyTables;
use horizon::ledger::replay::DAY_MS;
use horizon::ledger::{Body, NamedKey, PublicKey, Role};
use horizon::level::drive::DriveSample;
use horizon::profile::DataDir;
use horizon::valley::embedded::{EmbeddedValley, Trusted, system_clock};
use horizon::valley::wire::EnrolRequest;
use horizon::valley::{ValleyError, ValleyService, block_on_ready};

use super::support::{Server, drive_samples, drive_to};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

async fn guest(dir: &std::path::Path, url: &str, seed: u8) -> (HttpValley, PublicKey) {
    let key = NamedKey::from_seed("player", [seed; 32]).unwrap();
    let mut valley = HttpValley::open(&DataDir(dir.to_path_buf()), url, key, system_clock).unwrap();
    valley.sync_replica().await.unwrap();
    valley.enqueue(Intent::Enrol(EnrolRequest { name: "Eve".into(), vehicle: None })).unwrap();
    valley.flush().await.unwrap();
    let me = valley.player_key();
    (valley, me)
}

fn unproven(e: ValleyError) -> String {
    match e {
        ValleyError::Unproven { why, .. } => why,
        other => panic!("expected a task refused for want of evidence, got {other}"),
    }
}

#[test]
fn task_claims_without_a_checked_drive_pay_nothing() {
    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    rt().block_on(async {
        let (mut eve, me) = guest(client.path(), &server.url, 60).await;
        // On a3005c1 all of these paid at once: 210 crystals on day one.
        for (task, says) in [
            ("visit-garage", "no drive reported today reached the landmark \"garage\""),
            ("visit-lookout", "reached the landmark \"lookout\""),
            ("visit-spires", "reached the landmark \"spires\""),
            ("visit-arch", "reached the landmark \"arch\""),
            ("drive-5km", "cover 0.0 of 5 km"),
            ("lap-lakeside", "no drive reported today lapped the route \"lakeside\""),
            ("daily-streak-3", "0 of 3 days in a row"),
        ] {
            let why = unproven(eve.complete_task(&me, task).await.unwrap_err());
            assert!(why.contains(says), "{task}: {why}");
        }
        // Reporting a drive that was never begun, or one in a level of the client's own.
        let e = eve.report_drive(&me, vec![DriveSample { t_ms: 0, x: 0.0, z: 60.0 }]).await.unwrap_err();
        assert!(e.to_string().contains("no drive is under way"), "{e}");
        let e = eve.start_drive(&me, "My Valley With A Landmark At The Start").await.unwrap_err();
        assert!(e.to_string().contains("is not a valley this authority knows"), "{e}");
        eve.sync_replica().await.unwrap();
        assert_eq!(eve.replica.state().player(&me).unwrap().crystals, 0);
    });
    let entries = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap().state;
    assert_eq!(entries.entries_by_kind.get(&horizon::ledger::Kind::CrystalAward), None, "no award is on the ledger");
}

#[test]
fn a_drive_the_twin_could_make_pays_and_a_jump_or_a_drive_from_the_future_does_not() {
    let server_dir = tempfile::tempdir().unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Server::start(server_dir.path());
    rt().block_on(async {
        let (mut ada, me) = guest(a.path(), &server.url, 61).await;
        let seen = drive_to(&mut ada, &me, &["garage"]).await;
        assert_eq!(seen.landmarks, ["garage"]);
        assert_eq!(ada.complete_task(&me, "visit-garage").await.unwrap(), 10);
        assert!(matches!(ada.complete_task(&me, "visit-garage").await, Err(ValleyError::TaskDone(_))));
        // The garage drive is not a visit to the arch.
        assert!(unproven(ada.complete_task(&me, "visit-arch").await.unwrap_err()).contains("\"arch\""));

        let (mut eve, eve_key) = guest(b.path(), &server.url, 62).await;
        let level = horizon::level::bundled("Stone Valley").unwrap();
        let (sx, sz) = level.spawn.position;
        let (ax, az) = level.landmark("arch").unwrap().position;
        eve.start_drive(&eve_key, "Stone Valley").await.unwrap();
        // Half a minute of driving claimed a moment after the drive began.
        let ahead = drive_samples(&[(sx, sz), (ax, az)], 10.0, 0);
        let e = eve.report_drive(&eve_key, ahead).await.unwrap_err();
        assert!(e.to_string().contains("but the session began only"), "{e}");
        // Spawn to the arch (280 m) in half a second.
        std::thread::sleep(std::time::Duration::from_millis(600));
        let jump = vec![DriveSample { t_ms: 0, x: sx, z: sz }, DriveSample { t_ms: 500, x: ax, z: az }];
        let e = eve.report_drive(&eve_key, jump).await.unwrap_err();
        assert!(e.to_string().contains("sample 1:") && e.to_string().contains("faster than this twin can drive"), "{e}");
        // Beginning the drive at the arch instead.
        let e = eve.report_drive(&eve_key, vec![DriveSample { t_ms: 0, x: ax, z: az }]).await.unwrap_err();
        assert!(e.to_string().contains("a drive begins at the spawn point"), "{e}");
        assert!(unproven(eve.complete_task(&eve_key, "visit-arch").await.unwrap_err()).contains("\"arch\""));
        // A flood of samples in one report.
        let flood: Vec<DriveSample> = (0..1_201).map(|i| DriveSample { t_ms: i * 100, x: sx, z: sz }).collect();
        let e = eve.report_drive(&eve_key, flood).await.unwrap_err();
        assert!(e.to_string().contains("1201 samples in one report; at most 1200"), "{e}");
        eve.sync_replica().await.unwrap();
        assert_eq!(eve.replica.state().player(&eve_key).unwrap().crystals, 0);
    });
}

/// The authority's clock in the days-long test (ms since the epoch).
static NOW: AtomicU64 = AtomicU64::new(0);

fn test_clock() -> u64 {
    NOW.load(Ordering::SeqCst)
}

/// Laps of the lakeside route from the spawn point, reported as the clock runs with them.
fn drive_laps(valley: &mut EmbeddedValley, me: &PublicKey, laps: usize) {
    let level = horizon::level::bundled("Stone Valley").unwrap();
    let route = level.route("lakeside").unwrap();
    let mut points = vec![level.spawn.position];
    for _ in 0..laps {
        points.extend((0..200).map(|i| route.point_at(i as f32 / 200.0)));
    }
    points.push(route.point_at(0.01));
    let started = test_clock();
    block_on_ready(valley.start_drive(me, "Stone Valley")).unwrap();
    for chunk in drive_samples(&points, 25.0, 0).chunks(40) {
        NOW.store(started + chunk.last().unwrap().t_ms, Ordering::SeqCst);
        block_on_ready(valley.report_drive(me, chunk.to_vec())).unwrap();
    }
}

#[test]
fn distance_laps_and_streaks_pay_for_the_driving_the_valley_saw_over_days() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir(dir.path().to_path_buf());
    let day0 = 20_400 * DAY_MS + 10 * 3_600_000;
    NOW.store(day0, Ordering::SeqCst);
    let open = || EmbeddedValley::open_shared(&data, test_clock, EconomyTables::shared(), "crypto-horizon.valley/evidence-test", &Trusted::default()).unwrap();
    let mut valley = open();
    let me = NamedKey::from_seed("player", [63; 32]).unwrap().public_key();
    valley.enrol(me, Role::Guest, "Ada").unwrap();

    drive_laps(&mut valley, &me, 1);
    let lap = horizon::level::bundled("Stone Valley").unwrap().route("lakeside").unwrap().length_m();
    assert_eq!(block_on_ready(valley.complete_task(&me, "lap-lakeside")).unwrap(), 40, "a {lap:.0} m lap at 25 m/s is under 3 minutes");
    let why = unproven(block_on_ready(valley.complete_task(&me, "drive-5km")).unwrap_err());
    assert!(why.contains(&format!("cover {:.1} of 5 km", lap / 1000.0)), "{why}");
    drive_laps(&mut valley, &me, 6);
    assert_eq!(block_on_ready(valley.complete_task(&me, "drive-5km")).unwrap(), 20);
    assert!(unproven(block_on_ready(valley.complete_task(&me, "daily-streak-3")).unwrap_err()).contains("1 of 3 days in a row"));

    // The next two days, two laps (over 1 km) each; the valley restarts in between and
    // remembers the days.
    for day in 1..=2 {
        NOW.store(day0 + day * DAY_MS, Ordering::SeqCst);
        drop(valley);
        valley = open();
        drive_laps(&mut valley, &me, 2);
    }
    assert_eq!(block_on_ready(valley.complete_task(&me, "daily-streak-3")).unwrap(), 50);
    // Yesterday's laps are not today's: after midnight the lap task must be driven again.
    NOW.store(day0 + 3 * DAY_MS, Ordering::SeqCst);
    assert!(unproven(block_on_ready(valley.complete_task(&me, "lap-lakeside")).unwrap_err()).contains("no drive reported today lapped"));
    let awards: Vec<String> = valley
        .ledger()
        .entries()
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.body {
            Body::CrystalAward { task, .. } => Some(task),
            _ => None,
        })
        .collect();
    assert_eq!(awards, ["lap-lakeside", "drive-5km", "daily-streak-3"]);
}

/// The game, connected, stepped no faster than real time (a shared valley refuses a drive
/// faster than its clock): it is paid for driving to the garage, and a car moved by hand to
/// the lookout earns nothing.
#[test]
fn the_connected_game_earns_a_landmark_by_driving_there_not_by_being_moved_there() {
    use bevy::ecs::message::Messages;
    use bevy::prelude::*;
    use bevy_rapier3d::prelude::Velocity;
    use horizon::game::authority::{Authority, Outcome};
    use horizon::game::car::{CarControls, PlayerDriven};
    use horizon::game::world::CurrentLevel;

    let server_dir = tempfile::tempdir().unwrap();
    let client = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    super::support::cli_owner_with_sample_week(client.path(), &server.url);
    let data = DataDir(client.path().to_path_buf());
    let (key, _) = horizon::profile::load_or_create_key(&data.player_key(), "player").unwrap();
    let me = key.public_key();
    let authority = Authority::connected(&data, &server.url, key).unwrap();
    let level = horizon::level::bundled("Stone Valley").unwrap();
    let mut app = horizon::game::play_app(level.clone(), authority, client.path());
    let mut cursor = app.world().resource::<Messages<Outcome>>().get_cursor();
    let began = std::time::Instant::now();
    let mut frames = 0u32;
    let mut step = |app: &mut App, n: u32| -> Vec<Outcome> {
        let mut seen = Vec::new();
        for _ in 0..n {
            app.update();
            frames += 1;
            // One frame is 1/60 s of simulated driving: never ahead of the wall clock.
            let due = std::time::Duration::from_secs_f64(f64::from(frames) / 60.0);
            if let Some(wait) = due.checked_sub(began.elapsed()) {
                std::thread::sleep(wait);
            }
            seen.extend(cursor.read(app.world().resource::<Messages<Outcome>>()).cloned());
        }
        seen
    };
    let place = |app: &mut App, (x, z): (f32, f32), towards: (f32, f32)| {
        let ground = app.world().resource::<CurrentLevel>().field.height_at(x, z);
        let heading = (-(towards.0 - x)).atan2(-(towards.1 - z));
        let car = app.world_mut().query_filtered::<Entity, With<PlayerDriven>>().single(app.world()).unwrap();
        let mut e = app.world_mut().entity_mut(car);
        *e.get_mut::<Transform>().unwrap() = Transform::from_xyz(x, ground + 1.2, z).with_rotation(Quat::from_rotation_y(heading));
        *e.get_mut::<Velocity>().unwrap() = Velocity::zero();
        e.get_mut::<CarControls>().unwrap().throttle = 0.0;
    };
    step(&mut app, 30);
    let garage = level.landmark("garage").unwrap().position;
    place(&mut app, level.spawn.position, garage);
    let car = app.world_mut().query_filtered::<Entity, With<PlayerDriven>>().single(app.world()).unwrap();
    app.world_mut().get_mut::<CarControls>(car).unwrap().throttle = 0.4;
    let mut outcomes = Vec::new();
    for _ in 0..20 {
        outcomes.extend(step(&mut app, 30));
        if outcomes.iter().any(|o| matches!(o, Outcome::TaskDone { .. })) {
            break;
        }
    }
    assert!(
        outcomes.iter().any(|o| matches!(o, Outcome::TaskDone { task, crystals: 10 } if task == "visit-garage")),
        "driving to the garage is paid: {outcomes:?}"
    );

    // Moved by hand across the valley: the drive is refused and the claim with it.
    let lookout = level.landmark("lookout").unwrap().position;
    place(&mut app, (lookout.0 + 16.0, lookout.1), lookout);
    let outcomes = step(&mut app, 120);
    assert!(!outcomes.iter().any(|o| matches!(o, Outcome::TaskDone { task, .. } if task == "visit-lookout")), "{outcomes:?}");
    assert!(
        outcomes.iter().any(|o| matches!(o, Outcome::Refused { reason, .. } if reason.contains("\"visit-lookout\" is not proven"))),
        "the claim is refused for want of a drive there: {outcomes:?}"
    );
    drop(app.world_mut().remove_resource::<horizon::game::authority_link::AuthorityLink>());
    let state = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap().state;
    let tasks: Vec<&String> = state.player(&me).unwrap().tasks.keys().collect();
    assert_eq!(tasks, ["visit-garage"], "the server's ledger pays the garage alone");
}
