//! What the valley looks like around the terrain (terrain_look draws that): water, the landmarks'
//! meshes on the parts `world` built, sun, sky and ambient light.

use bevy::prelude::*;

use super::world::{CurrentLevel, LandmarkPart, landmark_parts};
use crate::level::Level;

/// Sky and ambient light from the start (the loading screen shows them); the rest once the
/// level's terrain is built.
pub fn plugin(level: &Level) -> impl Fn(&mut App) + use<> {
    let sky = level.lighting.sky_color;
    let ambient = level.lighting.ambient;
    move |app: &mut App| {
        app.insert_resource(ClearColor(Color::srgb(sky.0, sky.1, sky.2)))
            .insert_resource(GlobalAmbientLight { color: Color::srgb(0.85, 0.9, 1.0), brightness: ambient, ..default() })
            .add_systems(PreUpdate, (spawn_water, spawn_sun).run_if(resource_added::<CurrentLevel>))
            .add_systems(Update, dress_landmarks);
    }
}

fn spawn_water(mut commands: Commands, current: Res<CurrentLevel>, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
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
    let toward_sun = super::sky_dome::toward_sun(l);
    commands.spawn((
        Name::new("sun"),
        DirectionalLight { illuminance: l.sun_lux, shadow_maps_enabled: true, color: Color::srgb(1.0, 0.96, 0.88), ..default() },
        // Two cascades over the near 250 m: crisp shadows where the car is, half the cost
        // of the default four.
        bevy::light::CascadeShadowConfigBuilder { num_cascades: 2, maximum_distance: 250.0, first_cascade_far_bound: 40.0, ..default() }.build(),
        Transform::from_translation(toward_sun * 100.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// Gives each new landmark part its mesh and material.
fn dress_landmarks(
    mut commands: Commands,
    parts: Query<(Entity, &LandmarkPart), Added<LandmarkPart>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    for (entity, part) in &parts {
        let Some(p) = landmark_parts(part.kind).into_iter().nth(part.index) else { continue };
        let linear = p.color.to_linear();
        let material = StandardMaterial {
            base_color: p.color,
            emissive: LinearRgba::rgb(linear.red * p.glow, linear.green * p.glow, linear.blue * p.glow),
            perceptual_roughness: if p.glow > 0.0 { 0.2 } else { 0.85 },
            ..default()
        };
        commands.entity(entity).insert((Mesh3d(meshes.add(p.mesh)), MeshMaterial3d(materials.add(material))));
    }
}
