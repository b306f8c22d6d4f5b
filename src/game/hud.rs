//! The valley's heads-up display (bevy_egui): speed, level, stones and crystals, and a
//! compass strip with the landmarks' bearings.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::car::{Car, CarSpeed};
use super::input::PlayerDriven;
use super::screens::{Profile, Screen};
use super::world::CurrentLevel;
use crate::economy::format_stones_grouped;

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, hud.run_if(in_state(Screen::Valley)));
}

/// Degrees of view the compass strip spans.
const COMPASS_SPAN_DEG: f32 = 180.0;

fn hud(
    mut contexts: EguiContexts,
    profile: Res<Profile>,
    current: Res<CurrentLevel>,
    car: Query<(&Transform, &CarSpeed), (With<Car>, With<PlayerDriven>)>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Ok((transform, speed)) = car.single() else { return Ok(()) };
    let p = &profile.player;
    egui::Area::new("hud-stats".into()).anchor(egui::Align2::LEFT_BOTTOM, [16.0, -16.0]).show(ctx, |ui| {
        egui::Frame::new().fill(egui::Color32::from_black_alpha(150)).corner_radius(8.0).inner_margin(12.0).show(ui, |ui| {
            ui.set_min_width(190.0);
            ui.label(egui::RichText::new(format!("{:>3.0} km/h", speed.0.abs() * 3.6)).size(34.0).strong().color(egui::Color32::WHITE));
            ui.label(egui::RichText::new(format!("level {}", p.stats.level)).color(egui::Color32::LIGHT_GRAY));
            ui.label(egui::RichText::new(format!("{} stones", format_stones_grouped(p.state.stones_milli))).color(egui::Color32::from_rgb(160, 220, 255)));
            ui.label(egui::RichText::new(format!("{} crystals", p.state.crystals)).color(egui::Color32::from_rgb(230, 180, 255)));
        });
    });
    // Compass: the car's heading at the centre; landmarks where they lie.
    let forward = transform.rotation * Vec3::NEG_Z;
    let heading = forward.x.atan2(-forward.z).to_degrees(); // 0 = north (−z), 90 = east (+x)
    egui::Area::new("hud-compass".into()).anchor(egui::Align2::CENTER_TOP, [0.0, 12.0]).show(ctx, |ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(520.0, 40.0), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 6.0, egui::Color32::from_black_alpha(140));
        let place = |bearing: f32| {
            let rel = (bearing - heading + 540.0).rem_euclid(360.0) - 180.0;
            (rel.abs() <= COMPASS_SPAN_DEG / 2.0).then(|| rect.center().x + rel / COMPASS_SPAN_DEG * rect.width())
        };
        for (name, bearing) in [("N", 0.0), ("E", 90.0), ("S", 180.0), ("W", 270.0)] {
            if let Some(x) = place(bearing) {
                painter.text(egui::pos2(x, rect.top() + 12.0), egui::Align2::CENTER_CENTER, name, egui::FontId::proportional(16.0), egui::Color32::WHITE);
            }
        }
        for l in &current.level.landmarks {
            let (dx, dz) = (l.position.0 - transform.translation.x, l.position.1 - transform.translation.z);
            let bearing = dx.atan2(-dz).to_degrees();
            if let Some(x) = place(bearing) {
                painter.circle_filled(egui::pos2(x, rect.bottom() - 12.0), 4.0, egui::Color32::from_rgb(255, 120, 80));
                painter.text(egui::pos2(x, rect.bottom() - 4.0), egui::Align2::CENTER_BOTTOM, &l.name, egui::FontId::proportional(10.0), egui::Color32::LIGHT_GRAY);
            }
        }
        painter.line_segment([egui::pos2(rect.center().x, rect.top()), egui::pos2(rect.center().x, rect.top() + 6.0)], egui::Stroke::new(2.0, egui::Color32::YELLOW));
    });
    Ok(())
}
