//! Trip sources: GPX tracks summarised on the device (distance against the WGS84 geodesic,
//! duration, the split at a pause, hard events, privacy) and CSV exports of car apps, and the
//! choice between the readers.
//!
//! `tests/fixtures/drive.gpx` is a generated, realistic city drive: 469 fixes 1 s apart
//! (winding streets, a red light, one hard brake 25 → 10 m/s in 3 s, one hard acceleration
//! 10 → 22 m/s in 3 s, about 1 m of drifting GPS error), then 30 minutes parked and a second
//! segment of 115 fixes of gentle driving.

use std::path::Path;

use horizon::telemetry::csv_trips::{KM_PER_MILE, trips_from_csv};
use horizon::telemetry::gpx_track::{haversine_m, trips_from_gpx};
use horizon::telemetry::{
    TripFileError, TripSummary, format_time, last_odometer_km, parse_trip_file, parse_trip_json, to_trip_json,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

/// The fixes of a GPX file this project wrote, per segment: (lat, lon, Unix seconds), read
/// by plain text search (not by the reader under test).
fn gpx_fixes(bytes: &[u8]) -> Vec<Vec<(f64, f64, i64)>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let between = |s: &str, from: &str, to: &str| -> String { s.split_once(from).unwrap().1.split_once(to).unwrap().0.to_string() };
    text.split("<trkseg>")
        .skip(1)
        .map(|segment| {
            let segment = segment.split("</trkseg>").next().unwrap();
            segment
                .split("<trkpt ")
                .skip(1)
                .map(|p| {
                    let t = time::OffsetDateTime::parse(&between(p, "<time>", "</time>"), &time::format_description::well_known::Rfc3339).unwrap();
                    (between(p, "lat=\"", "\"").parse().unwrap(), between(p, "lon=\"", "\"").parse().unwrap(), t.unix_timestamp())
                })
                .collect()
        })
        .collect()
}

/// A GPX document with one track of these segments of (lat, lon, Unix seconds).
fn gpx_doc(segments: &[Vec<(f64, f64, i64)>]) -> String {
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n<trk>\n",
    );
    for segment in segments {
        doc.push_str("<trkseg>\n");
        for &(lat, lon, t) in segment {
            doc.push_str(&format!("<trkpt lat=\"{lat:.7}\" lon=\"{lon:.7}\"><time>{}</time></trkpt>\n", format_time(t)));
        }
        doc.push_str("</trkseg>\n");
    }
    doc.push_str("</trk>\n</gpx>\n");
    doc
}

