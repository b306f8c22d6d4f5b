//! The camera: for now a slow flyover that circles the valley's spawn point (the chase and
//! orbit cameras come with the car), with the level's fog.

use bevy::prelude::*;

use super::AppSystems;
use super::world::CurrentLevel;

/// Marks the game camera.
#[derive(Component)]
pub struct GameCamera;

/// Seconds for one circle of the flyover.
const FLYOVER_PERIOD_S: f32 = 90.0;

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_camera).add_systems(Update, fly_over.in_set(AppSystems::Presentation));
}

fn spawn_camera(mut commands: Commands, current: Res<CurrentLevel>) {
    let l = &current.level.lighting;
    commands.spawn((
        Name::new("camera"),
        GameCamera,
        Camera3d::default(),
        Projection::Perspective(PerspectiveProjection { fov: 55f32.to_radians(), far: 3000.0, ..default() }),
        DistanceFog {
            color: Color::srgb(l.fog_color.0, l.fog_color.1, l.fog_color.2),
            directional_light_color: Color::srgba(1.0, 0.95, 0.85, 0.4),
            directional_light_exponent: 20.0,
            falloff: FogFalloff::Linear { start: l.fog_start_m, end: l.fog_end_m },
        },
        Transform::from_xyz(0.0, 80.0, 200.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// Circles the spawn point at a height that keeps clear of the terrain, looking at it.
fn fly_over(time: Res<Time>, current: Res<CurrentLevel>, mut camera: Query<&mut Transform, With<GameCamera>>) {
    let Ok(mut transform) = camera.single_mut() else { return };
    let (sx, sz) = current.level.spawn.position;
    let angle = time.elapsed_secs() / FLYOVER_PERIOD_S * std::f32::consts::TAU + 0.6;
    // Small levels get a smaller circle, so that the camera stays over the land.
    let radius = (current.level.terrain.size_m * 0.3).min(170.0);
    let (x, z) = (sx + radius * angle.cos(), sz + radius * angle.sin());
    let ground = current.field.height_at(x, z).max(current.level.terrain.water_level_m);
    let target = Vec3::new(sx, current.field.height_at(sx, sz) + 4.0, sz);
    *transform = Transform::from_xyz(x, ground + radius * 0.27, z).looking_at(target, Vec3::Y);
}
