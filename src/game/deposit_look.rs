//! What a deposit looks like: a cut crystal that turns and bobs, and a faint column of
//! light above it that shows it from afar.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use super::AppSystems;
use super::deposits::DepositCrystal;

/// The meshes and materials every deposit shares.
#[derive(Resource)]
struct DepositLook {
    crystal: Handle<Mesh>,
    beam: Handle<Mesh>,
    glow: Handle<StandardMaterial>,
    beam_glow: Handle<StandardMaterial>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_look).add_systems(Update, (dress_deposits, spin_crystals).in_set(AppSystems::Presentation));
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

fn make_look(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
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
        beam_glow: materials.add(StandardMaterial {
            base_color: Color::srgba(0.5, 0.95, 1.0, 0.25),
            emissive: LinearRgba::rgb(0.3, 1.4, 1.8),
            alpha_mode: AlphaMode::Add,
            unlit: true,
            ..default()
        }),
    });
}

fn dress_deposits(mut commands: Commands, look: Res<DepositLook>, deposits: Query<Entity, Added<DepositCrystal>>) {
    for deposit in &deposits {
        commands.entity(deposit).with_children(|c| {
            c.spawn((Mesh3d(look.crystal.clone()), MeshMaterial3d(look.glow.clone())));
            c.spawn((Mesh3d(look.beam.clone()), MeshMaterial3d(look.beam_glow.clone()), Transform::from_xyz(0.0, 7.0, 0.0)));
        });
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
