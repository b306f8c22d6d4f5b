//! CSV trip exports as car apps write them (DESIGN 5): one trip a line, columns found by their
//! header. Every app writes its own dialect, so this reader is liberal:
//!
//! - the delimiter is `,`, `;` or tab, whichever the header line has most of (or the one an
//!   Excel `sep=;` line names); cells may be quoted; blank lines, and lines with neither a
//!   start nor an end (totals, notes), are skipped; columns not listed here are ignored;
//! - headers match in any case, with spaces, dashes and dots read as `_` and a unit in
//!   parentheses or brackets at the end read as the unit: "Distance (km)" is `distance` in km,
//!   "Energy [kWh]" is `energy` in kWh;
//! - the names each column may have are in [`Field::names`]; when a file has several, the
//!   first listed wins ("Start" over "From", which is often an address);
//! - distances and odometers in km, m or miles ("Distance (mi)", "Miles", "distance_mi");
//!   energy in kWh or Wh;
//! - numbers with a decimal point, or a decimal comma where the delimiter is `;` or tab, with
//!   thousands separators ("1.234,5", "1,234.5", "12 345") and a unit after them ("12,5 km");
//! - times as RFC 3339, Unix seconds (milliseconds when 13 digits or more), or a local date
//!   and clock (`YYYY-MM-DD HH:MM[:SS]`, `DD.MM.YYYY …`, `M/D/YYYY …`, or a date column
//!   beside a start column holding only the clock) in the caller's time zone; slash dates
//!   month first unless the file shows otherwise;
//! - a start and a duration instead of an end; rows repeated exactly are skipped.
//!
//! Each trip needs a start, an end, and the odometer at start and end or a distance (or one
//! odometer reading and the distance). With only a distance the odometer continues from the
//! reading the caller gives, trip after trip in start order. Energy is optional (0: unknown),
//! and so are the counts of hard events (0) and the vehicle (the caller's).
//!
//! Logs of readings rather than trips (odometer readings, a row a minute) are `trip_logs`';
//! how cells write numbers and times is `cells`'. (Over 400 lines: one reader and its
//! dialect table.)


pub use super::cells::KM_PER_MILE;
use super::cells::{ClockReader, parse_number};
use super::{TripFileError, TripSummary};


/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Start,
    End,
    OdometerStart,
    OdometerEnd,
    Distance,
    Energy,
    HardBrakes,
    HardAccelerations,
    Vehicle,
    /// The day, where the start column holds only the clock (Bluelink: `Date`, `Start time`).
    Date,
    /// How long the trip took, where there is no end column (minutes, or H:MM:SS).
    Duration,
}

/// What a column's unit converts: lengths to km, energy to kWh; the others have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quantity {
    Length,
    Energy,
    Other,
}

impl Field {
    /// The header names accepted (lower case, `_` for spaces, dashes and dots, without the
    /// unit), the most specific first.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Field::Start => &["start", "start_time", "started", "departure", "begin", "from"],
            Field::End => &["end", "end_time", "ended", "arrival", "finish", "to"],
            Field::OdometerStart => &["odometer_start", "odometer_start_km", "start_odometer", "mileage_start", "starting_odometer"],
            Field::OdometerEnd => &["odometer_end", "odometer_end_km", "end_odometer", "mileage_end", "ending_odometer"],
            Field::Distance => &["distance", "distance_km", "km", "trip_distance", "total_distance", "miles", "mi"],
            Field::Energy => &["energy", "energy_kwh", "kwh", "consumption_kwh", "energy_used", "energy_consumed"],
            Field::HardBrakes => &["hard_brakes", "harsh_braking", "hard_braking", "harsh_brakes"],
            Field::HardAccelerations => &["hard_accelerations", "harsh_acceleration", "hard_acceleration", "harsh_accelerations"],
            Field::Vehicle => &["vehicle", "car", "pseudonym"],
            Field::Date => &["date", "day", "trip_date"],
            Field::Duration => &["duration", "drive_time", "trip_time", "driving_time", "travel_time"],
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Field::Start => "start",
            Field::End => "end",
            Field::OdometerStart => "odometer start",
            Field::OdometerEnd => "odometer end",
            Field::Distance => "distance",
            Field::Energy => "energy",
            Field::HardBrakes => "hard brakes",
            Field::HardAccelerations => "hard accelerations",
            Field::Vehicle => "vehicle",
            Field::Date => "date",
            Field::Duration => "duration",
        }
    }

    fn quantity(self) -> Quantity {
        match self {
            Field::OdometerStart | Field::OdometerEnd | Field::Distance => Quantity::Length,
            Field::Energy => Quantity::Energy,
            Field::Start | Field::End | Field::HardBrakes | Field::HardAccelerations | Field::Vehicle | Field::Date | Field::Duration => Quantity::Other,
        }
    }
}

