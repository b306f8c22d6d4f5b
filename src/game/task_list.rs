//! The task list in the valley's corner: each task, its reward, and the progress towards it.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::authority::GameTables;
use super::authority_link::AuthorityLink;
use super::screens::{Play, Profile};
use super::tasks::{TaskProgress, is_done, progress_text, today};
use super::world::CurrentLevel;
use crate::i18n::named;
use crate::t;

pub fn plugin(app: &mut App) {
    // A screen open over the valley (the valley paused) covers the list.
    app.add_systems(EguiPrimaryContextPass, task_list.run_if(in_state(Play::Running).and_then(super::screens::hud_shown)));
}

fn task_list(
    mut contexts: EguiContexts,
    authority: Res<AuthorityLink>,
    tables: Res<GameTables>,
    profile: Res<Profile>,
    current: Res<CurrentLevel>,
    progress: Res<TaskProgress>,
) -> Result {
    let today = today(&authority);
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("tasks".into()).anchor(egui::Align2::RIGHT_TOP, [-16.0, 16.0]).show(ctx, |ui| {
        egui::Frame::new().fill(egui::Color32::from_black_alpha(150)).corner_radius(8.0).inner_margin(10.0).show(ui, |ui| {
            ui.set_width(350.0);
            ui.label(egui::RichText::new(t!("game-tasks-title")).strong().size(16.0).color(egui::Color32::WHITE));
            for task in &tables.tasks {
                let done = is_done(task, profile.player.state.tasks.get(&task.id), today);
                let (mark, colour) = if done { ("✔", crate::game::ui_theme::palette::GOOD) } else { ("○", egui::Color32::WHITE) };
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(mark).color(colour));
                    ui.label(egui::RichText::new(named("task", &task.id, &task.name)).color(colour).size(13.0));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.label(egui::RichText::new(t!("game-tasks-reward", crystals = task.crystals.to_string())).color(crate::game::ui_theme::palette::CRYSTALS).size(12.0));
                    });
                });
                if !done {
                    ui.label(egui::RichText::new(format!("    {}", progress_text(task, &progress, &current, today))).color(egui::Color32::LIGHT_GRAY).size(11.0));
                }
            }
        });
    });
    Ok(())
}
