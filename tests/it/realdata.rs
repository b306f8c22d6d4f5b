//! The real files in `../shared/realdata` (sources and licences in its SOURCES.md), read as a
//! new user's `horizon import` would, when they are present; not copied into the project.

use std::path::PathBuf;

use horizon::telemetry::{LocalZone, TripsRead, read_trip_file};

fn realdata(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata").join(name);
    std::fs::read(path).ok()
}

fn read(name: &str, zone: &str) -> Option<TripsRead> {
    let bytes = realdata(name)?;
    Some(read_trip_file(name, &bytes, "EV-REAL", 1000.0, &LocalZone::named(zone).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn km(read: &TripsRead) -> f64 {
    read.trips.iter().map(|t| t.distance_km()).sum()
}

fn minutes(t: &horizon::telemetry::TripSummary) -> f64 {
    (t.end - t.start) as f64 / 60.0
}

#[test]
fn real_gps_tracks_read_with_their_distances_and_duplicates_said() {
    // GPX 1.1, a car around Višnjan: 8.5 minutes, about 2.7 km.
    if let Some(r) = read("gpx_gpxpy_around-visnjan-with-car.gpx", "UTC") {
        assert_eq!(r.trips.len(), 1);
        assert!((2.6..2.8).contains(&km(&r)) && (8.0..9.0).contains(&minutes(&r.trips[0])), "{r:?}");
    }
    // A thinned day ride, Portland to Eureka (~680 km), its long stops split it; past midnight.
    if let Some(r) = read("gpx_chrishunt_moto_2015-11-22.gpx", "UTC") {
        assert!((640.0..700.0).contains(&km(&r)) && r.trips.len() >= 3, "{:.0} km in {} trips", km(&r), r.trips.len());
        assert!(r.trips.last().unwrap().end / 86_400 > r.trips[0].start / 86_400, "runs past UTC midnight");
    }
    // GPX 1.0 with course, speed, fix and sat (refused before): 59 minutes, about 37 km.
    if let Some(r) = read("gpx_gpsbabel_sbn-v13.gpx", "UTC") {
        assert_eq!(r.trips.len(), 1);
        assert!((36.0..38.5).contains(&km(&r)) && (58.0..60.0).contains(&minutes(&r.trips[0])), "{r:?}");
    }
    // Motorway drives with gaps of hours between them, and one GPS jump that is not driving.
    if let Some(r) = read("gpx_gpsbabel_dg100_trimmed.gpx", "UTC") {
        let long: Vec<f64> = r.trips.iter().map(|t| t.distance_km()).filter(|&k| k > 40.0).collect();
        assert_eq!(long.len(), 4, "{r:?}");
        assert!(r.trips.iter().all(|t| t.distance_km() / (minutes(t) / 60.0).max(1.0 / 60.0) < 160.0), "no trip faster than a car: {r:?}");
    }
    // Two tracks, the second repeating all of the first's fixes before its own.
    if let Some(r) = read("gpx_gpsbabel_garmin_xt_strk.gpx", "UTC") {
        assert_eq!(r.trips.len(), 2, "{r:?}");
        assert_eq!(r.notes, ["track 2: 164 repeat fixes of earlier tracks (the same times): skipped as duplicates"]);
        assert_eq!(r.trips[1].odometer_start_km, r.trips[0].odometer_end_km, "the repeat did not advance the odometer");
    }
}

#[test]
fn real_car_app_exports_read_into_their_trips() {
    // Bluelink's trip log: a date, a start clock (HHMMSS) and minutes driven; a block of 68
    // rows listed again.
    if let Some(r) = read("csv_bluelink_monitor.tripinfo.csv", "Europe/Amsterdam") {
        assert_eq!(r.trips.len(), 117, "{:?}", r.notes);
        assert!(r.notes.iter().any(|n| n.starts_with("68 rows repeat earlier rows exactly")), "{:?}", r.notes);
        // 2023-01-02 16:06:24 in Amsterdam is 15:06:24 UTC; 6 minutes, 3 km.
        let first = &r.trips[0];
        assert_eq!((horizon::telemetry::format_time(first.start).as_str(), first.end - first.start), ("2023-01-02T15:06:24Z", 360));
        assert!((first.distance_km() - 3.0).abs() < 1e-9);
    }
    // Bluelink's summary: odometer readings with one date each, Latin-1, quoted addresses.
    if let Some(r) = read("csv_bluelink_summary.trip.csv", "Europe/Amsterdam") {
        assert!(r.family.starts_with("odometer readings"), "{}", r.family);
        assert!(r.notes[0].contains("its start is assumed from an average of 30 km/h"), "{:?}", r.notes);
        assert_eq!(r.trips.len(), 86);
        let t = &r.trips[0];
        assert!((t.distance_km() - 6.9).abs() < 1e-6 && (t.energy_kwh - 1.5).abs() < 1e-9, "{t:?}");
        assert!(r.trips.windows(2).all(|w| w[1].odometer_start_km == w[0].odometer_end_km));
    }
    // Hum: US month/day/year in local time, miles.
    if let Some(r) = read("csv_hum_2020-driving-history.csv", "America/New_York") {
        assert_eq!(r.trips.len(), 631);
        assert!(r.notes.iter().any(|n| n.contains("read as month/day/year")), "{:?}", r.notes);
        // 1/2/2020 9:29 in New York is 14:29 UTC; 11.1628275 miles.
        assert_eq!(horizon::telemetry::format_time(r.trips[0].start), "2020-01-02T14:29:00Z");
        assert!((r.trips[0].distance_km() - 11.1628275 * 1.609_344).abs() < 1e-6);
    }
    // TeslaFi: one row per minute, 145 columns; two drives found from the gear and odometer.
    if let Some(r) = read("csv_teslafi_TeslaFi62016.csv", "America/Los_Angeles") {
        assert_eq!(r.trips.len(), 2, "{:?}", r.notes);
        assert!(r.notes[0].starts_with("one row per minute (looks like a TeslaFi log)"), "{:?}", r.notes);
        assert!((r.trips[1].distance_km() - (13931.332653 - 13928.249089) * 1.609_344).abs() < 0.01, "{:?}", r.trips[1]);
    }
}

/// A new user's dry run on the Hum history: all but a 500 km-day's excess and an empty row
/// would count; a made-up odometer stays in step past the day the cap refused.
#[test]
fn a_dry_run_of_a_real_export_says_what_would_count() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata/csv_hum_2020-driving-history.csv");
    if !path.exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = super::support::horizon_ok(&dir.path().join("profile"), &["import", "--dry-run", "--timezone", "America/New_York", path.to_str().unwrap()]);
    assert!(text.contains("629 of 631 would be accepted"), "{}", text.lines().take(8).collect::<Vec<_>>().join("\n"));
    assert!(!text.contains("odometer goes back") && !text.contains("odometer jumped"), "{text}");
}
