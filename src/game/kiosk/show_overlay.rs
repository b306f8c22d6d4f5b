//! What the show's screen says over the valley, in the configured languages: in attract
//! mode the call to drive, the show's name, the valley's live figures and a ticker of its
//! newest ledger entries, and the board of today's best laps; for a visitor the time left; the "still there?" countdown; and a
//! visitor's result. Everything bright drifts slowly, so that no element stays put for
//! minutes on a screen that runs for days (burn-in).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::visitors::{ShowFloor, VisitLap};
use crate::economy::format_stones;
use crate::game::tasks::format_lap;
use crate::game::world::CurrentLevel;
use crate::i18n::Lang;
use crate::kiosk::config::Language;
use crate::kiosk::keepsake::QrModules;
use crate::kiosk::{DriveEnd, Phase};

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, overlay.run_if(in_state(crate::game::screens::Screen::Valley)));
}

/// The message `key` in each configured language, one line each.
pub(super) fn say(languages: &[Language], key: &str) -> String {
    languages.iter().map(|l| crate::i18n::tr_in(l.lang(), key, &[])).collect::<Vec<_>>().join("\n")
}

/// A slow drift (pixels) that takes minutes to repeat: burn-in protection.
fn drift(t: f64, reach: f32) -> egui::Vec2 {
    egui::vec2((t * 0.021).sin() as f32 * reach, (t * 0.013 + 1.0).cos() as f32 * reach * 0.5)
}

fn overlay(mut contexts: EguiContexts, time: Res<Time>, floor: Res<ShowFloor>, current: Option<Res<CurrentLevel>>, mut qr: Local<Option<(u64, egui::TextureHandle)>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let now = time.elapsed_secs_f64();
    let langs = &floor.config.languages;
    let shade = egui::Frame::NONE.fill(egui::Color32::from_black_alpha(170)).corner_radius(12.0).inner_margin(egui::Margin::symmetric(22, 14));
    match floor.timeline.phase() {
        Phase::Attract | Phase::Result { .. } => {
            // The call to drive, pulsing gently, wandering over the lower middle.
            let pulse = 0.92 + 0.08 * (now * 2.0).sin() as f32;
            let gold = egui::Color32::from_rgb(255, (222.0 * pulse) as u8, (130.0 * pulse) as u8);
            if !matches!(floor.timeline.phase(), Phase::Result { .. }) {
                egui::Area::new("show-call".into()).anchor(egui::Align2::CENTER_BOTTOM, drift(now, 60.0) + egui::vec2(0.0, -120.0)).show(ctx, |ui| {
                    shade.show(ui, |ui| {
                        ui.vertical_centered(|ui| {
                            ui.label(egui::RichText::new(say(langs, "kiosk-call-to-drive")).size(34.0).color(gold).strong());
                        });
                    });
                });
            }
            egui::Area::new("show-brand".into()).anchor(egui::Align2::CENTER_TOP, drift(now + 400.0, 40.0) + egui::vec2(0.0, 24.0)).show(ctx, |ui| {
                ui.label(egui::RichText::new(&floor.config.branding).size(30.0).color(egui::Color32::from_rgb(235, 240, 250)).strong());
            });
            let f = &floor.figures;
            egui::Area::new("show-figures".into()).anchor(egui::Align2::LEFT_TOP, drift(now + 900.0, 20.0) + egui::vec2(40.0, 90.0)).show(ctx, |ui| {
                shade.show(ui, |ui| {
                    let line = |ui: &mut egui::Ui, key: &str, value: String| {
                        ui.label(egui::RichText::new(format!("{}  {value}", say(langs, key).replace('\n', " · "))).size(18.0).color(egui::Color32::from_rgb(200, 230, 255)));
                    };
                    line(ui, "kiosk-figures-stones-today", format_stones(f.stones_mined_today_milli));
                    line(ui, "kiosk-figures-km-today", format!("{} km", f.km_today));
                    line(ui, "kiosk-figures-visitors-today", f.visitors_today.to_string());
                    line(ui, "kiosk-figures-checkpoint", format!("#{} · {}", f.size, f.root_hex.chars().take(12).collect::<String>()));
                });
            });
            ticker(ctx, now, &floor);
            if let Some(current) = &current {
                best_laps(ctx, now, &floor, current, shade);
            }
            if let Phase::Result { why, .. } = floor.timeline.phase() {
                let keepsake = floor.result.as_ref().and_then(|r| r.keepsake.as_ref());
                let texture = keepsake.map(|k| {
                    if qr.as_ref().is_none_or(|(index, _)| *index != k.index) {
                        *qr = Some((k.index, ctx.load_texture("visitor-receipt", qr_image(&k.qr), egui::TextureOptions::NEAREST)));
                    }
                    qr.as_ref().expect("loaded above").1.clone()
                });
                result_card(ctx, &floor, current.as_deref(), why, shade, texture);
            }
        }
        Phase::Driving { .. } => {
            let left = floor.timeline.session_left(now).unwrap_or(0.0).ceil() as u64;
            egui::Area::new("show-time-left".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 62.0]).show(ctx, |ui| {
                ui.label(egui::RichText::new(format!("{} {}:{:02}", say(langs, "kiosk-time-left").replace('\n', " / "), left / 60, left % 60)).size(22.0).color(egui::Color32::WHITE));
            });
        }
        Phase::StillThere { .. } => {
            let left = floor.timeline.countdown_left(now).unwrap_or(0.0).ceil() as u64;
            egui::Area::new("show-still-there".into()).anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0]).show(ctx, |ui| {
                shade.show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.label(egui::RichText::new(say(langs, "kiosk-still-there")).size(44.0).color(egui::Color32::WHITE).strong());
                        ui.label(egui::RichText::new(left.to_string()).size(72.0).color(egui::Color32::from_rgb(255, 214, 120)).strong());
                        ui.label(egui::RichText::new(say(langs, "kiosk-still-there-keep-driving")).size(22.0).color(egui::Color32::WHITE));
                    });
                });
            });
        }
    }
    Ok(())
}

