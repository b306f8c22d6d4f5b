//! The game's link to the valley authority (DESIGN 2): systems and screens send an
//! [`Intent`]; the authority turns it into signed ledger entries or refuses it; only what it
//! confirms reaches the screen, as an [`Outcome`] and a refreshed [`Profile`]. No game system
//! changes a balance itself.

use bevy::prelude::*;
use rand_core::RngCore;

use super::car::Car;
use super::input::PlayerDriven;
use super::screens::Profile;
use crate::economy::{EconomyTables, FRAGMENTS_PER_STONE};
use crate::ledger::replay::Deposit;
use crate::ledger::{Body, NamedKey, Scope};
use crate::twin::{VehicleParams, vehicle_params};
use crate::valley::{BoxOpening, EmbeddedValley, ValleyError, ValleyService, block_on_ready};

/// What the player (or the autopilot) asks the authority for.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum Intent {
    Mine { km_index: u64 },
    CompleteTask { task: String },
    Buy { item: String },
    /// Ask for the commitment to the next box's server seed.
    CommitBox,
    /// Open the committed box with a fresh client seed.
    OpenBox { commitment: [u8; 32] },
    SetConsent { scope: Scope, granted: bool },
    /// Combine fragments, ten to a stone.
    Combine,
}

/// What the authority answered.
#[derive(Message, Clone, Debug)]
pub enum Outcome {
    Mined(Deposit),
    TaskDone { task: String, crystals: u64 },
    Bought { item: String },
    BoxCommitted([u8; 32]),
    BoxOpened(BoxOpening),
    ConsentSet { scope: Scope, granted: bool },
    Combined { fragments: u32 },
    Refused { intent: Intent, reason: String },
}

/// The authority the game talks to and the player's signing key.
#[derive(Resource)]
pub struct Authority {
    pub valley: EmbeddedValley,
    pub key: NamedKey,
}

/// The player's car's physics, from the twin's stats (changes with upgrades).
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct PlayerCar(pub VehicleParams);

pub fn plugin(app: &mut App) {
    app.add_message::<Intent>()
        .add_message::<Outcome>()
        .add_systems(Update, apply_intents.in_set(super::AppSystems::Simulation).run_if(resource_exists::<Authority>));
}

impl Authority {
    /// Carries out one intent; Ok is what to report.
    fn apply(&mut self, intent: &Intent) -> Result<Outcome, ValleyError> {
        let key = self.key.public_key();
        let valley = &mut self.valley;
        Ok(match intent {
            Intent::Mine { km_index } => Outcome::Mined(block_on_ready(valley.mine(&key, *km_index))?),
            Intent::CompleteTask { task } => Outcome::TaskDone { task: task.clone(), crystals: block_on_ready(valley.complete_task(&key, task))? },
            Intent::Buy { item } => {
                let price_milli = EconomyTables::bundled().upgrade(item).map_or(0, |u| u.price_milli);
                let entry = valley.sign_for(&self.key, Body::Purchase { item: item.clone(), price_milli })?;
                block_on_ready(valley.submit(entry))?;
                Outcome::Bought { item: item.clone() }
            }
            Intent::CommitBox => Outcome::BoxCommitted(block_on_ready(valley.commit_box(&key))?),
            Intent::OpenBox { commitment } => {
                let mut client_seed = [0u8; 32];
                rand_core::OsRng.fill_bytes(&mut client_seed);
                Outcome::BoxOpened(block_on_ready(valley.open_box(&key, *commitment, client_seed))?)
            }
            Intent::SetConsent { scope, granted } => {
                let entry = valley.sign_for(&self.key, Body::Consent { scope: *scope, granted: *granted })?;
                block_on_ready(valley.submit(entry))?;
                Outcome::ConsentSet { scope: *scope, granted: *granted }
            }
            Intent::Combine => {
                let have = block_on_ready(valley.player(&key))?.state.fragments;
                let fragments = (have / FRAGMENTS_PER_STONE * FRAGMENTS_PER_STONE) as u32;
                let entry = valley.sign_for(&self.key, Body::Combine { fragments })?;
                block_on_ready(valley.submit(entry))?;
                Outcome::Combined { fragments }
            }
        })
    }
}

/// Sends each intent to the authority, reports the outcome and refreshes what the screens
/// show; a purchase changes the car at once.
pub fn apply_intents(
    mut intents: MessageReader<Intent>,
    mut outcomes: MessageWriter<Outcome>,
    mut authority: ResMut<Authority>,
    mut profile: ResMut<Profile>,
    mut player_car: Option<ResMut<PlayerCar>>,
    mut cars: Query<&mut Car, With<PlayerDriven>>,
) {
    let mut changed = false;
    for intent in intents.read() {
        let outcome = match authority.apply(intent) {
            Ok(outcome) => {
                changed = true;
                outcome
            }
            Err(e) => {
                warn!("the valley refused {intent:?}: {e}");
                Outcome::Refused { intent: intent.clone(), reason: e.to_string() }
            }
        };
        outcomes.write(outcome);
    }
    if !changed {
        return;
    }
    let key = authority.key.public_key();
    match block_on_ready(authority.valley.player(&key)) {
        Ok(view) => {
            let params = vehicle_params(&view.stats);
            if let Some(car) = player_car.as_mut() {
                car.0 = params;
            }
            for mut car in &mut cars {
                if car.params != params {
                    car.params = params;
                }
            }
            profile.player = view;
        }
        Err(e) => error!("could not read the player back from the valley: {e}"),
    }
}
