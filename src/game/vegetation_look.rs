//! What the valley's trees and boulders look like: low-poly meshes made here from Bevy's
//! primitives, flat-shaded and coloured per vertex, so that every tree of a kind shares one
//! mesh and one material (Bevy draws them instanced). Each tree has two levels of detail
//! that cross-fade (VisibilityRange): tiers of cones or lumpy crowns near, one cone or blob
//! far, none beyond the fog's end; frustum culling does the rest.

#[cfg(not(target_arch = "wasm32"))]
use std::ops::Range;

#[cfg(not(target_arch = "wasm32"))]
use bevy::camera::visibility::VisibilityRange;
use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::world::PlantBody;
use crate::level::scatter::PlantKind;

/// Distances (metres from the camera) where the near meshes give way to the far ones, and
/// where the far ones fade out.
#[cfg(not(target_arch = "wasm32"))]
const NEAR_UNTIL: Range<f32> = 110.0..140.0;
#[cfg(not(target_arch = "wasm32"))]
const FAR_UNTIL: Range<f32> = 620.0..700.0;
#[cfg(not(target_arch = "wasm32"))]
const BOULDERS_UNTIL: Range<f32> = 260.0..300.0;

#[derive(Resource)]
struct PlantLook {
    material: Handle<StandardMaterial>,
    conifer: (Handle<Mesh>, Handle<Mesh>),
    broadleaf: (Handle<Mesh>, Handle<Mesh>),
    boulder: Handle<Mesh>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_look).add_systems(Update, dress_plants);
}

/// A primitive's mesh, flat-shaded, in one colour, placed.
fn painted(mesh: Mesh, colour: Color, at: Transform) -> Mesh {
    let mut mesh = mesh.transformed_by(at).with_duplicated_vertices().with_computed_flat_normals();
    let c = colour.to_linear().to_f32_array();
    let n = mesh.count_vertices();
    mesh.insert_attribute(Mesh::ATTRIBUTE_COLOR, vec![c; n]);
    mesh
}

fn merged(parts: Vec<Mesh>) -> Mesh {
    let mut parts = parts.into_iter();
    let mut mesh = parts.next().expect("a mesh has parts");
    for part in parts {
        // Same primitives, same attributes: merging cannot fail.
        let _ = mesh.merge(&part);
    }
    mesh
}

fn blob(radius: f32, subdivisions: u32, lumps: u32) -> Mesh {
    let mut mesh = Sphere::new(radius).mesh().ico(subdivisions).unwrap_or_else(|_| Sphere::new(radius).mesh().uv(8, 6));
    // Push each vertex in or out by a hash of its direction: a lumpy crown or a rough stone.
    if let Some(bevy::mesh::VertexAttributeValues::Float32x3(positions)) = mesh.attribute_mut(Mesh::ATTRIBUTE_POSITION) {
        for p in positions.iter_mut() {
            let v = Vec3::from_array(*p);
            let h = ((v.x * 12.9898 + v.y * 78.233 + v.z * 37.719 + lumps as f32).sin() * 43758.547).fract().abs();
            *p = (v * (0.82 + 0.3 * h)).to_array();
        }
    }
    mesh
}

const TRUNK: Color = Color::srgb(0.33, 0.24, 0.16);
const NEEDLES: Color = Color::srgb(0.11, 0.25, 0.14);
const NEEDLES_TOP: Color = Color::srgb(0.14, 0.30, 0.16);
const LEAVES: Color = Color::srgb(0.24, 0.42, 0.15);
const LEAVES_LIGHT: Color = Color::srgb(0.32, 0.50, 0.18);
const STONE: Color = Color::srgb(0.47, 0.45, 0.42);

