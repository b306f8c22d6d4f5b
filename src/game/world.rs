//! The valley's solid ground from its level file: the terrain's heightfield collider and
//! the landmarks' colliders. What they look like is added by `scenery`.

use bevy::prelude::*;
use bevy_rapier3d::prelude::{Collider, RigidBody};

use crate::level::scatter::{PlantKind, scatter};
use crate::level::{Heightfield, Landmark, LandmarkKind};

pub use super::screens::CurrentLevel;

/// The terrain's collider.
#[derive(Component)]
pub struct Terrain;

/// Part `index` of a landmark of this kind (its shape is `landmark_parts(kind)[index]`).
#[derive(Component, Clone, Copy, Debug)]
pub struct LandmarkPart {
    pub kind: LandmarkKind,
    pub index: usize,
}

/// A tree or boulder of the level's scatter, standing where its base is (its look comes
/// from `vegetation_look`). Solid: a car stops at a trunk.
#[derive(Component, Clone, Copy, Debug)]
pub struct PlantBody {
    pub kind: PlantKind,
    pub scale: f32,
}

/// The colliders are built as soon as the level's terrain is (before the first frame
/// headless, after the loading screen in the window).
pub fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, (spawn_terrain, spawn_landmarks, spawn_plants).run_if(resource_added::<CurrentLevel>));
}

/// The heightfield as rapier wants it: column-major (z fastest), spanning the terrain.
pub fn terrain_collider(field: &Heightfield) -> Collider {
    let n = field.resolution as usize;
    let mut by_column = Vec::with_capacity(n * n);
    for ix in 0..n {
        for iz in 0..n {
            by_column.push(field.heights[iz * n + ix]);
        }
    }
    Collider::heightfield(by_column, n, n, Vec3::new(field.size_m, 1.0, field.size_m))
}

fn spawn_terrain(mut commands: Commands, current: Res<CurrentLevel>) {
    commands.spawn((Name::new("terrain"), Terrain, RigidBody::Fixed, terrain_collider(&current.field), Transform::IDENTITY, Visibility::default()));
}

fn spawn_plants(mut commands: Commands, current: Res<CurrentLevel>) {
    let plants = scatter(&current.level, &current.field);
    commands.spawn_batch(plants.into_iter().map(|p| {
        let s = p.scale;
        // A trunk, or a stone sunk a little into the ground.
        let solid = match p.kind {
            PlantKind::Boulder => Collider::compound(vec![(Vec3::Y * 0.2 * s, Quat::IDENTITY, Collider::ball(0.6 * s))]),
            _ => Collider::compound(vec![(Vec3::Y * 1.5 * s, Quat::IDENTITY, Collider::cylinder(1.5 * s, 0.3 * s))]),
        };
        let at = Transform::from_xyz(p.position[0], p.position[1], p.position[2]).with_rotation(Quat::from_rotation_y(p.yaw));
        (PlantBody { kind: p.kind, scale: s }, RigidBody::Fixed, solid, at, Visibility::default())
    }));
}

/// One part of a landmark: a mesh, its colour and emissive glow, where it sits, and its collider.
pub struct Part {
    pub mesh: Mesh,
    pub color: Color,
    pub glow: f32,
    pub at: Transform,
    pub collider: Option<Collider>,
}

fn part(mesh: impl Into<Mesh>, color: Color, at: Transform, collider: Option<Collider>) -> Part {
    Part { mesh: mesh.into(), color, glow: 0.0, at, collider }
}

pub fn landmark_parts(kind: LandmarkKind) -> Vec<Part> {
    let stone = Color::srgb(0.55, 0.52, 0.48);
    match kind {
        LandmarkKind::Garage => vec![
            part(Cuboid::new(16.0, 6.0, 12.0), Color::srgb(0.93, 0.93, 0.9), Transform::from_xyz(0.0, 3.0, 0.0), Some(Collider::cuboid(8.0, 3.0, 6.0))),
            part(Cuboid::new(17.0, 0.6, 13.0), Color::srgb(0.1, 0.55, 0.6), Transform::from_xyz(0.0, 6.3, 0.0), None),
            part(Cuboid::new(8.0, 4.5, 0.2), Color::srgb(0.12, 0.14, 0.18), Transform::from_xyz(0.0, 2.25, 6.05), None),
            part(Cuboid::new(10.0, 0.8, 0.3), Color::srgb(0.1, 0.8, 0.9), Transform::from_xyz(0.0, 5.2, 6.1), None),
        ],
        LandmarkKind::LookoutTower => vec![
            part(Cylinder::new(1.6, 24.0), stone, Transform::from_xyz(0.0, 12.0, 0.0), Some(Collider::cylinder(12.0, 1.6))),
            part(Cylinder::new(4.0, 1.0), Color::srgb(0.45, 0.35, 0.25), Transform::from_xyz(0.0, 24.0, 0.0), Some(Collider::cylinder(0.5, 4.0))),
            part(Cone::new(4.6, 5.0), Color::srgb(0.62, 0.2, 0.16), Transform::from_xyz(0.0, 29.0, 0.0), None),
        ],
        LandmarkKind::CrystalSpires => [(0.0, 0.0, 16.0, 0.0), (4.0, 2.0, 10.0, 0.25), (-3.5, 3.0, 12.0, -0.2), (1.5, -4.0, 8.0, 0.35), (-2.0, -3.0, 6.0, -0.4)]
            .into_iter()
            .map(|(x, z, h, tilt)| Part {
                mesh: Cone::new(1.3, h).into(),
                color: Color::srgb(0.45, 0.85, 1.0),
                glow: 2.5,
                at: Transform::from_xyz(x, h / 2.0 - 0.5, z).with_rotation(Quat::from_rotation_z(tilt) * Quat::from_rotation_x(tilt * 0.5)),
                collider: Some(Collider::cone(h / 2.0, 1.3)),
            })
            .collect(),
        LandmarkKind::StoneArch => vec![
            part(Cuboid::new(3.0, 12.0, 3.0), stone, Transform::from_xyz(-7.0, 6.0, 0.0), Some(Collider::cuboid(1.5, 6.0, 1.5))),
            part(Cuboid::new(3.0, 12.0, 3.0), stone, Transform::from_xyz(7.0, 6.0, 0.0), Some(Collider::cuboid(1.5, 6.0, 1.5))),
            part(Cuboid::new(18.0, 3.0, 3.5), stone, Transform::from_xyz(0.0, 13.5, 0.0), Some(Collider::cuboid(9.0, 1.5, 1.75))),
        ],
    }
}

fn spawn_landmarks(mut commands: Commands, current: Res<CurrentLevel>) {
    for Landmark { id, name, kind, position, rotation_deg } in &current.level.landmarks {
        let ground = current.field.height_at(position.0, position.1);
        let at = Transform::from_xyz(position.0, ground, position.1).with_rotation(Quat::from_rotation_y(rotation_deg.to_radians()));
        commands.spawn((Name::new(format!("landmark {id}: {name}")), at, Visibility::default())).with_children(|parent| {
            for (index, p) in landmark_parts(*kind).into_iter().enumerate() {
                let mut child = parent.spawn((LandmarkPart { kind: *kind, index }, p.at, Visibility::default()));
                if let Some(collider) = p.collider {
                    child.insert((RigidBody::Fixed, collider));
                }
            }
        });
    }
}
