//! What the valley looks like besides its terrain, water, sky and plants (each has its own
//! plugin): the landmarks' meshes on the parts `world` built, the sun and ambient light.

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
            .add_systems(PreUpdate, spawn_sun.run_if(resource_added::<CurrentLevel>))
            .add_systems(Update, dress_landmarks);
    }
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
