//! The valley from its level file: terrain chunks with a matching heightfield collider,
//! water, landmarks with colliders, sun, sky and fog.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy_rapier3d::prelude::{Collider, RigidBody};

use crate::level::mesh::{MeshData, chunk_mesh, chunks_per_side};
use super::screens::Screen;
use crate::level::{Heightfield, Landmark, LandmarkKind, Level};

pub use super::screens::CurrentLevel;

/// The level's colliders (and its scenery, where the game renders), built at start-up from
/// a terrain computed right away: for headless simulations.
pub fn plugin(level: Level) -> impl Fn(&mut App) {
    move |app: &mut App| {
        let field = level.heightfield();
        app.insert_resource(CurrentLevel { level: level.clone(), field })
            .add_systems(Startup, (spawn_terrain, spawn_water, spawn_landmarks, spawn_sun));
    }
}

/// The game's valley: sky and ambient light now, everything else once the loading screen
/// has built the terrain.
pub fn scenery(level: &Level) -> impl Fn(&mut App) + use<> {
    let sky = level.lighting.sky_color;
    let ambient = level.lighting.ambient;
    move |app: &mut App| {
        app.insert_resource(ClearColor(Color::srgb(sky.0, sky.1, sky.2)))
            .insert_resource(GlobalAmbientLight { color: Color::srgb(0.85, 0.9, 1.0), brightness: ambient, ..default() })
            .add_systems(OnExit(Screen::Loading), (spawn_terrain, spawn_water, spawn_landmarks, spawn_sun));
    }
}

fn to_mesh(data: MeshData) -> Mesh {
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, data.positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, data.normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, data.colors)
        .with_inserted_indices(Indices::U32(data.indices))
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

/// Mesh and material storage: present when the game renders, absent in headless tests,
/// where only the colliders are built.
type Meshes<'a> = Option<ResMut<'a, Assets<Mesh>>>;
type Materials<'a> = Option<ResMut<'a, Assets<StandardMaterial>>>;

fn spawn_terrain(mut commands: Commands, current: Res<CurrentLevel>, meshes: Meshes, materials: Materials) {
    commands.spawn((Name::new("terrain collider"), RigidBody::Fixed, terrain_collider(&current.field), Transform::IDENTITY));
    let Some((mut meshes, mut materials)) = meshes.zip(materials) else { return };
    let material = materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.95, ..default() });
    let per_side = chunks_per_side(&current.field);
    for cz in 0..per_side {
        for cx in 0..per_side {
            let mesh = chunk_mesh(&current.field, &current.level.terrain, cx, cz);
            commands.spawn((Name::new(format!("terrain chunk {cx},{cz}")), Mesh3d(meshes.add(to_mesh(mesh))), MeshMaterial3d(material.clone())));
        }
    }
}

fn spawn_water(mut commands: Commands, current: Res<CurrentLevel>, meshes: Meshes, materials: Materials) {
    let Some((mut meshes, mut materials)) = meshes.zip(materials) else { return };
    let spec = &current.level.terrain;
    if current.field.min_max().0 >= spec.water_level_m {
        return;
    }
    commands.spawn((
        Name::new("water"),
        Mesh3d(meshes.add(Plane3d::default().mesh().size(spec.size_m, spec.size_m))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgba(0.18, 0.42, 0.58, 0.82),
            alpha_mode: AlphaMode::Blend,
            perceptual_roughness: 0.08,
            reflectance: 0.6,
            ..default()
        })),
        Transform::from_xyz(0.0, spec.water_level_m, 0.0),
    ));
}

fn spawn_sun(mut commands: Commands, current: Res<CurrentLevel>) {
    let l = &current.level.lighting;
    let (elevation, azimuth) = (l.sun_elevation_deg.to_radians(), l.sun_azimuth_deg.to_radians());
    // Azimuth from north (−z) clockwise towards east (+x).
    let toward_sun = Vec3::new(azimuth.sin() * elevation.cos(), elevation.sin(), -azimuth.cos() * elevation.cos());
    commands.spawn((
        Name::new("sun"),
        DirectionalLight { illuminance: l.sun_lux, shadow_maps_enabled: true, color: Color::srgb(1.0, 0.96, 0.88), ..default() },
        // Two cascades over the near 250 m: crisp shadows where the car is, half the cost
        // of the default four.
        bevy::light::CascadeShadowConfigBuilder { num_cascades: 2, maximum_distance: 250.0, first_cascade_far_bound: 40.0, ..default() }.build(),
        Transform::from_translation(toward_sun * 100.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// One part of a landmark: a mesh, its colour and emissive glow, where it sits, and its collider.
struct Part {
    mesh: Mesh,
    color: Color,
    glow: f32,
    at: Transform,
    collider: Option<Collider>,
}

fn part(mesh: impl Into<Mesh>, color: Color, at: Transform, collider: Option<Collider>) -> Part {
    Part { mesh: mesh.into(), color, glow: 0.0, at, collider }
}

fn landmark_parts(kind: LandmarkKind) -> Vec<Part> {
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

pub fn spawn_landmarks(mut commands: Commands, current: Res<CurrentLevel>, meshes: Meshes, materials: Materials) {
    let mut render = meshes.zip(materials);
    for Landmark { id, name, kind, position, rotation_deg } in &current.level.landmarks {
        let ground = current.field.height_at(position.0, position.1);
        let at = Transform::from_xyz(position.0, ground, position.1).with_rotation(Quat::from_rotation_y(rotation_deg.to_radians()));
        commands
            .spawn((Name::new(format!("landmark {id}: {name}")), at, Visibility::default()))
            .with_children(|parent| {
                for p in landmark_parts(*kind) {
                    let mut child = parent.spawn(p.at);
                    if let Some(collider) = p.collider {
                        child.insert((RigidBody::Fixed, collider));
                    }
                    if let Some((meshes, materials)) = render.as_mut() {
                        let linear = p.color.to_linear();
                        let material = StandardMaterial {
                            base_color: p.color,
                            emissive: LinearRgba::rgb(linear.red * p.glow, linear.green * p.glow, linear.blue * p.glow),
                            perceptual_roughness: if p.glow > 0.0 { 0.2 } else { 0.85 },
                            ..default()
                        };
                        child.insert((Mesh3d(meshes.add(p.mesh)), MeshMaterial3d(materials.add(material))));
                    }
                }
            });
    }
}
