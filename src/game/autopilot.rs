//! The autopilot (`horizon play --autopilot`): drives the player's car round a level route
//! like a calm, good driver: pure-pursuit steering towards a point ahead on the route, speed
//! chosen from the bend ahead, smooth pedals, a detour to deposits near the route to mine
//! them, and a reset onto the road if it ever gets stuck. The basis of the show's attract
//! mode.

use bevy::prelude::*;
use bevy_rapier3d::prelude::{TimestepMode, Velocity};

use super::AppSystems;
use super::car::{Car, CarControls, CarSpeed, physics_dt, reset_to_road};
use super::deposits::DepositCrystal;
use super::car::PlayerDriven;
use super::screens::Play;
use super::world::CurrentLevel;

/// Distance between the axles (m), for pure pursuit.
const WHEELBASE_M: f32 = 2.7;
/// Cruising speed on a straight road, and the slowest speed for the tightest bend (m/s).
const CRUISE_MPS: f32 = 19.0;
const BEND_MPS: f32 = 8.0;
/// Deposits this close to the car, ahead of it, and this close to the route are mined.
const DETOUR_REACH_M: f32 = 45.0;
const DETOUR_OFF_ROUTE_M: f32 = 22.0;

/// Present while the autopilot drives.
#[derive(Resource, Debug)]
pub struct Autopilot {
    pub route: usize,
    target: Option<Entity>,
    steer: f32,
    throttle: f32,
    stuck_s: f32,
}

impl Autopilot {
    pub fn on_route(route: usize) -> Self {
        Autopilot { route, target: None, steer: 0.0, throttle: 0.0, stuck_s: 0.0 }
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(Update, drive.in_set(AppSystems::Input).run_if(resource_exists::<Autopilot>.and_then(in_state(Play::Running))));
}

/// The signed angle (radians, positive to the left) from heading `forward` to direction `to`
/// on the ground plane (x east, z south).
fn angle_to(forward: Vec2, to: Vec2) -> f32 {
    let cross = forward.x * to.y - forward.y * to.x;
    (-cross).atan2(forward.dot(to))
}

fn drive(
    time: Res<Time>,
    mode: Res<TimestepMode>,
    current: Res<CurrentLevel>,
    mut pilot: ResMut<Autopilot>,
    mut cars: Query<(&Car, &CarSpeed, &mut CarControls, &mut Transform, &mut Velocity), With<PlayerDriven>>,
    deposits: Query<(Entity, &Transform), (With<DepositCrystal>, Without<Car>)>,
) {
    let Ok((car, speed, mut controls, mut transform, mut velocity)) = cars.single_mut() else { return };
    let dt = physics_dt(&mode, &time);
    let route = &current.level.routes[pilot.route.min(current.level.routes.len() - 1)];
    let length = route.length_m();
    let pos = Vec2::new(transform.translation.x, transform.translation.z);
    let f3 = transform.rotation * Vec3::NEG_Z;
    let forward = Vec2::new(f3.x, f3.z).normalize_or(Vec2::NEG_Y);
    let v = speed.0;

    let (t, off_route) = route.nearest((pos.x, pos.y));
    let lookahead = 9.0 + 0.9 * v.max(0.0);
    let ahead = route.point_at(t + lookahead / length);
    let mut aim = Vec2::new(ahead.0, ahead.1);

    // A deposit near the route and ahead: go and get it; give up once it is behind.
    if let Some(target) = pilot.target {
        match deposits.get(target) {
            Ok((_, at)) => {
                let to = Vec2::new(at.translation.x, at.translation.z) - pos;
                if to.length() > 12.0 && forward.dot(to.normalize()) < 0.2 {
                    pilot.target = None;
                }
            }
            Err(_) => pilot.target = None,
        }
    }
    if pilot.target.is_none() {
        pilot.target = deposits
            .iter()
            .filter_map(|(e, at)| {
                let p = Vec2::new(at.translation.x, at.translation.z);
                let to = p - pos;
                let d = to.length();
                (d < DETOUR_REACH_M && d > 1.0 && forward.dot(to / d) > 0.55).then_some((e, p, d))
            })
            .filter(|(_, p, _)| route.nearest((p.x, p.y)).1 < DETOUR_OFF_ROUTE_M)
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(e, _, _)| e);
    }
    let mut wanted = CRUISE_MPS.min(car.params.top_speed_mps * 0.9);
    if let Some((_, at)) = pilot.target.and_then(|e| deposits.get(e).ok()) {
        let p = Vec2::new(at.translation.x, at.translation.z);
        aim = p;
        wanted = wanted.min(7.0 + 0.25 * (p - pos).length());
    } else if off_route > 50.0 {
        // Lost: head straight back to the road.
        let back = route.point_at(t);
        aim = Vec2::new(back.0, back.1);
        wanted = wanted.min(10.0);
    }

    // Slow for the bend ahead: how far the road turns over the next 45 m.
    let bend = (route.heading_at(t + 45.0 / length) - route.heading_at(t)).abs();
    let bend = bend.min(std::f32::consts::TAU - bend);
    wanted = wanted.min(CRUISE_MPS - (CRUISE_MPS - BEND_MPS) * (bend / std::f32::consts::FRAC_PI_2).min(1.0));

    // Pure pursuit: the wheel angle whose arc passes through the aim point.
    let to_aim = aim - pos;
    let alpha = angle_to(forward, to_aim);
    let wheel_angle = (2.0 * WHEELBASE_M * alpha.sin() / to_aim.length().max(4.0)).atan();
    let lock = car.params.max_steer_rad / (1.0 + v.abs() / 12.0);
    let steer_target = (wheel_angle / lock).clamp(-1.0, 1.0);
    // Smooth hands and feet.
    pilot.steer += (steer_target - pilot.steer) * (dt * 5.0).min(1.0);
    let error = wanted - v;
    let throttle_target = (error * 0.35).clamp(-0.3, 1.0);
    pilot.throttle += (throttle_target - pilot.throttle) * (dt * 3.0).min(1.0);
    let brake = if error < -2.5 { (-error * 0.12).min(0.8) } else { 0.0 };
    *controls = CarControls { throttle: if brake > 0.0 { 0.0 } else { pilot.throttle }, steer: pilot.steer, brake };

    // Stuck against something, or on its side: back onto the road.
    let upright = (transform.rotation * Vec3::Y).y;
    if (v.abs() < 0.5 && pilot.throttle > 0.3) || upright < 0.3 {
        pilot.stuck_s += dt;
    } else {
        pilot.stuck_s = 0.0;
    }
    if pilot.stuck_s > 4.0 {
        reset_to_road(&current, &mut transform, &mut velocity);
        pilot.stuck_s = 0.0;
        pilot.target = None;
    }
}
