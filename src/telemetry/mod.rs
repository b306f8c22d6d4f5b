//! Real driving data, desensitised (DESIGN 5): the unit is a trip summary (vehicle
//! pseudonym, start and end, odometer, energy, counts of hard events); no coordinates, no
//! VIN. Summaries are read from files and checked for plausibility before anything is
//! minted for them. Trip files come as this project's JSON, as GPX tracks (summarised on the
//! device, see [`gpx_track`]) or as CSV exports of car apps (see [`csv_trips`]).

pub mod car_signed;
pub mod cells;
pub mod csv_trips;
pub mod gpx_track;
pub mod plausibility;
pub mod trip_logs;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use plausibility::{CheckedTrip, TripHistory, Verdict, check_trips};

/// Format tag of this project's JSON trip files.
pub const TRIPS_FORMAT: &str = "crypto-horizon/trips@1";

/// One trip, as much as leaves the car.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TripSummary {
    /// The car's pseudonym (never its VIN).
    pub vehicle: String,
    /// Start and end, Unix seconds (UTC).
    pub start: i64,
    pub end: i64,
    pub odometer_start_km: f64,
    pub odometer_end_km: f64,
    pub energy_kwh: f64,
    pub hard_brakes: u32,
    pub hard_accelerations: u32,
}

impl TripSummary {
    pub fn distance_km(&self) -> f64 {
        self.odometer_end_km - self.odometer_start_km
    }

    pub fn hours(&self) -> f64 {
        (self.end - self.start) as f64 / 3600.0
    }

    /// UTC day of the start (days since the Unix epoch).
    pub fn day(&self) -> u32 {
        self.start.div_euclid(86_400) as u32
    }

    /// Whole kilometres this trip adds to the odometer's km count: kilometre boundaries
    /// crossed, so that fractions carry over between trips and nothing is counted twice.
    pub fn whole_km(&self) -> u32 {
        (self.odometer_end_km.floor() - self.odometer_start_km.floor()).max(0.0) as u32
    }

    /// SHA-256 of the summary's canonical JSON: what an attestation records.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(serde_json::to_vec(self).expect("plain data serialises")).into()
    }
}

/// What a trip file held, as read: the trips, the kind of file it was (for the report), what
/// was assumed or skipped, and whether the odometer readings were made up by the reader (a
/// track or a file with distances only), so that only accepted trips may advance them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TripsRead {
    pub trips: Vec<TripSummary>,
    pub family: String,
    pub notes: Vec<String>,
    pub odometer_synthesised: bool,
}

/// The time zone that local times without an offset are read in (`horizon import
/// --timezone`, else the machine's zone), with its name for the report.
#[derive(Clone, Debug)]
pub struct LocalZone {
    zone: jiff::tz::TimeZone,
    pub name: String,
}

impl LocalZone {
    pub fn utc() -> LocalZone {
        LocalZone { zone: jiff::tz::TimeZone::UTC, name: "UTC".into() }
    }

    /// The machine's zone (UTC where it has none).
    pub fn system() -> LocalZone {
        let zone = jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC);
        let name = zone.iana_name().unwrap_or("UTC").to_string();
        LocalZone { zone, name }
    }

    /// An IANA zone by name ("Europe/Amsterdam", "America/New_York", "UTC").
    pub fn named(name: &str) -> Result<LocalZone, String> {
        jiff::tz::TimeZone::get(name)
            .map(|zone| LocalZone { zone, name: name.to_string() })
            .map_err(|_| format!("{name:?} is not a time zone this machine knows (an IANA name such as Asia/Shanghai, Europe/Amsterdam or UTC)"))
    }

    /// Unix seconds of a local date and clock in this zone (the earlier reading of a clock
    /// set back, the later of one skipped).
    pub fn unix(&self, year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<i64> {
        let dt = jiff::civil::DateTime::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
            i8::try_from(hour).ok()?,
            i8::try_from(minute).ok()?,
            i8::try_from(second).ok()?,
            0,
        )
        .ok()?;
        self.zone.to_timestamp(dt).ok().map(|t| t.as_second())
    }

    /// The local date ("2026-12-06") and clock ("14:32") of a Unix time in ms.
    pub fn date_and_clock(&self, unix_ms: u64) -> (String, String) {
        let at = jiff::Timestamp::from_millisecond(i64::try_from(unix_ms).unwrap_or(i64::MAX)).unwrap_or(jiff::Timestamp::MAX).to_zoned_datetime(self.zone.clone());
        (at.strftime("%Y-%m-%d").to_string(), at.strftime("%H:%M").to_string())
    }
}