/// The reference a mapping tool computes: Vincenty's inverse formula on the WGS84 ellipsoid
/// (accurate to well under a millimetre at these distances), written out here because no
/// geodesy crate is a dependency. Metres between two points in degrees.
fn vincenty_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const A: f64 = 6_378_137.0;
    const F: f64 = 1.0 / 298.257_223_563;
    const B: f64 = A * (1.0 - F);
    let l = (lon2 - lon1).to_radians();
    let (sin_u1, cos_u1) = ((1.0 - F) * lat1.to_radians().tan()).atan().sin_cos();
    let (sin_u2, cos_u2) = ((1.0 - F) * lat2.to_radians().tan()).atan().sin_cos();
    let mut lambda = l;
    for _ in 0..200 {
        let (sin_lambda, cos_lambda) = lambda.sin_cos();
        let sin_sigma = ((cos_u2 * sin_lambda).powi(2) + (cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lambda).powi(2)).sqrt();
        if sin_sigma == 0.0 {
            return 0.0; // the same point
        }
        let cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lambda;
        let sigma = sin_sigma.atan2(cos_sigma);
        let sin_alpha = cos_u1 * cos_u2 * sin_lambda / sin_sigma;
        let cos2_alpha = 1.0 - sin_alpha * sin_alpha;
        // On the equator cos²α is 0 and the term vanishes.
        let cos_2sigma_m = if cos2_alpha == 0.0 { 0.0 } else { cos_sigma - 2.0 * sin_u1 * sin_u2 / cos2_alpha };
        let c = F / 16.0 * cos2_alpha * (4.0 + F * (4.0 - 3.0 * cos2_alpha));
        let previous = lambda;
        lambda = l
            + (1.0 - c)
                * F
                * sin_alpha
                * (sigma + c * sin_sigma * (cos_2sigma_m + c * cos_sigma * (-1.0 + 2.0 * cos_2sigma_m * cos_2sigma_m)));
        if (lambda - previous).abs() < 1e-12 {
            let u2 = cos2_alpha * (A * A - B * B) / (B * B);
            let big_a = 1.0 + u2 / 16_384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)));
            let big_b = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)));
            let delta_sigma = big_b
                * sin_sigma
                * (cos_2sigma_m
                    + big_b / 4.0
                        * (cos_sigma * (-1.0 + 2.0 * cos_2sigma_m * cos_2sigma_m)
                            - big_b / 6.0
                                * cos_2sigma_m
                                * (-3.0 + 4.0 * sin_sigma * sin_sigma)
                                * (-3.0 + 4.0 * cos_2sigma_m * cos_2sigma_m)));
            return B * big_a * (sigma - delta_sigma);
        }
    }
    panic!("Vincenty's formula did not converge (nearly antipodal points)");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn gpx_distance_is_within_one_percent_of_the_wgs84_geodesic() {
    // The reference itself: Vincenty's test line, Flinders Peak to Buninyong, 54 972.271 m.
    assert!((vincenty_m(-37.951_033_42, 144.424_867_89, -37.652_821_14, 143.926_495_54) - 54_972.271).abs() < 0.01);
    // One degree of latitude on the mean sphere.
    assert!((haversine_m(0.0, 0.0, 1.0, 0.0) - 111_195.080).abs() < 0.01);

    let bytes = fixture("drive.gpx");
    let trips = trips_from_gpx("drive.gpx", &bytes, "EV-1", 12_000.0).unwrap();
    let segments = gpx_fixes(&bytes);
    assert_eq!(trips.len(), segments.len());
    for (trip, fixes) in trips.iter().zip(&segments) {
        let geodesic_km = fixes.windows(2).map(|w| vincenty_m(w[0].0, w[0].1, w[1].0, w[1].1)).sum::<f64>() / 1000.0;
        let km = trip.distance_km();
        assert!((km - geodesic_km).abs() < 0.01 * geodesic_km, "{km} km, the geodesic {geodesic_km} km");
    }
    let total_km: f64 = trips.iter().map(TripSummary::distance_km).sum();
    assert!((7.0..8.0).contains(&total_km), "{total_km} km");
}

#[test]
fn gpx_trips_split_at_the_pause_with_their_durations_and_hard_events() {
    let bytes = fixture("drive.gpx");
    let trips = trips_from_gpx("drive.gpx", &bytes, "EV-1", 12_000.0).unwrap();
    assert_eq!(trips.len(), 2);
    let (first, second) = (&trips[0], &trips[1]);
    // 2024-05-03 07:42:10 to 07:49:58 UTC; after 30 minutes parked, 08:19:58 to 08:21:52.
    assert_eq!((first.start, first.end), (1_714_722_130, 1_714_722_130 + 468));
    assert_eq!((second.start, second.end), (first.end + 1800, first.end + 1800 + 114));
    // No odometer in GPX: the trips continue the one given, one after the other.
    assert_eq!(first.odometer_start_km, 12_000.0);
    assert_eq!(second.odometer_start_km, first.odometer_end_km);
    assert!(trips.iter().all(|t| t.vehicle == "EV-1" && t.energy_kwh == 0.0));
    // The one hard brake and the one hard acceleration, each counted once; none in the gentle
    // second drive.
    assert_eq!((first.hard_brakes, first.hard_accelerations), (1, 1));
    assert_eq!((second.hard_brakes, second.hard_accelerations), (0, 0));

    // In a single segment, the 30-minute silence alone splits the trips the same way.
    let text = fixture_text("drive.gpx");
    let one_segment = text.replacen("    </trkseg>\n    <trkseg>\n", "", 1);
    assert_ne!(one_segment, text);
    assert_eq!(trips_from_gpx("drive.gpx", one_segment.as_bytes(), "EV-1", 12_000.0).unwrap(), trips);
}

