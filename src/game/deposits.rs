//! Stones dropped by real mileage, as glowing deposits in the level's deposit fields. The
//! entities mirror the ledger: one per unmined deposit of the player, placed where
//! `Level::deposit_position` puts it (every client shows it in the same place). Driving into
//! one asks the authority to mine it; it disappears once the authority has minted it.
//! `deposit_look` dresses them.

use bevy::prelude::*;

use super::AppSystems;
use super::authority::Intent;
use super::car::Car;
use super::car::PlayerDriven;
use super::screens::{Profile, Screen};
use super::world::CurrentLevel;

/// How close (m, on the ground plane) the car must come to mine a deposit.
pub const MINE_RADIUS_M: f32 = 3.5;
/// Height of a deposit's crystal above the ground (m).
const HOVER_M: f32 = 1.1;

/// An unmined deposit in the valley.
#[derive(Component, Clone, Copy, Debug)]
pub struct DepositCrystal {
    pub cause: u64,
    pub km_index: u64,
    pub amount_milli: u64,
}

/// The authority has been asked to mine this deposit.
#[derive(Component)]
struct Mining;

pub fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Valley), mirror_deposits.run_if(resource_exists::<Profile>)).add_systems(
        Update,
        (mirror_deposits.run_if(resource_exists::<Profile>.and_then(resource_changed::<Profile>)), mine_on_contact)
            .chain()
            .in_set(AppSystems::Input)
            .run_if(in_state(Screen::Valley)),
    );
}

/// Where a deposit stands in the level (the crystal's centre).
pub fn deposit_point(current: &CurrentLevel, cause: u64, km_index: u64) -> Vec3 {
    let (x, z) = current.level.deposit_position(cause, km_index);
    Vec3::new(x, current.field.height_at(x, z) + HOVER_M, z)
}

/// Keeps one entity per unmined deposit of the player: spawns new ones (after an import),
/// removes mined and credited ones.
fn mirror_deposits(
    mut commands: Commands,
    profile: Res<Profile>,
    current: Res<CurrentLevel>,
    existing: Query<(Entity, &DepositCrystal)>,
) {
    let wanted = &profile.player.state.deposits;
    let mut present = std::collections::BTreeSet::new();
    for (entity, d) in &existing {
        if wanted.contains_key(&d.km_index) {
            present.insert(d.km_index);
        } else {
            commands.entity(entity).despawn();
        }
    }
    for d in wanted.values().filter(|d| !present.contains(&d.km_index)) {
        let at = deposit_point(&current, d.cause, d.km_index);
        // Each crystal turned its own way, from its identity.
        let turn = (d.km_index % 360) as f32 * 1.7f32.to_radians();
        commands.spawn((
            Name::new(format!("deposit km {}", d.km_index)),
            DepositCrystal { cause: d.cause, km_index: d.km_index, amount_milli: d.amount_milli },
            Transform::from_translation(at).with_rotation(Quat::from_rotation_y(turn)),
            Visibility::default(),
            DespawnOnExit(Screen::Valley),
        ));
    }
}

/// Driving into a deposit asks the authority to mine it (once).
fn mine_on_contact(
    mut commands: Commands,
    cars: Query<&Transform, (With<Car>, With<PlayerDriven>)>,
    deposits: Query<(Entity, &Transform, &DepositCrystal), Without<Mining>>,
    mut intents: MessageWriter<Intent>,
) {
    for car in &cars {
        let p = car.translation;
        for (entity, at, d) in &deposits {
            let flat = Vec2::new(at.translation.x - p.x, at.translation.z - p.z).length();
            if flat < MINE_RADIUS_M && (at.translation.y - p.y).abs() < 4.0 {
                commands.entity(entity).insert(Mining);
                intents.write(Intent::Mine { km_index: d.km_index });
            }
        }
    }
}
