//! The twin car: a rapier ray-cast vehicle (four wheels with suspension, grip, braking,
//! steering that eases with speed, a top speed), its parameters from the twin's stats
//! through `twin::vehicle_params`. The player's car stands at the level's spawn while the
//! valley is on screen. Physics only: `car_look` dresses it.

use bevy::prelude::*;
use bevy_rapier3d::prelude::*;
use bevy_rapier3d::rapier::control::{DynamicRayCastVehicleController, WheelTuning};
use bevy_rapier3d::rapier::parry::query::DefaultQueryDispatcher;

use super::authority::PlayerCar;
use super::screens::{Play, Screen};
use super::world::CurrentLevel;
use crate::twin::VehicleParams;

/// Mass of the chassis (kg): a mid-size EV.
pub const CAR_MASS_KG: f32 = 1_600.0;
/// Chassis half extents (m): width, height, length.
const HALF_EXTENTS: Vec3 = Vec3::new(0.9, 0.35, 2.2);
/// Wheel mounting points relative to the chassis centre: front pair first (front is −z).
pub const WHEEL_MOUNTS: [Vec3; 4] = [Vec3::new(-0.82, -0.2, -1.35), Vec3::new(0.82, -0.2, -1.35), Vec3::new(-0.82, -0.2, 1.35), Vec3::new(0.82, -0.2, 1.35)];
pub const WHEEL_RADIUS: f32 = 0.36;
pub const SUSPENSION_REST: f32 = 0.4;
/// Braking impulse per wheel at full brake (N·s per step at 60 Hz ≈ 0.9 g for the whole car).
const BRAKE_IMPULSE: f32 = 60.0;
/// Speed (m/s) at which the steering lock is halved.
const STEER_EASE_SPEED: f32 = 12.0;

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

/// Forward speed of the car (m/s, negative when reversing), updated every physics step.
#[derive(Component, Default, Clone, Copy, Debug)]
pub struct CarSpeed(pub f32);

pub fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Valley), spawn_player_car.run_if(resource_exists::<PlayerCar>)).add_systems(
        PostUpdate,
        (attach_vehicle, retune_vehicle, drive_vehicle.run_if(in_state(Play::Running)))
            .chain()
            .after(PhysicsSet::SyncBackend)
            .before(PhysicsSet::StepSimulation),
    );
}

/// The player's car at the level's spawn, for as long as the valley is on screen.
fn spawn_player_car(mut commands: Commands, current: Res<CurrentLevel>, car: Res<PlayerCar>) {
    let spawn = &current.level.spawn;
    let entity = spawn_car(&mut commands, &current, car.0, spawn.position, spawn.heading_deg.to_radians());
    commands.entity(entity).insert((PlayerDriven, DespawnOnExit(Screen::Valley)));
}

/// Spawns a car at a level point (x, z) with a heading (radians, 0 = facing −z), standing on
/// the ground. Its look is added by `car_look` where the game renders.
pub fn spawn_car(
    commands: &mut Commands,
    current: &CurrentLevel,
    params: VehicleParams,
    at: (f32, f32),
    heading: f32,
) -> Entity {
    let ground = current.field.height_at(at.0, at.1);
    let transform = Transform::from_xyz(at.0, ground + 1.4, at.1).with_rotation(Quat::from_rotation_y(heading));
    let car = commands.spawn((
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
