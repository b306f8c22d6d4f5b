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
pub fn scope_text(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::Mileage => (
            "Mileage",
            "Per trip: start and end time, odometer readings and energy used, by your car's pseudonym. No places, no routes, no VIN. Needed to earn stones from real kilometres.",
        ),
        Scope::Behaviour => (
            "Driving behaviour",
            "Per trip: how many times you braked or accelerated hard. Shapes the handling stat; without it handling stays at its base.",
        ),
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
            ui.label(dim("name"));
            ui.label(egui::RichText::new(&p.state.name).strong());
            ui.end_row();
            ui.label(dim("role"));
            match &p.state.role {
                Role::Owner { vehicle } => ui.label(format!("car owner · vehicle pseudonym {vehicle}")),
                Role::Guest => ui.label("guest (no real car: cosmetics and crystals only)"),
            };
            ui.end_row();
            ui.label(dim("key fingerprint"));
            ui.monospace(p.key.fingerprint());
            ui.end_row();
            ui.label(dim("public key"));
            ui.monospace(p.key.to_hex());
            ui.end_row();
            ui.label(dim("data"));
            ui.label(profile.data_dir.display().to_string());
            ui.end_row();
            ui.label(dim("valley"));
            let info = &authority.ledger;
            ui.label(format!("{} ({})", info.origin, info.source));
            ui.end_row();
        });
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            // A share card of this profile: stones, level and best lap beside the twin, the
            // receipt of the newest entry as its QR code (as in the shop).
            if ui.add_enabled(!keepsakes.busy(), egui::Button::new("Share my stones (share card)")).clicked() {
                make.write(MakeKeepsake::ShareCard);
            }
            ui.label(dim("saved under keepsakes/ in the data folder; anyone can check it with the valley's key"));
        });
        ui.add_space(10.0);
        ui.label(egui::RichText::new("Consent").size(17.0).strong());
        ui.label(dim("Only trip summaries ever leave your car's data; each change is itself a signed ledger entry."));
        for scope in [Scope::Mileage, Scope::Behaviour] {
            let (name, what) = scope_text(scope);
            let granted = p.state.consented(scope);
            ui.horizontal(|ui| {
                let mut on = granted;
                if ui.checkbox(&mut on, egui::RichText::new(name).size(15.0).strong()).changed() {
                    intents.write(Intent::SetConsent { scope, granted: on });
                }
                ui.label(if granted { egui::RichText::new("on").color(egui::Color32::from_rgb(120, 220, 140)) } else { dim("off") });
            });
            ui.label(dim(format!("    {what}")));
        }
        ui.add_space(10.0);
        ui.label(egui::RichText::new("Fragments").size(17.0).strong());
        ui.horizontal(|ui| {
            ui.label(format!("{} fragments · {} stones", p.state.fragments, format_stones_grouped(p.state.stones_milli)));
            let can = p.state.fragments >= FRAGMENTS_PER_STONE;
            let label = format!("Combine {} into {} stone(s)", p.state.fragments / FRAGMENTS_PER_STONE * FRAGMENTS_PER_STONE, p.state.fragments / FRAGMENTS_PER_STONE);
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
