//! The twin car: a rapier ray-cast vehicle (four wheels with suspension, grip, braking,
//! steering that eases with speed, a top speed), its parameters from the twin's stats
//! through `twin::vehicle_params`, a body built from meshes with wheels that turn and steer.
//! The physics works headless; the meshes are added only when the game renders.

use bevy::prelude::*;
use bevy_rapier3d::prelude::*;
use bevy_rapier3d::rapier::control::{DynamicRayCastVehicleController, WheelTuning};
use bevy_rapier3d::rapier::parry::query::DefaultQueryDispatcher;

use super::world::CurrentLevel;
use crate::twin::VehicleParams;

/// Mass of the chassis (kg): a mid-size EV.
pub const CAR_MASS_KG: f32 = 1_600.0;
/// Chassis half extents (m): width, height, length.
const HALF_EXTENTS: Vec3 = Vec3::new(0.9, 0.35, 2.2);
/// Wheel mounting points relative to the chassis centre: front pair first (front is −z).
const WHEEL_MOUNTS: [Vec3; 4] = [Vec3::new(-0.82, -0.2, -1.35), Vec3::new(0.82, -0.2, -1.35), Vec3::new(-0.82, -0.2, 1.35), Vec3::new(0.82, -0.2, 1.35)];
const WHEEL_RADIUS: f32 = 0.36;
const SUSPENSION_REST: f32 = 0.4;
/// Braking impulse per wheel at full brake (N·s per step at 60 Hz ≈ 0.9 g for the whole car).
const BRAKE_IMPULSE: f32 = 60.0;
/// Speed (m/s) at which the steering lock is halved.
const STEER_EASE_SPEED: f32 = 12.0;

/// The player's car (or the autopilot's).
/// Marks the car the player drives (the autopilot drives others).
#[derive(Component)]
pub struct PlayerDriven;

#[derive(Component)]
pub struct Car {
    pub params: VehicleParams,
}

/// What the driver asks for: throttle −1 (reverse) … 1, steer −1 (right) … 1 (left), brake 0 … 1.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct CarControls {
    pub throttle: f32,
    pub steer: f32,
    pub brake: f32,
}

/// The rapier vehicle controller of a car, attached once its rigid body exists.
#[derive(Component)]
pub struct Vehicle(pub DynamicRayCastVehicleController);

/// A wheel's visual, child of the car, following wheel `index` of the controller.
#[derive(Component)]
pub struct WheelVisual(pub usize);

/// Forward speed of the car (m/s, negative when reversing), updated every physics step.
#[derive(Component, Default, Clone, Copy, Debug)]
pub struct CarSpeed(pub f32);

pub fn plugin(app: &mut App) {
    app.add_systems(
        PostUpdate,
        (attach_vehicle, retune_vehicle, drive_vehicle).chain().after(PhysicsSet::SyncBackend).before(PhysicsSet::StepSimulation),
    )
    .add_systems(PostUpdate, place_wheels.after(PhysicsSet::Writeback).before(TransformSystems::Propagate));
}

