//! Driver input: keyboard (WASD and arrows, Space to brake, R to reset) and gamepad (left
//! stick steers, right trigger drives, left trigger brakes and reverses, North resets).

use bevy::prelude::*;
use bevy_rapier3d::prelude::Velocity;

use super::AppSystems;
use super::car::{Car, CarControls, reset_to_road};
use super::world::CurrentLevel;

/// Marks the car the player drives (the autopilot drives others).
#[derive(Component)]
pub struct PlayerDriven;

pub fn plugin(app: &mut App) {
    app.add_systems(Update, read_controls.in_set(AppSystems::Input).run_if(resource_exists::<CurrentLevel>));
}

fn axis(keys: &ButtonInput<KeyCode>, positive: [KeyCode; 2], negative: [KeyCode; 2]) -> f32 {
    let on = |k: [KeyCode; 2]| if keys.any_pressed(k) { 1.0 } else { 0.0 };
    on(positive) - on(negative)
}

fn read_controls(
    keys: Res<ButtonInput<KeyCode>>,
    gamepads: Query<&Gamepad>,
    current: Res<CurrentLevel>,
    mut cars: Query<(&mut CarControls, &mut Transform, &mut Velocity), (With<Car>, With<PlayerDriven>)>,
) {
    let Ok((mut controls, mut transform, mut velocity)) = cars.single_mut() else { return };
    let mut throttle = axis(&keys, [KeyCode::KeyW, KeyCode::ArrowUp], [KeyCode::KeyS, KeyCode::ArrowDown]);
    let mut steer = axis(&keys, [KeyCode::KeyA, KeyCode::ArrowLeft], [KeyCode::KeyD, KeyCode::ArrowRight]);
    let mut brake = if keys.pressed(KeyCode::Space) { 1.0 } else { 0.0 };
    let mut reset = keys.just_pressed(KeyCode::KeyR);
    for pad in &gamepads {
        let stick = pad.get(GamepadAxis::LeftStickX).unwrap_or(0.0);
        if stick.abs() > 0.12 {
            steer = -stick;
        }
        let drive = pad.get(GamepadButton::RightTrigger2).unwrap_or(0.0);
        let back = pad.get(GamepadButton::LeftTrigger2).unwrap_or(0.0);
        if drive > 0.05 || back > 0.05 {
            throttle = drive - back;
        }
        if pad.pressed(GamepadButton::South) {
            brake = 1.0;
        }
        reset |= pad.just_pressed(GamepadButton::North);
    }
    *controls = CarControls { throttle, steer, brake };
    if reset {
        reset_to_road(&current, &mut transform, &mut velocity);
    }
}
