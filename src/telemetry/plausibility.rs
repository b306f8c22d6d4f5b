//! Plausibility (DESIGN 5): the odometer never goes back; trips do not overlap; no average
//! speed a car cannot reach; no odometer jump between trips that no trip explains; at most
//! 500 minable km per car per day. A rejected trip gets a reason a player can read and mints
//! nothing; the other trips of the same file still count.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{TripSummary, format_time, thousands};
use crate::economy::mileage::DAILY_KM_CAP;
/// Faster than any road car's average over a trip (the ledger's rule for car-signed trips).
pub use crate::ledger::car::MAX_AVERAGE_SPEED_KMH;
/// Odometer drift between trips that needs no explanation (rounding, a car park).
pub const GAP_TOLERANCE_KM: f64 = 1.0;

/// What the checks know of a car's accepted trips.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TripHistory {
    /// Odometer reading the next trip should start from.
    pub odometer_km: Option<f64>,
    /// Accepted trips' [start, end) intervals, Unix seconds, sorted.
    pub intervals: Vec<(i64, i64)>,
    /// Minable km accepted per UTC day.
    pub day_km: BTreeMap<u32, u32>,
}

impl TripHistory {
    /// The history of a car whose accepted trips are `accepted` (a client's copy of what the
    /// authority accepted).
    pub fn of(accepted: &[TripSummary]) -> TripHistory {
        let mut history = TripHistory::default();
        for t in accepted {
            history.record(t);
        }
        history
    }

    /// Takes a trip accepted without these checks (a car signed it): later self-reported
    /// trips must not overlap it or start below its odometer.
    pub fn record(&mut self, t: &TripSummary) {
        self.odometer_km = Some(self.odometer_km.map_or(t.odometer_end_km, |o| o.max(t.odometer_end_km)));
        let pos = self.intervals.partition_point(|(s, _)| *s < t.start);
        self.intervals.insert(pos, (t.start, t.end));
    }
}

/// The outcome for one trip.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Accepted: `minable_km` whole km may be mined (fewer than driven when the daily cap
    /// bit, which `note` then says).
    Accepted { minable_km: u32, note: Option<String> },
    Rejected { reason: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckedTrip {
    pub trip: TripSummary,
    pub verdict: Verdict,
}

fn day_name(day: u32) -> String {
    format_time(i64::from(day) * 86_400)[..10].to_string()
}

/// Checks `trips` (in start order) against the car's `history` and each other, updating
/// `history` with the accepted ones.
pub fn check_trips(history: &mut TripHistory, vehicle: &str, mut trips: Vec<TripSummary>) -> Vec<CheckedTrip> {
    trips.sort_by(|a, b| a.start.cmp(&b.start).then(a.odometer_start_km.total_cmp(&b.odometer_start_km)));
    trips
        .into_iter()
        .map(|trip| {
            let verdict = match check_one(history, vehicle, &trip) {
                Ok(verdict) => verdict,
                Err(reason) => Verdict::Rejected { reason },
            };
            CheckedTrip { trip, verdict }
        })
        .collect()
}

fn check_one(history: &mut TripHistory, vehicle: &str, t: &TripSummary) -> Result<Verdict, String> {
    if t.vehicle != vehicle {
        return Err(format!("the trip is for vehicle {:?}, but this profile's car is {vehicle:?}", t.vehicle));
    }
    if t.end <= t.start {
        return Err(format!("it ends ({}) before it starts ({})", format_time(t.end), format_time(t.start)));
    }
    if t.odometer_end_km < t.odometer_start_km {
        return Err(format!("the odometer goes back during the trip ({} km → {} km)", thousands(t.odometer_start_km), thousands(t.odometer_end_km)));
    }
    if let Some(last) = history.odometer_km
        && t.odometer_start_km + GAP_TOLERANCE_KM < last
    {
        return Err(format!("the odometer goes back: the trip starts at {} km, but an earlier trip ended at {} km", thousands(t.odometer_start_km), thousands(last)));
    }
    if let Some(&(s, e)) = history.intervals.iter().find(|(s, e)| t.start < *e && *s < t.end) {
        return Err(format!("it overlaps another trip ({} to {})", format_time(s), format_time(e)));
    }
    let speed = t.distance_km() / t.hours();
    if speed > MAX_AVERAGE_SPEED_KMH {
        return Err(format!(
            "an average of {speed:.0} km/h ({:.1} km in {:.0} min) is faster than a car can go",
            t.distance_km(),
            t.hours() * 60.0
        ));
    }
    if let Some(last) = history.odometer_km
        && t.odometer_start_km > last + GAP_TOLERANCE_KM
    {
        // The car did drive those km; they are not paid, but later trips continue from here.
        history.odometer_km = Some(t.odometer_end_km);
        return Err(format!(
            "the odometer jumped {} km since the previous trip ({} km → {} km), which no trip explains",
            thousands(t.odometer_start_km - last),
            thousands(last),
            thousands(t.odometer_start_km)
        ));
    }
    let day = t.day();
    let used = history.day_km.get(&day).copied().unwrap_or(0);
    let minable = t.whole_km().min(DAILY_KM_CAP - used.min(DAILY_KM_CAP));
    history.odometer_km = Some(t.odometer_end_km);
    let pos = history.intervals.partition_point(|(s, _)| *s < t.start);
    history.intervals.insert(pos, (t.start, t.end));
    if minable == 0 && t.whole_km() > 0 {
        return Err(format!("the daily cap of {DAILY_KM_CAP} minable km was already reached on {}", day_name(day)));
    }
    *history.day_km.entry(day).or_default() += minable;
    let note = (minable < t.whole_km()).then(|| {
        format!("{} of {} km are minable: the daily cap of {DAILY_KM_CAP} km was reached on {}", minable, t.whole_km(), day_name(day))
    });
    Ok(Verdict::Accepted { minable_km: minable, note })
}
