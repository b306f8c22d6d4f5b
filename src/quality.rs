//! How much the renderer draws, as `--quality`, the kiosk's configuration and the page's
//! `?quality=` name it. Pure: the game turns it into cameras and lights (`render_quality`).

use serde::Deserialize;

/// `Low`: no shadow maps, light bloom (software renderers, the browser without a GPU, the
/// render tests). `Medium`: shadows near the car and bloom. `High`: sharper shadows further
/// out and ambient occlusion where the platform has it (not WebGL2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default, clap::ValueEnum)]
pub enum Quality {
    Low,
    Medium,
    #[default]
    High,
}

impl Quality {
    pub fn from_name(name: &str) -> Option<Quality> {
        match name {
            "low" => Some(Quality::Low),
            "medium" => Some(Quality::Medium),
            "high" => Some(Quality::High),
            _ => None,
        }
    }

    /// The preset chosen when none is asked for: a software adapter gets `Low`.
    pub fn for_adapter(software: bool) -> Quality {
        if software { Quality::Low } else { Quality::High }
    }
}
