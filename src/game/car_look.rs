//! What a car looks like: a painted body with glass, head and tail lights, and wheels that
//! follow the suspension, steer and spin. Added to every new `Car`.

use bevy::prelude::*;
use bevy_rapier3d::prelude::PhysicsSet;

use super::car::{Car, SUSPENSION_REST, Vehicle, WHEEL_MOUNTS, WHEEL_RADIUS};

/// A wheel's visual, child of the car, following wheel `index` of the controller.
#[derive(Component)]
pub struct WheelVisual(pub usize);

/// The meshes and materials every car shares.
#[derive(Resource)]
struct CarLook {
    body: Handle<Mesh>,
    cabin: Handle<Mesh>,
    roof: Handle<Mesh>,
    head_lamp: Handle<Mesh>,
    tail_lamp: Handle<Mesh>,
    tyre: Handle<Mesh>,
    hub: Handle<Mesh>,
    spoke: Handle<Mesh>,
    paint: Handle<StandardMaterial>,
    glass: Handle<StandardMaterial>,
    light: Handle<StandardMaterial>,
    tail: Handle<StandardMaterial>,
    rubber: Handle<StandardMaterial>,
    rim: Handle<StandardMaterial>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_look)
        .add_systems(Update, dress_cars)
        .add_systems(PostUpdate, place_wheels.after(PhysicsSet::Writeback).before(TransformSystems::Propagate));
}

fn make_look(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    commands.insert_resource(CarLook {
        body: meshes.add(Cuboid::new(1.8, 0.55, 4.4)),
        cabin: meshes.add(Cuboid::new(1.6, 0.5, 2.2)),
        roof: meshes.add(Cuboid::new(1.5, 0.08, 2.0)),
        head_lamp: meshes.add(Cuboid::new(0.4, 0.12, 0.05)),
        tail_lamp: meshes.add(Cuboid::new(0.45, 0.1, 0.05)),
        tyre: meshes.add(Cylinder::new(WHEEL_RADIUS, 0.26)),
        hub: meshes.add(Cylinder::new(WHEEL_RADIUS * 0.6, 0.28)),
        spoke: meshes.add(Cuboid::new(0.3, 0.08, WHEEL_RADIUS * 1.1)),
        paint: materials.add(StandardMaterial { base_color: Color::srgb(0.08, 0.42, 0.86), metallic: 0.6, perceptual_roughness: 0.35, ..default() }),
        glass: materials.add(StandardMaterial { base_color: Color::srgb(0.06, 0.08, 0.12), perceptual_roughness: 0.1, reflectance: 0.8, ..default() }),
        light: materials.add(StandardMaterial { base_color: Color::WHITE, emissive: LinearRgba::rgb(6.0, 6.0, 5.0), ..default() }),
        tail: materials.add(StandardMaterial { base_color: Color::srgb(0.6, 0.0, 0.0), emissive: LinearRgba::rgb(3.0, 0.1, 0.1), ..default() }),
        rubber: materials.add(StandardMaterial { base_color: Color::srgb(0.05, 0.05, 0.05), perceptual_roughness: 0.9, ..default() }),
        rim: materials.add(StandardMaterial { base_color: Color::srgb(0.75, 0.77, 0.8), metallic: 0.9, perceptual_roughness: 0.3, ..default() }),
    });
}

fn dress_cars(mut commands: Commands, look: Res<CarLook>, cars: Query<Entity, Added<Car>>) {
    for car in &cars {
        commands.entity(car).with_children(|c| {
            c.spawn((Mesh3d(look.body.clone()), MeshMaterial3d(look.paint.clone()), Transform::default()));
            c.spawn((Mesh3d(look.cabin.clone()), MeshMaterial3d(look.glass.clone()), Transform::from_xyz(0.0, 0.5, 0.25)));
            c.spawn((Mesh3d(look.roof.clone()), MeshMaterial3d(look.paint.clone()), Transform::from_xyz(0.0, 0.77, 0.3)));
            for x in [-0.6, 0.6] {
                c.spawn((Mesh3d(look.head_lamp.clone()), MeshMaterial3d(look.light.clone()), Transform::from_xyz(x, 0.08, -2.21)));
                c.spawn((Mesh3d(look.tail_lamp.clone()), MeshMaterial3d(look.tail.clone()), Transform::from_xyz(x, 0.1, 2.21)));
            }
            for (i, mount) in WHEEL_MOUNTS.iter().enumerate() {
                c.spawn((WheelVisual(i), Transform::from_translation(*mount - Vec3::Y * SUSPENSION_REST), Visibility::default())).with_children(|w| {
                    let turned = Transform::from_rotation(Quat::from_rotation_z(std::f32::consts::FRAC_PI_2));
                    w.spawn((Mesh3d(look.tyre.clone()), MeshMaterial3d(look.rubber.clone()), turned));
                    w.spawn((Mesh3d(look.hub.clone()), MeshMaterial3d(look.rim.clone()), turned));
                    w.spawn((Mesh3d(look.spoke.clone()), MeshMaterial3d(look.rim.clone()), Transform::default()));
                });
            }
        });
    }
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

