//! Joining a shared valley from a fresh profile, as the browser page's *join* does (and
//! `horizon play --server URL --join`): enrol as a guest, grant the consents the player
//! agreed to by joining, and, where the server trusts the demo maker, bring a sample car of
//! this profile's own with its sample week, so that its kilometres drop stones there as the
//! first run's do in the embedded valley. Each step is done only if missing, so a join cut
//! short is completed by the next start.
//!
//! The car gets a pseudonym of its own per profile (`DEMO-` and the first 8 hex digits of
//! the player's key): a shared valley gives a car one owner, so one shared sample car would
//! change hands at every join.

use crate::ledger::car::demo_maker_key;
use crate::ledger::{Body, PublicKey, Role, Scope};
use crate::profile::DataDir;
use crate::simulated_car::{SIMULATED_HISTORY_MS, SimulatedCar};
pub use crate::valley::embedded::sample_car_for;
use crate::valley::embedded::sample_week_ending;
use crate::valley::wire::{EnrolRequest, SubmitRequest};
use crate::valley::{ValleyError, ValleyService};

use super::http::{HttpValley, sync_dir};
use super::queue::Intent;

/// What a join did (all zero and `None` when the profile had joined before).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Joined {
    pub enrolled: bool,
    pub consents_granted: usize,
    /// The sample car paired at this join.
    pub car: Option<String>,
    /// Stones (in milli) waiting in the deposits its sample week dropped.
    pub waiting_milli: u64,
}

/// Joins the valley `valley` talks to as `name` (see the module's comment).
pub async fn join(valley: &mut HttpValley, data: &DataDir, name: &str) -> Result<Joined, ValleyError> {
    let mut joined = Joined::default();
    let me = valley.player_key();
    valley.sync_replica().await?;
    if valley.replica.state().player(&me).is_none() {
        if !valley.queue.items().iter().any(|q| matches!(q.intent, Intent::Enrol(_))) {
            valley.enqueue(Intent::Enrol(EnrolRequest { name: name.to_string(), vehicle: None }))?;
        }
        send_queued(valley).await?;
        joined.enrolled = true;
    }
    for scope in [Scope::Mileage, Scope::Behaviour] {
        if !valley.consented(scope) {
            let entry = valley.sign(Body::Consent { scope, granted: true })?;
            valley.enqueue(Intent::Submit(SubmitRequest::new(&entry)))?;
            joined.consents_granted += 1;
        }
    }
    if joined.consents_granted > 0 {
        send_queued(valley).await?;
    }
    let demo_maker = PublicKey::from_signing_key(&demo_maker_key());
    let state = valley.replica.state().player(&me).cloned().ok_or(ValleyError::NotEnrolled(me))?;
    if !valley.replica.state().makers.contains_key(&demo_maker) || state.km_attested > 0 {
        return Ok(joined);
    }
    let vehicle = sample_car_for(&me);
    let car_dir = sync_dir(data).join("car");
    let car_error = |e: crate::simulated_car::CarError| ValleyError::Store { path: car_dir.display().to_string(), message: e.to_string() };
    let now = crate::platform::now_ms();
    if state.role == Role::Guest {
        let mut car = SimulatedCar::open_or_create(&car_dir, &vehicle, &demo_maker_key(), now.saturating_sub(SIMULATED_HISTORY_MS)).map_err(car_error)?;
        let pairing = car.pair(me, now).map_err(car_error)?;
        valley.pair(&me, pairing).await?;
        joined.car = Some(vehicle.clone());
    } else if state.role != (Role::Owner { vehicle: vehicle.clone() }) {
        // A car of the player's own (paired with `horizon import`): nothing to bring.
        return Ok(joined);
    }
    let mut car = SimulatedCar::open(&car_dir).map_err(car_error)?;
    let trips = sample_week_ending((now / 1000) as i64 - 3600);
    let signed = car.sign_trips(&trips, true).map_err(car_error)?;
    let report = valley.import_car_trips(&me, signed).await?;
    joined.waiting_milli = report.new_deposits.iter().map(|d| d.amount_milli).sum();
    valley.sync_replica().await?;
    Ok(joined)
}

/// Sends the queue; an intent the server refused for good is an error here.
async fn send_queued(valley: &mut HttpValley) -> Result<(), ValleyError> {
    let report = valley.flush().await?;
    if let Some((what, why)) = report.refused.first() {
        return Err(ValleyError::Remote(format!("{what}: {why}")));
    }
    valley.sync_replica().await?;
    Ok(())
}
