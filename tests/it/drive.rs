//! The drive check (`level::drive`), pure: what a sampled drive shows and which samples a
//! car could not have made. The same authority's use of it is `task_evidence`.

use horizon::level::drive::{DriveRecord, DriveRefusal, DriveSample};
use horizon::level::{Level, Point};

use super::support::drive_samples;

fn distance(a: Point, b: Point) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn valley() -> Level {
    Level::parse("levels/stone_valley.ron", horizon::level::STONE_VALLEY).unwrap()
}

#[test]
fn driving_to_a_landmark_at_a_plausible_speed_reaches_it() {
    let level = valley();
    let garage = level.landmark("garage").unwrap().position;
    let samples = drive_samples(&[level.spawn.position, garage], 15.0, 0);
    let mut record = DriveRecord::default();
    record.extend(&level, 30.0, samples.last().unwrap().t_ms, &samples).unwrap();
    assert!(record.landmarks.contains("garage"), "{:?}", record.landmarks);
    // Driven as far as the last sample, less than one step (3.75 m) short of the garage.
    let short = f64::from(distance(level.spawn.position, garage)) - record.metres;
    assert!((0.0..3.8).contains(&short), "{} m driven", record.metres);
}

#[test]
fn a_jump_across_the_valley_is_refused_and_leaves_the_record_as_it_was() {
    let level = valley();
    let lookout = level.landmark("lookout").unwrap().position;
    let mut record = DriveRecord::default();
    let start = DriveSample { t_ms: 0, x: level.spawn.position.0, z: level.spawn.position.1 };
    record.extend(&level, 30.0, 0, &[start]).unwrap();
    let jump = [DriveSample { t_ms: 1_000, x: lookout.0, z: lookout.1 }];
    let e = record.extend(&level, 30.0, 60_000, &jump).unwrap_err();
    assert!(matches!(e, DriveRefusal::TooFast { index: 0, .. }), "{e}");
    assert!(e.to_string().contains("faster than this twin can drive"), "{e}");
    assert!(record.landmarks.is_empty() && record.last() == Some(start));
    // The same place at an honest pace counts.
    let honest = drive_samples(&[level.spawn.position, lookout], 20.0, 500);
    record.extend(&level, 30.0, 60_000, &honest[1..]).unwrap();
    assert!(record.landmarks.contains("lookout"));
}

#[test]
fn samples_from_the_future_or_out_of_order_or_off_the_map_are_refused() {
    let level = valley();
    let (x, z) = level.spawn.position;
    let mut record = DriveRecord::default();
    let e = record.extend(&level, 30.0, 2_000, &[DriveSample { t_ms: 60_000, x, z }]).unwrap_err();
    assert!(matches!(e, DriveRefusal::AheadOfClock { t_ms: 60_000, age_ms: 2_000, .. }), "{e}");
    let e = record.extend(&level, 30.0, 2_000, &[DriveSample { t_ms: 0, x: 300.0, z: 300.0 }]).unwrap_err();
    assert!(matches!(e, DriveRefusal::AwayFromStart { .. }), "{e}");
    let e = record.extend(&level, 30.0, 2_000, &[DriveSample { t_ms: 0, x: f32::NAN, z }]).unwrap_err();
    assert!(matches!(e, DriveRefusal::OutsideValley { .. }), "{e}");
    let e = record.extend(&level, 30.0, 2_000, &[DriveSample { t_ms: 500, x, z }, DriveSample { t_ms: 450, x, z }]).unwrap_err();
    assert!(matches!(e, DriveRefusal::TimeOutOfOrder { index: 1, .. }), "{e}");
}

#[test]
fn a_reset_to_the_road_is_not_driving_and_not_a_jump() {
    let level = valley();
    let route = &level.routes[0];
    // 50 m off the road, square to it.
    let (t, on_road) = (0.3, route.point_at(0.3));
    let normal = route.heading_at(t) + std::f32::consts::FRAC_PI_2;
    let off_road = (on_road.0 + 50.0 * normal.cos(), on_road.1 + 50.0 * normal.sin());
    let mut record = DriveRecord::default();
    let first = drive_samples(&[level.spawn.position, off_road], 15.0, 0);
    record.extend(&level, 30.0, 600_000, &first).unwrap();
    let driven = record.metres;
    let road = route.point_at(route.nearest(off_road).0);
    assert!(distance(road, off_road) > 40.0, "the road is {} m away", distance(road, off_road));
    let t = record.last().unwrap().t_ms + 200;
    record.extend(&level, 30.0, 600_000, &[DriveSample { t_ms: t, x: road.0, z: road.1 }]).unwrap();
    assert_eq!(record.metres, driven, "the reset's jump is not counted");
    // The same jump to anywhere else is refused.
    let elsewhere = (road.0 + 20.0, road.1 + 20.0);
    let e = record.extend(&level, 30.0, 600_000, &[DriveSample { t_ms: t + 200, x: elsewhere.0, z: elsewhere.1 }]).unwrap_err();
    assert!(matches!(e, DriveRefusal::TooFast { .. }), "{e}");
}

#[test]
fn a_lap_of_the_route_is_timed_and_a_short_cut_is_not_a_lap() {
    let level = valley();
    let route = level.route("lakeside").unwrap();
    // From spawn to the start line, then once round and across it again.
    let mut points = vec![level.spawn.position];
    points.extend((0..=200).map(|i| route.point_at(i as f32 / 200.0)));
    points.push(route.point_at(0.01));
    let speed = 25.0;
    let samples = drive_samples(&points, speed, 0);
    let mut record = DriveRecord::default();
    record.extend(&level, 30.0, samples.last().unwrap().t_ms, &samples).unwrap();
    let lap = *record.best_laps_ms.get("lakeside").expect("a lap");
    let expected = route.length_m() / speed * 1000.0;
    assert!((lap as f32 - expected).abs() < 0.03 * expected, "lap {lap} ms, expected about {expected:.0} ms");
    // Skipping the far half of the loop misses the quarter marks: no lap.
    let mut cut = vec![level.spawn.position];
    cut.extend((0..=40).map(|i| route.point_at(i as f32 / 200.0)));
    cut.extend((170..=200).map(|i| route.point_at(i as f32 / 200.0)));
    cut.push(route.point_at(0.01));
    let samples = drive_samples(&cut, speed, 0);
    let mut record = DriveRecord::default();
    record.extend(&level, 30.0, samples.last().unwrap().t_ms, &samples).unwrap();
    assert!(record.best_laps_ms.is_empty(), "{:?}", record.best_laps_ms);
}