#[test]
fn gpx_pauses_split_jumps_are_dropped_and_standing_still_is_no_trip() {
    const T: i64 = 1_757_000_000;
    let step = 15.0 / haversine_m(48.0, 0.0, 48.0, 1.0); // degrees of longitude per 15 m
    let east = |from: i64, lon0: f64, n: usize| -> Vec<(f64, f64, i64)> {
        (0..n).map(|i| (48.0, lon0 + i as f64 * step, from + i as i64)).collect()
    };
    // 20 fixes, 12 minutes parked, 20 more; then a lone fix and a car standing still.
    let mut parked = east(T, 9.0, 20);
    parked.extend(east(T + 19 + 720, 9.0 + 19.0 * step, 20));
    let doc = gpx_doc(&[parked, vec![(48.1, 9.1, T + 5000)], (0..5).map(|i| (48.2, 9.2, T + 6000 + i)).collect()]);
    let trips = trips_from_gpx("parked.gpx", doc.as_bytes(), "EV-1", 100.0).unwrap();
    assert_eq!(trips.len(), 2, "{trips:?}");
    assert_eq!((trips[0].start, trips[0].end), (T, T + 19));
    assert_eq!((trips[1].start, trips[1].end), (T + 19 + 720, T + 19 + 720 + 19));
    assert_eq!(trips[0].odometer_start_km, 100.0);
    assert_eq!(trips[1].odometer_start_km, trips[0].odometer_end_km);
    assert!((trips[0].distance_km() - 0.285).abs() < 0.001, "{}", trips[0].distance_km());

    // One fix 1.1 km off the road: both steps to and from it are skipped, and it fakes no
    // hard event.
    let mut jumpy = east(T, 9.0, 61);
    jumpy[30].0 += 0.01;
    let trips = trips_from_gpx("jumpy.gpx", gpx_doc(&[jumpy]).as_bytes(), "EV-1", 0.0).unwrap();
    assert_eq!(trips.len(), 1);
    assert!((trips[0].distance_km() - 0.870).abs() < 0.002, "{}", trips[0].distance_km());
    assert_eq!((trips[0].hard_brakes, trips[0].hard_accelerations), (0, 0));
}

#[test]
fn a_gpx_point_without_a_time_is_an_error_naming_it() {
    let text = fixture_text("drive.gpx");
    // The third point of the second segment loses its time.
    let segment = text.match_indices("<trkseg>").nth(1).unwrap().0;
    let point = segment + text[segment..].match_indices("<trkpt").nth(2).unwrap().0;
    let time_from = point + text[point..].find("<time>").unwrap();
    let time_to = point + text[point..].find("</time>").unwrap() + "</time>".len();
    let broken = format!("{}{}", &text[..time_from], &text[time_to..]);
    let e = trips_from_gpx("drive.gpx", broken.as_bytes(), "EV-1", 0.0).unwrap_err().to_string();
    assert_eq!(e, "drive.gpx: trip 2: track 1, segment 2, point 3 has no time");

    let e = trips_from_gpx("bad.gpx", b"<gpx version=\"1.1\"><trk><trkseg><trkpt lat=", "EV-1", 0.0).unwrap_err();
    assert!(matches!(e, TripFileError::Gpx { .. }), "{e:?}");
    assert!(e.to_string().starts_with("bad.gpx: not a readable GPX file"), "{e}");
}

