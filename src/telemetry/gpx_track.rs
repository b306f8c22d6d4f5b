//! GPX tracks (DESIGN 5), summarised on the device: a phone or logger records where the car
//! was every second or so, and only trip summaries leave this module. Distance by
//! great-circle geometry, duration from the first and last fix, and hard accelerations and
//! brakes estimated from the speed profile. No coordinate and no fix time other than a trip's
//! start and end is kept.
//!
//! GPX knows neither the odometer nor the energy: the trips continue the odometer reading
//! given by the caller, and their `energy_kwh` is 0, which means unknown (the twin leaves such
//! trips out of its efficiency).

use std::collections::HashSet;

use quick_xml::events::Event;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{TripFileError, TripSummary, TripsRead};

/// Mean Earth radius (IUGG), metres: the sphere closest to WGS84 on average; haversine on
/// it is within about 0.5 % of the ellipsoidal distance.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// A longer silence between two fixes is a parked car: the track is split into two trips.
pub const PARKED_GAP_S: f64 = 600.0;
/// Faster than any car between two fixes (252 km/h): the step is a GPS jump and is skipped.
pub const MAX_STEP_SPEED_MPS: f64 = 70.0;
/// Harder than ordinary driving (about 0.3 g), where insurers' telematics draw the line.
pub const HARD_ACCELERATION_MPS2: f64 = 3.0;
/// Braking harder than for an ordinary stop (about 0.36 g).
pub const HARD_BRAKE_MPS2: f64 = 3.5;

/// Great-circle distance in metres between two points given in degrees.
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let half_dphi = (phi2 - phi1) / 2.0;
    let half_dlambda = (lon2 - lon1).to_radians() / 2.0;
    let h = half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// One timed fix, held only while its trip is summarised.
#[derive(Clone, Copy)]
struct Fix {
    lat: f64,
    lon: f64,
    /// Unix seconds with the fraction, for speeds.
    t: f64,
    /// Whole Unix seconds, for the summary.
    unix: i64,
}

/// Reads a GPX file's tracks into trip summaries for `vehicle` (see [`read_gpx`]).
pub fn trips_from_gpx(path: &str, bytes: &[u8], vehicle: &str, odometer_km: f64) -> Result<Vec<TripSummary>, TripFileError> {
    Ok(read_gpx(path, bytes, vehicle, odometer_km)?.trips)
}

