//! What the embedded authority does with what cars sign: a car's pairing, and car-signed
//! trips checked (their details to the second, the ledger's rules for the rest) and
//! recorded, with the twin's trips kept beside them.

use super::EmbeddedValley;
use crate::economy::mileage;
use crate::ledger::car::{CAR_CLOCK_AHEAD_MS, CarTrip, STATEMENT_WINDOW_MS, SignedTrip, TripDetails};
use crate::ledger::replay::DAY_MS;
use crate::ledger::{Body, PublicKey, Scope};
use crate::telemetry::car_signed::{Pairing, summary_of};
use crate::telemetry::{CheckedTrip, Verdict};
use crate::valley::{ImportReport, ValleyError};

impl EmbeddedValley {
    /// Records a car's pairing with `key`: the maker's provisioning (the first time the
    /// valley sees the car) and the car's binding, which makes `key` its one owner. Returns
    /// the binding's entry index.
    pub fn pair(&mut self, key: &PublicKey, pairing: Pairing) -> Result<u64, ValleyError> {
        self.enrolled(key)?;
        let Pairing { provision, binding } = pairing;
        if binding.owner != *key {
            return Err(ValleyError::BadInput(format!("the car's binding names owner {}, not you ({key})", binding.owner)));
        }
        if crate::ledger::state::vehicle_key(&binding.vehicle) != crate::ledger::state::vehicle_key(&provision.vehicle) {
            return Err(ValleyError::BadInput(format!("the binding is for vehicle {:?}, the provisioning for {:?}", binding.vehicle, provision.vehicle)));
        }
        // All or nothing: the binding must be the car's own before its provisioning is
        // recorded (anyone could send someone else's public provisioning with a junk binding).
        super::check_label("vehicle pseudonym", &provision.vehicle)?;
        if !binding.signature_is_valid(&provision.car) {
            return Err(ValleyError::BadInput(format!("the binding is not signed by the car key the maker provisioned for {:?}", provision.vehicle)));
        }
        if let Some(last) = self.ledger.state().car(&provision.vehicle).and_then(|c| c.counter)
            && binding.counter <= last
        {
            return Err(ValleyError::BadInput(format!("the binding has car counter {}, but the car's last recorded statement has counter {last}", binding.counter)));
        }
        match self.ledger.state().car(&provision.vehicle) {
            None => {
                self.authority(Body::Provision(provision))?;
            }
            Some(car) if car.key != provision.car => {
                return Err(ValleyError::BadInput(format!("vehicle {:?} is provisioned here with another car key", provision.vehicle)));
            }
            Some(_) => {}
        }
        self.authority(Body::Bind(binding))
    }

    /// Records car-signed trips of the car `key` owns, in the car's counter order: each
    /// becomes a car-trip entry whose km (up to the car's daily cap) drop stones into the
    /// valley, and shapes the twin. A trip the valley refuses says why; a trip whose counter
    /// the car already reported is "already imported".
    pub fn import_car(&mut self, key: &PublicKey, mut trips: Vec<SignedTrip>) -> Result<ImportReport, ValleyError> {
        let state = self.enrolled(key)?.clone();
        if !state.consented(Scope::Mileage) {
            return Err(ValleyError::NoMileageConsent);
        }
        trips.sort_by_key(|t| t.trip.counter);
        let mut player_trips = self.trips.players.get(&key.to_hex()).cloned().unwrap_or_default();
        let mut report = ImportReport::default();
        for SignedTrip { trip, details } in trips {
            let summary = summary_of(&SignedTrip { trip: trip.clone(), details: details.clone() });
            let car = self.ledger.state().car(&trip.vehicle);
            let recorded = car.is_some_and(|c| c.owner == Some(*key) && c.counter.is_some_and(|last| trip.counter <= last) && trip.signature_is_valid(&c.key));
            if recorded && trip.details_problem(&details).is_none() {
                // Sent again (or after a crash kept it out of the trip files): never paid twice.
                report.already_imported += 1;
                if !player_trips.accepted.contains(&summary) {
                    player_trips.accepted.push(summary);
                }
                continue;
            }
            let verdict = match self.trip_details_refusal(&trip, &details, state.consented(Scope::Behaviour)) {
                Some(reason) => Verdict::Rejected { reason },
                None => {
                    let km = car.map_or(0, |c| trip.whole_km().min(c.km_left_on(trip.day))) as u32;
                    let first_km = self.enrolled(key)?.km_attested;
                    let whole_km = trip.whole_km();
                    match self.authority(Body::CarTrip { player: *key, trip, km, first_km }) {
                        Ok(index) => {
                            report.attested_km += u64::from(km);
                            report.new_deposits.extend(self.enrolled(key)?.deposits.values().filter(|d| d.cause == index).copied());
                            player_trips.accepted.push(summary.clone());
                            // Self-reported files of the same car are checked against it.
                            player_trips.history.record(&summary);
                            let note = (u64::from(km) < whole_km).then(|| format!("{km} of {whole_km} km are minable: the car's daily cap of {} km was reached", mileage::DAILY_KM_CAP));
                            Verdict::Accepted { minable_km: km, note }
                        }
                        Err(ValleyError::Ledger(crate::ledger::LedgerError::Rule { violation, .. })) => Verdict::Rejected { reason: violation.to_string() },
                        Err(e) => return Err(e),
                    }
                }
            };
            report.checked.push(CheckedTrip { trip: summary, verdict });
        }
        self.keep_trips(key, player_trips)?;
        Ok(report)
    }

    /// What the authority checks of a car-signed trip's details, which the ledger does not
    /// hold: that they are the ones the car signed, the times to the second (within the
    /// window, after the car's provisioning), and that hard-event counts come only with the
    /// behaviour scope.
    fn trip_details_refusal(&self, trip: &CarTrip, details: &TripDetails, behaviour: bool) -> Option<String> {
        if let Some(why) = trip.details_problem(details) {
            return Some(why);
        }
        let now = self.now();
        let (start_ms, end_ms) = (details.start_s.saturating_mul(1000), details.end_s.saturating_mul(1000));
        let show = crate::telemetry::format_time_ms;
        if end_ms > now.saturating_add(CAR_CLOCK_AHEAD_MS) {
            return Some(format!("it ends {}, after the valley's clock ({})", show(end_ms), show(now)));
        }
        if end_ms.saturating_add(STATEMENT_WINDOW_MS) < now {
            return Some(format!("it ended {}, more than {} days ago: a car's trips reach the valley within {} days", show(end_ms), STATEMENT_WINDOW_MS / DAY_MS, STATEMENT_WINDOW_MS / DAY_MS));
        }
        if let Some(car) = self.ledger.state().car(&trip.vehicle)
            && start_ms < car.provisioned_ms
        {
            return Some(format!("it started {}, before the car was provisioned ({})", show(start_ms), show(car.provisioned_ms)));
        }
        if !behaviour && (details.hard_brakes, details.hard_accelerations) != (0, 0) {
            return Some("it carries hard-event counts, but you have not granted the behaviour scope".into());
        }
        None
    }
}
