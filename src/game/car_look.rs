//! What a car looks like: the twin's generated body (`car_shape`) in clear-coat paint, a
//! glass house, light bars front and rear, badge, charge port, cladding and shut lines, and
//! wheels that follow the suspension, steer and spin. The player's car wears the paint and
//! decal its owner holds (bought in the garage or won in a box), changed as soon as the
//! ledger says so. Added to every new `Car`.

use std::collections::BTreeSet;

use bevy::prelude::*;
use bevy_rapier3d::prelude::PhysicsSet;

use super::car::{Car, PlayerDriven, SUSPENSION_REST, Vehicle, WHEEL_MOUNTS};
use super::car_decals::{self, Decal};
use super::car_shape::{self, Halves, WHEEL_CENTRE_Y, places};
use super::screens::Profile;

/// A wheel's visual, child of the car, following wheel `index` of the controller: it
/// steers; its `WheelSpin` child turns with the wheel.
#[derive(Component)]
pub struct WheelVisual(pub usize);

/// The spinning part of a wheel (tyre, rim, disc); the calliper stays with `WheelVisual`.
#[derive(Component)]
pub struct WheelSpin;

/// The paint a car wears: the first of these its owner holds, rarest first, else the
/// brand's own blue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paint {
    pub item: Option<&'static str>,
    pub colour: Color,
    pub metallic: f32,
    pub roughness: f32,
}

const PAINTS: [Paint; 3] = [
    // Box-only pearl white with a warm flake.
    Paint { item: Some("paint-celestial"), colour: Color::srgb(0.93, 0.92, 0.88), metallic: 0.35, roughness: 0.28 },
    Paint { item: Some("paint-aurora"), colour: Color::srgb(0.32, 0.14, 0.55), metallic: 0.8, roughness: 0.3 },
    Paint { item: Some("paint-jade"), colour: Color::srgb(0.05, 0.42, 0.33), metallic: 0.7, roughness: 0.32 },
];
pub const HORIZON_BLUE: Paint = Paint { item: None, colour: Color::srgb(0.05, 0.26, 0.62), metallic: 0.75, roughness: 0.3 };

pub fn paint_for(items: &BTreeSet<String>) -> Paint {
    PAINTS.into_iter().find(|p| p.item.is_some_and(|i| items.contains(i))).unwrap_or(HORIZON_BLUE)
}

pub fn decal_for(items: &BTreeSet<String>) -> Option<Decal> {
    [Decal::Spire, Decal::StoneRunes].into_iter().find(|d| items.contains(d.item()))
}

/// What a car wears now, kept so that the look changes only when the owner's items do.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Livery {
    pub paint: Paint,
    pub decal: Option<Decal>,
}

/// The car's own paint material (each car has one, so one car's livery is its own).
#[derive(Component)]
struct PaintMaterial(Handle<StandardMaterial>);

/// The door decals of a car (despawned when it changes).
#[derive(Component)]
struct DecalPanel;

/// The meshes and materials every car shares.
#[derive(Resource)]
struct CarLook {
    body: Handle<Mesh>,
    glass: Handle<Mesh>,
    window_line: Handle<Mesh>,
    head_bar: Handle<Mesh>,
    tail_bar: Handle<Mesh>,
    cladding: Handle<Mesh>,
    intake: Handle<Mesh>,
    badge: Handle<Mesh>,
    charge_port_gap: Handle<Mesh>,
    charge_port: Handle<Mesh>,
    shut_lines: Vec<Handle<Mesh>>,
    handles: Vec<Handle<Mesh>>,
    decal: Handle<Mesh>,
    arch: Handle<Mesh>,
    floor: Handle<Mesh>,
    shadow: Handle<Mesh>,
    arch_black: Handle<StandardMaterial>,
    shadow_material: Handle<StandardMaterial>,
    mirror: Handle<Mesh>,
    tyre: Handle<Mesh>,
    rim: Handle<Mesh>,
    spoke: Handle<Mesh>,
    disc: Handle<Mesh>,
    calliper: Handle<Mesh>,
    glass_material: Handle<StandardMaterial>,
    chrome: Handle<StandardMaterial>,
    black_gloss: Handle<StandardMaterial>,
    head_light: Handle<StandardMaterial>,
    tail_light: Handle<StandardMaterial>,
    badge_glow: Handle<StandardMaterial>,
    rubber: Handle<StandardMaterial>,
    alloy: Handle<StandardMaterial>,
    brake_disc: Handle<StandardMaterial>,
    brake_calliper: Handle<StandardMaterial>,
    decals: [(Decal, Handle<StandardMaterial>); 2],
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_look)
        .add_systems(Update, (dress_cars, wear_owners_livery, apply_livery).chain())
        .add_systems(PostUpdate, place_wheels.after(PhysicsSet::Writeback).before(TransformSystems::Propagate));
}

