//! The car's physics with the real plugins, headless (no window, no GPU): throttle moves it
//! forward and it stays on the terrain, steering turns it, braking stops it, and it cannot
//! fall through the terrain anywhere.

use bevy::prelude::*;
use horizon::game::car::{CarControls, CarSpeed, spawn_car};
use horizon::game::simulation_app;
use horizon::game::world::CurrentLevel;
use horizon::level::Level;
use horizon::twin::{TwinInputs, twin_stats, vehicle_params};

fn level(name: &str) -> Level {
    Level::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("levels").join(name)).unwrap()
}

fn default_params() -> horizon::twin::VehicleParams {
    let items = Default::default();
    vehicle_params(&twin_stats(TwinInputs { trips: &[], behaviour_consent: true, items: &items, task_xp: 0, game_km: 0.0 }))
}

/// Spawns a car (no meshes) at (x, z) facing `heading`.
fn spawn(app: &mut App, params: horizon::twin::VehicleParams, at: (f32, f32), heading: f32) -> Entity {
    let car = app.world_mut().resource_scope(|world, current: Mut<CurrentLevel>| {
        let mut commands = world.commands();
        spawn_car(&mut commands, &current, params, at, heading)
    });
    app.world_mut().flush();
    car
}

/// An app with one car at (x, z) facing `heading`, settled on its wheels.
fn app_with_car(level: Level, at: (f32, f32), heading: f32) -> (App, Entity) {
    let mut app = simulation_app(level);
    let car = spawn(&mut app, default_params(), at, heading);
    for _ in 0..90 {
        app.update();
    }
    (app, car)
}

fn drive(app: &mut App, car: Entity, controls: CarControls, steps: u32) {
    *app.world_mut().get_mut::<CarControls>(car).unwrap() = controls;
    for _ in 0..steps {
        app.update();
    }
}

fn transform(app: &App, car: Entity) -> Transform {
    *app.world().get::<Transform>(car).unwrap()
}

fn ground(app: &App, x: f32, z: f32) -> f32 {
    app.world().resource::<CurrentLevel>().field.height_at(x, z)
}

fn forward(t: &Transform) -> Vec3 {
    t.rotation * Vec3::NEG_Z
}

#[test]
fn full_throttle_moves_the_car_forward_on_the_terrain() {
    let (mut app, car) = app_with_car(level("stone_valley.ron"), (0.0, 60.0), std::f32::consts::PI);
    let start = transform(&app, car);
    assert!((start.translation.y - ground(&app, 0.0, 60.0)).abs() < 1.5, "settled on its wheels: {start:?}");
    drive(&mut app, car, CarControls { throttle: 1.0, ..default() }, 240);
    let end = transform(&app, car);
    let moved = end.translation - start.translation;
    assert!(moved.dot(forward(&start)) > 15.0, "4 s of full throttle moved it {moved:?}");
    assert!(app.world().get::<CarSpeed>(car).unwrap().0 > 8.0, "it is going fast");
    let g = ground(&app, end.translation.x, end.translation.z);
    assert!(end.translation.y > g - 0.2 && end.translation.y < g + 2.5, "on the terrain: y {} ground {g}", end.translation.y);
    assert!((end.rotation * Vec3::Y).y > 0.8, "still on its wheels");
}

#[test]
fn steering_turns_the_car() {
    let (mut app, car) = app_with_car(level("stone_valley.ron"), (0.0, 60.0), std::f32::consts::PI);
    let start = forward(&transform(&app, car));
    drive(&mut app, car, CarControls { throttle: 0.6, steer: 1.0, brake: 0.0 }, 240);
    let end = forward(&transform(&app, car));
    let turned = start.xz().angle_to(end.xz()).to_degrees();
    assert!(turned.abs() > 30.0, "turned {turned}°");
    // Positive steer is to the left: seen from above, counter-clockwise.
    let mut app2 = app_with_car(level("stone_valley.ron"), (0.0, 60.0), std::f32::consts::PI);
    drive(&mut app2.0, app2.1, CarControls { throttle: 0.6, steer: -1.0, brake: 0.0 }, 240);
    let right = forward(&transform(&app2.0, app2.1));
    let turned_right = start.xz().angle_to(right.xz()).to_degrees();
    assert!(turned * turned_right < 0.0, "left and right turn opposite ways: {turned} vs {turned_right}");
}

