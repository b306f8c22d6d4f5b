//! Trip files and plausibility: each rule rejects a crafted bad trip with its reason, and the
//! other trips of the same file still count.

use horizon::telemetry::{TripHistory, TripSummary, Verdict, check_trips, parse_trip_json, to_trip_json};

const DAY: i64 = 86_400;
const T: i64 = 1_757_000_000; // 2025-09-04

fn trip(start: i64, minutes: i64, odo_start: f64, km: f64) -> TripSummary {
    TripSummary {
        vehicle: "EV-1".into(),
        start,
        end: start + minutes * 60,
        odometer_start_km: odo_start,
        odometer_end_km: odo_start + km,
        energy_kwh: km * 0.15,
        hard_brakes: 1,
        hard_accelerations: 0,
    }
}

fn reason(v: &Verdict) -> &str {
    match v {
        Verdict::Rejected { reason } => reason,
        Verdict::Accepted { .. } => "accepted",
    }
}

#[test]
fn each_plausibility_rule_rejects_its_bad_trip_and_the_rest_still_count() {
    let mut history = TripHistory::default();
    let trips = vec![
        trip(T, 40, 1000.0, 30.0),                      // good: odometer 1030
        trip(T + 3600, 30, 1010.0, 10.0),               // odometer back to 1010
        trip(T + 1200, 60, 1030.0, 20.0),               // overlaps the first trip
        trip(T + 2 * 3600, 10, 1030.0, 90.0),           // 540 km/h
        trip(T + 3 * 3600, 20, 1030.2, 15.0),           // good: 1045.2
        trip(T + 4 * 3600, 30, 1300.0, 20.0),           // odometer jumped 254.8 km
        trip(T + 5 * 3600, 30, 1320.0, 10.0),           // good again after the jump: 1330
        TripSummary { vehicle: "EV-2".into(), ..trip(T + 6 * 3600, 30, 1330.0, 10.0) },
        TripSummary { end: T + 7 * 3600 - 60, ..trip(T + 7 * 3600, 30, 1330.0, 10.0) },
    ];
    let checked = check_trips(&mut history, "EV-1", trips);
    let reasons: Vec<&str> = checked.iter().map(|c| reason(&c.verdict)).collect();
    assert_eq!(reasons[0], "accepted");
    // Checked in start order: the overlapping trip (T + 20 min) comes second.
    assert!(reasons[1].contains("overlaps another trip"), "{}", reasons[1]);
    assert!(reasons[2].contains("odometer goes back"), "{}", reasons[2]);
    assert!(reasons[3].contains("540 km/h") && reasons[3].contains("faster than a car can go"), "{}", reasons[3]);
    assert_eq!(reasons[4], "accepted");
    assert!(reasons[5].contains("odometer jumped 254.8 km") && reasons[5].contains("which no trip explains"), "{}", reasons[5]);
    assert_eq!(reasons[6], "accepted");
    assert!(reasons[7].contains("vehicle \"EV-2\""), "{}", reasons[7]);
    assert!(reasons[8].contains("before it starts"), "{}", reasons[8]);
}

#[test]
fn the_daily_cap_limits_minable_km_per_car_and_day() {
    let mut history = TripHistory::default();
    let trips = vec![
        trip(T, 240, 0.0, 400.0),
        trip(T + 5 * 3600, 120, 400.0, 200.0), // only 100 km left today
        trip(T + 8 * 3600, 60, 600.0, 50.0),   // none left today
        trip(T + DAY, 60, 650.0, 50.0),        // a new day
    ];
    let checked = check_trips(&mut history, "EV-1", trips);
    assert_eq!(checked[0].verdict, Verdict::Accepted { minable_km: 400, note: None });
    match &checked[1].verdict {
        Verdict::Accepted { minable_km: 100, note: Some(note) } => assert!(note.contains("100 of 200 km are minable"), "{note}"),
        other => panic!("{other:?}"),
    }
    assert!(reason(&checked[2].verdict).contains("daily cap of 500 minable km was already reached on 2025-09-04"), "{:?}", checked[2].verdict);
    assert_eq!(checked[3].verdict, Verdict::Accepted { minable_km: 50, note: None });
}

#[test]
fn trip_files_round_trip_and_bad_ones_say_where() {
    let trips = vec![trip(T, 40, 1000.25, 30.5)];
    let text = to_trip_json("EV-1", &trips);
    assert_eq!(parse_trip_json("t.json", &text).unwrap(), trips);
    let e = parse_trip_json("t.json", "{\n  \"format\": \"crypto-horizon/trips@1\",\n  \"vehicle\": 5\n}").unwrap_err().to_string();
    assert!(e.starts_with("t.json:3:"), "{e}");
    let e = parse_trip_json("t.json", &text.replace("2025-09-04T15:33:20Z", "yesterday")).unwrap_err().to_string();
    assert!(e.starts_with("t.json: trip 1: \"yesterday\" is not an RFC 3339 time"), "{e}");
    let e = parse_trip_json("t.json", &text.replace("crypto-horizon/trips@1", "other@2")).unwrap_err().to_string();
    assert!(e.contains("format is \"other@2\""), "{e}");
}
