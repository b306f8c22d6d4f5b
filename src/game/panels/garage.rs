//! The garage: the upgrade catalogue with prices, stat effects and what is owned. Buying
//! signs a purchase with the player's key and records it through the authority; the car
//! changes at once. Real-car entitlements show their voucher id once bought.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Panel, crystals_colour, dim, screen_window, stones_colour};
use crate::economy::tables::{Category, StatEffects, Upgrade};
use crate::economy::{EconomyTables, format_stones, format_stones_grouped};
use crate::game::authority::{GameTables, Intent};
use crate::game::screens::Profile;
use crate::ledger::replay::PlayerState;

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, garage_screen.run_if(in_state(Panel::Garage)));
}

/// An upgrade's name as the player reads it (the catalogue names cosmetics apart).
pub fn upgrade_name(u: &Upgrade) -> String {
    let kind = if u.category == Category::Cosmetic { "cosmetic" } else { "upgrade" };
    crate::i18n::named(kind, &u.id, &u.name)
}

pub fn effects_text(e: &StatEffects) -> String {
    let parts: Vec<String> = [
        ("panels-garage-effect-power", e.power),
        ("panels-garage-effect-handling", e.handling),
        ("panels-garage-effect-efficiency", e.efficiency),
        ("panels-garage-effect-range", e.range),
    ]
    .into_iter()
    .filter(|(_, v)| *v != 0)
    .map(|(key, v)| crate::i18n::tr(key, &[("value", ::fluent_bundle::FluentValue::from(format!("{v:+}")))]))
    .collect();
    parts.join(crate::t!("panels-garage-effects-joiner").as_str())
}

/// Why an item cannot be bought now, or None when it can.
pub fn blocker(tables: &EconomyTables, u: &Upgrade, state: &PlayerState) -> Option<String> {
    if state.items.contains(&u.id) {
        return Some(crate::t!("panels-garage-owned"));
    }
    if u.box_only {
        return Some(crate::t!("panels-garage-box-only"));
    }
    if let Some(req) = &u.requires {
        if !state.items.contains(req) {
            let name = tables.upgrade(req).map_or(req.clone(), upgrade_name);
            return Some(crate::t!("panels-garage-needs", name = name));
        }
    }
    if state.stones_milli < u.price_milli {
        return Some(crate::t!("panels-more-stones", stones = format_stones(u.price_milli - state.stones_milli)));
    }
    None
}

fn garage_screen(mut contexts: EguiContexts, tables: Res<GameTables>, profile: Res<Profile>, mut intents: MessageWriter<Intent>, mut next: ResMut<NextState<Panel>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let state = &profile.player.state;
    let open = screen_window(ctx, Panel::Garage, |ui| {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(crate::t!("panels-stones", stones = format_stones_grouped(state.stones_milli))).size(18.0).color(stones_colour()));
            ui.label(egui::RichText::new(crate::t!("panels-crystals", crystals = state.crystals.to_string())).size(18.0).color(crystals_colour()));
            ui.label(dim(crate::t!("panels-garage-signed")));
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical().max_height(440.0).show(ui, |ui| {
            let sections = [
                ("parts", crate::t!("panels-garage-parts"), &[Category::Motor, Category::Battery, Category::Tyres, Category::Aero, Category::Suspension][..]),
                ("cosmetics", crate::t!("panels-garage-cosmetics"), &[Category::Cosmetic][..]),
                ("real-car", crate::t!("panels-garage-real-car"), &[Category::Entitlement][..]),
            ];
            for (id, title, categories) in sections {
                ui.label(egui::RichText::new(title).size(17.0).strong());
                egui::Grid::new(id).num_columns(4).striped(true).spacing([16.0, 6.0]).min_col_width(90.0).show(ui, |ui| {
                    for u in tables.upgrades.iter().filter(|u| categories.contains(&u.category)) {
                        ui.label(egui::RichText::new(upgrade_name(u)).size(14.0));
                        let what = match (&u.voucher, u.category) {
                            (Some(v), _) => v.clone(),
                            (None, c) if c.is_part() => effects_text(&u.effects),
                            _ => crate::t!("panels-garage-looks-only"),
                        };
                        // A voucher's description wraps: it would widen the window past its frame.
                        ui.scope(|ui| {
                            ui.set_max_width(300.0);
                            ui.add(egui::Label::new(dim(what)).wrap());
                        });
                        ui.label(egui::RichText::new(if u.box_only { "–".into() } else { crate::t!("panels-stones", stones = format_stones(u.price_milli)) }).color(stones_colour()));
                        match blocker(&tables, u, state) {
                            None => {
                                if ui.button(egui::RichText::new(crate::t!("panels-garage-buy")).strong()).clicked() {
                                    intents.write(Intent::Buy { item: u.id.clone() });
                                }
                            }
                            Some(_) if state.items.contains(&u.id) => {
                                let voucher = state.vouchers.iter().find(|v| v.item == u.id);
                                match voucher {
                                    Some(v) if v.redeemed.is_some() => ui.label(egui::RichText::new(format!("✔ {}", crate::t!("panels-garage-voucher-redeemed", id = &v.id))).color(crate::game::ui_theme::palette::GOOD)),
                                    Some(v) => ui.label(egui::RichText::new(format!("✔ {}", crate::t!("panels-garage-voucher", id = &v.id))).color(crate::game::ui_theme::palette::GOOD)),
                                    None => ui.label(egui::RichText::new(format!("✔ {}", crate::t!("panels-garage-owned"))).color(crate::game::ui_theme::palette::GOOD)),
                                };
                            }
                            Some(why) => {
                                ui.label(dim(why));
                            }
                        }
                        ui.end_row();
                    }
                });
                ui.add_space(8.0);
            }
        });
    });
    if !open {
        next.set(Panel::None);
    }
    Ok(())
}
