//! GPX tracks (DESIGN 5), summarised on the device: a phone or logger records where the car
//! was every second or so, and only trip summaries leave this module. Distance by
//! great-circle geometry, duration from the first and last fix, and hard accelerations and
//! brakes estimated from the speed profile. No coordinate and no fix time other than a trip's
//! start and end is kept.
//!
//! GPX knows neither the odometer nor the energy: the trips continue the odometer reading
//! given by the caller, and their `energy_kwh` is 0, which means unknown (the twin leaves such
//! trips out of its efficiency).

use time::OffsetDateTime;

use super::{TripFileError, TripSummary};

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

/// Reads a GPX file's tracks into trip summaries for `vehicle`: one trip per track segment,
/// split where the fixes pause for more than [`PARKED_GAP_S`]. The first trip starts at
/// `odometer_km` and each next one where the previous ended. Every fix must have a time;
/// segments that went nowhere (fewer than two fixes, no distance) give no trip.
pub fn trips_from_gpx(path: &str, bytes: &[u8], vehicle: &str, odometer_km: f64) -> Result<Vec<TripSummary>, TripFileError> {
    let gpx = gpx::read(bytes).map_err(|e| TripFileError::Gpx { path: path.into(), message: error_chain(&e) })?;
    let mut trips: Vec<TripSummary> = Vec::new();
    let mut odometer_km = odometer_km;
    for (track_index, track) in gpx.tracks.iter().enumerate() {
        for (segment_index, segment) in track.segments.iter().enumerate() {
            let mut run: Vec<Fix> = Vec::with_capacity(segment.points.len());
            for (point_index, point) in segment.points.iter().enumerate() {
                let Some(time) = point.time else {
                    return Err(TripFileError::Trip {
                        path: path.into(),
                        trip: trips.len() + 1,
                        message: format!("track {}, segment {}, point {} has no time", track_index + 1, segment_index + 1, point_index + 1),
                    });
                };
                let time: OffsetDateTime = time.into();
                let at = point.point();
                let fix = Fix {
                    lat: at.y(),
                    lon: at.x(),
                    t: time.unix_timestamp() as f64 + f64::from(time.nanosecond()) * 1e-9,
                    unix: time.unix_timestamp(),
                };
                if run.last().is_some_and(|last| fix.t - last.t > PARKED_GAP_S) {
                    trips.extend(summarise(&run, vehicle, &mut odometer_km));
                    run.clear();
                }
                run.push(fix);
            }
            trips.extend(summarise(&run, vehicle, &mut odometer_km));
        }
    }
    Ok(trips)
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

/// An error with its causes: the gpx crate's own messages are terse ("error while parsing
/// XML"), the XML reader underneath says where.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}