/// Spawns a car at a level point (x, z) with a heading (radians, 0 = facing −z), standing on
/// the ground. Meshes are added when `render` is given.
pub fn spawn_car(
    commands: &mut Commands,
    current: &CurrentLevel,
    params: VehicleParams,
    at: (f32, f32),
    heading: f32,
    render: Option<(&mut Assets<Mesh>, &mut Assets<StandardMaterial>)>,
) -> Entity {
    let ground = current.field.height_at(at.0, at.1);
    let transform = Transform::from_xyz(at.0, ground + 1.4, at.1).with_rotation(Quat::from_rotation_y(heading));
    let mut car = commands.spawn((
        Name::new("car"),
        Car { params },
        CarControls::default(),
        CarSpeed::default(),
        transform,
        Visibility::default(),
        RigidBody::Dynamic,
        Collider::cuboid(HALF_EXTENTS.x, HALF_EXTENTS.y, HALF_EXTENTS.z),
        ColliderMassProperties::Mass(CAR_MASS_KG),
        Friction::coefficient(0.3),
        Velocity::default(),
        Damping { linear_damping: 0.05, angular_damping: 0.8 },
        Sleeping::disabled(),
        Ccd::enabled(),
    ));
    if let Some((meshes, materials)) = render {
        let paint = materials.add(StandardMaterial { base_color: Color::srgb(0.08, 0.42, 0.86), metallic: 0.6, perceptual_roughness: 0.35, ..default() });
        let glass = materials.add(StandardMaterial { base_color: Color::srgb(0.06, 0.08, 0.12), perceptual_roughness: 0.1, reflectance: 0.8, ..default() });
        let light = materials.add(StandardMaterial { base_color: Color::WHITE, emissive: LinearRgba::rgb(6.0, 6.0, 5.0), ..default() });
        let tail = materials.add(StandardMaterial { base_color: Color::srgb(0.6, 0.0, 0.0), emissive: LinearRgba::rgb(3.0, 0.1, 0.1), ..default() });
        let tyre = materials.add(StandardMaterial { base_color: Color::srgb(0.05, 0.05, 0.05), perceptual_roughness: 0.9, ..default() });
        let rim = materials.add(StandardMaterial { base_color: Color::srgb(0.75, 0.77, 0.8), metallic: 0.9, perceptual_roughness: 0.3, ..default() });
        car.with_children(|c| {
            c.spawn((Mesh3d(meshes.add(Cuboid::new(1.8, 0.55, 4.4))), MeshMaterial3d(paint.clone()), Transform::from_xyz(0.0, 0.0, 0.0)));
            c.spawn((Mesh3d(meshes.add(Cuboid::new(1.6, 0.5, 2.2))), MeshMaterial3d(glass), Transform::from_xyz(0.0, 0.5, 0.25)));
            c.spawn((Mesh3d(meshes.add(Cuboid::new(1.5, 0.08, 2.0))), MeshMaterial3d(paint), Transform::from_xyz(0.0, 0.77, 0.3)));
            for x in [-0.6, 0.6] {
                c.spawn((Mesh3d(meshes.add(Cuboid::new(0.4, 0.12, 0.05))), MeshMaterial3d(light.clone()), Transform::from_xyz(x, 0.08, -2.21)));
                c.spawn((Mesh3d(meshes.add(Cuboid::new(0.45, 0.1, 0.05))), MeshMaterial3d(tail.clone()), Transform::from_xyz(x, 0.1, 2.21)));
            }
            for (i, mount) in WHEEL_MOUNTS.iter().enumerate() {
                c.spawn((WheelVisual(i), Transform::from_translation(*mount - Vec3::Y * SUSPENSION_REST), Visibility::default())).with_children(|w| {
                    let turned = Transform::from_rotation(Quat::from_rotation_z(std::f32::consts::FRAC_PI_2));
                    w.spawn((Mesh3d(meshes.add(Cylinder::new(WHEEL_RADIUS, 0.26))), MeshMaterial3d(tyre.clone()), turned));
                    w.spawn((Mesh3d(meshes.add(Cylinder::new(WHEEL_RADIUS * 0.6, 0.28))), MeshMaterial3d(rim.clone()), turned));
                    w.spawn((Mesh3d(meshes.add(Cuboid::new(0.3, 0.08, WHEEL_RADIUS * 1.1))), MeshMaterial3d(rim.clone()), Transform::default()));
                });
            }
        });
    }
    car.id()
}

fn attach_vehicle(mut commands: Commands, cars: Query<(Entity, &Car, &RapierRigidBodyHandle), Without<Vehicle>>) {
    for (entity, car, handle) in &cars {
        let mut vehicle = DynamicRayCastVehicleController::new(handle.0);
        vehicle.index_forward_axis = 2;
        let tuning = WheelTuning {
            suspension_stiffness: 26.0,
            suspension_compression: 2.8,
            suspension_damping: 3.4,
            max_suspension_travel: 0.35,
            side_friction_stiffness: 1.0,
            friction_slip: car.params.grip,
            max_suspension_force: 40_000.0,
        };
        for mount in WHEEL_MOUNTS {
            vehicle.add_wheel(mount, -Vec3::Y, Vec3::X, SUSPENSION_REST, WHEEL_RADIUS, &tuning);
        }
        commands.entity(entity).insert(Vehicle(vehicle));
    }
}

/// An upgrade changed the car's parameters: the tyres' grip follows at once (engine force,
/// top speed and steering are read every step).
fn retune_vehicle(mut cars: Query<(&Car, &mut Vehicle), Changed<Car>>) {
    for (car, mut vehicle) in &mut cars {
        for wheel in vehicle.0.wheels_mut() {
            wheel.friction_slip = car.params.grip;
        }
    }
}