#[test]
fn braking_stops_the_car() {
    let (mut app, car) = app_with_car(level("stone_valley.ron"), (0.0, 60.0), std::f32::consts::PI);
    drive(&mut app, car, CarControls { throttle: 1.0, ..default() }, 180);
    assert!(app.world().get::<CarSpeed>(car).unwrap().0 > 6.0);
    drive(&mut app, car, CarControls { brake: 1.0, ..default() }, 240);
    let speed = app.world().get::<CarSpeed>(car).unwrap().0;
    assert!(speed.abs() < 0.5, "stopped: {speed} m/s");
}

#[test]
fn the_car_cannot_fall_through_the_terrain_anywhere() {
    let lvl = level("stone_valley.ron");
    let half = lvl.terrain.size_m / 2.0 - 40.0;
    let mut app = simulation_app(lvl);
    let mut cars = Vec::new();
    // A grid of cars dropped over the whole level, valleys, slopes, water and ridges alike.
    for i in 0..6 {
        for j in 0..6 {
            let (x, z) = (-half + 2.0 * half * i as f32 / 5.0, -half + 2.0 * half * j as f32 / 5.0);
            cars.push((spawn(&mut app, default_params(), (x, z), 0.0), x, z));
        }
    }
    for _ in 0..300 {
        app.update();
    }
    for (car, x, z) in cars {
        let t = transform(&app, car);
        let g = app.world().resource::<CurrentLevel>().field.height_at(t.translation.x, t.translation.z);
        assert!(t.translation.y > g - 0.5, "car dropped at ({x:.0}, {z:.0}) fell through: y {} ground {g}", t.translation.y);
    }
}

#[test]
fn a_stronger_twin_accelerates_harder() {
    let run = |params: horizon::twin::VehicleParams| {
        let mut app = simulation_app(level("stone_valley.ron"));
        let car = spawn(&mut app, params, (0.0, 60.0), std::f32::consts::PI);
        for _ in 0..90 {
            app.update();
        }
        let start = transform(&app, car).translation;
        drive(&mut app, car, CarControls { throttle: 1.0, ..default() }, 180);
        (transform(&app, car).translation - start).length()
    };
    let base = default_params();
    let strong = horizon::twin::VehicleParams { engine_force_n: base.engine_force_n * 1.5, top_speed_mps: base.top_speed_mps * 1.3, ..base };
    let (weak_m, strong_m) = (run(base), run(strong));
    assert!(strong_m > weak_m * 1.2, "more power, farther in 3 s: {weak_m:.1} m vs {strong_m:.1} m");
}