#[test]
fn no_coordinates_or_fix_times_leave_the_device() {
    let bytes = fixture("drive.gpx");
    let trips = trips_from_gpx("drive.gpx", &bytes, "EV-1", 12_000.0).unwrap();
    let json = serde_json::to_string(&trips).unwrap();
    let text = fixture_text("drive.gpx");
    // The first coordinates as the file writes them ("48.7758488"), as numbers print, and to
    // 4 decimals (about 10 m).
    let attributes = text.split("lat=\"").skip(1).take(5).chain(text.split("lon=\"").skip(1).take(5));
    for attribute in attributes {
        let written = &attribute[..attribute.find('"').unwrap()];
        let value: f64 = written.parse().unwrap();
        for needle in [written.to_string(), value.to_string(), format!("{value:.4}")] {
            assert!(!json.contains(&needle), "{needle} is in {json}");
        }
    }
    // No fix time but the trips' starts and ends.
    let ends: Vec<i64> = trips.iter().flat_map(|t| [t.start, t.end]).collect();
    for (_, _, t) in gpx_fixes(&bytes).into_iter().flatten() {
        if !ends.contains(&t) {
            assert!(!json.contains(&t.to_string()) && !json.contains(&format_time(t)), "fix time {t} is in {json}");
        }
    }
}

#[test]
fn a_european_semicolon_export_reads_into_trips_in_start_order() {
    // Newest first, `;`, decimal commas, DD.MM.YYYY HH:MM, addresses in "From"/"To", a blank
    // line, CRLF; only distances, so the odometer continues from 12 480 km.
    let trips = trips_from_csv("trips-semicolon.csv", &fixture_text("trips-semicolon.csv"), "EV-1", 12_480.0).unwrap();
    let expected = [
        // 04.09.2025 12:05 to 12:19, 6,8 km, 1,1 kWh
        (1_756_987_500, 1_756_988_340, 12_480.0, 12_486.8, 1.1, 0, 0),
        // 05.09.2025 07:41 to 08:15, 23,1 km, 4,2 kWh, one harsh braking
        (1_757_058_060, 1_757_060_100, 12_486.8, 12_509.9, 4.2, 1, 0),
        // 05.09.2025 17:32 to 18:04, 23,4 km, 3,9 kWh, one harsh acceleration
        (1_757_093_520, 1_757_095_440, 12_509.9, 12_533.3, 3.9, 0, 1),
    ];
    assert_eq!(trips.len(), expected.len());
    for (t, &(start, end, odometer_start, odometer_end, kwh, brakes, accelerations)) in trips.iter().zip(&expected) {
        assert_eq!((t.vehicle.as_str(), t.start, t.end), ("EV-1", start, end));
        assert!(close(t.odometer_start_km, odometer_start) && close(t.odometer_end_km, odometer_end), "{t:?}");
        assert!(close(t.energy_kwh, kwh), "{t:?}");
        assert_eq!((t.hard_brakes, t.hard_accelerations), (brakes, accelerations));
    }
}

#[test]
fn a_comma_export_with_odometers_reads_into_trips() {
    let trips = trips_from_csv("trips.csv", &fixture_text("trips.csv"), "EV-1", 0.0).unwrap();
    let trip = |start: i64, end: i64, odometer: (f64, f64), energy_kwh: f64, hard_brakes: u32, hard_accelerations: u32| TripSummary {
        vehicle: "EV-DEMO-01".into(),
        start,
        end,
        odometer_start_km: odometer.0,
        odometer_end_km: odometer.1,
        energy_kwh,
        hard_brakes,
        hard_accelerations,
    };
    assert_eq!(
        trips,
        vec![
            // 2025-09-01T07:42:00+02:00 to 08:21:00+02:00
            trip(1_756_705_320, 1_756_707_660, (12_480.2, 12_512.9), 5.1, 1, 0),
            trip(1_756_739_100, 1_756_741_230, (12_512.9, 12_545.0), 4.8, 0, 0),
            // "12,545.0": a thousands separator in a quoted cell
            trip(1_756_797_120, 1_756_798_260, (12_545.0, 12_561.3), 2.4, 0, 2),
        ]
    );
    assert_eq!(last_odometer_km(&trips), 12_561.3);
    assert_eq!(last_odometer_km(&[]), 0.0);
}

