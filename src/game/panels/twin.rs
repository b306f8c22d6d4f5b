//! The twin screen: the car's stats with the explanation of each, the real kilometres and
//! trips behind them, the level and the XP to the next one, and what the stats do to the
//! car in the valley.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Panel, dim, screen_window};
use crate::game::authority::PlayerCar;
use crate::game::authority_link::AuthorityLink;
use crate::game::screens::Profile;
use crate::telemetry::format_time;
use crate::twin::level_threshold;

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, twin_screen.run_if(in_state(Panel::Twin)));
}

fn twin_screen(mut contexts: EguiContexts, profile: Res<Profile>, authority: Res<AuthorityLink>, car: Option<Res<PlayerCar>>, mut next: ResMut<NextState<Panel>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let p = &profile.player;
    let s = &p.stats;
    let open = screen_window(ctx, Panel::Twin, |ui| {
        let car_name = match &p.state.role {
            crate::ledger::Role::Owner { vehicle } => crate::t!("panels-twin-owner-car", vehicle = vehicle),
            crate::ledger::Role::Guest => crate::t!("panels-twin-guest-car"),
        };
        ui.label(egui::RichText::new(format!("{} · {car_name}", p.state.name)).size(16.0));
        ui.add_space(6.0);
        let from = level_threshold(s.level);
        let span = s.next_level_xp.saturating_sub(from).max(1);
        let into = s.xp.saturating_sub(from);
        ui.label(egui::RichText::new(crate::t!("panels-twin-level", level = s.level.to_string())).size(22.0).strong());
        ui.add(
            egui::ProgressBar::new(into as f32 / span as f32)
                .desired_width(520.0)
                .text(crate::t!("panels-twin-xp", xp = s.xp.to_string(), left = s.next_level_xp.saturating_sub(s.xp).to_string(), next = (s.level + 1).to_string())),
        );
        ui.add_space(10.0);
        egui::Grid::new("stats").num_columns(3).spacing([14.0, 8.0]).show(ui, |ui| {
            for (name, stat) in [
                (crate::t!("panels-twin-power"), &s.power),
                (crate::t!("panels-twin-handling"), &s.handling),
                (crate::t!("panels-twin-efficiency"), &s.efficiency),
                (crate::t!("panels-twin-range"), &s.range),
            ] {
                ui.label(egui::RichText::new(name).size(16.0).strong());
                ui.add(egui::ProgressBar::new(stat.value as f32 / 100.0).desired_width(160.0).text(stat.value.to_string()));
                ui.label(dim(&stat.explanation));
                ui.end_row();
            }
        });
        if let Some(car) = car {
            let v = car.0;
            ui.add_space(6.0);
            ui.label(dim(crate::t!(
                "panels-twin-in-valley",
                force = format!("{:.1}", v.engine_force_n / 1000.0),
                speed = format!("{:.0}", v.top_speed_mps * 3.6),
                grip = format!("{:.2}", v.grip),
                lock = format!("{:.0}", v.max_steer_rad.to_degrees()),
                battery = format!("{:.0}", v.battery_kwh)
            )));
        }
        ui.add_space(10.0);
        let trips = &authority.accepted_trips;
        ui.label(egui::RichText::new(crate::t!("panels-twin-real-km", km = format!("{:.0}", s.real_km), trips = trips.len().to_string())).strong());
        egui::ScrollArea::vertical().max_height(170.0).show(ui, |ui| {
            egui::Grid::new("trips").num_columns(5).striped(true).spacing([18.0, 4.0]).show(ui, |ui| {
                for h in [crate::t!("panels-twin-started"), crate::t!("panels-twin-km"), crate::t!("panels-twin-kwh"), crate::t!("panels-twin-kwh-per-100km"), crate::t!("panels-twin-hard-events")] {
                    ui.label(dim(h));
                }
                ui.end_row();
                for t in trips.iter().rev() {
                    let km = t.odometer_end_km - t.odometer_start_km;
                    ui.label(format_time(t.start).replace('T', " ").trim_end_matches('Z').to_string());
                    ui.label(format!("{km:.1}"));
                    ui.label(format!("{:.1}", t.energy_kwh));
                    ui.label(if km > 0.0 { format!("{:.1}", t.energy_kwh / km * 100.0) } else { "–".into() });
                    ui.label(format!("{} / {}", t.hard_brakes, t.hard_accelerations));
                    ui.end_row();
                }
            });
        });
    });
    if !open {
        next.set(Panel::None);
    }
    Ok(())
}
