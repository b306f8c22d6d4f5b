//! The valley's heads-up display (bevy_egui): speed, level, stones and crystals (counting
//! up as the authority confirms them), a compass strip with the landmarks' bearings, and
//! notices of what the authority recorded or refused.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::car::{Car, CarSpeed};
use super::car::PlayerDriven;
use super::screens::{Profile, Screen};
use super::world::CurrentLevel;
use super::authority::{GameTables, Intent, Outcome};
use crate::economy::{format_stones, format_stones_grouped};
use crate::i18n::named;
use crate::ledger::Scope;
use crate::t;

pub fn plugin(app: &mut App) {
    app.init_resource::<Notices>()
        .init_resource::<ShownBalances>()
        .add_systems(Update, (collect_notices, count_up).in_set(super::AppSystems::Presentation))
        .add_systems(EguiPrimaryContextPass, (hud, notices).run_if(in_state(Screen::Valley).and_then(super::screens::hud_shown)));
}

/// How long a notice stays (s).
const NOTICE_S: f32 = 4.5;

/// Recent notices, newest last, with their age (s).
#[derive(Resource, Default)]
struct Notices(Vec<(String, egui::Color32, f32)>);

/// The balances as the HUD shows them, easing towards the confirmed ones.
#[derive(Resource, Default)]
struct ShownBalances {
    stones_milli: f64,
    crystals: f64,
    started: bool,
}

fn collect_notices(time: Res<Time>, tables: Res<GameTables>, mut notices: ResMut<Notices>, mut outcomes: MessageReader<Outcome>) {
    for n in &mut notices.0 {
        n.2 += time.delta_secs();
    }
    notices.0.retain(|n| n.2 < NOTICE_S);
    let good = egui::Color32::from_rgb(160, 230, 255);
    for outcome in outcomes.read() {
        let (text, colour) = match outcome {
            Outcome::Mined(d) => (t!("game-notice-mined", stones = format_stones(d.amount_milli), km = d.km_index.to_string()), good),
            Outcome::TaskDone { task, crystals } => {
                let name = tables.task(task).map_or(task.clone(), |t| named("task", &t.id, &t.name));
                (t!("game-notice-task-done", task = name, crystals = crystals.to_string()), crate::game::ui_theme::palette::CRYSTALS)
            }
            Outcome::Bought { item } => {
                let name = tables.upgrade(item).map_or(item.clone(), super::panels::garage::upgrade_name);
                (t!("game-notice-bought", item = name), good)
            }
            Outcome::ConsentSet { scope, granted } => {
                let scope = match scope {
                    Scope::Mileage => t!("game-scope-mileage"),
                    Scope::Behaviour => t!("game-scope-behaviour"),
                };
                (if *granted { t!("game-notice-consent-granted", scope = scope) } else { t!("game-notice-consent-revoked", scope = scope) }, good)
            }
            Outcome::Combined { fragments } => (t!("game-notice-combined", fragments = fragments.to_string()), good),
            // What the drive's evidence was refused for shows when a task is refused for it.
            Outcome::Refused { intent: Intent::StartDrive { .. } | Intent::ReportDrive { .. }, .. } => continue,
            Outcome::Refused { reason, .. } => (t!("game-notice-refused", reason = reason), crate::game::ui_theme::palette::BAD),
            Outcome::MerchOrdered { item, voucher } => {
                let name = tables.merch_item(item).map_or(item.clone(), |m| named("merch", &m.id, &m.name));
                (t!("game-notice-merch-ordered", item = name, voucher = voucher), good)
            }
            Outcome::MerchRedeemed { voucher } => (t!("game-notice-merch-redeemed", voucher = voucher), good),
            Outcome::BoxCommitted(_) | Outcome::BoxOpened(_) | Outcome::DriveStarted | Outcome::DriveReported(_) | Outcome::CardIssued(_) | Outcome::ShareReady(_) => continue,
        };
        notices.0.push((text, colour, 0.0));
        if notices.0.len() > 4 {
            notices.0.remove(0);
        }
    }
}

fn count_up(time: Res<Time>, profile: Option<Res<Profile>>, mut shown: ResMut<ShownBalances>) {
    let Some(profile) = profile else { return };
    let state = &profile.player.state;
    let (stones, crystals) = (state.stones_milli as f64, state.crystals as f64);
    if !shown.started {
        *shown = ShownBalances { stones_milli: stones, crystals, started: true };
        return;
    }
    // Close most of the gap in about half a second, then snap.
    let k = (time.delta_secs_f64() * 5.0).min(1.0);
    let ease = |from: f64, to: f64, step: f64| if (to - from).abs() < step { to } else { from + (to - from) * k };
    shown.stones_milli = ease(shown.stones_milli, stones, 1.0);
    shown.crystals = ease(shown.crystals, crystals, 0.5);
}

fn notices(mut contexts: EguiContexts, notices: Res<Notices>) -> Result {
    if notices.0.is_empty() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    ctx.request_repaint();
    egui::Area::new("notices".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 64.0]).interactable(false).show(ctx, |ui| {
        ui.vertical_centered(|ui| {
            for (text, colour, age) in &notices.0 {
                let alpha = ((NOTICE_S - age) / 0.6).clamp(0.0, 1.0);
                egui::Frame::new().fill(egui::Color32::from_black_alpha((170.0 * alpha) as u8)).corner_radius(6.0).inner_margin(8.0).show(ui, |ui| {
                    ui.label(egui::RichText::new(text).size(17.0).color(colour.gamma_multiply(alpha)));
                });
            }
        });
    });
    Ok(())
}

