//! Attract mode's camera director: while nobody drives, it cuts between cinematic shots
//! of the autopilot's car every 6–10 s — a drone orbiting high, a trackside camera the car
//! drives past, a low fly-by alongside, a chase from further back, and a close-up of the
//! crystal the car is heading for. A visitor gets the game's own chase camera back.

use bevy::prelude::*;

use super::visitors::ShowFloor;
use crate::game::AppSystems;
use crate::game::camera::{CameraDirected, GameCamera, above_ground};
use crate::game::car::{Car, PlayerDriven};
use crate::game::deposits::DepositCrystal;
use crate::game::screens::HudHidden;
use crate::game::world::CurrentLevel;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shot {
    DroneOrbit,
    Trackside,
    LowFlyBy,
    Chase,
    CrystalCloseUp,
}

/// The order shots come in; a close-up without a crystal near is a drone shot instead.
const SEQUENCE: [Shot; 5] = [Shot::DroneOrbit, Shot::Chase, Shot::Trackside, Shot::LowFlyBy, Shot::CrystalCloseUp];
/// A crystal this close to the car can be the close-up's subject (m).
const CLOSE_UP_REACH_M: f32 = 90.0;

/// The shot on screen, since when, for how long, and the point it was framed on.
#[derive(Resource, Clone, Debug)]
pub struct CameraDirector {
    pub shot: Shot,
    /// Shots cut so far.
    pub cuts: u64,
    began_s: f64,
    pub length_s: f64,
    anchor: Vec3,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Update, (take_or_give_camera, direct.run_if(resource_exists::<CameraDirected>)).chain().in_set(AppSystems::Presentation).run_if(resource_exists::<CurrentLevel>));
}

/// Shot `n`'s length: 6–10 s, varied so that the cuts do not beat like a metronome.
fn length_of(n: u64) -> f64 {
    6.0 + (n.wrapping_mul(2_654_435_761) >> 7) as f64 % 4.0
}

/// The director has the camera while no visitor drives (and the player's HUD stands aside).
fn take_or_give_camera(mut commands: Commands, floor: Res<ShowFloor>, directed: Option<Res<CameraDirected>>) {
    let attract = !floor.timeline.visitor_present();
    if attract && directed.is_none() {
        commands.insert_resource(CameraDirected);
        commands.insert_resource(HudHidden);
    } else if !attract && directed.is_some() {
        commands.remove_resource::<CameraDirected>();
        commands.remove_resource::<CameraDirector>();
        commands.remove_resource::<HudHidden>();
    }
}

fn direct(
    mut commands: Commands,
    time: Res<Time>,
    current: Res<CurrentLevel>,
    director: Option<ResMut<CameraDirector>>,
    car: Query<&Transform, (With<Car>, With<PlayerDriven>, Without<GameCamera>)>,
    crystals: Query<&Transform, (With<DepositCrystal>, Without<GameCamera>, Without<Car>)>,
    mut camera: Query<&mut Transform, (With<GameCamera>, Without<Car>, Without<DepositCrystal>)>,
) {
    let (Ok(car), Ok(mut cam)) = (car.single(), camera.single_mut()) else { return };
    let now = time.elapsed_secs_f64();
    let cut = |cuts: u64| {
        let mut shot = SEQUENCE[(cuts % SEQUENCE.len() as u64) as usize];
        let anchor = match shot {
            Shot::Trackside => trackside_point(&current, car),
            Shot::CrystalCloseUp => {
                let nearest = crystals.iter().map(|t| t.translation).filter(|p| p.distance(car.translation) < CLOSE_UP_REACH_M).min_by(|a, b| a.distance(car.translation).total_cmp(&b.distance(car.translation)));
                nearest.unwrap_or_else(|| {
                    shot = Shot::DroneOrbit;
                    car.translation
                })
            }
            _ => car.translation,
        };
        CameraDirector { shot, cuts, began_s: now, length_s: length_of(cuts), anchor }
    };
    let next = match &director {
        Some(d) if now - d.began_s < d.length_s => None,
        Some(d) => Some(cut(d.cuts + 1)),
        None => Some(cut(0)),
    };
    let director = match (next, director) {
        (Some(next), _) => {
            let shot = next.clone();
            commands.insert_resource(next);
            shot
        }
        (None, Some(d)) => d.clone(),
        (None, None) => return,
    };
    let t = (now - director.began_s) as f32;
    let (yaw, _, _) = car.rotation.to_euler(EulerRot::YXZ);
    let heading = Quat::from_rotation_y(yaw);
    let (forward, right) = (heading * Vec3::NEG_Z, heading * Vec3::X);
    let (eye, target) = match director.shot {
        Shot::DroneOrbit => {
            // Aimed above the car, so that the horizon and the sky stay in the frame (aimed at
            // the car itself, 15 m up, a 55° view saw only grass), the car a little below the middle.
            let around = Quat::from_rotation_y(0.6 + t * 0.22) * Vec3::new(0.0, 0.0, 30.0);
            (car.translation + around + Vec3::Y * 12.0, car.translation + Vec3::Y * 3.0)
        }
        Shot::Chase => (car.translation - forward * 11.0 + Vec3::Y * 3.8, car.translation + forward * 6.0),
        Shot::Trackside => (director.anchor, car.translation + Vec3::Y * 0.6),
        Shot::LowFlyBy => (car.translation + right * 5.5 + forward * (-9.0 + t * 2.4) + Vec3::Y * 0.7, car.translation + Vec3::Y * 0.5),
        Shot::CrystalCloseUp => {
            // Low beside the crystal, the car coming up behind it.
            let from_car = (director.anchor - car.translation).with_y(0.0).normalize_or(Vec3::X);
            (director.anchor + from_car * 4.0 + from_car.cross(Vec3::Y) * 2.0 + Vec3::Y * 0.3, director.anchor.lerp(car.translation, 0.2))
        }
    };
    let eye = above_ground(&current, eye);
    *cam = Transform::from_translation(eye).looking_at(target, Vec3::Y);
}

/// Beside the road some 70 m ahead of the car, at head height: the car drives past it.
fn trackside_point(current: &CurrentLevel, car: &Transform) -> Vec3 {
    let route = &current.level.routes[0];
    let (t, _) = route.nearest((car.translation.x, car.translation.z));
    let (x, z) = route.point_at(t + 70.0 / route.length_m());
    let heading = route.heading_at(t + 70.0 / route.length_m());
    // 11 m to the side of the road (heading is from +x towards +z).
    let side = Vec2::new(-heading.sin(), heading.cos()) * 11.0;
    let (x, z) = (x + side.x, z + side.y);
    Vec3::new(x, current.field.height_at(x, z) + 1.8, z)
}
