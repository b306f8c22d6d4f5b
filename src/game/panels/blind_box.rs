//! The blind box, provably fair in front of the player: the full odds table for them (owner
//! or guest) at their pity, how far the guarantee is, the authority's commitment shown
//! before the draw, an opening animation, then the prize with the revealed seed and a check
//! that the seeds give that prize.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Panel, crystals_colour, dim, screen_window};
use crate::economy::boxes::check_opening;
use crate::economy::tables::BASIS_POINTS;
use crate::economy::{EconomyTables, format_stones};
use crate::game::authority::{GameTables, Intent, Outcome};
use crate::game::screens::Profile;
use crate::ledger::Prize;
use crate::valley::BoxOpening;

/// How long the opening animation runs (s).
const OPENING_S: f32 = 1.8;

#[derive(Resource, Default)]
struct BoxScreen {
    /// The commitment to the next box's server seed.
    commitment: Option<[u8; 32]>,
    asked_commitment: bool,
    opening: Option<BoxOpening>,
    /// Seconds since the box began to open.
    opened_for: f32,
    waiting: bool,
    refused: Option<String>,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<BoxScreen>()
        .add_systems(Update, (ask_commitment, hear_outcomes).run_if(in_state(Panel::BlindBox)))
        .add_systems(EguiPrimaryContextPass, box_screen.run_if(in_state(Panel::BlindBox)));
}

pub fn describe_prize(tables: &EconomyTables, prize: &Prize) -> String {
    match prize {
        Prize::Stone { amount_milli } => crate::t!("panels-box-prize-stone", amount = format_stones(*amount_milli)),
        Prize::Fragments { count } => crate::t!("panels-box-prize-fragments", count = *count),
        Prize::Crystals { count } => crate::t!("panels-box-prize-crystals", count = count.to_string()),
        // A gift is a cosmetic: its name as the garage shows it.
        Prize::Gift { item } => tables.upgrade(item).map_or(item.clone(), super::garage::upgrade_name),
    }
}

fn prize_colour(prize: &Prize) -> egui::Color32 {
    match prize {
        Prize::Stone { .. } => egui::Color32::from_rgb(120, 230, 255),
        Prize::Fragments { .. } => egui::Color32::from_rgb(150, 200, 255),
        Prize::Crystals { .. } => crate::game::ui_theme::palette::CRYSTALS,
        Prize::Gift { .. } => crate::game::ui_theme::palette::GIFT,
    }
}

/// The commitment comes first: the player sees it before choosing to open. The valley
/// records one on its ledger only for a player who can pay for the box.
fn ask_commitment(mut screen: ResMut<BoxScreen>, tables: Res<GameTables>, profile: Res<Profile>, mut intents: MessageWriter<Intent>) {
    let can_pay = profile.player.state.crystals >= tables.boxes.price_crystals;
    if can_pay && screen.commitment.is_none() && !screen.asked_commitment {
        screen.asked_commitment = true;
        intents.write(Intent::CommitBox);
    }
}

fn hear_outcomes(time: Res<Time>, mut screen: ResMut<BoxScreen>, mut outcomes: MessageReader<Outcome>) {
    screen.opened_for += time.delta_secs();
    for outcome in outcomes.read() {
        match outcome {
            Outcome::BoxCommitted(c) => {
                screen.commitment = Some(*c);
                screen.asked_commitment = false;
            }
            Outcome::BoxOpened(opening) => {
                screen.opening = Some(opening.clone());
                screen.opened_for = 0.0;
                screen.waiting = false;
                screen.commitment = None;
            }
            Outcome::Refused { intent: Intent::OpenBox { .. } | Intent::CommitBox, reason } => {
                screen.refused = Some(reason.clone());
                screen.waiting = false;
            }
            _ => {}
        }
    }
}

fn short_hex(bytes: &[u8; 32]) -> String {
    let h = hex::encode(bytes);
    format!("{}…{}", &h[..16], &h[56..])
}