#[test]
fn csv_dialects_units_and_time_formats() {
    // Tab, lower-case names, miles, Unix seconds and milliseconds, a vehicle column.
    let trips = trips_from_csv("t.tsv", "start\tend\tmiles\tvehicle\n1756987500\t1756988340000\t10\tEV-TAB\n", "EV-1", 100.0).unwrap();
    assert_eq!((trips[0].vehicle.as_str(), trips[0].start, trips[0].end), ("EV-TAB", 1_756_987_500, 1_756_988_340));
    assert!(close(trips[0].odometer_start_km, 100.0) && close(trips[0].odometer_end_km, 100.0 + 10.0 * KM_PER_MILE), "{trips:?}");

    // "Distance (mi)", naive times with a space or a T, read as UTC.
    let trips = trips_from_csv("t.csv", "Start,End,Distance (mi)\n2025-09-04 12:05,2025-09-04T12:19:30,5\n", "EV-1", 0.0).unwrap();
    assert_eq!((trips[0].start, trips[0].end), (1_756_987_500, 1_756_988_370));
    assert!(close(trips[0].distance_km(), 5.0 * KM_PER_MILE), "{trips:?}");

    // Thousands separators, a unit after the number, energy in Wh, "Start (UTC)".
    let text = "Start (UTC);End (UTC);Odometer start;Odometer-End;Energy [Wh]\n2025-09-04 12:05;2025-09-04 12:19;1.234,5;1.240,3 km;1500\n";
    let trips = trips_from_csv("t.csv", text, "EV-1", 0.0).unwrap();
    assert!(close(trips[0].odometer_start_km, 1234.5) && close(trips[0].odometer_end_km, 1240.3) && close(trips[0].energy_kwh, 1.5), "{trips:?}");

    // Excel's "sep=;" line; its lines count for the error.
    let text = "sep=;\nStart;End;km\n04.09.2025 12:05;04.09.2025 12:19;6,8\n";
    let trips = trips_from_csv("t.csv", text, "EV-1", 0.0).unwrap();
    assert_eq!(trips[0].start, 1_756_987_500);
    assert!(close(trips[0].distance_km(), 6.8));
    let e = trips_from_csv("t.csv", &text.replace("12:19", "25:19"), "EV-1", 0.0).unwrap_err().to_string();
    assert!(e.starts_with("t.csv:3: column End: \"04.09.2025 25:19\" is not a time"), "{e}");
}

#[test]
fn csv_errors_name_the_file_line_and_column() {
    let text = fixture_text("trips-semicolon.csv").replace(";6,8;", ";six;");
    let e = trips_from_csv("trips-semicolon.csv", &text, "EV-1", 0.0).unwrap_err();
    assert!(matches!(e, TripFileError::Csv { line: 5, .. }), "{e:?}");
    assert_eq!(e.to_string(), "trips-semicolon.csv:5: column Distance (km): \"six\" is not a number");

    let e = trips_from_csv("short.csv", "Start;End;Energy (kWh)\n04.09.2025 12:05;04.09.2025 12:19;1,1\n", "EV-1", 0.0)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("short.csv: no distance or odometer column"), "{e}");
    assert!(e.ends_with("the columns found are: \"Start\", \"End\", \"Energy (kWh)\""), "{e}");

    let e = trips_from_csv("when.csv", "When,Arrived,km\n2025-09-04 12:05,2025-09-04 12:19,6.8\n", "EV-1", 0.0).unwrap_err().to_string();
    assert_eq!(
        e,
        "when.csv: no start column (accepted names: start, start_time, started, departure, begin, from); \
         the columns found are: \"When\", \"Arrived\", \"km\""
    );
}