pub fn paint_material(paint: Paint) -> StandardMaterial {
    StandardMaterial {
        base_color: paint.colour,
        metallic: paint.metallic,
        perceptual_roughness: paint.roughness,
        // The lacquer over the metallic base: a sharp second highlight.
        clearcoat: 1.0,
        clearcoat_perceptual_roughness: 0.06,
        ..default()
    }
}

fn make_look(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>, mut images: ResMut<Assets<Image>>) {
    let strip = |meshes: &mut Assets<Mesh>, place: ((f32, f32), (f32, f32)), halves: Halves, offset: f32| meshes.add(car_shape::body_strip(place.0, place.1, halves, offset));
    let mut decal_material = |decal: Decal| {
        (decal, materials.add(StandardMaterial {
            base_color_texture: Some(images.add(car_decals::picture(decal))),
            alpha_mode: AlphaMode::Blend,
            perceptual_roughness: 0.3,
            clearcoat: 1.0,
            clearcoat_perceptual_roughness: 0.06,
            emissive: LinearRgba::rgb(0.15, 0.15, 0.15),
            ..default()
        }))
    };
    let decals = [decal_material(Decal::Spire), decal_material(Decal::StoneRunes)];
    let shadow_picture = images.add(car_decals::soft_shadow());
    let look = CarLook {
        body: meshes.add(car_shape::body()),
        glass: meshes.add(car_shape::glass()),
        window_line: meshes.add(car_shape::glass_strip((0.29, 0.94), (0.0, 0.05), 0.004)),
        head_bar: strip(&mut meshes, places::HEAD_BAR, Halves::Both, 0.004),
        tail_bar: strip(&mut meshes, places::TAIL_BAR, Halves::Both, 0.004),
        cladding: strip(&mut meshes, places::CLADDING, Halves::Both, 0.003),
        intake: strip(&mut meshes, places::INTAKE, Halves::Both, 0.003),
        badge: strip(&mut meshes, places::BADGE, Halves::Both, 0.006),
        charge_port_gap: strip(&mut meshes, places::CHARGE_PORT, Halves::Left, 0.002),
        charge_port: strip(&mut meshes, ((places::CHARGE_PORT.0.0 + 0.003, places::CHARGE_PORT.0.1 - 0.003), (places::CHARGE_PORT.1.0 + 0.03, places::CHARGE_PORT.1.1 - 0.03)), Halves::Left, 0.004),
        shut_lines: places::SHUT_LINES.iter().map(|&s| strip(&mut meshes, ((s, s + 0.0025), (-0.8, 0.9)), Halves::Both, 0.002)).collect(),
        handles: places::HANDLES.iter().map(|&s| strip(&mut meshes, ((s, s + 0.03), (0.55, 0.62)), Halves::Both, 0.004)).collect(),
        decal: strip(&mut meshes, places::DECAL, Halves::Both, 0.005),
        arch: meshes.add(car_shape::arch_liner()),
        floor: meshes.add(Cuboid::new(1.3, 0.2, 4.3)),
        shadow: meshes.add(car_shape::ground_shadow()),
        arch_black: materials.add(StandardMaterial { base_color: Color::srgb(0.01, 0.01, 0.01), perceptual_roughness: 0.95, double_sided: true, cull_mode: None, ..default() }),
        shadow_material: materials.add(StandardMaterial {
            base_color_texture: Some(shadow_picture),
            base_color: Color::BLACK,
            alpha_mode: AlphaMode::Blend,
            unlit: true,
            ..default()
        }),
        mirror: meshes.add(Sphere::new(0.1).mesh().uv(16, 8)),
        tyre: meshes.add(car_shape::tyre()),
        rim: meshes.add(car_shape::rim_barrel()),
        spoke: meshes.add(car_shape::spoke()),
        disc: meshes.add(Cylinder::new(0.19, 0.025)),
        calliper: meshes.add(Cuboid::new(0.06, 0.12, 0.1)),
        glass_material: materials.add(StandardMaterial {
            base_color: Color::srgb(0.015, 0.02, 0.028),
            metallic: 0.1,
            perceptual_roughness: 0.04,
            reflectance: 1.0,
            clearcoat: 1.0,
            clearcoat_perceptual_roughness: 0.02,
            ..default()
        }),
        chrome: materials.add(StandardMaterial { base_color: Color::srgb(0.85, 0.87, 0.9), metallic: 1.0, perceptual_roughness: 0.12, ..default() }),
        // Double-sided: the arch liners are mirrored for the left side and seen from inside.
        black_gloss: materials.add(StandardMaterial { base_color: Color::srgb(0.012, 0.012, 0.014), perceptual_roughness: 0.22, double_sided: true, cull_mode: None, ..default() }),
        head_light: materials.add(StandardMaterial { base_color: Color::WHITE, emissive: LinearRgba::rgb(9.0, 9.5, 10.0), ..default() }),
        tail_light: materials.add(StandardMaterial { base_color: Color::srgb(0.7, 0.02, 0.02), emissive: LinearRgba::rgb(7.0, 0.15, 0.1), ..default() }),
        badge_glow: materials.add(StandardMaterial { base_color: Color::srgb(0.7, 0.95, 1.0), metallic: 1.0, perceptual_roughness: 0.1, emissive: LinearRgba::rgb(0.8, 2.6, 3.2), ..default() }),
        rubber: materials.add(StandardMaterial { base_color: Color::srgb(0.03, 0.03, 0.032), perceptual_roughness: 0.85, ..default() }),
        alloy: materials.add(StandardMaterial {
            base_color: Color::srgb(0.62, 0.64, 0.68),
            metallic: 1.0,
            perceptual_roughness: 0.25,
            double_sided: true,
            cull_mode: None,
            ..default()
        }),
        brake_disc: materials.add(StandardMaterial { base_color: Color::srgb(0.3, 0.3, 0.32), metallic: 0.9, perceptual_roughness: 0.45, ..default() }),
        brake_calliper: materials.add(StandardMaterial { base_color: Color::srgb(0.95, 0.45, 0.05), perceptual_roughness: 0.35, ..default() }),
        decals,
    };
    commands.insert_resource(look);
}

