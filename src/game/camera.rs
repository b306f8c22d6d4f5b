//! Cameras: a chase camera that follows the player's car smoothly and never goes under the
//! terrain, a free orbit camera around the car (C), and a flyover that circles the valley
//! when there is no car to follow.

use bevy::prelude::*;

use super::AppSystems;
use super::car::Car;
use super::car::PlayerDriven;
use super::world::CurrentLevel;

/// Marks the game camera.
#[derive(Component)]
pub struct GameCamera;

/// The free orbit camera around the car (C toggles it): yaw and pitch in radians, distance
/// in metres. Mouse drag turns it, the wheel zooms.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct OrbitCamera {
    pub enabled: bool,
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
}

impl Default for OrbitCamera {
    fn default() -> Self {
        OrbitCamera { enabled: false, yaw: 0.0, pitch: 0.35, distance: 14.0 }
    }
}

/// Seconds for one circle of the flyover.
const FLYOVER_PERIOD_S: f32 = 90.0;
/// Where the chase camera sits, in the car's frame (behind is +z), and how fast it follows.
const CHASE_OFFSET: Vec3 = Vec3::new(0.0, 2.6, 7.8);
const CHASE_STIFFNESS: f32 = 5.0;
/// Clearance the camera keeps above the ground.
pub const CAMERA_CLEARANCE_M: f32 = 1.2;

pub fn plugin(app: &mut App) {
    app.init_resource::<OrbitCamera>()
        .add_systems(Startup, spawn_camera)
        .add_systems(PreUpdate, add_fog.run_if(resource_added::<CurrentLevel>))
        .add_systems(Update, steer_orbit.in_set(AppSystems::Input))
        .add_systems(Update, (chase, orbit, fly_over).in_set(AppSystems::Presentation).run_if(resource_exists::<CurrentLevel>.and_then(not(resource_exists::<CameraDirected>))));
}

/// Present while something else moves the camera (the show's camera director): the chase,
/// orbit and flyover cameras stand aside.
#[derive(Resource, Default)]
pub struct CameraDirected;

fn steer_orbit(
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<bevy::input::mouse::AccumulatedMouseMotion>,
    scroll: Res<bevy::input::mouse::AccumulatedMouseScroll>,
    mut orbit: ResMut<OrbitCamera>,
) {
    if keys.just_pressed(KeyCode::KeyC) {
        orbit.enabled = !orbit.enabled;
    }
    if !orbit.enabled {
        return;
    }
    if buttons.pressed(MouseButton::Left) || buttons.pressed(MouseButton::Right) {
        orbit.yaw -= motion.delta.x * 0.005;
        orbit.pitch = (orbit.pitch + motion.delta.y * 0.005).clamp(-0.2, 1.4);
    }
    orbit.distance = (orbit.distance - scroll.delta.y * 1.5).clamp(4.0, 80.0);
}

/// The orbit camera: around the car at its yaw, pitch and distance, kept above the ground.
fn orbit(
    current: Res<CurrentLevel>,
    orbit: Res<OrbitCamera>,
    car: Query<&Transform, (With<Car>, With<PlayerDriven>, Without<GameCamera>)>,
    mut camera: Query<&mut Transform, With<GameCamera>>,
) {
    if !orbit.enabled {
        return;
    }
    let (Ok(car), Ok(mut cam)) = (car.single(), camera.single_mut()) else { return };
    let offset = Quat::from_rotation_y(orbit.yaw) * Quat::from_rotation_x(-orbit.pitch) * Vec3::new(0.0, 0.0, orbit.distance);
    let position = above_ground(&current, car.translation + offset);
    *cam = Transform::from_translation(position).looking_at(car.translation + Vec3::Y, Vec3::Y);
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("camera"),
        GameCamera,
        Camera3d::default(),
        Projection::Perspective(PerspectiveProjection { fov: 55f32.to_radians(), far: 3000.0, ..default() }),
        // FXAA instead of 4× MSAA: the same smooth edges for a fraction of the fill rate,
        // which software renderers (and big screens) feel most.
        Msaa::Off,
        bevy::anti_alias::fxaa::Fxaa::default(),
        Transform::from_xyz(0.0, 80.0, 200.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The level's fog, once the level is loaded.
fn add_fog(mut commands: Commands, current: Res<CurrentLevel>, camera: Query<Entity, With<GameCamera>>) {
    let l = &current.level.lighting;
    for entity in &camera {
        commands.entity(entity).insert(DistanceFog {
            color: Color::srgb(l.fog_color.0, l.fog_color.1, l.fog_color.2),
            directional_light_color: Color::srgba(1.0, 0.95, 0.85, 0.4),
            directional_light_exponent: 20.0,
            falloff: FogFalloff::Linear { start: l.fog_start_m, end: l.fog_end_m },
        });
    }
}

/// Keeps `position` at least the clearance above the terrain (and the water).
pub fn above_ground(current: &CurrentLevel, mut position: Vec3) -> Vec3 {
    let ground = current.field.height_at(position.x, position.z).max(current.level.terrain.water_level_m);
    position.y = position.y.max(ground + CAMERA_CLEARANCE_M);
    position
}

fn chase(
    time: Res<Time>,
    current: Res<CurrentLevel>,
    orbit: Res<OrbitCamera>,
    car: Query<&Transform, (With<Car>, With<PlayerDriven>, Without<GameCamera>)>,
    mut camera: Query<&mut Transform, With<GameCamera>>,
) {
    if orbit.enabled {
        return;
    }
    let (Ok(car), Ok(mut cam)) = (car.single(), camera.single_mut()) else { return };
    // Follow the car's heading only (not its pitch and roll), so bumps do not shake the view.
    let (yaw, _, _) = car.rotation.to_euler(EulerRot::YXZ);
    let wanted = above_ground(&current, car.translation + Quat::from_rotation_y(yaw) * CHASE_OFFSET);
    let blend = 1.0 - (-CHASE_STIFFNESS * time.delta_secs()).exp();
    let position = above_ground(&current, cam.translation.lerp(wanted, blend));
    *cam = Transform::from_translation(position).looking_at(car.translation + Vec3::Y * 1.0, Vec3::Y);
}

/// Circles the spawn point at a height that keeps clear of the terrain, looking at it.
fn fly_over(
    time: Res<Time>,
    current: Res<CurrentLevel>,
    car: Query<(), (With<Car>, With<PlayerDriven>)>,
    mut camera: Query<&mut Transform, With<GameCamera>>,
) {
    if !car.is_empty() {
        return;
    }
    let Ok(mut transform) = camera.single_mut() else { return };
    let (sx, sz) = current.level.spawn.position;
    let angle = time.elapsed_secs() / FLYOVER_PERIOD_S * std::f32::consts::TAU + 0.6;
    // Small levels get a smaller circle, so that the camera stays over the land.
    let radius = (current.level.terrain.size_m * 0.3).min(170.0);
    let (x, z) = (sx + radius * angle.cos(), sz + radius * angle.sin());
    let position = above_ground(&current, Vec3::new(x, current.field.height_at(x, z) + radius * 0.27, z));
    let target = Vec3::new(sx, current.field.height_at(sx, sz) + 4.0, sz);
    *transform = Transform::from_translation(position).looking_at(target, Vec3::Y);
}
