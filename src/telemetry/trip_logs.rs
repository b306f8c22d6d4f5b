//! Car apps that log readings rather than trips, found by their columns: a reading of the
//! odometer per row with one date each (Hyundai/Kia Bluelink's trip summary: `date,
//! odometer, distance, -kWh, …`), and one row per minute of the car's state (TeslaFi:
//! `Date, shift_state, odometer, …`). Trips are made from the readings, and what had to be
//! assumed is said in the notes. Header names are matched whole, so `remote_start` is no
//! start and `time_to_full_charge` no trip.

use super::cells::{ClockReader, KM_PER_MILE, parse_number};
use super::{LocalZone, TripFileError, TripSummary, TripsRead};

/// A trip's average speed where a log gives only its end and distance (km/h): a town-and-
/// country pace, so that the start is neither implausibly late nor early.
pub const ASSUMED_AVERAGE_KMH: f64 = 30.0;
/// Gear positions of a car on the move in a TeslaFi log.
const DRIVING_GEARS: [&str; 3] = ["D", "R", "N"];
/// Drives shorter than this (km) are the car moved in a car park, not trips.
const MIN_DRIVE_KM: f64 = 0.1;

/// A CSV file's rows, with its header names as matched (lower case, `_` for spaces).
pub struct Table<'a> {
    pub path: &'a str,
    pub header_line: usize,
    pub headers: &'a [&'a str],
    pub rows: &'a [(usize, csv::StringRecord)],
    pub decimal_comma: bool,
    pub vehicle: &'a str,
    pub zone: &'a LocalZone,
}

impl Table<'_> {
    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| *h == name)
    }

    fn error(&self, line: usize, column: usize, message: String) -> TripFileError {
        TripFileError::Csv { path: self.path.into(), line, column: self.headers.get(column).copied().unwrap_or("-").to_string(), message }
    }
}

/// The trips of a log this module knows, or `None` for a file of one trip a row.
pub fn read_log(table: &Table) -> Result<Option<TripsRead>, TripFileError> {
    let has = |name: &str| table.column(name).is_some();
    let time = table.column("date").or_else(|| table.column("timestamp"));
    if let (Some(time), Some(gear), Some(odometer)) = (time, table.column("shift_state"), table.column("odometer")) {
        return per_minute(table, time, gear, odometer).map(Some);
    }
    let trip_columns = ["start", "start_time", "started", "departure", "begin", "end", "end_time", "odometer_start", "odometer_end"];
    if let (Some(time), Some(odometer)) = (time, table.column("odometer"))
        && !trip_columns.iter().any(|c| has(c))
    {
        return odometer_readings(table, time, odometer).map(Some);
    }
    Ok(None)
}

/// What a file that could not be read looks like, for its error: "" when nothing.
pub fn family_hint(headers: &[&str]) -> String {
    let has = |name: &str| headers.contains(&name);
    if has("shift_state") || (has("data_id") && has("odometer")) {
        return "; one row per minute: this looks like a TeslaFi log, which needs a Date, a shift_state and an odometer column".into();
    }
    if has("odometer") {
        return "; this looks like a log of odometer readings, which needs a date column (one date per reading)".into();
    }
    if has("date") && !has("start") && !has("start_time") {
        return "; a date column alone gives no trip: give the start's clock (Start time) and a duration (Drive time) or an end".into();
    }
    String::new()
}

fn clock<'a>(table: &Table<'a>) -> ClockReader<'a> {
    ClockReader { zone: table.zone, month_first: true, local: std::cell::Cell::new(false) }
}

