//! The digital twin (DESIGN 3): stats on 0–100 scales as pure functions of the consented,
//! accepted trip summaries plus upgrades, each with the explanation the game shows; and the
//! one documented mapping from stats to the car's physics.

use std::collections::BTreeSet;

use crate::economy::EconomyTables;
use crate::telemetry::TripSummary;

/// XP per real kilometre (the rate Zwift uses) and per kilometre driven in the valley.
pub const XP_PER_REAL_KM: u64 = 20;
pub const XP_PER_GAME_KM: u64 = 2;
/// Power reaches half of its growth (30 → 65) at this many real km.
pub const POWER_HALF_KM: f64 = 4_000.0;
/// The battery every twin starts with, in kWh (range derives from it and efficiency).
pub const BASE_BATTERY_KWH: f64 = 60.0;

/// What the stats are computed from.
#[derive(Clone, Copy, Debug)]
pub struct TwinInputs<'a> {
    /// Accepted trips (only those with mileage consent are ever accepted).
    pub trips: &'a [TripSummary],
    /// Whether hard-event counts may be used (the behaviour scope).
    pub behaviour_consent: bool,
    /// Upgrades owned (ids from the catalogue).
    pub items: &'a BTreeSet<String>,
    pub task_xp: u64,
    pub game_km: f64,
}

/// One stat and why it has its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    pub value: u32,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TwinStats {
    pub power: Stat,
    pub handling: Stat,
    pub efficiency: Stat,
    pub range: Stat,
    pub level: u32,
    pub xp: u64,
    /// XP at which the next level starts.
    pub next_level_xp: u64,
    pub real_km: f64,
    pub trips: usize,
}

/// Total XP needed to reach `level` (level 1 needs none): 250·(L−1)·L.
pub fn level_threshold(level: u32) -> u64 {
    let l = u64::from(level.max(1)) - 1;
    250 * l * (l + 1)
}

/// The level for an XP total.
pub fn level_for_xp(xp: u64) -> u32 {
    let mut level = 1;
    while level_threshold(level + 1) <= xp {
        level += 1;
    }
    level
}

/// Whole points, rounded down; the tiny nudge keeps sums of the same rates (which float
/// arithmetic may put a hair under a whole number) on the same side of it.
fn clamp_stat(v: f64) -> u32 {
    (v + 1e-9).floor().clamp(0.0, 100.0) as u32
}

fn with_upgrades(base: u32, bonus: i32, mut explanation: String) -> Stat {
    let value = (i64::from(base) + i64::from(bonus)).clamp(0, 100) as u32;
    if bonus != 0 {
        explanation.push_str(&crate::t!("game-twin-upgrades", bonus = format!("{bonus:+}")));
    }
    Stat { value, explanation }
}

fn thousands(km: f64) -> String {
    crate::economy::group_thousands(km.round().max(0.0) as u64)
}

/// [`twin_stats_with`] under the bundled economy tables.
pub fn twin_stats(inputs: TwinInputs) -> TwinStats {
    twin_stats_with(EconomyTables::bundled(), inputs)
}

