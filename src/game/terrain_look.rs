//! The terrain as it is drawn: the level's chunk meshes with a material of our own, the
//! standard PBR one extended by a shader that lays grass, rock, sand and snow textures
//! (src/game/terrain_textures.rs) over the level's colours by the shares the level gives
//! each vertex. A custom material rather than a texture per chunk: one draw state for the
//! whole valley, and the blend follows the ground instead of a painted map's pixels.

use bevy::asset::{AssetPath, RenderAssetUsages, embedded_asset, embedded_path};
use bevy::image::{ImageAddressMode, ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::pbr::{ExtendedMaterial, MaterialExtension};
use bevy::prelude::*;
use bevy::render::render_resource::{AsBindGroup, Extent3d, TextureDimension, TextureFormat, TextureViewDescriptor, TextureViewDimension};
use bevy::shader::ShaderRef;

use super::terrain_textures::{LAYERS, SIDE, ground_layers, mip_levels};
use super::world::CurrentLevel;
use crate::level::mesh::{MeshData, chunk_mesh, chunks_per_side};

pub type TerrainMaterial = ExtendedMaterial<StandardMaterial, GroundLayers>;

/// The ground's texture layers, bound after the standard material's own bindings.
#[derive(Asset, AsBindGroup, Reflect, Debug, Clone)]
pub struct GroundLayers {
    #[texture(100, dimension = "2d_array")]
    #[sampler(101)]
    pub layers: Handle<Image>,
}

impl MaterialExtension for GroundLayers {
    fn fragment_shader() -> ShaderRef {
        let path = embedded_path!("shaders/terrain.wgsl");
        ShaderRef::Path(AssetPath::from_path_buf(path).with_source("embedded"))
    }
}

pub fn plugin(app: &mut App) {
    embedded_asset!(app, "shaders/terrain.wgsl");
    app.add_plugins(MaterialPlugin::<TerrainMaterial>::default())
        .add_systems(PreUpdate, spawn_terrain_chunks.run_if(resource_added::<CurrentLevel>));
}

fn to_mesh(data: MeshData) -> Mesh {
    let mesh = Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, data.positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, data.normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, data.colors)
        .with_inserted_indices(Indices::U32(data.indices));
    mesh.with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, data.rock_sand).with_inserted_attribute(Mesh::ATTRIBUTE_UV_1, data.snow)
}

fn ground_image() -> Image {
    let size = Extent3d { width: SIDE, height: SIDE, depth_or_array_layers: LAYERS };
    let mut image = Image::new_uninit(size, TextureDimension::D2, TextureFormat::Rgba8UnormSrgb, RenderAssetUsages::RENDER_WORLD);
    image.data = Some(ground_layers());
    image.texture_descriptor.mip_level_count = mip_levels();
    image.texture_view_descriptor = Some(TextureViewDescriptor { dimension: Some(TextureViewDimension::D2Array), ..default() });
    image.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor {
        address_mode_u: ImageAddressMode::Repeat,
        address_mode_v: ImageAddressMode::Repeat,
        mag_filter: ImageFilterMode::Linear,
        min_filter: ImageFilterMode::Linear,
        mipmap_filter: ImageFilterMode::Linear,
        ..default()
    });
    image
}

fn spawn_terrain_chunks(mut commands: Commands, current: Res<CurrentLevel>, mut meshes: ResMut<Assets<Mesh>>, mut images: ResMut<Assets<Image>>, mut materials: ResMut<Assets<TerrainMaterial>>) {
    let material = materials.add(ExtendedMaterial {
        base: StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.95, ..default() },
        extension: GroundLayers { layers: images.add(ground_image()) },
    });
    spawn_chunks(&mut commands, &current, &mut meshes, material);
}

fn spawn_chunks(commands: &mut Commands, current: &CurrentLevel, meshes: &mut Assets<Mesh>, material: Handle<TerrainMaterial>) {
    let per_side = chunks_per_side(&current.field);
    for cz in 0..per_side {
        for cx in 0..per_side {
            let mesh = chunk_mesh(&current.field, &current.level.terrain, cx, cz);
            commands.spawn((Name::new(format!("terrain chunk {cx},{cz}")), Mesh3d(meshes.add(to_mesh(mesh))), MeshMaterial3d(material.clone())));
        }
    }
}
