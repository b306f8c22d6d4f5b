//! The ledger's rules for what cars and makers sign: which makers are trusted, which car
//! key speaks for a vehicle, who owns it, and which of its trips mint. Like `rules`, one
//! function per kind of entry; each checks first and changes nothing on error.

use super::car::{Binding, CAR_CLOCK_AHEAD_MS, CarTrip, MAX_AVERAGE_SPEED_KMH, MAX_TRIP_S, Provision, STATEMENT_WINDOW_MS, draw_seed};
use super::entry::{Entry, PublicKey, Role, Scope};
use super::state::{CarState, DAILY_KM_CAP, DAY_MS, LedgerState, Violation, add, trust, vehicle_key};
use crate::telemetry::format_time_ms as show;

/// Most days between a trip's start day and the day it is recorded: the window after its
/// end, a trip of up to a day, and a day of rounding.
pub const MAX_TRIP_AGE_DAYS: u32 = (STATEMENT_WINDOW_MS / DAY_MS) as u32 + 1;

/// Why a statement the car or maker dated `time_ms` is outside the window of an entry
/// sequenced at `entry_ms`.
fn window(what: &str, time_ms: u64, entry_ms: u64) -> Result<(), String> {
    if time_ms > entry_ms.saturating_add(CAR_CLOCK_AHEAD_MS) {
        return Err(format!("the {what} is dated {}, after the valley recorded it ({})", show(time_ms), show(entry_ms)));
    }
    if time_ms.saturating_add(STATEMENT_WINDOW_MS) < entry_ms {
        return Err(format!("the {what} is dated {}, more than {} days before the valley recorded it ({})", show(time_ms), STATEMENT_WINDOW_MS / DAY_MS, show(entry_ms)));
    }
    Ok(())
}

impl LedgerState {
    pub(super) fn trust_maker(&mut self, maker: PublicKey, name: &str) -> Result<(), Violation> {
        trust(&mut self.makers, maker, name, Violation::MakerAlreadyTrusted)
    }

    pub(super) fn provision(&mut self, entry: &Entry, p: &Provision) -> Result<(), Violation> {
        if !self.makers.contains_key(&p.maker) {
            return Err(Violation::UntrustedMaker(p.maker));
        }
        if !p.signature_is_valid() {
            return Err(Violation::BadStatementSignature { what: "provisioning", vehicle: p.vehicle.clone() });
        }
        let key = vehicle_key(&p.vehicle);
        if key.is_empty() {
            return Err(Violation::CarStatement { vehicle: p.vehicle.clone(), why: "the pseudonym is empty".into() });
        }
        if self.cars.contains_key(&key) {
            return Err(Violation::CarProvisioned(p.vehicle.clone()));
        }
        if p.car.verifying_key().is_none() {
            return Err(Violation::BadKey(p.car));
        }
        if self.car_keys.contains(&p.car) {
            return Err(Violation::CarKeyInUse(p.car));
        }
        if p.time_ms > entry.time_ms.saturating_add(CAR_CLOCK_AHEAD_MS) {
            return Err(Violation::CarStatement { vehicle: p.vehicle.clone(), why: format!("it was provisioned on {}, after the valley recorded it", show(p.time_ms)) });
        }
        self.car_keys.insert(p.car);
        self.cars.insert(key, CarState::new(p));
        Ok(())
    }

    /// The car binds `b.owner`: whoever owned it before (by an earlier binding, or by a
    /// claim at enrolment before the car was provisioned) no longer does, and a car the new
    /// owner had before is left without one.
    pub(super) fn bind(&mut self, index: u64, entry: &Entry, b: &Binding) -> Result<(), Violation> {
        let key = vehicle_key(&b.vehicle);
        let car = self.cars.get(&key).ok_or_else(|| Violation::UnprovisionedCar(b.vehicle.clone()))?;
        if !b.signature_is_valid(&car.key) {
            return Err(Violation::BadStatementSignature { what: "binding", vehicle: b.vehicle.clone() });
        }
        if let Some(last) = car.counter
            && b.counter <= last
        {
            return Err(Violation::StaleCounter { vehicle: b.vehicle.clone(), counter: b.counter, last });
        }
        window("binding", b.time_ms, entry.time_ms).map_err(|why| Violation::CarStatement { vehicle: b.vehicle.clone(), why })?;
        let owner = self.enrolled(&b.owner)?;
        let earlier_car = match &owner.role {
            Role::Owner { vehicle } if vehicle_key(vehicle) != key => Some(vehicle_key(vehicle)),
            _ => None,
        };
        if let Some(previous) = self.owners.get(&key).copied()
            && previous != b.owner
            && let Some(p) = self.players.get_mut(&previous)
        {
            p.role = Role::Guest;
            p.draws_as_owner = false;
            // The twin goes with the car: the previous owner's card no longer stands.
            self.end_card_on_transfer(&previous, index);
        }
        if let Some(earlier) = earlier_car {
            self.owners.remove(&earlier);
            if let Some(c) = self.cars.get_mut(&earlier) {
                c.owner = None;
            }
        }
        let car = self.cars.get_mut(&key).expect("checked above");
        car.owner = Some(b.owner);
        car.bound_ms = b.time_ms;
        car.counter = Some(b.counter);
        let vehicle = car.vehicle.clone();
        self.owners.insert(key, b.owner);
        let owner = self.players.get_mut(&b.owner).expect("checked above");
        owner.role = Role::Owner { vehicle };
        owner.draws_as_owner = true;
        Ok(())
    }