/// Reads a GPX 1.0 or 1.1 file's tracks: one trip per track segment, split where the fixes
/// pause for more than [`PARKED_GAP_S`]. Only `trk`/`trkseg`/`trkpt` with their `lat`, `lon`
/// and `time` are read; every other element (GPX 1.0's `course`, `speed`, `fix`, `sat`,
/// extensions, routes, waypoints) is skipped. A fix at a time already seen earlier in the
/// file (a track that repeats another) is a duplicate and is skipped, and said. The first
/// trip starts at `odometer_km` and each next one where the previous ended. Every fix must
/// have a time; segments that went nowhere give no trip.
pub fn read_gpx(path: &str, bytes: &[u8], vehicle: &str, odometer_km: f64) -> Result<TripsRead, TripFileError> {
    let text = super::decode_text(bytes);
    let gpx_error = |position: u64, message: String| TripFileError::Gpx { path: path.into(), message: format!("line {}: {message}", line_at(&text, position)) };
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut segments: Vec<Vec<Fix>> = Vec::new();
    let mut run: Vec<Fix> = Vec::new();
    let (mut track, mut segment, mut point) = (0usize, 0usize, 0usize);
    let mut saw_gpx = false;
    // The point being read: its place, and its time's text while inside `<time>`.
    let mut open: Option<(f64, f64, String)> = None;
    let mut in_time = false;
    let mut seen_times: HashSet<i64> = HashSet::new();
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| gpx_error(reader.error_position(), e.to_string()))?;
        match event {
            Event::Empty(e) if e.local_name().as_ref() == "trkpt" => {
                point += 1;
                return Err(TripFileError::Trip { path: path.into(), trip: segments.len() + 1, message: format!("track {track}, segment {segment}, point {point} has no time") });
            }
            Event::Start(e) if e.local_name().as_ref() == "trkpt" => {
                point += 1;
                let attribute = |name: &str| -> Result<f64, TripFileError> {
                    let value = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .ok_or_else(|| gpx_error(position, format!("track {track}, point {point} has no {name}")))?;
                    let v: f64 = value.value.trim().parse().map_err(|_| gpx_error(position, format!("track {track}, point {point}: {name}={:?} is not a number", value.value)))?;
                    let limit = if name == "lat" { 90.0 } else { 180.0 };
                    if !v.is_finite() || v.abs() > limit {
                        return Err(gpx_error(position, format!("track {track}, point {point}: {name}={v} is outside ±{limit}°")));
                    }
                    Ok(v)
                };
                open = Some((attribute("lat")?, attribute("lon")?, String::new()));
            }
            Event::Start(e) => match e.local_name().as_ref() {
                "gpx" => saw_gpx = true,
                "trk" => {
                    track += 1;
                    segment = 0;
                    point = 0;
                }
                "trkseg" => {
                    segment += 1;
                    point = 0;
                }
                "time" if open.is_some() => in_time = true,
                _ => {}
            },
            Event::Text(t) if in_time => {
                if let Some((_, _, time)) = &mut open {
                    time.push_str(&t.xml10_content());
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "time" => in_time = false,
                "trkpt" => {
                    let Some((lat, lon, time)) = open.take() else { continue };
                    let Some(at) = parse_fix_time(time.trim()) else {
                        let what = if time.trim().is_empty() { "has no time".to_string() } else { format!("has the time {:?}, which is not an ISO 8601 time", time.trim()) };
                        return Err(TripFileError::Trip { path: path.into(), trip: segments.len() + 1, message: format!("track {track}, segment {segment}, point {point} {what}") });
                    };
                    let fix = Fix { lat, lon, t: at.unix_timestamp() as f64 + f64::from(at.nanosecond()) * 1e-9, unix: at.unix_timestamp() };
                    if !seen_times.insert((fix.t * 1000.0).round() as i64) {
                        match repeats.last_mut() {
                            Some((t, n)) if *t == track => *n += 1,
                            _ => repeats.push((track, 1)),
                        }
                        continue;
                    }
                    if run.last().is_some_and(|last| fix.t - last.t > PARKED_GAP_S) {
                        segments.push(std::mem::take(&mut run));
                    }
                    run.push(fix);
                }
                "trkseg" | "trk" => segments.push(std::mem::take(&mut run)),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_gpx {
        return Err(TripFileError::Gpx { path: path.into(), message: "there is no <gpx> element: this is not a GPX file".into() });
    }
    segments.push(run);
    let mut odometer_km = odometer_km;
    let trips: Vec<TripSummary> = segments.iter().filter_map(|fixes| summarise(fixes, vehicle, &mut odometer_km)).collect();
    let notes = repeats
        .into_iter()
        .map(|(track, n)| format!("track {track}: {} repeat fixes of earlier tracks (the same times): skipped as duplicates", super::thousands(n as f64)))
        .collect();
    Ok(TripsRead { trips, family: "GPX track".into(), notes, odometer_synthesised: true })
}

/// A fix's time: ISO 8601 with an offset (RFC 3339), or without one, read as UTC (GPX
/// times are UTC by the standard).
fn parse_fix_time(s: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let naive = time::PrimitiveDateTime::parse(s, &time::format_description::well_known::Iso8601::DEFAULT).ok()?;
    Some(naive.assume_utc())
}

/// The 1-based line of byte `position` in `text`.
fn line_at(text: &str, position: u64) -> usize {
    let end = (position as usize).min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The summary of one run of fixes, advancing `odometer_km`; `None` when it went nowhere.
fn summarise(run: &[Fix], vehicle: &str, odometer_km: &mut f64) -> Option<TripSummary> {
    let (first, last) = (run.first()?, run.last()?);
    let mut distance_m = 0.0;
    // (time, speed in m/s) of each step that counts, at the middle of the step.
    let mut speeds: Vec<(f64, f64)> = Vec::with_capacity(run.len());
    for step in run.windows(2) {
        let (a, b) = (step[0], step[1]);
        let dt = b.t - a.t;
        if dt <= 0.0 {
            continue;
        }
        let d = haversine_m(a.lat, a.lon, b.lat, b.lon);
        if d / dt > MAX_STEP_SPEED_MPS {
            continue;
        }
        distance_m += d;
        speeds.push(((a.t + b.t) / 2.0, d / dt));
    }
    if run.len() < 2 || distance_m <= 0.0 {
        return None;
    }
    let (hard_accelerations, hard_brakes) = hard_events(&speeds);
    let odometer_start_km = *odometer_km;
    *odometer_km += distance_m / 1000.0;
    Some(TripSummary {
        vehicle: vehicle.into(),
        start: first.unix,
        end: last.unix,
        odometer_start_km,
        odometer_end_km: *odometer_km,
        energy_kwh: 0.0,
        hard_brakes,
        hard_accelerations,
    })
}

/// Counts (hard accelerations, hard brakes) in a speed profile of (time, m/s) samples. Speeds
/// from GPS fixes are noisy, so they are smoothed with a 3-sample moving average first; each
/// run of successive accelerations beyond a threshold is one event.
fn hard_events(speeds: &[(f64, f64)]) -> (u32, u32) {
    let smoothed: Vec<(f64, f64)> = (0..speeds.len())
        .map(|i| {
            let window = &speeds[i.saturating_sub(1)..(i + 2).min(speeds.len())];
            (speeds[i].0, window.iter().map(|&(_, v)| v).sum::<f64>() / window.len() as f64)
        })
        .collect();
    let (mut accelerations, mut brakes) = (0, 0);
    let (mut accelerating, mut braking) = (false, false);
    for pair in smoothed.windows(2) {
        let dt = pair[1].0 - pair[0].0;
        if dt <= 0.0 {
            continue;
        }
        let a = (pair[1].1 - pair[0].1) / dt;
        if a > HARD_ACCELERATION_MPS2 && !accelerating {
            accelerations += 1;
        }
        if a < -HARD_BRAKE_MPS2 && !braking {
            brakes += 1;
        }
        accelerating = a > HARD_ACCELERATION_MPS2;
        braking = a < -HARD_BRAKE_MPS2;
    }
    (accelerations, brakes)
}