/// A route's name in `lang` (its id where the level has no such route).
fn route_name(current: &CurrentLevel, id: &str, lang: Lang) -> String {
    current.level.routes.iter().find(|r| r.id == id).map_or_else(|| id.to_string(), |r| crate::i18n::named_in(lang, "route", &r.id, &r.name))
}

/// A route's name in each configured language, each different name once.
fn route_names(langs: &[Language], current: &CurrentLevel, id: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    for lang in langs {
        let name = route_name(current, id, lang.lang());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(" · ")
}

/// Today's board, top right: the fastest visitors' laps of each route driven today (the
/// level's first route, with an invitation, before anyone has lapped).
fn best_laps(ctx: &egui::Context, now: f64, floor: &ShowFloor, current: &CurrentLevel, shade: egui::Frame) {
    let langs = &floor.config.languages;
    let cyan = egui::Color32::from_rgb(170, 225, 255);
    let mut routes: Vec<&str> = Vec::new();
    for lap in floor.best_laps.laps.iter().filter(|_| floor.best_laps.day == floor.today) {
        if !routes.contains(&lap.route.as_str()) {
            routes.push(&lap.route);
        }
    }
    let first = current.level.routes.first().map(|r| r.id.as_str());
    egui::Area::new("show-best-laps".into()).anchor(egui::Align2::RIGHT_TOP, drift(now + 1700.0, 20.0) + egui::vec2(-40.0, 90.0)).show(ctx, |ui| {
        shade.show(ui, |ui| {
            ui.label(egui::RichText::new(say(langs, "kiosk-board-title").replace('\n', " · ")).size(20.0).color(egui::Color32::WHITE).strong());
            if routes.is_empty() {
                if let Some(first) = first {
                    ui.label(egui::RichText::new(route_names(langs, current, first)).size(16.0).color(cyan));
                }
                ui.label(egui::RichText::new(say(langs, "kiosk-board-no-lap-yet")).size(16.0).color(cyan));
            }
            for route in routes {
                ui.add_space(4.0);
                ui.label(egui::RichText::new(route_names(langs, current, route)).size(16.0).color(cyan).strong());
                for (place, lap) in floor.best_laps.route(route, &floor.today).enumerate() {
                    let line = format!("{}. {:>7}  {}  {}", place + 1, format_lap(lap.ms as f32 / 1000.0), lap.visitor, lap.clock);
                    ui.label(egui::RichText::new(line).size(16.0).monospace().color(cyan));
                }
            }
        });
    });
}

/// What the result card says of a visitor's lap.
fn lap_line(langs: &[Language], current: Option<&CurrentLevel>, lap: &VisitLap) -> String {
    let time = format_lap(lap.ms as f32 / 1000.0);
    langs
        .iter()
        .map(|l| {
            let lang = l.lang();
            let route = current.map_or_else(|| lap.route.clone(), |c| route_name(c, &lap.route, lang));
            match lap.place {
                Some(place) => crate::t_in!(lang, "kiosk-result-lap-placed", time = &time, route = route, place = place.to_string()),
                None => crate::t_in!(lang, "kiosk-result-lap", time = &time, route = route),
            }
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The newest ledger entries, rolling right to left along the bottom.
fn ticker(ctx: &egui::Context, now: f64, floor: &ShowFloor) {
    if floor.figures.ticker.is_empty() {
        return;
    }
    let text = floor.figures.ticker.iter().rev().cloned().collect::<Vec<_>>().join("   ·   ");
    let width = ctx.content_rect().width();
    // About 7 px a character at this size; the strip comes round again once it has gone by.
    let span = width + text.chars().count() as f32 * 7.5;
    let x = width - ((now * 60.0) as f32 % span);
    egui::Area::new("show-ticker".into()).fixed_pos([x, ctx.content_rect().height() - 34.0]).interactable(false).show(ctx, |ui| {
        ui.add(egui::Label::new(egui::RichText::new(text).size(14.0).monospace().color(egui::Color32::from_rgb(170, 200, 190))).extend());
    });
}

/// Modules of quiet zone around a QR code (the standard's four).
const QUIET_MODULES: usize = 4;

/// A QR code as an image, one pixel a module, black on white with its quiet zone.
fn qr_image(qr: &QrModules) -> egui::ColorImage {
    let side = qr.width + 2 * QUIET_MODULES;
    let mut pixels = vec![egui::Color32::WHITE; side * side];
    for (i, dark) in qr.dark.iter().enumerate() {
        if *dark {
            pixels[(i / qr.width + QUIET_MODULES) * side + i % qr.width + QUIET_MODULES] = egui::Color32::BLACK;
        }
    }
    egui::ColorImage::new([side, side], pixels)
}

fn result_card(ctx: &egui::Context, floor: &ShowFloor, current: Option<&CurrentLevel>, why: DriveEnd, shade: egui::Frame, qr: Option<egui::TextureHandle>) {
    let langs = &floor.config.languages;
    egui::Area::new("show-result".into()).anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0]).show(ctx, |ui| {
        shade.show(ui, |ui| {
          ui.horizontal(|ui| {
            ui.vertical_centered(|ui| {
                let title = match why {
                    DriveEnd::TimeUp => say(langs, "kiosk-result-time-up"),
                    DriveEnd::Idle => say(langs, "kiosk-result-thanks"),
                };
                ui.label(egui::RichText::new(title).size(34.0).color(egui::Color32::WHITE).strong());
                if let Some(r) = &floor.result {
                    let big = |ui: &mut egui::Ui, text: String| ui.label(egui::RichText::new(text).size(24.0).color(egui::Color32::from_rgb(255, 214, 120)));
                    big(ui, format!("{} {}", say(langs, "kiosk-result-stones").replace('\n', " / "), format_stones(r.stones_milli)));
                    big(ui, format!("{} {}", say(langs, "kiosk-result-crystals").replace('\n', " / "), r.crystals));
                    big(ui, format!("{:.2} km", r.km));
                    if let Some(lap) = &r.lap {
                        big(ui, lap_line(langs, current, lap));
                    }
                    ui.label(egui::RichText::new(format!("{} #{}–#{} · {} {}", say(langs, "kiosk-result-entries").replace('\n', " / "), r.first_entry, r.end_entry.saturating_sub(1), say(langs, "kiosk-result-visitor").replace('\n', " / "), &r.key_hex[..16])).size(14.0).monospace().color(egui::Color32::LIGHT_GRAY));
                }
            });
            if let (Some(texture), Some(k)) = (qr, floor.result.as_ref().and_then(|r| r.keepsake.as_ref())) {
                ui.add_space(24.0);
                ui.vertical(|ui| {
                    // Whole pixels a module, the code about a third of the screen's height.
                    let side = texture.size()[0] as f32;
                    let scale = ((ctx.content_rect().height() * 0.36) / side).floor().max(1.0);
                    ui.add(egui::Image::new((texture.id(), egui::vec2(side * scale, side * scale))));
                    ui.label(egui::RichText::new(say(langs, "kiosk-result-scan-receipt")).size(18.0).color(egui::Color32::WHITE));
                    ui.label(egui::RichText::new(format!("#{} · horizon ledger check-receipt FILE --key", k.index)).size(11.0).monospace().color(egui::Color32::LIGHT_GRAY));
                    ui.label(egui::RichText::new(&k.verifier_key).size(11.0).monospace().color(egui::Color32::LIGHT_GRAY));
                });
            }
          });
        });
    });
}
