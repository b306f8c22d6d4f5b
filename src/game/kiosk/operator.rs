//! The operator's overlay, behind the configured key combination (e.g. Ctrl+Alt+O): frames
//! per second, uptime, resident memory, the valley's state, the last error, and restart or
//! quit — the only way out of the kiosk. While it is open, visitors' input is ignored.

use bevy::diagnostic::{DiagnosticsStore, FrameTimeDiagnosticsPlugin};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::stream_output::ProgramFeed;
use super::visitors::{OperatorOverlay, ShowFloor};
use crate::game::authority_link::AuthorityLink;
use crate::kiosk::config::OperatorKey;

/// The combination's keys, each as the key codes that count for it (left or right Ctrl).
#[derive(Resource, Clone)]
struct Combination(Vec<Vec<KeyCode>>);

/// When the kiosk started, for its uptime.
#[derive(Resource)]
struct Started(crate::platform::Instant);

/// The exit status that asks the supervisor for a restart (EX_TEMPFAIL).
pub const RESTART_STATUS: u8 = 75;

pub fn plugin(keys: Vec<OperatorKey>) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(Combination(keys.iter().map(|k| codes(*k)).collect()))
            .insert_resource(Started(crate::platform::Instant::now()))
            .add_systems(Update, toggle)
            .add_systems(EguiPrimaryContextPass, overlay.run_if(resource_exists::<OperatorOverlay>));
    }
}

fn codes(key: OperatorKey) -> Vec<KeyCode> {
    const LETTERS: [KeyCode; 26] = [
        KeyCode::KeyA, KeyCode::KeyB, KeyCode::KeyC, KeyCode::KeyD, KeyCode::KeyE, KeyCode::KeyF, KeyCode::KeyG, KeyCode::KeyH, KeyCode::KeyI,
        KeyCode::KeyJ, KeyCode::KeyK, KeyCode::KeyL, KeyCode::KeyM, KeyCode::KeyN, KeyCode::KeyO, KeyCode::KeyP, KeyCode::KeyQ, KeyCode::KeyR,
        KeyCode::KeyS, KeyCode::KeyT, KeyCode::KeyU, KeyCode::KeyV, KeyCode::KeyW, KeyCode::KeyX, KeyCode::KeyY, KeyCode::KeyZ,
    ];
    const DIGITS: [KeyCode; 10] = [
        KeyCode::Digit0, KeyCode::Digit1, KeyCode::Digit2, KeyCode::Digit3, KeyCode::Digit4, KeyCode::Digit5, KeyCode::Digit6, KeyCode::Digit7, KeyCode::Digit8, KeyCode::Digit9,
    ];
    const FUNCTIONS: [KeyCode; 12] = [
        KeyCode::F1, KeyCode::F2, KeyCode::F3, KeyCode::F4, KeyCode::F5, KeyCode::F6, KeyCode::F7, KeyCode::F8, KeyCode::F9, KeyCode::F10, KeyCode::F11, KeyCode::F12,
    ];
    match key {
        OperatorKey::Ctrl => vec![KeyCode::ControlLeft, KeyCode::ControlRight],
        OperatorKey::Alt => vec![KeyCode::AltLeft, KeyCode::AltRight],
        OperatorKey::Shift => vec![KeyCode::ShiftLeft, KeyCode::ShiftRight],
        OperatorKey::Letter(c) => vec![LETTERS[(c as u8 - b'A') as usize]],
        OperatorKey::Digit(c) => vec![DIGITS[(c as u8 - b'0') as usize]],
        OperatorKey::Function(n) => vec![FUNCTIONS[usize::from(n - 1)]],
    }
}

/// The combination opens the overlay, and closes it again.
fn toggle(mut commands: Commands, keys: Res<ButtonInput<KeyCode>>, combination: Res<Combination>, open: Option<Res<OperatorOverlay>>) {
    let held = combination.0.iter().all(|any| keys.any_pressed(any.iter().copied()));
    let completed = combination.0.iter().any(|any| keys.any_just_pressed(any.iter().copied()));
    if held && completed {
        if open.is_some() {
            commands.remove_resource::<OperatorOverlay>();
        } else {
            commands.insert_resource(OperatorOverlay);
        }
    }
}

