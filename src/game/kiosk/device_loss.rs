//! A lost render device (a driver reset, a GPU hang) ends the kiosk: wgpu's calls on the
//! lost device panic and the kiosk's panic hook aborts (Bevy's own error handler quits
//! where nothing panics first), and the supervisor starts it again straight into attract.
//! Bevy 0.19's in-process recovery (`RenderErrorPolicy::Recover`) was tried and not kept:
//! the render systems of the frame under way panicked on the lost device's buffers before
//! the error handler ran, and a frozen screen that still feeds the watchdog is the one
//! outcome a show must not have.

use bevy::prelude::*;

/// For the recovery test: the frame at which the kiosk destroys its own render device, as
/// a driver reset would.
pub const LOSE_DEVICE_ENV: &str = "HORIZON_TEST_LOSE_DEVICE_AT_FRAME";

pub fn plugin(app: &mut App) {
    let Some(frame) = std::env::var(LOSE_DEVICE_ENV).ok().and_then(|f| f.parse::<u32>().ok()) else {
        return;
    };
    app.add_systems(Last, move |frames: Res<bevy::diagnostic::FrameCount>, device: Res<bevy::render::renderer::RenderDevice>| {
        if frames.0 == frame {
            warn!("destroying the render device at frame {frame} ({LOSE_DEVICE_ENV})");
            device.wgpu_device().destroy();
        }
    });
}
