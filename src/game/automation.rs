//! `horizon play --frames N --screenshot PATH`: run N frames, save a screenshot of the last
//! one, and exit, so that CI and people can check what the game shows.

use std::path::PathBuf;

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use super::GameOptions;
use super::panels::Panel;
use super::screens::Screen;

#[derive(Resource, Clone)]
struct Automation {
    /// When the game began and when the screen's first frame was rendered, for the timing
    /// line printed at exit.
    started: std::time::Instant,
    reached: Option<std::time::Instant>,
    /// The screen to reach, then the frames to run on it.
    screen: Screen,
    /// The screen to open over the valley.
    panel: Panel,
    frames: u32,
    screenshot: Option<PathBuf>,
    /// The frame count when the screen was reached.
    arrived: Option<u32>,
    requested: bool,
}

/// `started` is when the game began (before the level and the profile were loaded).
pub fn plugin(options: &GameOptions, started: std::time::Instant) -> impl Fn(&mut App) + use<> {
    let automation = options.frames.map(|frames| Automation {
        started,
        reached: None,
        screen: options.screen,
        panel: options.panel,
        frames: frames.max(1),
        screenshot: options.screenshot.clone(),
        arrived: None,
        requested: false,
    });
    move |app: &mut App| {
        if let Some(a) = &automation {
            app.insert_resource(a.clone()).add_systems(Last, (go_to_screen, finish_after_frames).chain());
        }
    }
}

/// Skips the title when the valley was asked for, and notes when the screen is reached.
fn go_to_screen(
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut next_panel: ResMut<NextState<Panel>>,
    frames: Res<FrameCount>,
    mut automation: ResMut<Automation>,
) {
    if *state.get() == Screen::Title && automation.screen == Screen::Valley {
        next.set(Screen::Valley);
    }
    if *state.get() == automation.screen && automation.arrived.is_none() {
        automation.arrived = Some(frames.0);
        if automation.panel != Panel::None {
            next_panel.set(automation.panel);
        }
    } else if automation.arrived.is_some_and(|a| frames.0 == a + 1) {
        // The next frame has begun: the screen's first frame has been rendered.
        automation.reached = Some(std::time::Instant::now());
    }
}

fn finish_after_frames(mut commands: Commands, frames: Res<FrameCount>, mut automation: ResMut<Automation>, mut exit: MessageWriter<AppExit>) {
    let Some(arrived) = automation.arrived else { return };
    if automation.requested || frames.0 - arrived + 1 < automation.frames {
        return;
    }
    automation.requested = true;
    if let Some(reached) = automation.reached {
        let secs = reached.elapsed().as_secs_f64();
        // One line for people and for the frame-rate benchmark.
        println!(
            "timing: first {:?} frame after {:.2} s; {} frames in {secs:.2} s = {:.2} fps",
            automation.screen,
            (reached - automation.started).as_secs_f64(),
            automation.frames.saturating_sub(2),
            f64::from(automation.frames.saturating_sub(2)) / secs.max(1e-9)
        );
    }
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