/// The twin's stats, with the upgrades' effects from `tables`. Deterministic; more km never
/// lowers power or XP.
pub fn twin_stats_with(tables: &EconomyTables, inputs: TwinInputs) -> TwinStats {
    let km: f64 = inputs.trips.iter().map(TripSummary::distance_km).sum();
    // Efficiency counts only trips that report their energy (GPX tracks do not).
    let metered = || inputs.trips.iter().filter(|t| t.energy_kwh > 0.0);
    let kwh: f64 = metered().map(|t| t.energy_kwh).sum();
    let metered_km: f64 = metered().map(TripSummary::distance_km).sum();
    let events: u64 = inputs.trips.iter().map(|t| u64::from(t.hard_brakes) + u64::from(t.hard_accelerations)).sum();
    let mut bonus = crate::economy::tables::StatEffects::default();
    for u in inputs.items.iter().filter_map(|id| tables.upgrade(id)) {
        bonus.power += u.effects.power;
        bonus.handling += u.effects.handling;
        bonus.efficiency += u.effects.efficiency;
        bonus.range += u.effects.range;
    }

    let power = 30.0 + 70.0 * km / (km + POWER_HALF_KM);
    let power = with_upgrades(clamp_stat(power), bonus.power, crate::t!("game-twin-power", value = clamp_stat(power).to_string(), km = thousands(km)));

    let handling = if km < 1.0 {
        with_upgrades(50, bonus.handling, crate::t!("game-twin-handling-no-trips"))
    } else if !inputs.behaviour_consent {
        with_upgrades(50, bonus.handling, crate::t!("game-twin-handling-no-consent"))
    } else {
        let rate = events as f64 * 100.0 / km;
        let v = clamp_stat(30.0 + 70.0 * 3.0 / (3.0 + rate));
        with_upgrades(v, bonus.handling, crate::t!("game-twin-handling", value = v.to_string(), rate = format!("{rate:.1}"), km = thousands(km)))
    };

    let (efficiency, range) = if metered_km < 1.0 {
        (
            with_upgrades(50, bonus.efficiency, crate::t!("game-twin-efficiency-no-data")),
            with_upgrades(50, bonus.range, crate::t!("game-twin-range-no-data")),
        )
    } else {
        let per_100 = kwh * 100.0 / metered_km;
        let e = clamp_stat(100.0 - (per_100 - 12.0) * 4.0);
        let range_km = if per_100 > 0.0 { BASE_BATTERY_KWH * 100.0 / per_100 } else { 600.0 };
        let r = clamp_stat(range_km / 6.0);
        (
            with_upgrades(e, bonus.efficiency, crate::t!("game-twin-efficiency", value = e.to_string(), kwh = format!("{per_100:.1}"))),
            with_upgrades(r, bonus.range, crate::t!("game-twin-range", value = r.to_string(), range = format!("{range_km:.0}"), battery = format!("{BASE_BATTERY_KWH:.0}"), kwh = format!("{per_100:.1}"))),
        )
    };

    let xp = (km.max(0.0) as u64) * XP_PER_REAL_KM + (inputs.game_km.max(0.0) as u64) * XP_PER_GAME_KM + inputs.task_xp;
    let level = level_for_xp(xp);
    TwinStats {
        power,
        handling,
        efficiency,
        range,
        level,
        xp,
        next_level_xp: level_threshold(level + 1),
        real_km: km,
        trips: inputs.trips.len(),
    }
}

/// The car's physics parameters, derived from the stats in one place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VehicleParams {
    /// Force at the driven wheels at full throttle (N).
    pub engine_force_n: f32,
    pub top_speed_mps: f32,
    /// Tyre friction coefficient.
    pub grip: f32,
    /// Steering lock at walking pace (rad); it eases with speed in the game.
    pub max_steer_rad: f32,
    pub battery_kwh: f32,
    /// Energy per km driven in the valley.
    pub kwh_per_km: f32,
}

/// power → engine force and top speed; handling → grip and steering; range → battery;
/// efficiency → consumption. A twin with all stats at 50 drives like a plain family EV.
pub fn vehicle_params(stats: &TwinStats) -> VehicleParams {
    let (p, h, e, r) = (stats.power.value as f32, stats.handling.value as f32, stats.efficiency.value as f32, stats.range.value as f32);
    VehicleParams {
        engine_force_n: 3_000.0 + 60.0 * p,
        top_speed_mps: 20.0 + 0.3 * p,
        grip: 1.0 + 0.02 * h,
        max_steer_rad: 0.45 + 0.002 * h,
        battery_kwh: 40.0 + 0.6 * r,
        kwh_per_km: 0.25 - 0.0012 * e,
    }
}