/// A number as a person writes it: thousands separated by commas, at most one decimal
/// (none for whole numbers).
pub fn thousands(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    let whole = rounded.trunc().abs() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    let tenth = ((rounded.abs() - whole as f64) * 10.0).round() as u64;
    if tenth == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{tenth}") }
}

/// A trip file's problem: where and what.
#[derive(Debug, thiserror::Error)]
pub enum TripFileError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Json { path: String, line: usize, column: usize, message: String },
    #[error("{path}: trip {trip}: {message}")]
    Trip { path: String, trip: usize, message: String },
    #[error("{path}: format is {found:?}, not one this version reads ({TRIPS_FORMAT:?}, {:?} or {:?})", car_signed::CAR_TRIPS_FORMAT, car_signed::CAR_PAIRING_FORMAT)]
    Format { path: String, found: String },
    #[error("{path}: not a readable GPX file: {message}")]
    Gpx { path: String, message: String },
    /// `line` is 1-based, as in the file; `column` is the header as written there.
    #[error("{path}:{line}: column {column}: {message}")]
    Csv { path: String, line: usize, column: String, message: String },
    #[error("{path}: no {missing} column (accepted names: {accepted}); the columns found are: {found}")]
    CsvColumns { path: String, missing: String, accepted: String, found: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TripFile {
    format: String,
    vehicle: String,
    trips: Vec<TripRecord>,
}

/// A trip as written in the JSON file: times are RFC 3339 strings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TripRecord {
    start: String,
    end: String,
    odometer_start_km: f64,
    odometer_end_km: f64,
    energy_kwh: f64,
    #[serde(default)]
    hard_brakes: u32,
    #[serde(default)]
    hard_accelerations: u32,
}

fn parse_time(s: &str) -> Result<i64, String> {
    OffsetDateTime::parse(s, &Rfc3339).map(|t| t.unix_timestamp()).map_err(|e| format!("{s:?} is not an RFC 3339 time ({e})"))
}

/// Formats Unix seconds as RFC 3339 (UTC).
pub fn format_time(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix).ok().and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_else(|| unix.to_string())
}

/// Formats Unix milliseconds as RFC 3339 (UTC), to the second.
pub fn format_time_ms(ms: u64) -> String {
    format_time(i64::try_from(ms / 1000).unwrap_or(i64::MAX))
}

/// Parses this project's JSON trip file (see the README for the format). `path` names the
/// file in errors.
pub fn parse_trip_json(path: &str, text: &str) -> Result<Vec<TripSummary>, TripFileError> {
    let file: TripFile = serde_json::from_str(text).map_err(|e| TripFileError::Json {
        path: path.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line").next().unwrap_or_default().to_string(),
    })?;
    if file.format != TRIPS_FORMAT {
        return Err(TripFileError::Format { path: path.into(), found: file.format });
    }
    file.trips
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let err = |message: String| TripFileError::Trip { path: path.into(), trip: i + 1, message };
            let summary = TripSummary {
                vehicle: file.vehicle.clone(),
                start: parse_time(&t.start).map_err(err)?,
                end: parse_time(&t.end).map_err(err)?,
                odometer_start_km: t.odometer_start_km,
                odometer_end_km: t.odometer_end_km,
                energy_kwh: t.energy_kwh,
                hard_brakes: t.hard_brakes,
                hard_accelerations: t.hard_accelerations,
            };
            for (name, v) in [("odometer_start_km", t.odometer_start_km), ("odometer_end_km", t.odometer_end_km), ("energy_kwh", t.energy_kwh)] {
                if !v.is_finite() || v < 0.0 {
                    return Err(err(format!("{name} must be a number ≥ 0, found {v}")));
                }
            }
            Ok(summary)
        })
        .collect()
}