/// Bevy's real input plugin and the game's input plugin, fed the messages a window and a
/// gamepad would send: keys and sticks reach the car's controls, and R puts it back on the road.
#[test]
fn keys_and_a_gamepad_drive_the_car_and_r_puts_it_back_on_the_road() {
    use bevy::input::gamepad::{GamepadConnection, GamepadConnectionEvent, RawGamepadAxisChangedEvent, RawGamepadButtonChangedEvent, RawGamepadEvent};
    use bevy::input::keyboard::{Key, KeyboardInput, NativeKey};
    use bevy::input::{ButtonState, InputPlugin};
    let (mut app, car) = app_with_car(level("stone_valley.ron"), (0.0, 60.0), 0.0);
    Plugin::build(&InputPlugin, &mut app);
    horizon::game::input::plugin(&mut app);
    app.world_mut().entity_mut(car).insert(horizon::game::car::PlayerDriven);
    let key = |app: &mut App, key_code: KeyCode, state: ButtonState| {
        app.world_mut().write_message(KeyboardInput {
            key_code,
            logical_key: Key::Unidentified(NativeKey::Unidentified),
            state,
            text: None,
            repeat: false,
            window: Entity::PLACEHOLDER,
        });
        app.update();
    };
    let controls = |app: &App| *app.world().get::<CarControls>(car).unwrap();
    key(&mut app, KeyCode::KeyW, ButtonState::Pressed);
    assert_eq!(controls(&app), CarControls { throttle: 1.0, steer: 0.0, brake: 0.0 }, "W accelerates");
    key(&mut app, KeyCode::KeyA, ButtonState::Pressed);
    assert_eq!(controls(&app).steer, 1.0, "A steers left");
    key(&mut app, KeyCode::Space, ButtonState::Pressed);
    assert_eq!(controls(&app).brake, 1.0, "Space brakes");
    for k in [KeyCode::KeyW, KeyCode::KeyA, KeyCode::Space] {
        key(&mut app, k, ButtonState::Released);
    }
    key(&mut app, KeyCode::ArrowDown, ButtonState::Pressed);
    key(&mut app, KeyCode::ArrowRight, ButtonState::Pressed);
    assert_eq!(controls(&app), CarControls { throttle: -1.0, steer: -1.0, brake: 0.0 }, "arrows: back and right");
    for k in [KeyCode::ArrowDown, KeyCode::ArrowRight] {
        key(&mut app, k, ButtonState::Released);
    }
    assert_eq!(controls(&app), CarControls::default(), "nothing held, nothing asked");

    // A gamepad: the left stick steers, the right trigger drives.
    let pad = app.world_mut().spawn_empty().id();
    let connected = GamepadConnection::Connected { name: "test pad".into(), vendor_id: None, product_id: None };
    // What bevy_gilrs sends when a pad is plugged in.
    app.world_mut().write_message(GamepadConnectionEvent::new(pad, connected));
    app.update();
    app.world_mut().write_message(RawGamepadEvent::Axis(RawGamepadAxisChangedEvent::new(pad, GamepadAxis::LeftStickX, 0.8)));
    app.world_mut().write_message(RawGamepadEvent::Button(RawGamepadButtonChangedEvent::new(pad, GamepadButton::RightTrigger2, 0.6)));
    app.update();
    app.update();
    let c = controls(&app);
    assert!(c.steer < -0.5 && c.throttle > 0.3, "stick right steers right, the trigger drives: {c:?}");

    // On its roof off the road: R puts it on its wheels at the nearest road point.
    app.world_mut().write_message(RawGamepadEvent::Axis(RawGamepadAxisChangedEvent::new(pad, GamepadAxis::LeftStickX, 0.0)));
    app.world_mut().write_message(RawGamepadEvent::Button(RawGamepadButtonChangedEvent::new(pad, GamepadButton::RightTrigger2, 0.0)));
    let (x, z) = (-100.0, 30.0);
    let y = ground(&app, x, z) + 2.0;
    *app.world_mut().get_mut::<Transform>(car).unwrap() = Transform::from_xyz(x, y, z).with_rotation(Quat::from_rotation_z(std::f32::consts::PI));
    app.update();
    key(&mut app, KeyCode::KeyR, ButtonState::Pressed);
    let t = transform(&app, car);
    let route = app.world().resource::<CurrentLevel>().level.routes[0].clone();
    let (_, off_road) = route.nearest((t.translation.x, t.translation.z));
    assert!(off_road < 1.0, "back on the road: {off_road:.1} m from it");
    assert!((t.rotation * Vec3::Y).y > 0.99, "on its wheels: {:?}", t.rotation);
    assert!(t.translation.y > ground(&app, t.translation.x, t.translation.z), "above the ground");
}

