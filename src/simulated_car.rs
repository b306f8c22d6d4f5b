//! A simulated car: a telematics unit in software, for development, demos and tests
//! (`horizon car`, and the first run's sample car). It holds a vehicle key provisioned by a
//! maker key (the demo maker's unless told otherwise), binds its owner, and turns trip
//! summaries into car-signed trips with a counter that only goes up.
//!
//! ```text
//! CAR/car.key    the car's signing key, owner-only
//! CAR/car.json   {"provision": base64, "counter": N, "odometer_m": M}: written atomically
//!                after every statement signed, so a counter is never used twice
//! ```

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::ledger::PublicKey;
use crate::ledger::car::{Binding, Provision, SignedTrip, Statement};
use crate::profile::load_or_create_key;
use crate::telemetry::TripSummary;
use crate::telemetry::car_signed::{Pairing, sign_trip};

/// How long before it is built a simulated car counts as provisioned: it stands for a car
/// already on the road, so the last week's trips it signs (as a file replayed with
/// `horizon car drive --now`, or the first run's sample week) are its own.
pub const SIMULATED_HISTORY_MS: u64 = 8 * 86_400_000;

#[derive(Serialize, Deserialize)]
struct CarFile {
    provision: String,
    counter: u64,
    odometer_m: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum CarError {
    #[error(transparent)]
    Key(#[from] crate::profile::KeyFileError),
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{0}")]
    Refused(String),
}

pub struct SimulatedCar {
    dir: PathBuf,
    key: SigningKey,
    pub provision: Provision,
    /// The counter of the last statement signed.
    pub counter: u64,
    /// The odometer at the end of the last trip signed, in metres.
    pub odometer_m: u64,
}

impl SimulatedCar {
    fn state_path(dir: &Path) -> PathBuf {
        dir.join("car.json")
    }

    /// Opens the car in `dir`, or builds one there: a new car key for `vehicle`,
    /// provisioned by `maker` at `provisioned_ms`.
    pub fn open_or_create(dir: &Path, vehicle: &str, maker: &SigningKey, provisioned_ms: u64) -> Result<SimulatedCar, CarError> {
        if crate::platform::files::exists(&Self::state_path(dir)) {
            return SimulatedCar::open(dir);
        }
        if let Some(why) = crate::ledger::entry::label_problem("vehicle pseudonym", vehicle) {
            return Err(CarError::Refused(why));
        }
        let (key, _) = load_or_create_key(&dir.join("car.key"), "car")?;
        let provision = Provision::sign(maker, vehicle, key.public_key(), provisioned_ms).map_err(|e| CarError::Refused(e.to_string()))?;
        let car = SimulatedCar { dir: dir.into(), key: key.signing_key, provision, counter: 0, odometer_m: 0 };
        car.save()?;
        Ok(car)
    }

    pub fn open(dir: &Path) -> Result<SimulatedCar, CarError> {
        let path = Self::state_path(dir);
        let bad = |message: String| CarError::File { path: path.clone(), message };
        let text = crate::platform::files::read_to_string(&path).map_err(|e| bad(format!("{e} (make a car with `horizon car new`)")))?;
        let file: CarFile = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let bytes = B64.decode(file.provision.trim()).map_err(|_| bad("the provisioning is not base64".into()))?;
        let provision = Provision::from_bytes(&bytes).map_err(|e| bad(format!("the provisioning: {e}")))?;
        let (key, _) = load_or_create_key(&dir.join("car.key"), "car")?;
        if key.public_key() != provision.car {
            return Err(bad("car.key is not the key the maker provisioned".into()));
        }
        Ok(SimulatedCar { dir: dir.into(), key: key.signing_key, provision, counter: file.counter, odometer_m: file.odometer_m })
    }

    fn save(&self) -> Result<(), CarError> {
        let file = CarFile { provision: B64.encode(self.provision.to_bytes()), counter: self.counter, odometer_m: self.odometer_m };
        let path = Self::state_path(&self.dir);
        let bytes = serde_json::to_vec_pretty(&file).expect("plain data serialises");
        crate::ledger::files::write_atomically(&path, &bytes).map_err(|e| CarError::File { path, message: e.to_string() })
    }

    pub fn vehicle(&self) -> &str {
        &self.provision.vehicle
    }

    pub fn public_key(&self) -> PublicKey {
        self.provision.car
    }

    /// Binds `owner` as the car's owner from `now_ms` (as pairing in the car would).
    pub fn pair(&mut self, owner: PublicKey, now_ms: u64) -> Result<Pairing, CarError> {
        let counter = self.counter + 1;
        let binding = Binding::sign(&self.key, self.vehicle(), owner, counter, now_ms).map_err(|e| CarError::Refused(e.to_string()))?;
        self.counter = counter;
        self.save()?;
        Ok(Pairing { provision: self.provision.clone(), binding })
    }

    /// Signs `trips` (in start order) as this car drove them: each with the next counter.
    /// With `behaviour` false the hard-event counts stay in the car (zero in what it signs).
    /// A trip for another vehicle, or one starting below the car's odometer, is refused.
    pub fn sign_trips(&mut self, trips: &[TripSummary], behaviour: bool) -> Result<Vec<SignedTrip>, CarError> {
        let mut trips = trips.to_vec();
        trips.sort_by_key(|t| t.start);
        let mut signed = Vec::with_capacity(trips.len());
        let (mut counter, mut odometer_m) = (self.counter, self.odometer_m);
        for (i, trip) in trips.iter_mut().enumerate() {
            let refuse = |why: String| CarError::Refused(format!("trip {} (starting {}): {why}", i + 1, crate::telemetry::format_time(trip.start)));
            trip.vehicle = self.provision.vehicle.clone();
            if !behaviour {
                trip.hard_brakes = 0;
                trip.hard_accelerations = 0;
            }
            counter += 1;
            let t = sign_trip(&self.key, trip, counter).map_err(&refuse)?;
            if t.trip.odometer_start_m < odometer_m {
                return Err(refuse(format!("it starts at {} km, but this car's odometer reads {} km", t.trip.odometer_start_m as f64 / 1000.0, odometer_m as f64 / 1000.0)));
            }
            odometer_m = t.trip.odometer_end_m;
            signed.push(t);
        }
        (self.counter, self.odometer_m) = (counter, odometer_m);
        self.save()?;
        Ok(signed)
    }
}