/// Degrees of view the compass strip spans.
const COMPASS_SPAN_DEG: f32 = 180.0;

fn hud(
    mut contexts: EguiContexts,
    profile: Res<Profile>,
    shown: Res<ShownBalances>,
    current: Res<CurrentLevel>,
    car: Query<(&Transform, &CarSpeed), (With<Car>, With<PlayerDriven>)>,
    deposits: Query<&Transform, (With<super::deposits::DepositCrystal>, Without<Car>)>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Ok((transform, speed)) = car.single() else { return Ok(()) };
    let p = &profile.player;
    egui::Area::new("hud-stats".into()).anchor(egui::Align2::LEFT_BOTTOM, [16.0, -16.0]).interactable(false).show(ctx, |ui| {
        egui::Frame::new().fill(egui::Color32::from_black_alpha(150)).corner_radius(8.0).inner_margin(12.0).show(ui, |ui| {
            ui.set_min_width(190.0);
            ui.label(egui::RichText::new(format!("{:>3.0} km/h", speed.0.abs() * 3.6)).size(34.0).strong().color(egui::Color32::WHITE));
            ui.label(egui::RichText::new(t!("game-hud-level", level = p.stats.level.to_string())).color(egui::Color32::LIGHT_GRAY));
            ui.label(egui::RichText::new(t!("game-hud-stones", stones = format_stones_grouped(shown.stones_milli.round() as u64))).color(crate::game::ui_theme::palette::STONES));
            ui.label(egui::RichText::new(t!("game-hud-crystals", crystals = (shown.crystals.round() as u64).to_string())).color(crate::game::ui_theme::palette::CRYSTALS));
        });
    });
    // Compass: the car's heading at the centre; landmarks where they lie.
    let forward = transform.rotation * Vec3::NEG_Z;
    let heading = forward.x.atan2(-forward.z).to_degrees(); // 0 = north (−z), 90 = east (+x)
    egui::Area::new("hud-compass".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 12.0]).show(ctx, |ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(440.0, 40.0), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 6.0, egui::Color32::from_black_alpha(140));
        // A bearing relative to the car's heading, in −180…180 degrees.
        let relative = |bearing: f32| (bearing - heading + 540.0).rem_euclid(360.0) - 180.0;
        let place = |bearing: f32| {
            let rel = relative(bearing);
            (rel.abs() <= COMPASS_SPAN_DEG / 2.0).then(|| rect.center().x + rel / COMPASS_SPAN_DEG * rect.width())
        };
        for (name, bearing) in [(t!("game-compass-north"), 0.0), (t!("game-compass-east"), 90.0), (t!("game-compass-south"), 180.0), (t!("game-compass-west"), 270.0)] {
            if let Some(x) = place(bearing) {
                painter.text(egui::pos2(x, rect.top() + 12.0), egui::Align2::CENTER_CENTER, name, egui::FontId::proportional(16.0), egui::Color32::WHITE);
            }
        }
        for l in &current.level.landmarks {
            let (dx, dz) = (l.position.0 - transform.translation.x, l.position.1 - transform.translation.z);
            let bearing = dx.atan2(-dz).to_degrees();
            if let Some(x) = place(bearing) {
                painter.circle_filled(egui::pos2(x, rect.bottom() - 12.0), 4.0, egui::Color32::from_rgb(255, 120, 80));
                painter.text(egui::pos2(x, rect.bottom() - 4.0), egui::Align2::CENTER_BOTTOM, named("landmark", &l.id, &l.name), egui::FontId::proportional(10.0), egui::Color32::LIGHT_GRAY);
            }
        }
        // The nearest stones: where to drive next.
        let nearest = deposits
            .iter()
            .map(|d| Vec2::new(d.translation.x - transform.translation.x, d.translation.z - transform.translation.z))
            .min_by(|a, b| a.length_squared().total_cmp(&b.length_squared()));
        if let Some(to) = nearest {
            let rel = relative(to.x.atan2(-to.y).to_degrees());
            // Behind the car: pinned to the side to turn to.
            let x = rect.center().x + rel.clamp(-COMPASS_SPAN_DEG / 2.0, COMPASS_SPAN_DEG / 2.0) / COMPASS_SPAN_DEG * (rect.width() - 90.0);
            let c = egui::pos2(x, rect.center().y);
            let cyan = egui::Color32::from_rgb(120, 230, 255);
            let diamond = vec![c + egui::vec2(0.0, -8.0), c + egui::vec2(6.0, 0.0), c + egui::vec2(0.0, 8.0), c + egui::vec2(-6.0, 0.0)];
            painter.add(egui::Shape::convex_polygon(diamond, cyan, egui::Stroke::NONE));
            painter.text(c + egui::vec2(10.0, 0.0), egui::Align2::LEFT_CENTER, t!("game-hud-nearest-stones", metres = format!("{:.0}", to.length())), egui::FontId::proportional(12.0), cyan);
        }
        painter.line_segment([egui::pos2(rect.center().x, rect.top()), egui::pos2(rect.center().x, rect.top() + 6.0)], egui::Stroke::new(2.0, egui::Color32::YELLOW));
    });
    Ok(())
}