/// The box shakes, then bursts open in the prize's colour.
fn draw_box(ui: &mut egui::Ui, t: f32, prize: Option<&Prize>) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(220.0, 170.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let c = rect.center();
    let shaking = prize.is_some() && t < OPENING_S;
    let shake = if shaking { (t * 40.0).sin() * 6.0 * (t / OPENING_S) } else { 0.0 };
    let body = egui::Rect::from_center_size(c + egui::vec2(shake, 20.0), egui::vec2(110.0, 80.0));
    let gold = egui::Color32::from_rgb(200, 160, 70);
    match prize {
        Some(prize) if t >= OPENING_S => {
            let colour = prize_colour(prize);
            let burst = ((t - OPENING_S) * 3.0).min(1.0);
            for i in 0..16 {
                let a = i as f32 / 16.0 * std::f32::consts::TAU + t * 0.3;
                let dir = egui::vec2(a.cos(), a.sin());
                painter.line_segment([c + dir * 30.0, c + dir * (30.0 + 50.0 * burst)], egui::Stroke::new(3.0, colour));
            }
            painter.circle_filled(c, 28.0 + 6.0 * burst, colour);
            painter.rect_filled(body.translate(egui::vec2(0.0, 28.0)).scale_from_center2(egui::vec2(1.0, 0.4)), 6.0, egui::Color32::from_rgb(90, 60, 140));
        }
        _ => {
            painter.rect_filled(body, 8.0, egui::Color32::from_rgb(90, 60, 140));
            let lid = egui::Rect::from_center_size(body.center_top() + egui::vec2(0.0, -6.0 - if shaking { (t * 25.0).sin().abs() * 8.0 } else { 0.0 }), egui::vec2(124.0, 24.0));
            painter.rect_filled(lid, 6.0, egui::Color32::from_rgb(120, 80, 180));
            painter.rect_filled(egui::Rect::from_center_size(body.center(), egui::vec2(16.0, 80.0)), 0.0, gold);
            painter.rect_filled(egui::Rect::from_center_size(lid.center(), egui::vec2(16.0, 24.0)), 0.0, gold);
            painter.text(body.center() + egui::vec2(0.0, 8.0), egui::Align2::CENTER_CENTER, "?", egui::FontId::proportional(34.0), egui::Color32::WHITE);
        }
    }
}