#[test]
fn parse_trip_file_picks_the_reader_by_extension_then_by_content() {
    let gpx = fixture("drive.gpx");
    let from_gpx = trips_from_gpx("drive.gpx", &gpx, "EV-1", 12_000.0).unwrap();
    assert_eq!(parse_trip_file("drive.GPX", &gpx, "EV-1", 12_000.0).unwrap(), from_gpx);
    assert_eq!(parse_trip_file("upload", &gpx, "EV-1", 12_000.0).unwrap(), from_gpx);

    let csv = fixture("trips.csv");
    let from_csv = trips_from_csv("trips.csv", &fixture_text("trips.csv"), "EV-1", 0.0).unwrap();
    for path in ["trips.csv", "export.TXT", "-"] {
        assert_eq!(parse_trip_file(path, &csv, "EV-1", 0.0).unwrap(), from_csv, "{path}");
    }

    let json = to_trip_json("EV-9", &from_csv);
    let from_json = parse_trip_json("trips.json", &json).unwrap();
    assert!(from_json.iter().all(|t| t.vehicle == "EV-9"));
    assert_eq!(parse_trip_file("trips.json", json.as_bytes(), "EV-1", 0.0).unwrap(), from_json);
    assert_eq!(parse_trip_file("trips", json.as_bytes(), "EV-1", 0.0).unwrap(), from_json);
    // The extension wins: JSON in a .csv file is read as CSV, which has no start column.
    assert!(matches!(parse_trip_file("trips.csv", json.as_bytes(), "EV-1", 0.0), Err(TripFileError::CsvColumns { .. })));

    // Spreadsheets' other encodings: UTF-16 with its byte-order mark, and Latin-1.
    let text = fixture_text("trips-semicolon.csv");
    let expected = trips_from_csv("trips-semicolon.csv", &text, "EV-1", 0.0).unwrap();
    let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert_eq!(parse_trip_file("trips-semicolon.csv", &utf16, "EV-1", 0.0).unwrap(), expected);
    let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    assert!(std::str::from_utf8(&latin1).is_err());
    assert_eq!(parse_trip_file("trips-semicolon.csv", &latin1, "EV-1", 0.0).unwrap(), expected);
}

/// A GPX 1.0 track as SiRF and Garmin loggers write it: `course`, `speed`, `fix`, `sat` in
/// each point, `bounds`, a waypoint; a second track that repeats the first's fixes before its
/// own (as Garmin Mobile XT does).
fn gpx10_with_a_repeated_track() -> String {
    const T: i64 = 1_275_072_934;
    let step = 15.0 / haversine_m(51.4, 0.0, 51.4, 1.0);
    let point = |i: i64, lon: f64| {
        format!(
            "<trkpt lat=\"51.4000000\" lon=\"{lon:.7}\">\n  <ele>52.0</ele>\n  <time>{}</time>\n  <course>90.1</course>\n  <speed>15.0</speed>\n  <fix>3d</fix>\n  <sat>8</sat>\n</trkpt>\n",
            format_time(T + i)
        )
    };
    let first: String = (0..60).map(|i| point(i, -0.97 + i as f64 * step)).collect();
    let own: String = (0..60).map(|i| point(3600 + i, -0.90 + i as f64 * step)).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.0\" creator=\"GPSBabel\" xmlns=\"http://www.topografix.com/GPX/1/0\">\n<bounds minlat=\"51.3\" minlon=\"-1.0\" maxlat=\"51.5\" maxlon=\"-0.8\"/>\n<wpt lat=\"51.4\" lon=\"-0.9\"><name>Home</name><sym>Flag</sym></wpt>\n<trk><name>A</name><trkseg>\n{first}</trkseg></trk>\n<trk><name>B</name><trkseg>\n{first}{own}</trkseg></trk>\n</gpx>\n"
    )
}

#[test]
fn gpx_1_0_extra_elements_are_skipped_and_a_repeated_track_is_said_and_not_counted() {
    let doc = gpx10_with_a_repeated_track();
    let read = horizon::telemetry::read_trip_file("strk.gpx", doc.as_bytes(), "EV-1", 500.0, &horizon::telemetry::LocalZone::utc()).unwrap();
    assert_eq!(read.trips.len(), 2, "{read:?}");
    assert_eq!(read.notes, ["track 2: 60 repeat fixes of earlier tracks (the same times): skipped as duplicates"]);
    for t in &read.trips {
        assert!((t.distance_km() - 0.885).abs() < 0.002, "59 steps of 15 m: {}", t.distance_km());
    }
    assert_eq!(read.trips[1].odometer_start_km, read.trips[0].odometer_end_km, "the repeat did not advance the odometer");
}