/// Kilometres per unit of length, kWh per unit of energy; `None` for a unit not understood.
fn unit_scale(quantity: Quantity, unit: &str) -> Option<f64> {
    match quantity {
        Quantity::Length => match unit {
            "km" | "kilometres" | "kilometers" => Some(1.0),
            "mi" | "mile" | "miles" => Some(KM_PER_MILE),
            "m" | "metres" | "meters" => Some(0.001),
            _ => None,
        },
        Quantity::Energy => match unit {
            "kwh" => Some(1.0),
            "wh" => Some(0.001),
            _ => None,
        },
        Quantity::Other => Some(1.0),
    }
}

/// A header cell as written (`text`, for messages) and as matched: `name` in lower case with
/// `_` for spaces, dashes and dots; `unit` from parentheses or brackets at the end, lower case
/// without spaces.
struct Header {
    text: String,
    name: String,
    unit: Option<String>,
}

impl Header {
    fn read(text: &str) -> Header {
        let lower = text.trim().to_lowercase();
        let bracketed = lower
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once('('))
            .or_else(|| lower.strip_suffix(']').and_then(|s| s.rsplit_once('[')));
        let (name, unit) = match bracketed {
            Some((name, unit)) => (name, Some(unit.chars().filter(|c| !c.is_whitespace()).collect::<String>())),
            None => (lower.as_str(), None),
        };
        let mut normalised = String::with_capacity(name.len());
        for c in name.trim().chars() {
            let c = if matches!(c, ' ' | '\t' | '-' | '.' | '/') { '_' } else { c };
            if c == '_' && (normalised.is_empty() || normalised.ends_with('_')) {
                continue;
            }
            normalised.push(c);
        }
        while normalised.ends_with('_') {
            normalised.pop();
        }
        Header { text: text.trim().to_string(), name: normalised, unit: unit.filter(|u| !u.is_empty()) }
    }
}

/// A column found: where, its header as written, and the factor to km or kWh.
struct Column {
    index: usize,
    header: String,
    scale: f64,
    unit: Option<String>,
}

/// The column for `field`: the first of its names that a header has (also with a unit suffix,
/// "distance_mi", or with its unit in brackets completing the name, "Consumption (kWh)").
fn find_column(path: &str, line: usize, field: Field, headers: &[Header]) -> Result<Option<Column>, TripFileError> {
    let quantity = field.quantity();
    let matches = |header: &Header, name: &str| {
        header.name == name
            || header.unit.as_ref().is_some_and(|unit| format!("{}_{unit}", header.name) == name)
            || (quantity != Quantity::Other
                && header
                    .name
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .is_some_and(|unit| unit_scale(quantity, unit).is_some()))
    };
    let Some(index) = field.names().iter().find_map(|&name| headers.iter().position(|header| matches(header, name))) else {
        return Ok(None);
    };
    let header = &headers[index];
    let scale = match &header.unit {
        Some(unit) => unit_scale(quantity, unit).ok_or_else(|| TripFileError::Csv {
            path: path.into(),
            line,
            column: header.text.clone(),
            message: format!(
                "the unit {unit:?} is not understood for the {} (accepted: {})",
                field.describe(),
                if quantity == Quantity::Energy { "kWh, Wh" } else { "km, m, mi" }
            ),
        })?,
        // A unit at the end of the name: "distance_mi", "miles", "odometer_start_km".
        None => header.name.rsplit('_').next().and_then(|last| unit_scale(quantity, last)).unwrap_or(1.0),
    };
    Ok(Some(Column { index, header: header.text.clone(), scale, unit: header.unit.clone() }))
}

fn found_list(headers: &[Header]) -> String {
    let found: Vec<String> = headers.iter().filter(|h| !h.text.is_empty()).map(|h| format!("{:?}", h.text)).collect();
    if found.is_empty() { "none".into() } else { found.join(", ") }
}

/// The delimiter a header line uses most; on a tie tab, then `;`, then `,`.
fn sniff_delimiter(line: &str) -> u8 {
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| line.bytes().filter(|&b| b == d).count()).unwrap_or(b',')
}

