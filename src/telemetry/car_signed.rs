//! Car-signed trips as files: what a telematics unit (or `horizon car`, the simulated one)
//! hands to the owner's app. A car-trips file carries the maker's provisioning of the car
//! and the car's signed trip summaries; a pairing file carries the provisioning and the
//! car's binding of its owner. Statements travel as base64 of their signed bytes (see
//! `ledger::car`), so the file can be read by people and checked by anyone.
//!
//! ```json
//! { "format": "crypto-horizon/car-trips@1", "vehicle": "EV-1",
//!   "provision": "Q0hQMQ…", "trips": ["Q0hUMQ…", …] }
//! { "format": "crypto-horizon/car-pairing@1", "vehicle": "EV-1",
//!   "provision": "Q0hQMQ…", "binding": "Q0hCMQ…" }
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use super::{TripFileError, TripSummary};
use crate::ledger::car::{Binding, CarTrip, Provision, SignedTrip, Statement, TripDetails};

pub const CAR_TRIPS_FORMAT: &str = "crypto-horizon/car-trips@1";
pub const CAR_PAIRING_FORMAT: &str = "crypto-horizon/car-pairing@1";

/// Signs `trip` as the car would, with the car's `counter` and a fresh salt for its
/// details. Times before 1970, negative readings and non-numbers are refused (no car
/// produces them).
pub fn sign_trip(car: &SigningKey, trip: &TripSummary, counter: u64) -> Result<SignedTrip, String> {
    use rand_core::RngCore;
    let seconds = |what: &str, t: i64| u64::try_from(t).map_err(|_| format!("its {what} ({t}) is before 1970"));
    let whole = |what: &str, v: f64| {
        if v.is_finite() && v >= 0.0 { Ok((v * 1000.0).round() as u64) } else { Err(format!("its {what} ({v}) is not a number ≥ 0")) }
    };
    let mut salt = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut salt);
    let details = TripDetails {
        salt,
        start_s: seconds("start", trip.start)?,
        end_s: seconds("end", trip.end)?,
        energy_wh: whole("energy", trip.energy_kwh)?,
        hard_brakes: trip.hard_brakes,
        hard_accelerations: trip.hard_accelerations,
    };
    let odometer = (whole("odometer start", trip.odometer_start_km)?, whole("odometer end", trip.odometer_end_km)?);
    let trip = CarTrip::sign(car, &trip.vehicle, counter, odometer, &details)?;
    Ok(SignedTrip { trip, details })
}

/// The trip as the twin and the plausibility checks see it.
pub fn summary_of(t: &SignedTrip) -> TripSummary {
    TripSummary {
        vehicle: t.trip.vehicle.clone(),
        start: i64::try_from(t.details.start_s).unwrap_or(i64::MAX),
        end: i64::try_from(t.details.end_s).unwrap_or(i64::MAX),
        odometer_start_km: t.trip.odometer_start_m as f64 / 1000.0,
        odometer_end_km: t.trip.odometer_end_m as f64 / 1000.0,
        energy_kwh: t.details.energy_wh as f64 / 1000.0,
        hard_brakes: t.details.hard_brakes,
        hard_accelerations: t.details.hard_accelerations,
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CarTripsFile {
    format: String,
    vehicle: String,
    provision: String,
    trips: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairingFile {
    format: String,
    vehicle: String,
    provision: String,
    binding: String,
}

/// A car's pairing with its owner, as the car hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pairing {
    pub provision: Provision,
    pub binding: Binding,
}

pub fn to_car_trips_json(provision: &Provision, trips: &[SignedTrip]) -> String {
    let file = CarTripsFile {
        format: CAR_TRIPS_FORMAT.into(),
        vehicle: provision.vehicle.clone(),
        provision: B64.encode(provision.to_bytes()),
        trips: trips.iter().map(|t| B64.encode(t.to_bytes())).collect(),
    };
    serde_json::to_string_pretty(&file).expect("plain data serialises")
}

pub fn to_pairing_json(pairing: &Pairing) -> String {
    let file = PairingFile {
        format: CAR_PAIRING_FORMAT.into(),
        vehicle: pairing.provision.vehicle.clone(),
        provision: B64.encode(pairing.provision.to_bytes()),
        binding: B64.encode(pairing.binding.to_bytes()),
    };
    serde_json::to_string_pretty(&file).expect("plain data serialises")
}

/// Whether `bytes` look like a car-trips file (its format line), so `horizon import` can
/// tell it from a self-reported JSON file.
pub fn is_car_trips_file(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.windows(CAR_TRIPS_FORMAT.len()).any(|w| w == CAR_TRIPS_FORMAT.as_bytes())
}

fn json_error(path: &str, e: serde_json::Error) -> TripFileError {
    TripFileError::Json { path: path.into(), line: e.line(), column: e.column(), message: e.to_string().split(" at line").next().unwrap_or_default().to_string() }
}

fn statement<T>(path: &str, trip: usize, what: &str, text: &str, decode: fn(&[u8]) -> Result<T, crate::ledger::codec::DecodeError>) -> Result<T, TripFileError> {
    let err = |message: String| TripFileError::Trip { path: path.into(), trip, message };
    let bytes = B64.decode(text.trim()).map_err(|_| err(format!("the {what} is not base64")))?;
    decode(&bytes).map_err(|e| err(format!("the {what} is not a signed statement: {e}")))
}

/// Reads a car-trips file: the provisioning and the signed trips (signatures are checked
/// by the valley, which knows the car's key). `path` names the file in errors; a trip's
/// number is its place in the file (0 is the provisioning).
pub fn parse_car_trips(path: &str, text: &str) -> Result<(Provision, Vec<SignedTrip>), TripFileError> {
    let file: CarTripsFile = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).map_err(|e| json_error(path, e))?;
    if file.format != CAR_TRIPS_FORMAT {
        return Err(TripFileError::Format { path: path.into(), found: file.format });
    }
    let provision = statement(path, 0, "provisioning", &file.provision, Provision::from_bytes)?;
    let trips = file.trips.iter().enumerate().map(|(i, t)| statement(path, i + 1, "trip", t, SignedTrip::from_bytes)).collect::<Result<Vec<_>, _>>()?;
    if let Some((i, t)) = trips.iter().enumerate().find(|(_, t)| t.trip.vehicle != provision.vehicle) {
        return Err(TripFileError::Trip { path: path.into(), trip: i + 1, message: format!("it is for vehicle {:?}, not {:?}", t.trip.vehicle, provision.vehicle) });
    }
    if let Some((i, why)) = trips.iter().enumerate().find_map(|(i, t)| t.trip.details_problem(&t.details).map(|why| (i, why))) {
        return Err(TripFileError::Trip { path: path.into(), trip: i + 1, message: why });
    }
    Ok((provision, trips))
}

pub fn parse_pairing(path: &str, text: &str) -> Result<Pairing, TripFileError> {
    let file: PairingFile = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).map_err(|e| json_error(path, e))?;
    if file.format != CAR_PAIRING_FORMAT {
        return Err(TripFileError::Format { path: path.into(), found: file.format });
    }
    let provision = statement(path, 0, "provisioning", &file.provision, Provision::from_bytes)?;
    let binding = statement(path, 1, "binding", &file.binding, Binding::from_bytes)?;
    Ok(Pairing { provision, binding })
}
