//! `horizon play --frames N --screenshot PATH`: run N frames, save a screenshot of the last
//! one, and exit, so that CI and people can check what the game shows.

use std::path::PathBuf;

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use super::GameOptions;

#[derive(Resource, Clone)]
struct Automation {
    frames: u32,
    screenshot: Option<PathBuf>,
    requested: bool,
}

pub fn plugin(options: &GameOptions) -> impl Fn(&mut App) + use<> {
    let automation = options.frames.map(|frames| Automation { frames: frames.max(1), screenshot: options.screenshot.clone(), requested: false });
    move |app: &mut App| {
        if let Some(a) = &automation {
            app.insert_resource(a.clone()).add_systems(Last, finish_after_frames);
        }
    }
}

fn finish_after_frames(mut commands: Commands, frames: Res<FrameCount>, mut automation: ResMut<Automation>, mut exit: MessageWriter<AppExit>) {
    if automation.requested || frames.0 + 1 < automation.frames {
        return;
    }
    automation.requested = true;
    match automation.screenshot.clone() {
        Some(path) => {
            let mut save = save_to_disk(path.clone());
            commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
                save(captured);
                info!("saved a screenshot to {}", path.display());
                exit.write(AppExit::Success);
            });
        }
        None => {
            exit.write(AppExit::Success);
        }
    }
}