    /// A car-signed trip of the car's owner. Its km draws are seeded by the entry's own
    /// signature, so no one can know them before the authority has recorded the trip.
    pub(super) fn car_trip(&mut self, index: u64, entry: &Entry, player: &PublicKey, t: &CarTrip, km: u32, first_km: u64) -> Result<(), Violation> {
        let key = vehicle_key(&t.vehicle);
        let implausible = |why: String| Violation::CarStatement { vehicle: t.vehicle.clone(), why };
        let car = self.cars.get(&key).ok_or_else(|| Violation::UnprovisionedCar(t.vehicle.clone()))?;
        if car.owner != Some(*player) {
            return Err(Violation::NotCarOwner { vehicle: t.vehicle.clone(), player: *player });
        }
        if !t.signature_is_valid(&car.key) {
            return Err(Violation::BadStatementSignature { what: "trip", vehicle: t.vehicle.clone() });
        }
        if let Some(last) = car.counter
            && t.counter <= last
        {
            return Err(Violation::StaleCounter { vehicle: t.vehicle.clone(), counter: t.counter, last });
        }
        if t.duration_s == 0 || u64::from(t.duration_s) > MAX_TRIP_S {
            return Err(implausible(format!("the trip lasts {} s; a trip lasts 1 s to {} h", t.duration_s, MAX_TRIP_S / 3600)));
        }
        // The ledger shows days, not times (the exact times stay in the trip's details, which
        // the authority checks to the second): checked here to the day.
        let entry_day = (entry.time_ms / DAY_MS) as u32;
        let provisioned_day = (car.provisioned_ms / DAY_MS) as u32;
        if t.day < provisioned_day {
            return Err(implausible(format!("the trip started on day {}, before the car was provisioned (day {provisioned_day})", t.day)));
        }
        if t.day > entry_day {
            return Err(implausible(format!("the trip started on day {}, after the valley recorded it (day {entry_day})", t.day)));
        }
        if entry_day > t.day.saturating_add(MAX_TRIP_AGE_DAYS) {
            return Err(implausible(format!("the trip started on day {}, more than {MAX_TRIP_AGE_DAYS} days before the valley recorded it (day {entry_day})", t.day)));
        }
        if t.odometer_end_m < t.odometer_start_m {
            return Err(implausible(format!("the odometer goes back during the trip ({} m → {} m)", t.odometer_start_m, t.odometer_end_m)));
        }
        if t.odometer_start_m < car.odometer_m {
            return Err(implausible(format!("the trip starts at {} m on the odometer, but the car's last trip ended at {} m", t.odometer_start_m, car.odometer_m)));
        }
        let speed = (t.odometer_end_m - t.odometer_start_m) as f64 / 1000.0 / (f64::from(t.duration_s) / 3600.0);
        if speed > MAX_AVERAGE_SPEED_KMH {
            return Err(implausible(format!("an average of {speed:.0} km/h is faster than a car can go")));
        }
        if u64::from(km) > t.whole_km() {
            return Err(implausible(format!("{km} km minable, but the trip drove {} whole km", t.whole_km())));
        }
        let p = self.owner(player)?;
        if !p.consented(Scope::Mileage) {
            return Err(Violation::NoMileageConsent(*player));
        }
        if first_km != p.km_attested {
            return Err(Violation::KmNotContiguous { player: *player, expected: p.km_attested, found: first_km });
        }
        let day = t.day;
        let total = add(car.day_km.get(&day).copied().unwrap_or(0), u64::from(km))?;
        if total > u64::from(DAILY_KM_CAP) {
            return Err(Violation::CarDailyCap { vehicle: t.vehicle.clone(), day, total });
        }
        self.drop_deposits(player, &draw_seed(&entry.signature), (first_km, km), index, entry_day)?;
        let car = self.cars.get_mut(&key).expect("checked above");
        car.counter = Some(t.counter);
        car.odometer_m = t.odometer_end_m;
        car.day_km.insert(day, total);
        // Older days can gain no trip (see MAX_TRIP_AGE_DAYS), so the cap per car and day
        // holds across the whole history.
        let oldest = entry_day.saturating_sub(MAX_TRIP_AGE_DAYS);
        car.day_km = car.day_km.split_off(&oldest);
        Ok(())
    }
}
