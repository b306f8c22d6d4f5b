//! The sky: a dome round the camera shaded from the fog's colour at the horizon (so distant
//! land melts into it) through the level's sky colour to a deeper blue overhead, brighter
//! towards the sun, and the sun's disc, which bloom turns into a glow. Vertex colours on an
//! unlit mesh: the same on WebGL2, lavapipe and a GPU, for the cost of one draw.
//! (Bevy's `Atmosphere` needs compute shaders, which WebGL2 lacks, and costs seconds a frame
//! on a software renderer.)

use bevy::light::NotShadowCaster;
use bevy::prelude::*;

use super::camera::GameCamera;
use super::world::CurrentLevel;
use crate::level::Lighting;

/// Inside the camera's far plane (3,000 m), beyond the level's edge.
const DOME_RADIUS_M: f32 = 2400.0;
/// The sun's disc as seen: about 1.4° across (twice the real one reads better on a screen).
const SUN_RADIUS_M: f32 = DOME_RADIUS_M * 0.012;

#[derive(Component)]
pub struct SkyDome;

pub fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, spawn_sky.run_if(resource_added::<CurrentLevel>))
        .add_systems(PostUpdate, follow_the_camera.before(TransformSystems::Propagate));
}

fn srgb(c: (f32, f32, f32)) -> Vec3 {
    let c = Color::srgb(c.0, c.1, c.2).to_linear();
    Vec3::new(c.red, c.green, c.blue)
}

/// Direction towards the sun (azimuth from north, −z, clockwise towards east, +x).
pub fn toward_sun(l: &Lighting) -> Vec3 {
    let (elevation, azimuth) = (l.sun_elevation_deg.to_radians(), l.sun_azimuth_deg.to_radians());
    Vec3::new(azimuth.sin() * elevation.cos(), elevation.sin(), -azimuth.cos() * elevation.cos())
}

/// The sky's colours (linear) at the horizon (the fog's), low in the sky (the level's sky
/// colour) and overhead (the same hue, deeper: what a clear day's zenith does to it).
pub fn sky_palette(l: &Lighting) -> [Vec3; 3] {
    let sky = srgb(l.sky_color);
    [srgb(l.fog_color), sky, sky * Vec3::new(0.22, 0.42, 0.92)]
}

/// The sky's colour (linear) looking along `dir` (unit). The water's shader reflects the
/// same gradient (src/game/shaders/water.wgsl).
fn sky_colour([horizon, sky, zenith]: [Vec3; 3], sun: Vec3, dir: Vec3) -> Vec3 {
    let up = dir.y.max(0.0);
    // The haze band is a few degrees; the camera sees up to about 25° above the horizon,
    // where the blue should already be deep.
    let low = (up / 0.04).min(1.0);
    let high = ((up - 0.04) / 0.4).clamp(0.0, 1.0).powf(0.6);
    let mut colour = horizon.lerp(sky, low * low * (3.0 - 2.0 * low)).lerp(zenith, high);
    // Forward scattering: a wide warm brightening round the sun, a tighter one near it.
    let towards = dir.dot(sun).max(0.0);
    colour += Vec3::new(1.0, 0.85, 0.6) * (0.25 * towards.powi(8) + 0.5 * towards.powi(96));
    colour
}

fn dome_mesh(l: &Lighting) -> Mesh {
    let (sun, palette) = (toward_sun(l), sky_palette(l));
    let mut mesh = Sphere::new(DOME_RADIUS_M).mesh().uv(96, 48);
    let Some(positions) = mesh.attribute(Mesh::ATTRIBUTE_POSITION).and_then(|a| a.as_float3()) else { return mesh };
    let colours: Vec<[f32; 4]> = positions
        .iter()
        .map(|p| {
            let c = sky_colour(palette, sun, Vec3::from_array(*p).normalize());
            [c.x, c.y, c.z, 1.0]
        })
        .collect();
    mesh.insert_attribute(Mesh::ATTRIBUTE_COLOR, colours);
    mesh
}

fn spawn_sky(mut commands: Commands, current: Res<CurrentLevel>, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    let l = &current.level.lighting;
    let dome = materials.add(StandardMaterial {
        base_color: Color::WHITE,
        unlit: true,
        // The dome is its own fog: its horizon is the fog's colour.
        fog_enabled: false,
        // Seen from inside.
        cull_mode: None,
        ..default()
    });
    let sun_disc = materials.add(StandardMaterial {
        base_color: Color::srgb(1.0, 0.97, 0.88),
        emissive: LinearRgba::rgb(6.0, 5.6, 4.8),
        unlit: true,
        fog_enabled: false,
        cull_mode: None,
        ..default()
    });
    let sun = toward_sun(l);
    commands
        .spawn((Name::new("sky"), SkyDome, Transform::default(), Visibility::default(), NotShadowCaster))
        .with_children(|sky| {
            sky.spawn((Mesh3d(meshes.add(dome_mesh(l))), MeshMaterial3d(dome), NotShadowCaster));
            sky.spawn((
                Name::new("sun disc"),
                Mesh3d(meshes.add(Circle::new(SUN_RADIUS_M).mesh().resolution(48))),
                MeshMaterial3d(sun_disc),
                NotShadowCaster,
                // Just inside the dome, facing its centre.
                Transform::from_translation(sun * DOME_RADIUS_M * 0.98).looking_at(Vec3::ZERO, Vec3::Y),
            ));
        });
}

/// The dome moves with the camera, so its horizon is always at the horizon.
fn follow_the_camera(camera: Query<&Transform, (With<GameCamera>, Without<SkyDome>)>, mut sky: Query<&mut Transform, With<SkyDome>>) {
    let Ok(camera) = camera.single() else { return };
    for mut dome in &mut sky {
        dome.translation = camera.translation;
    }
}
