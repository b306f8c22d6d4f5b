//! The heads-up display (bevy_egui): the player's twin and balances.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::economy::format_stones_grouped;
use crate::valley::PlayerView;

#[derive(Resource, Clone, Debug)]
struct ProfileSummary {
    data_dir: PathBuf,
    player: PlayerView,
}

pub fn plugin(data_dir: PathBuf, player: PlayerView) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(ProfileSummary { data_dir: data_dir.clone(), player: player.clone() }).add_systems(EguiPrimaryContextPass, profile_panel);
    }
}

fn profile_panel(mut contexts: EguiContexts, profile: Res<ProfileSummary>) -> Result {
    let p = &profile.player;
    egui::Window::new("Crypto Horizon").default_pos([16.0, 16.0]).resizable(false).show(contexts.ctx_mut()?, |ui| {
        ui.heading(format!("{} — level {}", p.state.name, p.stats.level));
        ui.label(format!("{} XP, next level at {}", p.stats.xp, p.stats.next_level_xp));
        ui.separator();
        ui.label(format!("stones {}   waiting in the valley {}", format_stones_grouped(p.state.stones_milli), format_stones_grouped(p.state.unmined_milli())));
        ui.label(format!("crystals {}   fragments {}", p.state.crystals, p.state.fragments));
        ui.separator();
        for stat in [&p.stats.power, &p.stats.handling, &p.stats.efficiency, &p.stats.range] {
            ui.label(&stat.explanation);
        }
        ui.small(format!("profile: {}", profile.data_dir.display()));
    });
    Ok(())
}