fn dress_cars(mut commands: Commands, look: Res<CarLook>, mut materials: ResMut<Assets<StandardMaterial>>, cars: Query<Entity, Added<Car>>) {
    for car in &cars {
        let paint = materials.add(paint_material(HORIZON_BLUE));
        let at = |handle: &Handle<Mesh>, material: &Handle<StandardMaterial>| (Mesh3d(handle.clone()), MeshMaterial3d(material.clone()));
        commands.entity(car).insert((PaintMaterial(paint.clone()), Livery { paint: HORIZON_BLUE, decal: None })).with_children(|c| {
            c.spawn(at(&look.body, &paint));
            c.spawn(at(&look.glass, &look.glass_material));
            c.spawn(at(&look.window_line, &look.chrome));
            c.spawn(at(&look.head_bar, &look.head_light));
            c.spawn(at(&look.tail_bar, &look.tail_light));
            c.spawn(at(&look.cladding, &look.black_gloss));
            c.spawn(at(&look.intake, &look.black_gloss));
            c.spawn(at(&look.badge, &look.badge_glow));
            c.spawn(at(&look.charge_port_gap, &look.black_gloss));
            c.spawn(at(&look.charge_port, &paint));
            for line in &look.shut_lines {
                c.spawn(at(line, &look.black_gloss));
            }
            for handle in &look.handles {
                c.spawn(at(handle, &look.chrome));
            }
            c.spawn((at(&look.floor, &look.black_gloss), Transform::from_xyz(0.0, car_shape::GROUND_Y + 0.27, 0.04)));
            // Mirrors on black stalks at the foot of the windscreen.
            for side in [-1.0f32, 1.0] {
                let base = car_shape::body_point(0.345, 0.55);
                c.spawn((at(&look.mirror, &paint), Transform::from_xyz(side * (base.x + 0.06), base.y + 0.1, base.z).with_scale(Vec3::new(1.1, 0.6, 0.75))));
            }
            c.spawn(at(&look.shadow, &look.shadow_material));
            for (i, mount) in WHEEL_MOUNTS.iter().enumerate() {
                let outward = mount.x.signum();
                // The arch liner's half cylinder, outward on this side.
                let liner = Transform::from_xyz(0.0, WHEEL_CENTRE_Y, mount.z).with_scale(Vec3::new(outward, 1.0, 1.0));
                c.spawn((at(&look.arch, &look.arch_black), liner));
                c.spawn((WheelVisual(i), Transform::from_translation(*mount - Vec3::Y * SUSPENSION_REST), Visibility::default())).with_children(|w| {
                    w.spawn((at(&look.calliper, &look.brake_calliper), Transform::from_xyz(outward * 0.03, 0.12, 0.1)));
                    w.spawn((WheelSpin, Transform::default(), Visibility::default())).with_children(|spin| {
                        // The meshes face +x; the left wheels turn them round to face out.
                        let facing = if outward < 0.0 { Quat::from_rotation_y(std::f32::consts::PI) } else { Quat::IDENTITY };
                        spin.spawn((at(&look.tyre, &look.rubber), Transform::from_rotation(facing)));
                        spin.spawn((at(&look.rim, &look.alloy), Transform::from_rotation(facing)));
                        spin.spawn((at(&look.disc, &look.brake_disc), Transform::from_rotation(Quat::from_rotation_z(std::f32::consts::FRAC_PI_2))));
                        for k in 0..10 {
                            // Five twin spokes: pairs 10° apart.
                            let angle = (k / 2) as f32 * std::f32::consts::TAU / 5.0 + if k % 2 == 0 { -0.09 } else { 0.09 };
                            spin.spawn((at(&look.spoke, &look.alloy), Transform::from_rotation(facing * Quat::from_rotation_x(angle))));
                        }
                    });
                });
            }
        });
    }
}