/// Resident memory of this process (Linux), in MiB.
pub(super) fn resident_mib() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / (1024.0 * 1024.0))
}

fn overlay(
    mut commands: Commands,
    mut contexts: EguiContexts,
    diagnostics: Res<DiagnosticsStore>,
    started: Res<Started>,
    floor: Res<ShowFloor>,
    link: Res<AuthorityLink>,
    feed: Option<Res<ProgramFeed>>,
    mut exit: MessageWriter<AppExit>,
) -> Result {
    let fps = diagnostics.get(&FrameTimeDiagnosticsPlugin::FPS).and_then(|d| d.smoothed());
    let up = started.0.elapsed().as_secs();
    egui::Window::new(crate::t!("kiosk-operator-title")).anchor(egui::Align2::LEFT_TOP, [16.0, 16.0]).resizable(false).collapsible(false).show(contexts.ctx_mut()?, |ui| {
        egui::Grid::new("operator-figures").num_columns(2).show(ui, |ui| {
            let mut row = |name: String, value: String| {
                ui.label(name);
                ui.monospace(value);
                ui.end_row();
            };
            let none = || crate::t!("kiosk-operator-none");
            row(crate::t!("kiosk-operator-fps"), fps.map_or("…".into(), |f| format!("{f:.1}")));
            row(crate::t!("kiosk-operator-uptime"), format!("{}:{:02}:{:02}", up / 3600, up / 60 % 60, up % 60));
            row(crate::t!("kiosk-operator-memory"), resident_mib().map_or_else(|| crate::t!("kiosk-operator-unknown"), |m| format!("{m:.0} MiB")));
            row(crate::t!("kiosk-operator-phase"), format!("{:?}", floor.timeline.phase()));
            row(
                crate::t!("kiosk-operator-visitors"),
                crate::t!("kiosk-operator-visitors-value", since_start = floor.visitors.to_string(), today = floor.figures.visitors_today.to_string(), waiting = floor.visitors_waiting.to_string()),
            );
            row(crate::t!("kiosk-operator-ledger"), crate::t!("kiosk-operator-ledger-value", entries = link.ledger.size.to_string(), origin = &link.ledger.origin));
            row(crate::t!("kiosk-operator-checkpoint-root"), floor.figures.root_hex.chars().take(16).collect());
            row(crate::t!("kiosk-operator-last-error"), floor.last_error.clone().unwrap_or_else(none));
            if let Some(feed) = &feed {
                let s = feed.status();
                let ffmpeg = if s.running { crate::t!("kiosk-operator-ffmpeg-running") } else { crate::t!("kiosk-operator-ffmpeg-stopped") };
                row(crate::t!("kiosk-operator-stream"), feed.description.clone());
                row(
                    crate::t!("kiosk-operator-stream-frames"),
                    crate::t!(
                        "kiosk-operator-stream-frames-value",
                        sent = s.frames_sent.to_string(),
                        repeated = s.frames_repeated.to_string(),
                        rendered = s.frames_offered.to_string(),
                        ffmpeg = ffmpeg,
                        starts = s.starts.to_string(),
                    ),
                );
                row(crate::t!("kiosk-operator-stream-error"), s.last_error.unwrap_or_else(none));
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(crate::t!("kiosk-operator-restart")).clicked() {
                exit.write(AppExit::from_code(RESTART_STATUS));
            }
            if ui.button(crate::t!("kiosk-operator-quit")).clicked() {
                exit.write(AppExit::Success);
            }
            if ui.button(crate::t!("kiosk-operator-close")).clicked() {
                commands.remove_resource::<OperatorOverlay>();
            }
        });
    });
    Ok(())
}
