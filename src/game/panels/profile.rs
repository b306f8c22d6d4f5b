//! The profile: owner or guest, the vehicle pseudonym, the key's fingerprint, and the
//! consent scopes, each with what it shares; switching one signs a consent entry. Fragments
//! can be combined into stones here, and a share card of the player's stones made.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Panel, dim, screen_window, stones_colour};
use crate::economy::{FRAGMENTS_PER_STONE, format_stones_grouped};
use crate::game::authority::Intent;
use crate::game::authority_link::AuthorityLink;
use crate::game::keepsakes::{Keepsakes, MakeKeepsake};
use crate::game::screens::Profile;
use crate::ledger::{Role, Scope};

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, profile_screen.run_if(in_state(Panel::Profile)));
}

/// What each scope lets the game read, in the words the player sees.
pub fn scope_text(scope: Scope) -> (String, String) {
    match scope {
        Scope::Mileage => (crate::t!("panels-profile-mileage"), crate::t!("panels-profile-mileage-about")),
        Scope::Behaviour => (crate::t!("panels-profile-behaviour"), crate::t!("panels-profile-behaviour-about")),
    }
}

fn profile_screen(
    mut contexts: EguiContexts,
    profile: Res<Profile>,
    authority: Res<AuthorityLink>,
    keepsakes: Res<Keepsakes>,
    mut intents: MessageWriter<Intent>,
    mut make: MessageWriter<MakeKeepsake>,
    mut next: ResMut<NextState<Panel>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let p = &profile.player;
    let open = screen_window(ctx, Panel::Profile, |ui| {
        egui::Grid::new("who").num_columns(2).spacing([20.0, 6.0]).show(ui, |ui| {
            ui.label(dim(crate::t!("panels-profile-name")));
            ui.label(egui::RichText::new(&p.state.name).strong());
            ui.end_row();
            ui.label(dim(crate::t!("panels-profile-role")));
            match &p.state.role {
                Role::Owner { vehicle } => ui.label(crate::t!("panels-profile-owner", vehicle = vehicle)),
                Role::Guest => ui.label(crate::t!("panels-profile-guest")),
            };
            ui.end_row();
            ui.label(dim(crate::t!("panels-profile-fingerprint")));
            ui.monospace(p.key.fingerprint());
            ui.end_row();
            ui.label(dim(crate::t!("panels-profile-public-key")));
            ui.monospace(p.key.to_hex());
            ui.end_row();
            ui.label(dim(crate::t!("panels-profile-data")));
            ui.label(profile.data_dir.display().to_string());
            ui.end_row();
            ui.label(dim(crate::t!("panels-profile-valley")));
            let info = &authority.ledger;
            ui.label(format!("{} ({})", info.origin, info.source));
            ui.end_row();
        });
        crate::game::title::language_switch(ui, &profile.data_dir);
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            // A share card of this profile: stones, level and best lap beside the twin, the
            // receipt of the newest entry as its QR code (as in the shop).
            if ui.add_enabled(!keepsakes.busy(), egui::Button::new(crate::t!("panels-profile-share"))).clicked() {
                make.write(MakeKeepsake::ShareCard);
            }
            ui.label(dim(crate::t!("panels-profile-share-where")));
        });
        ui.add_space(10.0);
        ui.label(egui::RichText::new(crate::t!("panels-profile-consent")).size(17.0).strong());
        ui.label(dim(crate::t!("panels-profile-consent-about")));
        for scope in [Scope::Mileage, Scope::Behaviour] {
            let (name, what) = scope_text(scope);
            let granted = p.state.consented(scope);
            ui.horizontal(|ui| {
                let mut on = granted;
                if ui.checkbox(&mut on, egui::RichText::new(name).size(15.0).strong()).changed() {
                    intents.write(Intent::SetConsent { scope, granted: on });
                }
                ui.label(if granted { egui::RichText::new(crate::t!("panels-profile-on")).color(crate::game::ui_theme::palette::GOOD) } else { dim(crate::t!("panels-profile-off")) });
            });
            ui.label(dim(format!("    {what}")));
        }
        ui.add_space(10.0);
        ui.label(egui::RichText::new(crate::t!("panels-profile-fragments")).size(17.0).strong());
        ui.horizontal(|ui| {
            ui.label(crate::t!("panels-profile-fragments-count", fragments = p.state.fragments.to_string(), stones = format_stones_grouped(p.state.stones_milli)));
            let can = p.state.fragments >= FRAGMENTS_PER_STONE;
            let combined = p.state.fragments / FRAGMENTS_PER_STONE;
            let label = crate::t!("panels-profile-combine", fragments = (combined * FRAGMENTS_PER_STONE).to_string(), stones = combined.to_string());
            if ui.add_enabled(can, egui::Button::new(egui::RichText::new(label).color(stones_colour()))).clicked() {
                intents.write(Intent::Combine);
            }
        });
    });
    if !open {
        next.set(Panel::None);
    }
    Ok(())
}
