//! `horizon play --frames N --screenshot PATH`: run N frames, save a screenshot of the last
//! one, and exit, so that CI and people can check what the game shows. With `--keepsake`,
//! the frames are followed by a keepsake made as the shop's button makes it, and the game
//! exits once it is saved (or refused).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use super::GameOptions;
use super::keepsakes::{Keepsakes, MakeKeepsake};
use super::panels::Panel;
use super::screens::Screen;

#[derive(Resource, Clone)]
struct Automation {
    /// When the game began and when the screen's first frame was rendered, for the timing
    /// line printed at exit.
    started: crate::platform::Instant,
    reached: Option<crate::platform::Instant>,
    /// The screen to reach, then the frames to run on it.
    screen: Screen,
    /// The screen to open over the valley.
    panel: Panel,
    frames: u32,
    screenshot: Option<PathBuf>,
    /// The frame count when the screen was reached.
    arrived: Option<u32>,
    requested: bool,
    /// The keepsake to make after the frames, and whether it was asked for.
    keepsake: Option<MakeKeepsake>,
    keepsake_asked: bool,
}

/// The text egui painted in the latest frame, one `x y text` line per piece (logical
/// pixels), saved beside the screenshot as `NAME.txt` so that tests can tell which panel a
/// picture shows.
#[derive(Resource, Default)]
struct PaintedText(Vec<String>);

/// Frames in a row that the renderer drew with every pipeline compiled. Software renderers
/// compile shaders in the background for seconds, and until then meshes are simply not
/// drawn: a screenshot after a fixed number of frames could be black.
#[derive(Resource, Clone, Default)]
struct PipelinesSettled(Arc<AtomicU32>);

/// Frames in a row with no pipeline waiting before the screenshot counts as settled.
const SETTLED_FRAMES: u32 = 3;
/// Gives up waiting for pipelines after this many times the frames asked for (a pipeline
/// that never compiles must not hang CI).
const MAX_WAIT_FACTOR: u32 = 20;

/// `started` is when the game began (before the level and the profile were loaded).
pub fn plugin(options: &GameOptions, started: crate::platform::Instant) -> impl Fn(&mut App) + use<> {
    let automation = options.frames.map(|frames| Automation {
        started,
        reached: None,
        screen: options.screen,
        panel: options.panel,
        frames: frames.max(1),
        screenshot: options.screenshot.clone(),
        arrived: None,
        requested: false,
        keepsake: options.keepsake,
        keepsake_asked: false,
    });
    move |app: &mut App| {
        if let Some(a) = &automation {
            app.insert_resource(a.clone()).init_resource::<PaintedText>().add_systems(Last, (go_to_screen, finish_after_frames, exit_when_keepsake_saved).chain()).add_systems(
                PostUpdate,
                note_painted_text.after(bevy_egui::EguiPostUpdateSet::EndPass).before(bevy_egui::EguiPostUpdateSet::ProcessOutput),
            );
            let settled = PipelinesSettled::default();
            if let Some(render) = app.get_sub_app_mut(bevy::render::RenderApp) {
                render.insert_resource(settled.clone()).add_systems(bevy::render::Render, count_settled_frames.after(bevy::render::RenderSystems::Render));
                app.insert_resource(settled);
            }
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
        automation.reached = Some(crate::platform::Instant::now());
    }
}

/// In the render world: counts the frames drawn in a row with no pipeline still compiling.
fn count_settled_frames(cache: Res<bevy::render::render_resource::PipelineCache>, settled: Res<PipelinesSettled>) {
    if cache.waiting_pipelines().next().is_some() {
        settled.0.store(0, Ordering::Relaxed);
    } else {
        settled.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn note_painted_text(outputs: Query<&bevy_egui::EguiFullOutput>, mut painted: ResMut<PaintedText>) {
    fn collect(shape: &bevy_egui::egui::Shape, lines: &mut Vec<String>) {
        match shape {
            bevy_egui::egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, lines)),
            bevy_egui::egui::Shape::Text(text) => {
                let words = text.galley.text().replace('\n', " ");
                if !words.trim().is_empty() {
                    lines.push(format!("{:.0} {:.0} {}", text.pos.x, text.pos.y, words.trim()));
                }
            }
            _ => {}
        }
    }
    let mut lines = Vec::new();
    for output in &outputs {
        for clipped in output.0.iter().flat_map(|o| &o.shapes) {
            collect(&clipped.shape, &mut lines);
        }
    }
    painted.0 = lines;
}

fn finish_after_frames(
    mut commands: Commands,
    frames: Res<FrameCount>,
    settled: Option<Res<PipelinesSettled>>,
    mut automation: ResMut<Automation>,
    mut exit: MessageWriter<AppExit>,
    mut make: MessageWriter<MakeKeepsake>,
) {
    let Some(arrived) = automation.arrived else { return };
    let ran = frames.0 - arrived + 1;
    if automation.requested || ran < automation.frames {
        return;
    }
    // Without a render world there is nothing to wait for.
    if settled.is_some_and(|s| s.0.load(Ordering::Relaxed) < SETTLED_FRAMES) {
        if ran < automation.frames.saturating_mul(MAX_WAIT_FACTOR) {
            return;
        }
        warn!("pipelines still compiling after {ran} frames; taking the screenshot anyway");
    }
    automation.requested = true;
    if let Some(reached) = automation.reached {
        let secs = reached.elapsed().as_secs_f64();
        // One line for people and for the frame-rate benchmark.
        println!(
            "timing: first {:?} frame after {:.2} s; {} frames in {secs:.2} s = {:.2} fps",
            automation.screen,
            (reached - automation.started).as_secs_f64(),
            ran.saturating_sub(2),
            f64::from(ran.saturating_sub(2)) / secs.max(1e-9)
        );
    }
    if let Some(kind) = automation.keepsake {
        make.write(kind);
        automation.keepsake_asked = true;
        return;
    }
    match automation.screenshot.clone() {
        Some(path) => {
            let mut save = save_to_disk(path.clone());
            commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>, painted: Res<PaintedText>, mut exit: MessageWriter<AppExit>| {
                save(captured);
                let text = path.with_extension("txt");
                if let Err(e) = std::fs::write(&text, painted.0.join("\n")) {
                    warn!("could not save the painted text to {}: {e}", text.display());
                }
                info!("saved a screenshot to {}", path.display());
                exit.write(AppExit::Success);
            });
        }
        None => {
            exit.write(AppExit::Success);
        }
    }
}

/// Once the keepsake asked for is saved (or refused): says where (or why) and exits, with
/// status 1 if it failed.
fn exit_when_keepsake_saved(automation: Res<Automation>, keepsakes: Option<Res<Keepsakes>>, mut exit: MessageWriter<AppExit>, mut said: Local<bool>) {
    if !automation.keepsake_asked || *said {
        return;
    }
    let Some(last) = keepsakes.as_ref().and_then(|k| if k.busy() { None } else { k.last.clone() }) else { return };
    *said = true;
    match last {
        Ok(saved) => {
            println!("keepsake: {saved}");
            exit.write(AppExit::Success);
        }
        Err(e) => {
            eprintln!("keepsake refused: {e}");
            exit.write(AppExit::error());
        }
    }
}
