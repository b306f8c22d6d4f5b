//! The browser's quality preset. WebGL2 on a machine without a GPU (SwiftShader, a software
//! adapter) shades every pixel on the CPU, so there the game draws without shadow maps
//! (`low`); with a GPU it keeps the desktop's look (`high`). `?quality=low|high` chooses.
//! (Drawing fewer pixels than the page shows, and scaling up, is the look issue's: egui's
//! zoom did not follow a canvas scaled by CSS.)

use bevy::prelude::*;
use bevy::render::renderer::RenderAdapterInfo;

/// The preset in force, for the page's status line.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebQuality {
    Low,
    High,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Update, (choose.run_if(not(resource_exists::<WebQuality>)), apply).chain());
}

fn asked() -> Option<WebQuality> {
    let query = web_sys::window()?.location().search().ok()?;
    match web_sys::UrlSearchParams::new_with_str(&query).ok()?.get("quality")?.as_str() {
        "low" => Some(WebQuality::Low),
        "high" => Some(WebQuality::High),
        _ => None,
    }
}

fn choose(mut commands: Commands, adapter: Option<Res<RenderAdapterInfo>>) {
    let Some(adapter) = adapter else { return };
    // wgpu's DeviceType is not re-exported by Bevy; its Debug name is its variant's.
    let software = format!("{:?}", adapter.0.device_type) == "Cpu";
    let quality = asked().unwrap_or(if software { WebQuality::Low } else { WebQuality::High });
    info!("web quality {quality:?} on {} ({:?})", adapter.0.name, adapter.0.device_type);
    commands.insert_resource(quality);
}

fn apply(quality: Option<Res<WebQuality>>, mut suns: Query<&mut DirectionalLight>) {
    if quality.is_none_or(|q| *q != WebQuality::Low) {
        return;
    }
    // Suns come and go with the screens; only a change marks the light changed.
    for mut sun in &mut suns {
        if sun.shadow_maps_enabled {
            sun.shadow_maps_enabled = false;
        }
    }
}
