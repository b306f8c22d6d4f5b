//! The loading screen's progress bar and the title screen (the player's profile, their
//! car, Play).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::screens::{Loading, Profile, Screen};
use crate::economy::format_stones_grouped;
use crate::i18n::{Lang, named};
use crate::t;

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
            ui.heading(t!("common-building-level", level = named("level", &loading.level.slug(), &loading.level.name)));
            ui.add(egui::ProgressBar::new(loading.done()).desired_width(360.0).show_percentage());
        });
    Ok(())
}

fn title_panel(mut contexts: EguiContexts, profile: Res<Profile>, mut next: ResMut<NextState<Screen>>, keys: Res<ButtonInput<KeyCode>>, pads: Query<&Gamepad>) -> Result {
    let p = &profile.player;
    let car = match &p.state.role {
        crate::ledger::Role::Owner { vehicle } => t!("common-twin-of", vehicle = vehicle.as_str()),
        crate::ledger::Role::Guest => t!("common-guest-car"),
    };
    let start = keys.just_pressed(KeyCode::Enter) || pads.iter().any(|g| g.just_pressed(GamepadButton::Start) || g.just_pressed(GamepadButton::South));
    egui::Window::new("title")
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(contexts.ctx_mut()?, |ui| {
            ui.vertical_centered(|ui| {
                ui.heading(egui::RichText::new(t!("common-game-name")).size(36.0).strong());
                ui.label(egui::RichText::new(t!("common-valley-subtitle")).size(16.0));
                ui.add_space(12.0);
                ui.label(egui::RichText::new(t!("common-player-level", name = p.state.name.as_str(), level = p.stats.level)).size(20.0));
                ui.label(t!("common-car-real-km", car = car.as_str(), km = format!("{:.0}", p.stats.real_km)));
                ui.label(t!(
                    "common-purse",
                    stones = format_stones_grouped(p.state.stones_milli),
                    waiting = format_stones_grouped(p.state.unmined_milli()),
                    crystals = p.state.crystals
                ));
                ui.add_space(8.0);
                for stat in [&p.stats.power, &p.stats.handling, &p.stats.efficiency, &p.stats.range] {
                    ui.small(&stat.explanation);
                }
                ui.add_space(12.0);
                if ui.add(egui::Button::new(egui::RichText::new(format!("  {}  ", t!("common-play"))).size(22.0))).clicked() || start {
                    next.set(Screen::Valley);
                }
                ui.small(t!("common-play-keys"));
                ui.add_space(8.0);
                language_switch(ui, &profile.data_dir);
                ui.small(t!("common-profile-dir", dir = profile.data_dir.display().to_string()));
            });
        });
    Ok(())
}

/// The settings' language switch: takes effect at once (every text is made each frame) and
/// is remembered in the profile for the next start.
pub fn language_switch(ui: &mut egui::Ui, data_dir: &std::path::Path) {
    // A row of fixed width, so that the title's centred column centres it as a whole.
    ui.allocate_ui_with_layout(egui::vec2(260.0, 22.0), egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.label(t!("common-language"));
        for lang in Lang::ALL {
            if ui.selectable_label(crate::i18n::lang() == lang, lang.own_name()).clicked() && crate::i18n::lang() != lang {
                crate::i18n::set_lang(lang);
                if let Err(e) = crate::profile::save_language(&crate::profile::DataDir(data_dir.to_path_buf()), lang) {
                    warn!("the language choice was not saved: {e}");
                }
            }
        }
    });
}