/// One reading per row: the trip that ended at the row's time, from the previous reading.
fn odometer_readings(table: &Table, time: usize, odometer: usize) -> Result<TripsRead, TripFileError> {
    let clock = clock(table);
    let energy = table.column("kwh").or_else(|| table.column("energy")).or_else(|| table.column("energy_kwh"));
    // (end, odometer km, energy kWh), merged where several rows share a time.
    let mut readings: Vec<(i64, f64, f64)> = Vec::new();
    let mut merged = 0usize;
    for (line, row) in table.rows {
        let Some(when) = row.get(time).filter(|s| !s.is_empty()) else { continue };
        let at = clock.parse(when).map_err(|m| table.error(*line, time, m))?;
        let cell = row.get(odometer).unwrap_or_default();
        let km = parse_number(cell, table.decimal_comma).map_err(|m| table.error(*line, odometer, m))?;
        let kwh = match energy.and_then(|c| row.get(c)).filter(|s| !s.is_empty()) {
            Some(s) => parse_number(s.trim_start_matches('-'), table.decimal_comma).map_err(|m| table.error(*line, energy.unwrap_or(0), m))?,
            None => 0.0,
        };
        match readings.last_mut() {
            Some(last) if last.0 == at => {
                *last = (at, km.max(last.1), last.2 + kwh);
                merged += 1;
            }
            _ => readings.push((at, km, kwh)),
        }
    }
    readings.sort_by_key(|r| r.0);
    let mut trips = Vec::new();
    let mut still = 0usize;
    for pair in readings.windows(2) {
        let ((before, from, _), (end, to, kwh)) = (pair[0], pair[1]);
        if to - from < MIN_DRIVE_KM {
            still += 1;
            continue;
        }
        let assumed_s = ((to - from) / ASSUMED_AVERAGE_KMH * 3600.0).round().max(60.0) as i64;
        let start = (end - assumed_s).max(before + 1);
        trips.push(TripSummary {
            vehicle: table.vehicle.into(),
            start,
            end,
            odometer_start_km: from,
            odometer_end_km: to,
            energy_kwh: kwh,
            hard_brakes: 0,
            hard_accelerations: 0,
        });
    }
    let mut notes = vec![format!(
        "each row is an odometer reading: a trip from the reading before, ending at the row's time; its start is assumed from an average of {ASSUMED_AVERAGE_KMH} km/h (the file has no start times); the first reading starts the count"
    )];
    if merged > 0 {
        notes.push(format!("{merged} {} at the same minute as the row before: read as one trip with it", if merged == 1 { "row" } else { "rows" }));
    }
    if still > 0 {
        notes.push(format!("{still} {} without distance (under {MIN_DRIVE_KM} km): no trip", if still == 1 { "reading" } else { "readings" }));
    }
    if clock.local.get() {
        notes.push(format!("times without an offset read as local time in {} (--timezone)", table.zone.name));
    }
    Ok(TripsRead { trips, family: "odometer readings (CSV, e.g. a Bluelink trip summary)".into(), notes, odometer_synthesised: false })
}

/// One row per minute: drives are runs of rows in gear (D, R, N), from the odometer at the
/// first to the odometer at the row after the last.
fn per_minute(table: &Table, time: usize, gear: usize, odometer: usize) -> Result<TripsRead, TripFileError> {
    let clock = clock(table);
    // The odometer's unit: the file's own setting where it has one, else miles (as Tesla's
    // API reports it).
    let units = table.column("gui_distance_units").and_then(|c| table.rows.iter().filter_map(|(_, r)| r.get(c)).find(|s| !s.is_empty()));
    let scale = if units.is_some_and(|u| u.starts_with("km")) { 1.0 } else { KM_PER_MILE };
    let mut samples: Vec<(usize, i64, bool, Option<f64>)> = Vec::with_capacity(table.rows.len());
    for (line, row) in table.rows {
        let Some(when) = row.get(time).filter(|s| !s.is_empty()) else { continue };
        let at = clock.parse(when).map_err(|m| table.error(*line, time, m))?;
        let driving = row.get(gear).is_some_and(|g| DRIVING_GEARS.contains(&g.trim()));
        let reading = match row.get(odometer).map(str::trim).filter(|s| !s.is_empty() && *s != "None") {
            Some(s) => Some(parse_number(s, table.decimal_comma).map_err(|m| table.error(*line, odometer, m))? * scale),
            None => None,
        };
        samples.push((*line, at, driving, reading));
    }
    samples.sort_by_key(|s| s.1);
    let mut trips = Vec::new();
    let mut i = 0;
    while i < samples.len() {
        if !samples[i].2 {
            i += 1;
            continue;
        }
        let first = i;
        while i < samples.len() && samples[i].2 {
            i += 1;
        }
        // The row after the drive holds where it ended (the car parked); the last row in
        // gear where the log stops.
        let after = samples.get(i).copied().unwrap_or(samples[i - 1]);
        let from = samples[first..i].iter().find_map(|s| s.3);
        let to = [after.3].into_iter().chain(samples[first..i].iter().rev().map(|s| s.3)).flatten().next();
        let (Some(from), Some(to)) = (from, to) else { continue };
        if to - from < MIN_DRIVE_KM {
            continue;
        }
        trips.push(TripSummary {
            vehicle: table.vehicle.into(),
            start: samples[first].1,
            end: after.1.max(samples[first].1 + 60),
            odometer_start_km: from,
            odometer_end_km: to,
            energy_kwh: 0.0,
            hard_brakes: 0,
            hard_accelerations: 0,
        });
    }
    let unit = if scale == 1.0 { "km" } else { "miles" };
    let mut notes = vec![format!(
        "one row per minute (looks like a TeslaFi log): {} drives found from the gear (shift_state D, R or N) and the odometer, read in {unit}{}",
        trips.len(),
        if units.is_some() { " as the file's gui_distance_units says" } else { " (the file does not say; Tesla reports miles)" }
    )];
    if clock.local.get() {
        notes.push(format!("times without an offset read as local time in {} (--timezone)", table.zone.name));
    }
    Ok(TripsRead { trips, family: "a per-minute car log (CSV, TeslaFi)".into(), notes, odometer_synthesised: false })
}