/// The line a record starts on, counting from 1 in `body`: the reader's position is where
/// the previous record ended, before the blank lines it skipped.
fn record_line(body: &str, position: Option<&csv::Position>) -> usize {
    let Some(position) = position else { return 0 };
    let rest = body.as_bytes().get(position.byte() as usize..).unwrap_or_default();
    let blank_lines = rest.iter().take_while(|&&b| b == b'\r' || b == b'\n').filter(|&&b| b == b'\n').count();
    position.line() as usize + blank_lines
}

/// A trip's odometer as the file gives it: both readings, or only the distance driven.
enum Odometer {
    Read(f64, f64),
    Continues(f64),
}

struct Row {
    vehicle: String,
    start: i64,
    end: i64,
    odometer: Odometer,
    energy_kwh: f64,
    hard_brakes: u32,
    hard_accelerations: u32,
}

/// Reads a CSV trip export (see the module docs) into trip summaries, in start order.
/// `vehicle` is the car unless the file has a vehicle column; trips without odometer readings
/// continue from `odometer_km`. `path` names the file in errors, which give the line (as in
/// the file) and the column's header.
pub fn trips_from_csv(path: &str, text: &str, vehicle: &str, odometer_km: f64) -> Result<Vec<TripSummary>, TripFileError> {
    Ok(read_csv(path, text, vehicle, odometer_km, &super::LocalZone::utc())?.trips)
}

