//! Screens as States: loading (the terrain is built in the background, with a progress
//! bar), title (the player's profile, their car, Play), and the valley.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::economy::format_stones_grouped;
use crate::level::{Heightfield, Level};
use crate::valley::PlayerView;

#[derive(States, Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    #[default]
    Loading,
    Title,
    Valley,
}

/// The level being played and its terrain (the loading screen builds it).
#[derive(Resource)]
pub struct CurrentLevel {
    pub level: crate::level::Level,
    pub field: crate::level::Heightfield,
}

/// The player's profile, as the title screen and the HUD show it.
#[derive(Resource, Clone, Debug)]
pub struct Profile {
    pub data_dir: std::path::PathBuf,
    pub player: PlayerView,
}

#[derive(Resource)]
struct Loading {
    level: Level,
    task: Task<Heightfield>,
    /// Thousandths of the terrain built.
    progress: Arc<AtomicU32>,
}

pub fn plugin(level: Level, profile: Profile) -> impl Fn(&mut App) {
    move |app: &mut App| {
        let progress = Arc::new(AtomicU32::new(0));
        let (for_task, building) = (progress.clone(), level.clone());
        let task = AsyncComputeTaskPool::get_or_init(Default::default)
            .spawn(async move { building.heightfield_with_progress(&|f| for_task.store((f * 1000.0) as u32, Ordering::Relaxed)) });
        app.init_state::<Screen>()
            .insert_resource(Loading { level: level.clone(), task, progress })
            .insert_resource(profile.clone())
            .add_systems(Update, finish_loading.run_if(in_state(Screen::Loading)))
            .add_systems(EguiPrimaryContextPass, (loading_panel.run_if(in_state(Screen::Loading)), title_panel.run_if(in_state(Screen::Title))));
    }
}

fn finish_loading(mut commands: Commands, loading: Option<ResMut<Loading>>, mut next: ResMut<NextState<Screen>>) {
    let Some(mut loading) = loading else { return };
    if let Some(field) = check_ready(&mut loading.task) {
        commands.insert_resource(CurrentLevel { level: loading.level.clone(), field });
        commands.remove_resource::<Loading>();
        next.set(Screen::Title);
    }
}

fn loading_panel(mut contexts: EguiContexts, loading: Option<Res<Loading>>) -> Result {
    let Some(loading) = loading else { return Ok(()) };
    let done = loading.progress.load(Ordering::Relaxed) as f32 / 1000.0;
    egui::Window::new("loading")
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(contexts.ctx_mut()?, |ui| {
            ui.heading(format!("Building {}", loading.level.name));
            ui.add(egui::ProgressBar::new(done).desired_width(360.0).show_percentage());
        });
    Ok(())
}

fn title_panel(mut contexts: EguiContexts, profile: Res<Profile>, mut next: ResMut<NextState<Screen>>, keys: Res<ButtonInput<KeyCode>>, pads: Query<&Gamepad>) -> Result {
    let p = &profile.player;
    let car = match &p.state.role {
        crate::ledger::Role::Owner { vehicle } => format!("twin of {vehicle}"),
        crate::ledger::Role::Guest => "guest car".to_string(),
    };
    let start = keys.just_pressed(KeyCode::Enter) || pads.iter().any(|g| g.just_pressed(GamepadButton::Start) || g.just_pressed(GamepadButton::South));
    egui::Window::new("title")
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(contexts.ctx_mut()?, |ui| {
            ui.vertical_centered(|ui| {
                ui.heading(egui::RichText::new("CRYPTO HORIZON").size(36.0).strong());
                ui.label(egui::RichText::new("the Stone Valley").size(16.0));
                ui.add_space(12.0);
                ui.label(egui::RichText::new(format!("{} — level {}", p.state.name, p.stats.level)).size(20.0));
                ui.label(format!("{car} · {:.0} real km", p.stats.real_km));
                ui.label(format!(
                    "{} stones · {} waiting in the valley · {} crystals",
                    format_stones_grouped(p.state.stones_milli),
                    format_stones_grouped(p.state.unmined_milli()),
                    p.state.crystals
                ));
                ui.add_space(8.0);
                for stat in [&p.stats.power, &p.stats.handling, &p.stats.efficiency, &p.stats.range] {
                    ui.small(&stat.explanation);
                }
                ui.add_space(12.0);
                if ui.add(egui::Button::new(egui::RichText::new("  Play  ").size(22.0))).clicked() || start {
                    next.set(Screen::Valley);
                }
                ui.small("Enter or the gamepad's A button");
                ui.small(format!("profile: {}", profile.data_dir.display()));
            });
        });
    Ok(())
}
