//! Driver input: keyboard (WASD and arrows, Space to brake, R to reset), gamepad (left
//! stick steers, right trigger drives, left trigger brakes and reverses, North resets), and
//! on-screen touch buttons, shown once the screen has been touched (phones, tablets, the
//! browser, a show's touch screen).

use bevy::prelude::*;
use bevy_rapier3d::prelude::Velocity;

use super::AppSystems;
use super::car::{Car, CarControls, reset_to_road, PlayerDriven};
use super::screens::Play;
use super::world::CurrentLevel;

pub fn plugin(app: &mut App) {
    // Touch screens at shows can ask for the buttons from the start.
    let shown = std::env::var_os("HORIZON_TOUCH_BUTTONS").is_some();
    app.insert_resource(TouchControls { shown, ..default() })
        .add_systems(Update, read_controls.in_set(AppSystems::Input).run_if(in_state(Play::Running)))
        .add_systems(bevy_egui::EguiPrimaryContextPass, touch_buttons.run_if(in_state(super::screens::Screen::Valley)));
}

/// What the on-screen buttons hold down (read by `read_controls` on the next frame).
#[derive(Resource, Default, Clone, Copy, Debug)]
pub struct TouchControls {
    /// The screen has been touched: show the buttons.
    pub shown: bool,
    pub controls: CarControls,
    pub reset: bool,
}

fn touch_buttons(mut contexts: bevy_egui::EguiContexts, touches: Res<Touches>, mut touch: ResMut<TouchControls>) -> Result {
    use bevy_egui::egui;
    touch.shown |= touches.iter().next().is_some() || touches.any_just_pressed();
    if !touch.shown {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let big = |label: &str| egui::Button::new(egui::RichText::new(label).size(34.0)).min_size(egui::vec2(96.0, 96.0));
    let held = |r: &egui::Response| r.is_pointer_button_down_on();
    let mut controls = CarControls::default();
    egui::Area::new("touch-steer".into()).anchor(egui::Align2::LEFT_BOTTOM, [24.0, -150.0]).show(ctx, |ui| {
        ui.horizontal(|ui| {
            if held(&ui.add(big("<"))) {
                controls.steer += 1.0;
            }
            if held(&ui.add(big(">"))) {
                controls.steer -= 1.0;
            }
        });
    });
    egui::Area::new("touch-pedals".into()).anchor(egui::Align2::RIGHT_BOTTOM, [-24.0, -24.0]).show(ctx, |ui| {
        ui.horizontal(|ui| {
            if held(&ui.add(big(&crate::t!("game-touch-brake")))) {
                controls.throttle -= 1.0;
            }
            if held(&ui.add(big(&crate::t!("game-touch-go")))) {
                controls.throttle += 1.0;
            }
        });
    });
    let mut reset = false;
    egui::Area::new("touch-reset".into()).anchor(egui::Align2::RIGHT_BOTTOM, [-24.0, -140.0]).show(ctx, |ui| {
        reset = ui.add(egui::Button::new(egui::RichText::new(crate::t!("game-touch-reset")).size(22.0))).clicked();
    });
    touch.controls = controls;
    touch.reset = reset;
    Ok(())
}

fn axis(keys: &ButtonInput<KeyCode>, positive: [KeyCode; 2], negative: [KeyCode; 2]) -> f32 {
    let on = |k: [KeyCode; 2]| if keys.any_pressed(k) { 1.0 } else { 0.0 };
    on(positive) - on(negative)
}

fn read_controls(
    keys: Res<ButtonInput<KeyCode>>,
    gamepads: Query<&Gamepad>,
    mut touch: ResMut<TouchControls>,
    current: Res<CurrentLevel>,
    mut cars: Query<(&mut CarControls, &mut Transform, &mut Velocity), (With<Car>, With<PlayerDriven>)>,
    autopilot: Option<Res<super::autopilot::Autopilot>>,
) {
    let Ok((mut controls, mut transform, mut velocity)) = cars.single_mut() else { return };
    if autopilot.is_some() {
        return;
    }
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
    // A held touch button wins over idle keys and sticks.
    if touch.controls.throttle != 0.0 {
        throttle = touch.controls.throttle;
    }
    if touch.controls.steer != 0.0 {
        steer = touch.controls.steer;
    }
    reset |= std::mem::take(&mut touch.reset);
    *controls = CarControls { throttle, steer, brake };
    if reset {
        reset_to_road(&current, &mut transform, &mut velocity);
    }
}
