//! The quality preset (`crate::quality`) made real: tonemapping, bloom, shadows and ambient
//! occlusion on the game camera and the sun. Asked for by `--quality`, the kiosk's
//! configuration or the page's `?quality=`; otherwise chosen from the adapter once the
//! renderer knows it (a software adapter, as lavapipe or SwiftShader, gets `Low`).

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::light::{CascadeShadowConfigBuilder, DirectionalLightShadowMap};
use bevy::post_process::bloom::Bloom;
use bevy::prelude::*;
use bevy::render::renderer::RenderAdapterInfo;

use super::camera::GameCamera;
pub use crate::quality::Quality;

/// The preset in force.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderQuality(pub Quality);

pub fn plugin(asked: Option<Quality>) -> impl Fn(&mut App) {
    move |app: &mut App| {
        #[cfg(target_arch = "wasm32")]
        let asked = asked.or_else(asked_by_the_page);
        if let Some(quality) = asked {
            app.insert_resource(RenderQuality(quality));
        }
        app.add_systems(Update, (choose.run_if(not(resource_exists::<RenderQuality>)), dress_cameras, dress_suns).chain());
    }
}

#[cfg(target_arch = "wasm32")]
fn asked_by_the_page() -> Option<Quality> {
    let query = web_sys::window()?.location().search().ok()?;
    Quality::from_name(&web_sys::UrlSearchParams::new_with_str(&query).ok()?.get("quality")?)
}

fn choose(mut commands: Commands, adapter: Option<Res<RenderAdapterInfo>>) {
    let Some(adapter) = adapter else { return };
    // wgpu's DeviceType is not re-exported by Bevy; its Debug name is its variant's.
    let software = format!("{:?}", adapter.0.device_type) == "Cpu";
    let quality = Quality::for_adapter(software);
    info!("quality {quality:?} on {} ({:?})", adapter.0.name, adapter.0.device_type);
    commands.insert_resource(RenderQuality(quality));
}

/// Bloom for what glows (crystals, light bars), on every preset: what makes a crystal read
/// as one. Low keeps fewer mip levels, which software rendering feels.
fn bloom(quality: Quality) -> Bloom {
    Bloom { intensity: 0.18, max_mip_dimension: if quality == Quality::Low { 256 } else { 512 }, ..Bloom::NATURAL }
}

fn dress_cameras(
    mut commands: Commands,
    quality: Option<Res<RenderQuality>>,
    cameras: Query<Entity, With<GameCamera>>,
    added: Query<(), Added<GameCamera>>,
) {
    let Some(quality) = quality else { return };
    if !quality.is_changed() && added.is_empty() {
        return;
    }
    for camera in &cameras {
        let mut entity = commands.entity(camera);
        entity.insert((Tonemapping::TonyMcMapface, bloom(quality.0)));
        // WebGL2 has no compute shaders, which SSAO needs.
        #[cfg(not(target_arch = "wasm32"))]
        if quality.0 == Quality::High {
            entity.insert(bevy::pbr::ScreenSpaceAmbientOcclusion::default());
        } else {
            entity.remove::<bevy::pbr::ScreenSpaceAmbientOcclusion>();
        }
    }
}

fn dress_suns(mut commands: Commands, quality: Option<Res<RenderQuality>>, mut suns: Query<(Entity, &mut DirectionalLight)>) {
    let Some(quality) = quality else { return };
    if !quality.is_changed() && !suns.iter_mut().any(|(_, sun)| sun.is_added()) {
        return;
    }
    let q = quality.0;
    commands.insert_resource(DirectionalLightShadowMap { size: if q == Quality::High { 4096 } else { 2048 } });
    for (entity, mut sun) in &mut suns {
        sun.shadow_maps_enabled = q != Quality::Low;
        let cascades = match q {
            // Two cascades over the near 250 m: crisp shadows where the car is, half the cost of four.
            Quality::Low | Quality::Medium => CascadeShadowConfigBuilder { num_cascades: 2, maximum_distance: 250.0, first_cascade_far_bound: 40.0, ..default() },
            Quality::High => CascadeShadowConfigBuilder { num_cascades: 4, maximum_distance: 600.0, first_cascade_far_bound: 30.0, ..default() },
        };
        commands.entity(entity).insert(cascades.build());
    }
}