/// Reads a CSV trip export (see the module docs), local times in `zone`.
pub fn read_csv(path: &str, text: &str, vehicle: &str, odometer_km: f64, zone: &super::LocalZone) -> Result<super::TripsRead, TripFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let no_header = || TripFileError::CsvColumns {
        path: path.into(),
        missing: Field::Start.describe().into(),
        accepted: Field::Start.names().join(", "),
        found: "none (the file has no header line)".into(),
    };

    // The header is the first line that is not blank; Excel may put "sep=;" before it.
    let mut delimiter = None;
    let mut header_at = None;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\r', '\n']);
        if let Some(sep) = bare.strip_prefix("sep=").filter(|sep| sep.len() == 1) {
            delimiter = Some(sep.as_bytes()[0]);
        } else if !bare.trim().is_empty() {
            delimiter = delimiter.or(Some(sniff_delimiter(bare)));
            header_at = Some((offset, i + 1));
            break;
        }
        offset += line.len();
    }
    let Some((header_offset, header_line)) = header_at else {
        return Err(no_header());
    };
    let delimiter = delimiter.unwrap_or(b',');
    let decimal_comma = delimiter != b',';
    let body = &text[header_offset..];
    let line_of = |position: Option<&csv::Position>| record_line(body, position) + header_line - 1;
    let csv_error = |e: csv::Error| TripFileError::Csv { path: path.into(), line: line_of(e.position()), column: "-".into(), message: e.to_string() };

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let mut records = reader.records();
    let headers: Vec<Header> = match records.next() {
        Some(record) => record.map_err(&csv_error)?.iter().map(Header::read).collect(),
        None => return Err(no_header()),
    };

    let mut records_read: Vec<(usize, csv::StringRecord)> = Vec::new();
    for record in records {
        let record = record.map_err(&csv_error)?;
        records_read.push((line_of(record.position()), record));
    }
    let names: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
    let table = super::trip_logs::Table { path, header_line, headers: &names, rows: &records_read, decimal_comma, vehicle, zone };
    if let Some(read) = super::trip_logs::read_log(&table)? {
        return Ok(read);
    }

    let find = |field: Field| find_column(path, header_line, field, &headers);
    let missing = |field: Field| TripFileError::CsvColumns {
        path: path.into(),
        missing: field.describe().into(),
        accepted: field.names().join(", "),
        found: format!("{}{}", found_list(&headers), super::trip_logs::family_hint(&names)),
    };
    let start = find(Field::Start)?.ok_or_else(|| missing(Field::Start))?;
    let duration = find(Field::Duration)?;
    let end = match find(Field::End)? {
        Some(end) => Some(end),
        None if duration.is_some() => None,
        None => return Err(missing(Field::End)),
    };
    let date_column = find(Field::Date)?;
    // Dates like 1/2/2020: month or day first, decided from the whole file.
    let time_columns: Vec<usize> = [Some(&start), end.as_ref(), date_column.as_ref()].into_iter().flatten().map(|c| c.index).collect();
    let month_first = slash_order(records_read.iter().flat_map(|(_, r)| time_columns.iter().filter_map(|&i| r.get(i))));
    let clock = ClockReader { zone, month_first: month_first.unwrap_or(true), local: std::cell::Cell::new(false) };
    let mut notes = Vec::new();
    let odometer_start = find(Field::OdometerStart)?;
    let odometer_end = find(Field::OdometerEnd)?;
    let distance = find(Field::Distance)?;
    if distance.is_none() && (odometer_start.is_none() || odometer_end.is_none()) {
        return Err(TripFileError::CsvColumns {
            path: path.into(),
            missing: "distance or odometer".into(),
            accepted: format!(
                "{} for the distance, or {} and {} for the odometer",
                Field::Distance.names().join(", "),
                Field::OdometerStart.names().join(", "),
                Field::OdometerEnd.names().join(", ")
            ),
            found: format!("{}{}", found_list(&headers), super::trip_logs::family_hint(&names)),
        });
    }
    let energy = find(Field::Energy)?;
    let hard_brakes = find(Field::HardBrakes)?;
    let hard_accelerations = find(Field::HardAccelerations)?;
    let vehicle_column = find(Field::Vehicle)?;

    let mut rows: Vec<Row> = Vec::new();
    let mut seen_rows = std::collections::HashSet::new();
    let mut repeated = 0usize;
    for (line, record) in &records_read {
        let line = *line;
        if !seen_rows.insert(record.iter().collect::<Vec<&str>>().join("\u{1f}")) {
            // The same row again (an export that lists a block of trips twice).
            repeated += 1;
            continue;
        }
        let cell = |column: &Column| record.get(column.index).filter(|s| !s.is_empty());
        if cell(&start).is_none() && end.as_ref().and_then(cell).is_none() {
            continue;
        }
        let err = |column: &Column, message: String| TripFileError::Csv { path: path.into(), line, column: column.header.clone(), message };
        let time = |column: &Column| match cell(column) {
            Some(s) => {
                // A bare clock (160624, 16:06) takes its day from the date column.
                let with_date = date_column.as_ref().and_then(cell).filter(|_| is_bare_clock(s));
                match with_date {
                    Some(day) => clock.date_and_clock(day, s).map_err(|message| err(column, message)),
                    None => clock.parse(s).map_err(|message| err(column, message)),
                }
            }
            None => Err(err(column, "the cell is empty".into())),
        };
        let amount = |column: Option<&Column>| -> Result<Option<f64>, TripFileError> {
            let Some(column) = column else { return Ok(None) };
            let Some(s) = cell(column) else { return Ok(None) };
            let v = parse_number(s, decimal_comma).map_err(|message| err(column, message))?;
            if v < 0.0 {
                return Err(err(column, format!("{s:?} is negative")));
            }
            Ok(Some(v * column.scale))
        };
        let count = |column: Option<&Column>| -> Result<u32, TripFileError> {
            let Some(column) = column else { return Ok(0) };
            match amount(Some(column))? {
                None => Ok(0),
                Some(v) if v.fract() == 0.0 && v <= f64::from(u32::MAX) => Ok(v as u32),
                Some(_) => Err(err(column, format!("{:?} is not a whole number", cell(column).unwrap_or_default()))),
            }
        };

        let trip_start = time(&start)?;
        let trip_end = match (&end, &duration) {
            (Some(end), _) => time(end)?,
            (None, Some(d)) => {
                let text = cell(d).ok_or_else(|| err(d, "the cell is empty".into()))?;
                trip_start + parse_duration_s(text, d.unit.as_deref()).map_err(|message| err(d, message))?
            }
            (None, None) => unreachable!("checked with the headers"),
        };
        let odometer = match (amount(odometer_start.as_ref())?, amount(odometer_end.as_ref())?, amount(distance.as_ref())?) {
            (Some(from), Some(to), _) => Odometer::Read(from, to),
            (Some(from), None, Some(km)) => Odometer::Read(from, from + km),
            (None, Some(to), Some(km)) => Odometer::Read(to - km, to),
            (None, None, Some(km)) => Odometer::Continues(km),
            (_, _, None) => {
                let column = distance.as_ref().or(odometer_start.as_ref()).or(odometer_end.as_ref()).expect("checked with the headers");
                return Err(err(column, "the cell is empty: a trip needs a distance, or the odometer at start and end".into()));
            }
        };
        rows.push(Row {
            vehicle: vehicle_column.as_ref().and_then(|c| cell(c)).unwrap_or(vehicle).to_string(),
            start: trip_start,
            end: trip_end,
            odometer,
            energy_kwh: amount(energy.as_ref())?.unwrap_or(0.0),
            hard_brakes: count(hard_brakes.as_ref())?,
            hard_accelerations: count(hard_accelerations.as_ref())?,
        });
    }

    // Exports often list the newest trip first; odometers continue in time order.
    rows.sort_by_key(|row| row.start);
    let odometer_synthesised = rows.iter().any(|r| matches!(r.odometer, Odometer::Continues(_)));
    if repeated > 0 {
        notes.push(if repeated == 1 {
            "1 row repeats an earlier row exactly: skipped as a duplicate".to_string()
        } else {
            format!("{} rows repeat earlier rows exactly: skipped as duplicates", super::thousands(repeated as f64))
        });
    }
    if clock.local.get() {
        notes.push(format!("times without an offset read as local time in {} (--timezone)", zone.name));
    }
    match month_first {
        Some(true) => notes.push("dates like 1/2/2020 read as month/day/year: no day above 12 stands first in the file".into()),
        Some(false) => notes.push("dates like 1/2/2020 read as day/month/year: a day above 12 stands first in the file".into()),
        None => {}
    }
    let mut odometer_km = odometer_km;
    let trips = rows
        .into_iter()
        .map(|row| {
            let (odometer_start_km, odometer_end_km) = match row.odometer {
                Odometer::Read(from, to) => (from, to),
                Odometer::Continues(km) => (odometer_km, odometer_km + km),
            };
            odometer_km = odometer_end_km;
            TripSummary {
                vehicle: row.vehicle,
                start: row.start,
                end: row.end,
                odometer_start_km,
                odometer_end_km,
                energy_kwh: row.energy_kwh,
                hard_brakes: row.hard_brakes,
                hard_accelerations: row.hard_accelerations,
            }
        })
        .collect();
    let family = if duration.is_some() && end.is_none() { "trip export (CSV, a start and a duration a row)" } else { "trip export (CSV, a trip a row)" };
    Ok(super::TripsRead { trips, family: family.into(), notes, odometer_synthesised })
}