/// The player's car wears what its owner holds.
fn wear_owners_livery(profile: Option<Res<Profile>>, mut cars: Query<&mut Livery, With<PlayerDriven>>) {
    let Some(profile) = profile else { return };
    let items = &profile.player.state.items;
    let wanted = Livery { paint: paint_for(items), decal: decal_for(items) };
    for mut livery in &mut cars {
        if *livery != wanted {
            *livery = wanted;
        }
    }
}

fn apply_livery(
    mut commands: Commands,
    look: Res<CarLook>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    cars: Query<(Entity, &Livery, &PaintMaterial, Option<&Children>), Changed<Livery>>,
    panels: Query<(), With<DecalPanel>>,
) {
    for (car, livery, paint, children) in &cars {
        if let Some(mut material) = materials.get_mut(&paint.0) {
            *material = paint_material(livery.paint);
        }
        for child in children.into_iter().flatten() {
            if panels.contains(*child) {
                commands.entity(*child).despawn();
            }
        }
        if let Some((_, material)) = livery.decal.and_then(|d| look.decals.iter().find(|(k, _)| *k == d)) {
            commands.entity(car).with_child((DecalPanel, Mesh3d(look.decal.clone()), MeshMaterial3d(material.clone())));
        }
    }
}

/// Puts each wheel's visual where its suspension holds it, steered, and its spinning part
/// turned as far as the wheel has rolled.
fn place_wheels(cars: Query<(&Vehicle, &Children)>, mut wheels: Query<(&WheelVisual, &mut Transform, &Children), Without<WheelSpin>>, mut spins: Query<&mut Transform, With<WheelSpin>>) {
    for (vehicle, children) in &cars {
        let state = vehicle.0.wheels();
        for child in children.iter() {
            let Ok((WheelVisual(i), mut transform, parts)) = wheels.get_mut(child) else { continue };
            let Some(w) = state.get(*i) else { continue };
            let travel = w.raycast_info().suspension_length.clamp(0.0, SUSPENSION_REST + 0.2);
            transform.translation = WHEEL_MOUNTS[*i] - Vec3::Y * travel;
            transform.rotation = Quat::from_rotation_y(w.steering);
            for part in parts.iter() {
                if let Ok(mut spin) = spins.get_mut(part) {
                    spin.rotation = Quat::from_rotation_x(-w.rotation);
                }
            }
        }
    }
}
