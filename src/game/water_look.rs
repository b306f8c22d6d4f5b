//! The lake and the river: one sheet at the level's water level with a material of our
//! own, the standard one extended by src/game/shaders/water.wgsl (moving waves per pixel,
//! the sky reflected by Fresnel's law). The sky's colours come from the sky dome's palette,
//! so the water reflects the sky that is there.

use bevy::asset::{AssetPath, embedded_asset, embedded_path};
use bevy::pbr::{ExtendedMaterial, MaterialExtension};
use bevy::prelude::*;
use bevy::render::render_resource::AsBindGroup;
use bevy::shader::ShaderRef;

use super::sky_dome::sky_palette;
use super::world::CurrentLevel;

pub type WaterMaterial = ExtendedMaterial<StandardMaterial, WaterSky>;

/// The sky the water reflects (linear colours; the fourth component unused).
#[derive(Asset, AsBindGroup, Reflect, Debug, Clone)]
pub struct WaterSky {
    #[uniform(100)]
    pub horizon: Vec4,
    #[uniform(100)]
    pub sky: Vec4,
    #[uniform(100)]
    pub zenith: Vec4,
}

impl MaterialExtension for WaterSky {
    fn fragment_shader() -> ShaderRef {
        ShaderRef::Path(AssetPath::from_path_buf(embedded_path!("shaders/water.wgsl")).with_source("embedded"))
    }
}

pub fn plugin(app: &mut App) {
    embedded_asset!(app, "shaders/water.wgsl");
    app.add_plugins(MaterialPlugin::<WaterMaterial>::default()).add_systems(PreUpdate, spawn_water.run_if(resource_added::<CurrentLevel>));
}

fn water_base() -> StandardMaterial {
    StandardMaterial { base_color: Color::srgba(0.07, 0.25, 0.33, 0.86), alpha_mode: AlphaMode::Blend, perceptual_roughness: 0.06, reflectance: 0.5, ..default() }
}

fn has_water(current: &CurrentLevel) -> bool {
    current.field.min_max().0 < current.level.terrain.water_level_m
}

fn water_sheet(current: &CurrentLevel, meshes: &mut Assets<Mesh>) -> (Name, Mesh3d, Transform) {
    let spec = &current.level.terrain;
    (Name::new("water"), Mesh3d(meshes.add(Plane3d::default().mesh().size(spec.size_m, spec.size_m))), Transform::from_xyz(0.0, spec.water_level_m, 0.0))
}

fn spawn_water(mut commands: Commands, current: Res<CurrentLevel>, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<WaterMaterial>>) {
    if !has_water(&current) {
        return;
    }
    let [horizon, sky, zenith] = sky_palette(&current.level.lighting);
    let water = water_base();
    commands.spawn((
        water_sheet(&current, &mut meshes),
        MeshMaterial3d(materials.add(ExtendedMaterial { base: water, extension: WaterSky { horizon: horizon.extend(1.0), sky: sky.extend(1.0), zenith: zenith.extend(1.0) } })),
    ));
}
