//! Import throughput (numbers go into the README): reading a 100,000-row CSV trip export and
//! a 1,000,000-point GPX track into trip summaries, as `horizon import` does on the device
//! (the files are generated in memory first; reading is what is timed).
//!
//! Run: `cargo bench --no-default-features --bench import` (add `-- --rows N --points P`).

use std::time::Instant;

use horizon::telemetry::{LocalZone, format_time, read_trip_file};

fn arg_value(name: &str) -> Option<u64> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(|s| s.parse().expect("a number"))
}

fn main() {
    let rows = arg_value("--rows").unwrap_or(100_000);
    let points = arg_value("--points").unwrap_or(1_000_000);
    let t0: i64 = 1_700_000_000;

    // A trip a row, local times, as car apps export them.
    let mut csv = String::from("Start,End,Odometer start (km),Odometer end (km),Energy (kWh)\n");
    for i in 0..rows as i64 {
        let start = t0 + i * 3_600;
        let clock = |t: i64| format_time(t).replace('T', " ").trim_end_matches('Z').to_string();
        csv.push_str(&format!("{},{},{:.1},{:.1},{:.2}\n", clock(start), clock(start + 1_200), 1_000.0 + i as f64 * 12.0, 1_012.0 + i as f64 * 12.0, 2.1));
    }
    let zone = LocalZone::named("Asia/Shanghai").expect("a zone");
    let started = Instant::now();
    let read = read_trip_file("bench.csv", csv.as_bytes(), "EV-BENCH", 0.0, &zone).expect("a readable CSV");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(read.trips.len() as u64, rows);
    println!("csv: {rows} rows ({:.1} MB) in {secs:.2} s = {:.0} rows/s, {:.1} MB/s", csv.len() as f64 / 1e6, rows as f64 / secs, csv.len() as f64 / 1e6 / secs);

    // One fix a second along a road, GPX 1.1, in drives of an hour with a stop between.
    let mut gpx = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"bench\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n<trk><trkseg>\n");
    for i in 0..points as i64 {
        let t = t0 + i + (i / 3_600) * 1_800;
        let lat = 31.2 + (i % 3_600) as f64 * 0.0001;
        gpx.push_str(&format!("<trkpt lat=\"{lat:.7}\" lon=\"121.4700000\"><ele>4.0</ele><time>{}</time></trkpt>\n", format_time(t)));
    }
    gpx.push_str("</trkseg></trk>\n</gpx>\n");
    let started = Instant::now();
    let read = read_trip_file("bench.gpx", gpx.as_bytes(), "EV-BENCH", 0.0, &zone).expect("a readable GPX");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "gpx: {points} points ({:.1} MB) in {secs:.2} s = {:.0} points/s, {:.1} MB/s; {} trips",
        gpx.len() as f64 / 1e6,
        points as f64 / secs,
        gpx.len() as f64 / 1e6 / secs,
        read.trips.len()
    );
}
