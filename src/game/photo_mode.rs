//! Photo mode, as racing games have it: P (or the gamepad's Start held with North) stops the
//! valley, hides the HUD and frees the camera round the twin (drag to turn, wheel or +/- to
//! zoom, arrow keys too), with depth of field focused on the car where the platform has it;
//! Enter saves the picture under DATA/photos/ (the hint line is not in it); P or Escape
//! goes back to driving. `horizon play --screen photo` opens it at a three-quarter front
//! view (the render test's close-up).

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::camera::{GameCamera, OrbitCamera};
use super::car::{Car, PlayerDriven};
use super::screens::{HudHidden, Profile, Screen};

/// Whether photo mode is on, and the picture being taken (frames until the shot, the
/// hint hidden meanwhile).
#[derive(Resource, Default, Debug)]
pub struct PhotoMode {
    pub on: bool,
    shot_in: Option<u32>,
    /// Where the last picture went, for the hint line.
    pub saved: Option<std::path::PathBuf>,
}

/// Opens photo mode as soon as the car is in the valley (`--screen photo`).
#[derive(Resource)]
pub struct OpenPhotoMode;

/// The orbit photo mode starts from: in front of the car and to its left, a little above.
const START: OrbitCamera = OrbitCamera { enabled: true, yaw: 2.45, pitch: 0.14, distance: 6.4 };

pub fn plugin(app: &mut App) {
    app.init_resource::<PhotoMode>()
        .add_systems(Update, (open_when_asked, toggle, steer_with_keys, focus, take_picture).chain().run_if(in_state(Screen::Valley)))
        .add_systems(OnExit(Screen::Valley), leave)
        .add_systems(EguiPrimaryContextPass, hint.run_if(|photo: Res<PhotoMode>| photo.on && photo.shot_in.is_none()));
}

fn enter(commands: &mut Commands, photo: &mut PhotoMode, orbit: &mut OrbitCamera, car_yaw: f32) {
    photo.on = true;
    // The orbit camera's yaw is the world's: start from the car's own front quarter.
    *orbit = OrbitCamera { yaw: START.yaw + car_yaw, ..START };
    commands.insert_resource(HudHidden);
}

fn exit(commands: &mut Commands, photo: &mut PhotoMode, orbit: &mut OrbitCamera, cameras: &Query<Entity, With<GameCamera>>) {
    photo.on = false;
    photo.shot_in = None;
    orbit.enabled = false;
    commands.remove_resource::<HudHidden>();
    for camera in cameras {
        #[cfg(not(target_arch = "wasm32"))]
        commands.entity(camera).remove::<bevy::post_process::dof::DepthOfField>();
        let _ = camera;
    }
}

fn car_yaw(car: &Query<&Transform, (With<Car>, With<PlayerDriven>)>) -> Option<f32> {
    car.single().ok().map(|t| t.rotation.to_euler(EulerRot::YXZ).0)
}

fn open_when_asked(mut commands: Commands, asked: Option<Res<OpenPhotoMode>>, car: Query<&Transform, (With<Car>, With<PlayerDriven>)>, mut photo: ResMut<PhotoMode>, mut orbit: ResMut<OrbitCamera>) {
    if asked.is_none() {
        return;
    }
    let Some(yaw) = car_yaw(&car) else { return };
    commands.remove_resource::<OpenPhotoMode>();
    enter(&mut commands, &mut photo, &mut orbit, yaw);
}

fn toggle(
    mut commands: Commands,
    keys: Res<ButtonInput<KeyCode>>,
    car: Query<&Transform, (With<Car>, With<PlayerDriven>)>,
    cameras: Query<Entity, With<GameCamera>>,
    mut photo: ResMut<PhotoMode>,
    mut orbit: ResMut<OrbitCamera>,
) {
    if photo.on && (keys.just_pressed(KeyCode::KeyP) || keys.just_pressed(KeyCode::Escape)) {
        exit(&mut commands, &mut photo, &mut orbit, &cameras);
    } else if !photo.on && keys.just_pressed(KeyCode::KeyP) {
        if let Some(yaw) = car_yaw(&car) {
            enter(&mut commands, &mut photo, &mut orbit, yaw);
        }
    }
}