/// Whether `M/D/YYYY` dates in these cells put the month first: `Some(false)` when a first
/// number above 12 shows the day comes first, `Some(true)` otherwise; `None` when there are
/// no such dates.
fn slash_order<'a>(cells: impl Iterator<Item = &'a str>) -> Option<bool> {
    let mut any = false;
    for cell in cells {
        let date = cell.split([' ', 'T']).next().unwrap_or_default();
        let parts: Vec<u32> = date.split('/').filter_map(|p| p.parse().ok()).collect();
        if parts.len() == 3 {
            any = true;
            if parts[0] > 12 {
                return Some(false);
            }
        }
    }
    any.then_some(true)
}

/// A clock alone: `HHMMSS`, `HHMM` or `HH:MM[:SS]`.
fn is_bare_clock(s: &str) -> bool {
    let digits = s.bytes().all(|b| b.is_ascii_digit());
    (digits && (s.len() == 6 || s.len() == 4)) || (s.contains(':') && !s.contains(['-', '/', '.', ' ', 'T']))
}

/// A duration in seconds: `H:MM:SS` or `M:SS`... read as H:MM[:SS]; a number in the column's
/// unit (minutes when it names none: "Drive time").
fn parse_duration_s(cell: &str, unit: Option<&str>) -> Result<i64, String> {
    let bad = || format!("{cell:?} is not a duration (minutes, or H:MM:SS)");
    if cell.contains(':') {
        let parts: Vec<i64> = cell.split(':').map(|p| p.trim().parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
        return match parts.as_slice() {
            [h, m] => Ok(h * 3600 + m * 60),
            [h, m, s] => Ok(h * 3600 + m * 60 + s),
            _ => Err(bad()),
        };
    }
    let v: f64 = cell.trim().parse().map_err(|_| bad())?;
    let scale = match unit {
        None | Some("min" | "mins" | "minutes") => 60.0,
        Some("s" | "sec" | "seconds") => 1.0,
        Some("h" | "hours") => 3600.0,
        Some(other) => return Err(format!("the unit {other:?} is not understood for a duration (accepted: min, s, h)")),
    };
    if !(v.is_finite() && v >= 0.0) {
        return Err(bad());
    }
    Ok((v * scale).round() as i64)
}