fn box_screen(mut contexts: EguiContexts, tables: Res<GameTables>, profile: Res<Profile>, mut screen: ResMut<BoxScreen>, mut intents: MessageWriter<Intent>, mut next: ResMut<NextState<Panel>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let tables: &EconomyTables = &tables;
    let state = &profile.player.state;
    let owner = state.draws_as_owner;
    let odds = tables.boxes.odds(owner);
    let price = tables.boxes.price_crystals;
    if screen.opening.is_some() && screen.opened_for < OPENING_S + 1.0 {
        ctx.request_repaint();
    }
    let open = screen_window(ctx, Panel::BlindBox, |ui| {
        ui.columns(2, |cols| {
            let ui = &mut cols[0];
            let cycle = (state.pity + 1).to_string();
            let odds_title = if owner { crate::t!("panels-box-odds-owners", cycle = &cycle) } else { crate::t!("panels-box-odds-guests", cycle = &cycle) };
            ui.label(egui::RichText::new(odds_title).strong());
            let pity_chance = odds.pity_chance(state.pity);
            let pity_prize = odds.pity_prize.to_prize();
            let base_pity = odds.outcomes.iter().find(|o| o.prize.to_prize() == pity_prize).map_or(0, |o| o.weight);
            egui::Grid::new("odds").num_columns(2).striped(true).spacing([20.0, 3.0]).show(ui, |ui| {
                for o in &odds.outcomes {
                    let prize = o.prize.to_prize();
                    // The chance for this box: the pity prize raised, the others shrunk in proportion.
                    let weight = if prize == pity_prize {
                        pity_chance
                    } else {
                        (u64::from(o.weight) * u64::from(BASIS_POINTS - pity_chance) / u64::from(BASIS_POINTS - base_pity)) as u32
                    };
                    ui.label(egui::RichText::new(describe_prize(tables, &prize)).color(prize_colour(&prize)));
                    ui.label(format!("{:.2} %", f64::from(weight) / 100.0));
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            let to_go = odds.hard_pity.saturating_sub(state.pity);
            ui.label(crate::t!("panels-box-pity", boxes = state.pity.to_string(), prize = describe_prize(tables, &pity_prize)));
            ui.add(egui::ProgressBar::new(state.pity as f32 / odds.hard_pity as f32).desired_width(330.0).text(crate::t!("panels-box-guaranteed", left = to_go.to_string())));
            ui.label(dim(crate::t!(
                "panels-box-soft-pity",
                from = odds.soft_pity_from.to_string(),
                step = format!("{:.0}", f64::from(odds.soft_pity_step) / 100.0),
                hard = odds.hard_pity.to_string()
            )));

            let ui = &mut cols[1];
            ui.vertical_centered(|ui| {
                draw_box(ui, screen.opened_for, screen.opening.as_ref().map(|o| &o.prize));
                ui.label(egui::RichText::new(crate::t!("panels-box-purse", crystals = state.crystals.to_string(), price = price.to_string())).color(crystals_colour()));
                match screen.commitment {
                    Some(c) => {
                        ui.label(dim(crate::t!("panels-box-commitment")));
                        ui.monospace(short_hex(&c));
                        let can = state.crystals >= price && !screen.waiting;
                        let button = ui.add_enabled(can, egui::Button::new(egui::RichText::new(format!("  {}  ", crate::t!("panels-box-open", price = price.to_string()))).size(18.0)));
                        if button.clicked() {
                            screen.waiting = true;
                            screen.refused = None;
                            intents.write(Intent::OpenBox { commitment: c });
                        }
                        if state.crystals < price {
                            ui.label(dim(crate::t!("panels-box-earn")));
                        }
                    }
                    None if state.crystals < price => {
                        ui.label(dim(crate::t!("panels-box-earn-first")));
                        ui.label(dim(crate::t!("panels-box-earn-then")));
                    }
                    None => {
                        ui.label(dim(crate::t!("panels-box-asking")));
                    }
                }
                if let Some(reason) = &screen.refused {
                    ui.colored_label(crate::game::ui_theme::palette::BAD, reason);
                }
            });
            if let Some(o) = &screen.opening {
                if screen.opened_for >= OPENING_S {
                    ui.add_space(4.0);
                    ui.label(egui::RichText::new(crate::t!("panels-box-you-got", prize = describe_prize(tables, &o.prize))).size(20.0).strong().color(prize_colour(&o.prize)));
                    ui.monospace(crate::t!("panels-box-commitment-hex", hex = short_hex(&o.commitment)));
                    ui.monospace(crate::t!("panels-box-server-seed", hex = short_hex(&o.server_seed)));
                    ui.monospace(crate::t!("panels-box-your-seed", hex = short_hex(&o.client_seed)));
                    ui.monospace(crate::t!(
                        "panels-box-draw",
                        draw = o.draw.to_string(),
                        before = o.pity_before.to_string(),
                        after = o.pity_after.to_string(),
                        entry = o.entry.to_string()
                    ));
                    match check_opening(&tables.boxes, owner, o.pity_before, (&o.commitment, &o.server_seed, &o.client_seed), o.draw, &o.prize) {
                        Ok(()) => ui.colored_label(crate::game::ui_theme::palette::GOOD, format!("✔ {}", crate::t!("panels-box-verified"))),
                        Err(e) => ui.colored_label(crate::game::ui_theme::palette::BAD, format!("✘ {e}")),
                    };
                }
            }
        });
    });
    if !open {
        next.set(Panel::None);
    }
    Ok(())
}