fn make_look(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    let cone = |r: f32, h: f32, res: u32| Mesh::from(Cone::new(r, h).mesh().resolution(res));
    let conifer_near = merged(vec![
        painted(Cylinder::new(0.22, 2.4).mesh().resolution(6).into(), TRUNK, Transform::from_xyz(0.0, 1.2, 0.0)),
        painted(cone(2.3, 3.8, 9), NEEDLES, Transform::from_xyz(0.0, 3.4, 0.0)),
        painted(cone(1.8, 3.3, 9), NEEDLES, Transform::from_xyz(0.0, 5.3, 0.0).with_rotation(Quat::from_rotation_y(0.4))),
        painted(cone(1.2, 2.9, 8), NEEDLES_TOP, Transform::from_xyz(0.0, 7.5, 0.0).with_rotation(Quat::from_rotation_y(0.9))),
    ]);
    let conifer_far = painted(cone(2.1, 8.0, 5), NEEDLES, Transform::from_xyz(0.0, 4.9, 0.0));
    let broadleaf_near = merged(vec![
        painted(Cylinder::new(0.26, 3.2).mesh().resolution(6).into(), TRUNK, Transform::from_xyz(0.0, 1.6, 0.0)),
        painted(blob(2.5, 1, 1), LEAVES, Transform::from_xyz(0.0, 4.6, 0.0).with_scale(Vec3::new(1.0, 0.8, 1.0))),
        painted(blob(1.7, 1, 2), LEAVES_LIGHT, Transform::from_xyz(1.1, 5.6, 0.5)),
        painted(blob(1.5, 1, 3), LEAVES, Transform::from_xyz(-1.0, 5.2, -0.7)),
    ]);
    let broadleaf_far = painted(blob(2.8, 0, 4), LEAVES, Transform::from_xyz(0.0, 4.8, 0.0).with_scale(Vec3::new(1.0, 0.85, 1.0)));
    let boulder = painted(blob(0.8, 1, 5), STONE, Transform::from_xyz(0.0, 0.2, 0.0).with_scale(Vec3::new(1.0, 0.65, 0.85)));
    commands.insert_resource(PlantLook {
        material: materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.92, ..default() }),
        conifer: (meshes.add(conifer_near), meshes.add(conifer_far)),
        broadleaf: (meshes.add(broadleaf_near), meshes.add(broadleaf_far)),
        boulder: meshes.add(boulder),
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn dress_plants(mut commands: Commands, look: Option<Res<PlantLook>>, plants: Query<(Entity, &PlantBody), Added<PlantBody>>) {
    let Some(look) = look else { return };
    for (entity, plant) in &plants {
        let size = Transform::from_scale(Vec3::splat(plant.scale));
        let material = MeshMaterial3d(look.material.clone());
        commands.entity(entity).with_children(|c| match plant.kind {
            PlantKind::Boulder => {
                c.spawn((Mesh3d(look.boulder.clone()), material, size, VisibilityRange { start_margin: 0.0..0.0, end_margin: BOULDERS_UNTIL, use_aabb: false }));
            }
            kind => {
                let (near, far) = if kind == PlantKind::Conifer { &look.conifer } else { &look.broadleaf };
                c.spawn((Mesh3d(near.clone()), material.clone(), size, VisibilityRange { start_margin: 0.0..0.0, end_margin: NEAR_UNTIL, use_aabb: false }));
                c.spawn((Mesh3d(far.clone()), material, size, NotShadowCaster, VisibilityRange { start_margin: NEAR_UNTIL, end_margin: FAR_UNTIL, use_aabb: false }));
            }
        });
    }
}

/// Side of the tiles whose plants the browser draws as one mesh, metres.
#[cfg(target_arch = "wasm32")]
const TILE_M: f32 = 128.0;

/// In the browser each kind's simple mesh, merged per 128 m tile: WebGL2 draws every
/// entity on its own (thousands of draws a frame halved SwiftShader's frame rate), and
/// VisibilityRange fails there: Bevy binds its ranges as a 16-byte buffer on WebGL2 while
/// the shader wants 1,024 (bevy#21309, still open in 0.19).
/// The tiles are still culled by the frustum.
#[cfg(target_arch = "wasm32")]
fn dress_plants(mut commands: Commands, look: Option<Res<PlantLook>>, mut meshes: ResMut<Assets<Mesh>>, plants: Query<(&PlantBody, &Transform), Added<PlantBody>>) {
    let Some(look) = look else { return };
    let mut tiles: std::collections::BTreeMap<(u8, i32, i32), Vec<Mesh>> = std::collections::BTreeMap::new();
    for (plant, at) in &plants {
        let (slot, handle) = match plant.kind {
            PlantKind::Conifer => (0, &look.conifer.1),
            PlantKind::Broadleaf => (1, &look.broadleaf.1),
            PlantKind::Boulder => (2, &look.boulder),
        };
        let Some(mesh) = meshes.get(handle) else { continue };
        let key = (slot, (at.translation.x / TILE_M).floor() as i32, (at.translation.z / TILE_M).floor() as i32);
        tiles.entry(key).or_default().push(mesh.clone().transformed_by(at.with_scale(Vec3::splat(plant.scale))));
    }
    for ((slot, x, z), parts) in tiles {
        commands.spawn((Name::new(format!("plants {slot} of tile {x},{z}")), Mesh3d(meshes.add(merged(parts))), MeshMaterial3d(look.material.clone()), NotShadowCaster));
    }
}