/// The chase camera follows the car over the whole lakeside loop and never goes under the
/// terrain or the water; C switches to the orbit camera, which the mouse turns and zooms.
#[test]
fn the_chase_camera_stays_above_the_ground_and_the_orbit_camera_turns_and_zooms() {
    use bevy::input::keyboard::{Key, KeyboardInput, NativeKey};
    use bevy::input::mouse::{MouseButtonInput, MouseMotion, MouseScrollUnit, MouseWheel};
    use bevy::input::touch::TouchPhase;
    use bevy::input::{ButtonState, InputPlugin};
    use horizon::game::camera::{CAMERA_CLEARANCE_M, GameCamera, OrbitCamera};
    let (mut app, car) = app_with_car(level("stone_valley.ron"), (0.0, 60.0), 110f32.to_radians());
    Plugin::build(&InputPlugin, &mut app);
    horizon::game::camera::plugin(&mut app);
    horizon::game::autopilot::plugin(&mut app);
    app.world_mut().entity_mut(car).insert(horizon::game::car::PlayerDriven);
    let camera = app.world_mut().spawn((GameCamera, Transform::from_xyz(0.0, 80.0, 200.0))).id();
    app.insert_resource(horizon::game::autopilot::Autopilot::on_route(0));
    let water = app.world().resource::<CurrentLevel>().level.terrain.water_level_m;
    let mut lowest_clearance = f32::MAX;
    for frame in 0..60 * 60 {
        app.update();
        let cam = transform(&app, camera).translation;
        let floor = ground(&app, cam.x, cam.z).max(water);
        lowest_clearance = lowest_clearance.min(cam.y - floor);
        let to_car = transform(&app, car).translation.distance(cam);
        // It starts far off (the flyover's place) and closes in within two seconds.
        assert!(frame < 120 || to_car < 25.0, "the camera keeps up with the car: {to_car:.1} m behind at frame {frame}");
    }
    assert!(lowest_clearance >= CAMERA_CLEARANCE_M - 1e-3, "the camera went {lowest_clearance:.2} m above the ground");
    app.world_mut().remove_resource::<horizon::game::autopilot::Autopilot>();

    // Facing down a steep hillside: where the chase camera wants to be is inside the hill.
    let (x, z, heading) = (-400..400)
        .step_by(8)
        .flat_map(|x| (-400..400).step_by(8).flat_map(move |z| (0..8).map(move |k| (x as f32, z as f32, k as f32 * std::f32::consts::FRAC_PI_4))))
        .find(|&(x, z, h)| {
            let behind = Vec2::new(h.sin(), h.cos()) * 7.8; // the car faces −z at heading 0
            ground(&app, x + behind.x, z + behind.y) > ground(&app, x, z) + 2.6 + 4.0 && ground(&app, x, z) > water
        })
        .expect("a steep hillside");
    *app.world_mut().get_mut::<Transform>(car).unwrap() = Transform::from_xyz(x, ground(&app, x, z) + 1.0, z).with_rotation(Quat::from_rotation_y(heading));
    *app.world_mut().get_mut::<CarControls>(car).unwrap() = CarControls { throttle: 0.0, steer: 0.0, brake: 1.0 };
    // The camera comes from just above the car, so that it reaches its place behind it.
    *app.world_mut().get_mut::<Transform>(camera).unwrap() = Transform::from_xyz(x, ground(&app, x, z) + 7.0, z);
    let mut lowest_clearance = f32::MAX;
    for _ in 0..90 {
        app.update();
        let cam = transform(&app, camera).translation;
        lowest_clearance = lowest_clearance.min(cam.y - ground(&app, cam.x, cam.z).max(water));
    }
    assert!(lowest_clearance >= CAMERA_CLEARANCE_M - 1e-3, "on the hillside the camera went {lowest_clearance:.2} m above the ground");
    // Stop, so that the car does not move between the camera's update and the check.
    drive(&mut app, car, CarControls { throttle: 0.0, steer: 0.0, brake: 1.0 }, 240);

    // C: the orbit camera, 14 m from the car; dragging turns it, the wheel zooms in.
    let window = Entity::PLACEHOLDER;
    app.world_mut().write_message(KeyboardInput { key_code: KeyCode::KeyC, logical_key: Key::Unidentified(NativeKey::Unidentified), state: ButtonState::Pressed, text: None, repeat: false, window });
    app.update();
    assert!(app.world().resource::<OrbitCamera>().enabled);
    let bearing = |app: &App| {
        let d = transform(app, camera).translation - transform(app, car).translation;
        d.z.atan2(d.x)
    };
    let before = bearing(&app);
    app.world_mut().write_message(MouseButtonInput { button: MouseButton::Left, state: ButtonState::Pressed, window });
    app.world_mut().write_message(MouseMotion { delta: Vec2::new(200.0, 0.0) });
    app.update();
    let turned = (bearing(&app) - before).rem_euclid(std::f32::consts::TAU);
    let turned = turned.min(std::f32::consts::TAU - turned);
    assert!((turned - 1.0).abs() < 0.15, "a 200-pixel drag turns it by 1 rad: {turned:.2}");
    app.world_mut().write_message(MouseWheel { unit: MouseScrollUnit::Line, x: 0.0, y: 4.0, window, phase: TouchPhase::Moved });
    app.update();
    let orbit = *app.world().resource::<OrbitCamera>();
    assert_eq!(orbit.distance, 8.0, "four notches zoom in by 6 m");
    let d = transform(&app, camera).translation.distance(transform(&app, car).translation);
    assert!(d >= 7.95, "at least the orbit's distance from the car (raised where the ground is higher): {d:.2}");
}