/// Arrow keys turn and +/- zoom (the mouse does through the orbit camera).
fn steer_with_keys(time: Res<Time>, keys: Res<ButtonInput<KeyCode>>, photo: Res<PhotoMode>, mut orbit: ResMut<OrbitCamera>) {
    if !photo.on {
        return;
    }
    let dt = time.delta_secs();
    let axis = |neg: KeyCode, pos: KeyCode| f32::from(u8::from(keys.pressed(pos))) - f32::from(u8::from(keys.pressed(neg)));
    orbit.yaw += axis(KeyCode::ArrowRight, KeyCode::ArrowLeft) * 1.2 * dt;
    orbit.pitch = (orbit.pitch + axis(KeyCode::ArrowDown, KeyCode::ArrowUp) * 0.8 * dt).clamp(-0.2, 1.4);
    orbit.distance = (orbit.distance * (1.0 - axis(KeyCode::Minus, KeyCode::Equal) * 0.8 * dt)).clamp(4.0, 80.0);
}

/// Depth of field focused on the car (natively: WebGL2 lacks what Bevy's needs).
fn focus(mut commands: Commands, photo: Res<PhotoMode>, orbit: Res<OrbitCamera>, cameras: Query<Entity, With<GameCamera>>) {
    #[cfg(not(target_arch = "wasm32"))]
    if photo.on && (photo.is_changed() || orbit.is_changed()) {
        for camera in &cameras {
            commands.entity(camera).insert(bevy::post_process::dof::DepthOfField {
                focal_distance: orbit.distance,
                aperture_f_stops: 1.4,
                mode: bevy::post_process::dof::DepthOfFieldMode::Gaussian,
                ..default()
            });
        }
    }
    let _ = (&mut commands, &photo, &orbit, &cameras);
}

/// Enter asks for a picture; two frames later (the hint gone) it is taken.
fn take_picture(mut commands: Commands, keys: Res<ButtonInput<KeyCode>>, profile: Option<Res<Profile>>, mut photo: ResMut<PhotoMode>) {
    if !photo.on {
        return;
    }
    if photo.shot_in.is_none() && (keys.just_pressed(KeyCode::Enter) || keys.just_pressed(KeyCode::NumpadEnter)) {
        photo.shot_in = Some(2);
        return;
    }
    let Some(frames) = photo.shot_in else { return };
    if frames > 0 {
        photo.shot_in = Some(frames - 1);
        return;
    }
    photo.shot_in = None;
    let Some(profile) = profile else { return };
    let dir = profile.data_dir.join("photos");
    if let Err(e) = crate::platform::files::create_dir_all(&dir) {
        warn!("could not make {}: {e}", dir.display());
        return;
    }
    let stamp = crate::platform::now_ms();
    let path = dir.join(format!("photo-{stamp}.png"));
    info!("photo saved to {}", path.display());
    photo.saved = Some(path.clone());
    commands.spawn(Screenshot::primary_window()).observe(save_to_disk(path));
}

fn leave(mut commands: Commands, cameras: Query<Entity, With<GameCamera>>, mut photo: ResMut<PhotoMode>, mut orbit: ResMut<OrbitCamera>) {
    if photo.on {
        exit(&mut commands, &mut photo, &mut orbit, &cameras);
    }
}

fn hint(mut contexts: EguiContexts, photo: Res<PhotoMode>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let saved = photo.saved.as_ref().map(|p| format!(" · {}", crate::t!("game-photo-saved", path = p.display().to_string()))).unwrap_or_default();
    egui::Area::new(egui::Id::new("photo hint")).anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -16.0)).show(ctx, |ui| {
        egui::Frame::new().fill(egui::Color32::from_black_alpha(150)).corner_radius(8.0).inner_margin(8.0).show(ui, |ui| {
            ui.label(egui::RichText::new(format!("{}{saved}", crate::t!("game-photo-hint"))).color(egui::Color32::WHITE).size(15.0));
        });
    });
    Ok(())
}
