//! The loading screen's progress bar and the title screen (the player's profile, their
//! car, Play).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::screens::{Loading, Profile, Screen};
use crate::economy::format_stones_grouped;

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, (loading_panel.run_if(in_state(Screen::Loading)), title_panel.run_if(in_state(Screen::Title))));
}

fn loading_panel(mut contexts: EguiContexts, loading: Option<Res<Loading>>) -> Result {
    let Some(loading) = loading else { return Ok(()) };
    egui::Window::new("loading")
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(contexts.ctx_mut()?, |ui| {
            ui.heading(format!("Building {}", loading.level.name));
            ui.add(egui::ProgressBar::new(loading.done()).desired_width(360.0).show_percentage());
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