/// Turns the driver's controls into wheel forces and steps the controller (before rapier's
/// step, so that its impulses are not overwritten).
fn drive_vehicle(
    mut rapier: WriteRapierContext,
    mode: Res<TimestepMode>,
    time: Res<Time>,
    mut cars: Query<(Entity, &Car, &CarControls, &mut Vehicle, &mut CarSpeed)>,
) -> Result {
    let dt = match *mode {
        TimestepMode::Fixed { dt, .. } => dt,
        _ => time.delta_secs().clamp(1.0 / 240.0, 1.0 / 30.0),
    };
    let mut ctx = rapier.single_mut()?;
    for (entity, car, controls, mut vehicle, mut speed) in &mut cars {
        let v = vehicle.0.current_vehicle_speed;
        // index_forward_axis is +z and the car drives towards −z: forward speed is −v.
        speed.0 = -v;
        let p = car.params;
        let forward = speed.0;
        let (mut engine, mut brake) = (0.0, controls.brake.clamp(0.0, 1.0));
        let throttle = controls.throttle.clamp(-1.0, 1.0);
        if throttle > 0.0 && forward < p.top_speed_mps {
            engine = throttle * p.engine_force_n;
        } else if throttle < 0.0 {
            // Reverse once (nearly) stopped; brake while still rolling forward.
            if forward > 1.0 { brake = brake.max(-throttle) } else if forward > -p.top_speed_mps * 0.3 { engine = throttle * p.engine_force_n * 0.5 }
        }
        let steer = controls.steer.clamp(-1.0, 1.0) * p.max_steer_rad / (1.0 + forward.abs() / STEER_EASE_SPEED);
        for (i, wheel) in vehicle.0.wheels_mut().iter_mut().enumerate() {
            // All-wheel drive, as many EVs have; the engine force is shared by the four.
            wheel.engine_force = engine / 4.0;
            wheel.brake = if engine == 0.0 { brake * BRAKE_IMPULSE + 2.0 } else { 0.0 };
            wheel.steering = if i < 2 { steer } else { 0.0 };
        }
        RapierQueryPipelineMut::new_scoped(
            &ctx.simulation.broad_phase,
            &mut ctx.colliders,
            &mut ctx.rigidbody_set,
            &QueryFilter::default().exclude_rigid_body(entity),
            &DefaultQueryDispatcher,
            |q| vehicle.0.update_vehicle(dt, q.query_pipeline),
        );
    }
    Ok(())
}

/// Puts each wheel's visual where its suspension holds it, steered and spinning.
fn place_wheels(cars: Query<(&Vehicle, &Children)>, mut wheels: Query<(&WheelVisual, &mut Transform)>) {
    for (vehicle, children) in &cars {
        let state = vehicle.0.wheels();
        for child in children.iter() {
            let Ok((WheelVisual(i), mut transform)) = wheels.get_mut(child) else { continue };
            let Some(w) = state.get(*i) else { continue };
            let travel = w.raycast_info().suspension_length.clamp(0.0, SUSPENSION_REST + 0.2);
            transform.translation = WHEEL_MOUNTS[*i] - Vec3::Y * travel;
            transform.rotation = Quat::from_rotation_y(w.steering) * Quat::from_rotation_x(-w.rotation);
        }
    }
}

/// The simulated time one frame advances (s): what lap times and the autopilot's hands
/// count in, so that they do not depend on how fast the machine renders.
pub fn physics_dt(mode: &TimestepMode, time: &Time) -> f32 {
    match *mode {
        TimestepMode::Fixed { dt, .. } => dt,
        TimestepMode::Variable { max_dt, time_scale, .. } => (time.delta_secs() * time_scale).min(max_dt),
        TimestepMode::Interpolated { dt, .. } => dt,
    }
}

/// Puts the car back on its wheels at the nearest point of the level's first route.
pub fn reset_to_road(current: &CurrentLevel, transform: &mut Transform, velocity: &mut Velocity) {
    let route = &current.level.routes[0];
    let (t, _) = route.nearest((transform.translation.x, transform.translation.z));
    let (x, z) = route.point_at(t);
    let heading = route.heading_at(t);
    let ground = current.field.height_at(x, z);
    // heading is from +x towards +z; the car faces −z at rotation 0.
    *transform = Transform::from_xyz(x, ground + 1.4, z).with_rotation(Quat::from_rotation_y(-heading - std::f32::consts::FRAC_PI_2));
    *velocity = Velocity::zero();
}