#[test]
fn a_made_up_odometer_is_advanced_only_by_the_trips_the_checks_accept() {
    let doc = gpx_doc(&[(0..60).map(|i| (48.0, 9.0 + i as f64 * 0.0002, 1_757_000_000 + i)).collect()]);
    let earlier = trips_from_gpx("a.gpx", doc.as_bytes(), "EV-1", 100.0).unwrap();
    // The same drive again, then a new one an hour later: the repeat overlaps what was
    // accepted, and must not push the new drive's odometer into a jump.
    let again = gpx_doc(&[
        (0..60).map(|i| (48.0, 9.0 + i as f64 * 0.0002, 1_757_000_000 + i)).collect(),
        (0..60).map(|i| (48.0, 9.1 + i as f64 * 0.0002, 1_757_003_600 + i)).collect(),
    ]);
    let mut read = horizon::telemetry::read_trip_file("b.gpx", again.as_bytes(), "EV-1", earlier[0].odometer_end_km, &horizon::telemetry::LocalZone::utc()).unwrap();
    horizon::telemetry::chain_over_accepted(&earlier, "EV-1", &mut read);
    let verdicts: Vec<bool> = horizon::telemetry::check_trips(&mut horizon::telemetry::TripHistory::of(&earlier), "EV-1", read.trips.clone())
        .iter()
        .map(|c| matches!(c.verdict, horizon::telemetry::Verdict::Accepted { .. }))
        .collect();
    assert_eq!(verdicts, [false, true], "the repeat is refused (an overlap), the new drive accepted: {read:?}");
    assert_eq!(read.trips[1].odometer_start_km, earlier[0].odometer_end_km);
}

fn read_with(name: &str, bytes: &[u8], zone: &str) -> horizon::telemetry::TripsRead {
    horizon::telemetry::read_trip_file(name, bytes, "EV-1", 0.0, &horizon::telemetry::LocalZone::named(zone).unwrap()).unwrap()
}

#[test]
fn a_trip_log_of_start_clocks_and_minutes_with_a_block_listed_twice() {
    // The shape of a Bluelink trip log (Date, Start time as HHMMSS, minutes driven).
    let block = "20230102,160624,6,0,3.0,42,69\n20230103,123318,25,3,27.0,76,102\n";
    let text = format!("Date, Start time, Drive time, Idle time, Distance, Avg speed, Max speed\n{block}20230104,080000,10,1,8.5,51,80\n{block}");
    let read = read_with("tripinfo.csv", text.as_bytes(), "Europe/Amsterdam");
    assert_eq!(read.trips.len(), 3);
    assert_eq!(read.notes[0], "2 rows repeat earlier rows exactly: skipped as duplicates");
    assert!(read.notes[1].contains("local time in Europe/Amsterdam"));
    let t = &read.trips[1];
    // 12:33:18 in Amsterdam in January is 11:33:18 UTC; 25 minutes.
    assert_eq!((format_time(t.start).as_str(), t.end - t.start), ("2023-01-03T11:33:18Z", 1500));
    assert!((t.distance_km() - 27.0).abs() < 1e-9);
}

#[test]
fn odometer_readings_in_latin1_with_quoted_addresses_become_trips_with_the_assumption_said() {
    // The shape of a Bluelink summary: Latin-1, ";" inside quoted addresses, energy negative.
    let text = "date, odometer, distance, -kWh, +kWh, SOC%, 12V%, address\n\
        2023-01-02 16:38, 21848.4, 1.3, 0, 0, 76, 79, \"9;Kwakstraat; Duckstad; Nederland\"\n\
        2023-01-03 12:22, 21857.5, 6.9, -1.5, 0, 74, 79, \"29a; Stra\u{df}e; M\u{fc}nster\"\n\
        2023-01-03 19:32, 21919.9, 62.4, -10.9, 0, 59, 81, \"9;Kwakstraat; Duckstad\"\n";
    let latin1: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let read = read_with("summary.csv", &latin1, "UTC");
    assert_eq!(read.trips.len(), 2);
    assert!(read.notes[0].contains("its start is assumed from an average of 30 km/h"), "{:?}", read.notes);
    let t = &read.trips[1];
    assert_eq!(format_time(t.end), "2023-01-03T19:32:00Z");
    assert_eq!(t.end - t.start, (62.4_f64 / 30.0 * 3600.0).round() as i64);
    assert!((t.odometer_start_km, t.odometer_end_km, t.energy_kwh) == (21857.5, 21919.9, 10.9), "{t:?}");
}

