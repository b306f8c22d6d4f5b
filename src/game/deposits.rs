//! Stones dropped by real mileage, as glowing deposits in the level's deposit fields. The
//! entities mirror the ledger: one per unmined deposit of the player, placed where
//! `Level::deposit_position` puts it (every client shows it in the same place). Driving into
//! one asks the authority to mine it; it disappears once the authority has minted it.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use super::AppSystems;
use super::authority::Intent;
use super::car::Car;
use super::car::PlayerDriven;
use super::screens::Profile;
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

/// Meshes and materials of deposits, when the game renders.
#[derive(Resource)]
struct DepositLook {
    crystal: Handle<Mesh>,
    beam: Handle<Mesh>,
    glow: Handle<StandardMaterial>,
    beam_glow: Handle<StandardMaterial>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_look)
        .add_systems(
            Update,
            (mirror_deposits.run_if(resource_exists::<CurrentLevel>.and_then(resource_exists::<Profile>)), mine_on_contact)
                .chain()
                .in_set(AppSystems::Input),
        )
        .add_systems(Update, spin_crystals.in_set(AppSystems::Presentation));
}

/// Where a deposit stands in the level (the crystal's centre).
pub fn deposit_point(current: &CurrentLevel, cause: u64, km_index: u64) -> Vec3 {
    let (x, z) = current.level.deposit_position(cause, km_index);
    Vec3::new(x, current.field.height_at(x, z) + HOVER_M, z)
}

/// An elongated octahedron with flat faces: a cut crystal.
fn crystal_mesh() -> Mesh {
    let (r, h) = (0.45, 0.9);
    let tips = [Vec3::Y * h, Vec3::NEG_Y * h * 0.8];
    let ring: Vec<Vec3> = (0..6).map(|i| {
        let a = i as f32 * std::f32::consts::TAU / 6.0;
        Vec3::new(r * a.cos(), 0.0, r * a.sin())
    }).collect();
    let (mut positions, mut normals) = (Vec::new(), Vec::new());
    for (t, tip) in tips.iter().enumerate() {
        for i in 0..6 {
            let (a, b) = (ring[i], ring[(i + 1) % 6]);
            // Counter-clockwise seen from outside.
            let tri = if t == 0 { [*tip, b, a] } else { [*tip, a, b] };
            let n = (tri[1] - tri[0]).cross(tri[2] - tri[0]).normalize();
            for p in tri {
                positions.push(p.to_array());
                normals.push(n.to_array());
            }
        }
    }
    let indices = (0..positions.len() as u32).collect();
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(Indices::U32(indices))
}

fn make_look(mut commands: Commands, meshes: Option<ResMut<Assets<Mesh>>>, materials: Option<ResMut<Assets<StandardMaterial>>>) {
    let Some((mut meshes, mut materials)) = meshes.zip(materials) else { return };
    commands.insert_resource(DepositLook {
        crystal: meshes.add(crystal_mesh()),
        beam: meshes.add(Cylinder::new(0.12, 14.0)),
        glow: materials.add(StandardMaterial {
            base_color: Color::srgb(0.45, 0.95, 1.0),
            emissive: LinearRgba::rgb(0.6, 3.2, 4.0),
            metallic: 0.2,
            perceptual_roughness: 0.15,
            ..default()
        }),
        // A faint column of light that shows a deposit from afar.
        beam_glow: materials.add(StandardMaterial {
            base_color: Color::srgba(0.5, 0.95, 1.0, 0.25),
            emissive: LinearRgba::rgb(0.3, 1.4, 1.8),
            alpha_mode: AlphaMode::Add,
            unlit: true,
            ..default()
        }),
    });
}

/// Keeps one entity per unmined deposit of the player: spawns new ones (after an import),
/// removes mined and credited ones.
fn mirror_deposits(
    mut commands: Commands,
    profile: Res<Profile>,
    current: Res<CurrentLevel>,
    look: Option<Res<DepositLook>>,
    existing: Query<(Entity, &DepositCrystal)>,
    mut mirrored: Local<bool>,
) {
    if *mirrored && !profile.is_changed() {
        return;
    }
    *mirrored = true;
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
        let mut crystal = commands.spawn((
            Name::new(format!("deposit km {}", d.km_index)),
            DepositCrystal { cause: d.cause, km_index: d.km_index, amount_milli: d.amount_milli },
            Transform::from_translation(at).with_rotation(Quat::from_rotation_y(turn)),
            Visibility::default(),
        ));
        if let Some(look) = &look {
            crystal.with_children(|c| {
                c.spawn((Mesh3d(look.crystal.clone()), MeshMaterial3d(look.glow.clone())));
                c.spawn((Mesh3d(look.beam.clone()), MeshMaterial3d(look.beam_glow.clone()), Transform::from_xyz(0.0, 7.0, 0.0)));
            });
        }
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

/// Crystals turn slowly and bob, so that they read as things to collect.
fn spin_crystals(time: Res<Time>, deposits: Query<(&DepositCrystal, &Children)>, mut parts: Query<&mut Transform>) {
    let t = time.elapsed_secs();
    for (d, children) in &deposits {
        let phase = (d.km_index % 97) as f32;
        if let Some(&first) = children.first() {
            if let Ok(mut tf) = parts.get_mut(first) {
                tf.rotation = Quat::from_rotation_y(t * 0.9 + phase);
                tf.translation.y = (t * 2.0 + phase).sin() * 0.15;
            }
        }
    }
}