/// Writes trips in this project's JSON format (all for one vehicle).
pub fn to_trip_json(vehicle: &str, trips: &[TripSummary]) -> String {
    let trips: Vec<serde_json::Value> = trips
        .iter()
        .map(|t| {
            serde_json::json!({
                "start": format_time(t.start),
                "end": format_time(t.end),
                "odometer_start_km": t.odometer_start_km,
                "odometer_end_km": t.odometer_end_km,
                "energy_kwh": t.energy_kwh,
                "hard_brakes": t.hard_brakes,
                "hard_accelerations": t.hard_accelerations,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "format": TRIPS_FORMAT, "vehicle": vehicle, "trips": trips }))
        .expect("plain data serialises")
}

/// Reads a trip file of any supported kind (see [`read_trip_file`]), in UTC where its times
/// have no offset.
pub fn parse_trip_file(path: &str, bytes: &[u8], vehicle: &str, odometer_km: f64) -> Result<Vec<TripSummary>, TripFileError> {
    Ok(read_trip_file(path, bytes, vehicle, odometer_km, &LocalZone::utc())?.trips)
}

/// Reads a trip file of any supported kind: by extension (`.gpx`; `.csv`, `.tsv`, `.txt`;
/// `.json`), else by content (`<?xml` or `<gpx`: GPX; `{`: JSON; anything else: CSV). GPX and
/// CSV trips are for `vehicle` and, where the file has no odometer, continue from
/// `odometer_km`; local times without an offset are read in `zone`. JSON files carry their
/// own vehicle and odometer.
pub fn read_trip_file(path: &str, bytes: &[u8], vehicle: &str, odometer_km: f64, zone: &LocalZone) -> Result<TripsRead, TripFileError> {
    let extension = std::path::Path::new(path).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let kind = match extension.as_deref() {
        Some("gpx") => FileKind::Gpx,
        Some("csv" | "tsv" | "txt") => FileKind::Csv,
        Some("json") => FileKind::Json,
        _ => sniff_kind(bytes),
    };
    match kind {
        FileKind::Gpx => gpx_track::read_gpx(path, bytes, vehicle, odometer_km),
        FileKind::Csv => csv_trips::read_csv(path, &decode_text(bytes), vehicle, odometer_km, zone),
        FileKind::Json => {
            let text = std::str::from_utf8(bytes).map_err(|e| TripFileError::Io {
                path: path.into(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 text ({e})")),
            })?;
            let trips = parse_trip_json(path, text.strip_prefix('\u{feff}').unwrap_or(text))?;
            Ok(TripsRead { trips, family: "trip summaries (JSON)".into(), notes: Vec::new(), odometer_synthesised: false })
        }
    }
}

/// Where the reader made the odometer up (`read.odometer_synthesised`), chains it again over
/// the trips the plausibility checks let advance it, against the car's `accepted` trips: a
/// rejected trip (a repeat of one imported before, an overlap) does not advance it, so the next trip
/// is not "an odometer jump no trip explains". The trips keep their order and distances.
pub fn chain_over_accepted(accepted: &[TripSummary], vehicle: &str, read: &mut TripsRead) {
    if !read.odometer_synthesised || read.trips.is_empty() {
        return;
    }
    let mut history = TripHistory::of(accepted);
    read.trips.sort_by_key(|t| t.start);
    let mut odometer = read.trips[0].odometer_start_km;
    for trip in &mut read.trips {
        let km = trip.distance_km();
        trip.odometer_start_km = odometer;
        trip.odometer_end_km = odometer + km;
        check_trips(&mut history, vehicle, vec![trip.clone()]);
        // Where the checks say the car now is: past an accepted trip, or one refused only for
        // the daily cap (it was driven); not past a repeat or an overlap.
        odometer = history.odometer_km.map_or(odometer, |at| at.max(odometer));
    }
}

/// The odometer reading after the last of `trips` (0 for none): where GPX and CSV trips
/// without odometer readings continue.
pub fn last_odometer_km(trips: &[TripSummary]) -> f64 {
    trips.iter().map(|t| t.odometer_end_km).fold(0.0, f64::max)
}

enum FileKind {
    Gpx,
    Csv,
    Json,
}

fn sniff_kind(bytes: &[u8]) -> FileKind {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let head = &bytes[start..];
    if head.starts_with(b"<?xml") || head.starts_with(b"<gpx") {
        FileKind::Gpx
    } else if head.starts_with(b"{") {
        FileKind::Json
    } else {
        FileKind::Csv
    }
}

/// Text as spreadsheets save it: UTF-8 (with or without a byte-order mark), UTF-16 with a
/// byte-order mark ("Unicode text"), else Latin-1 byte for byte (a Windows-1252 export then
/// differs only in a few symbols; the header names and numbers that matter are ASCII).
pub(crate) fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return decode_utf16(rest, u16::from_le_bytes).into();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return decode_utf16(rest, u16::from_be_bytes).into();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect::<String>().into(),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}