#[test]
fn slash_dates_are_read_in_the_order_the_whole_file_shows_and_said() {
    let us = "Start Time,End Time,Total Distance (mi)\n1/2/2020 9:29,1/2/2020 9:46,11.0\n1/3/2020 10:00,1/3/2020 10:30,5.0\n";
    let read = read_with("hum.csv", us.as_bytes(), "America/New_York");
    assert_eq!(format_time(read.trips[0].start), "2020-01-02T14:29:00Z", "January 2, 9:29 in New York");
    assert!(read.notes.iter().any(|n| n.contains("month/day/year")), "{:?}", read.notes);
    assert!((read.trips[0].distance_km() - 11.0 * KM_PER_MILE).abs() < 1e-9);
    // One date with a first number above 12 turns the whole file to day/month/year.
    let eu = "Start Time,End Time,Total Distance (km)\n1/2/2020 9:29,1/2/2020 9:46,11.0\n13/2/2020 10:00,13/2/2020 10:30,5.0\n";
    let read = read_with("eu.csv", eu.as_bytes(), "UTC");
    assert_eq!(format_time(read.trips[0].start), "2020-02-01T09:29:00Z", "1 February");
    assert!(read.notes.iter().any(|n| n.contains("day/month/year")), "{:?}", read.notes);
    // An unknown zone is a clear error.
    assert!(horizon::telemetry::LocalZone::named("Mars/Olympus").unwrap_err().contains("not a time zone"));
}

#[test]
fn a_per_minute_log_becomes_drives_and_remote_start_is_no_start() {
    // The shape of a TeslaFi export: a row a minute, columns a loose match would misread.
    let mut text = String::from("data_id,Date,remote_start,time_to_full_charge,shift_state,speed,odometer,gui_distance_units\n");
    let rows = [("P", 100.0), ("D", 100.0), ("D", 100.4), ("R", 100.5), ("D", 100.9), ("P", 101.0), ("", 101.0), ("D", 101.0), ("P", 101.02)];
    for (i, (gear, miles)) in rows.iter().enumerate() {
        text.push_str(&format!("{i},\"2016-06-26 11:{:02}:28\",False,0.0,{gear},10,{miles},mi/hr\n", 10 + i));
    }
    let read = read_with("TeslaFi62016.csv", text.as_bytes(), "UTC");
    assert_eq!(read.trips.len(), 1, "the 0.02-mile shuffle is no trip: {read:?}");
    let t = &read.trips[0];
    assert_eq!((format_time(t.start).as_str(), format_time(t.end).as_str()), ("2016-06-26T11:11:28Z", "2016-06-26T11:15:28Z"));
    assert!((t.distance_km() - 1.0 * KM_PER_MILE).abs() < 1e-9);
    assert!(read.notes[0].starts_with("one row per minute (looks like a TeslaFi log)"), "{:?}", read.notes);
}

#[test]
fn a_file_that_cannot_be_read_says_what_it_looks_like_and_what_is_missing() {
    let tesla = "data_id,Date,remote_start,time_to_full_charge,shift_state,speed\n1,\"2016-06-26 11:10:28\",False,0.0,D,10\n";
    let e = parse_trip_file("TeslaFi.csv", tesla.as_bytes(), "EV-1", 0.0).unwrap_err().to_string();
    assert!(e.contains("no start column") && e.contains("one row per minute: this looks like a TeslaFi log, which needs a Date, a shift_state and an odometer column"), "{e}");
    let readings = "odometer,distance\n21848.4,1.3\n";
    let e = parse_trip_file("summary.csv", readings.as_bytes(), "EV-1", 0.0).unwrap_err().to_string();
    assert!(e.contains("looks like a log of odometer readings, which needs a date column"), "{e}");
}
