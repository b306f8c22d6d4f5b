//! The whole economy on a synthetic fleet, day by day: cars join over time and drive; every
//! km is a real mileage draw at the era's rate (the era clock runs on network km, of which
//! each simulated car stands for `fleet_scale` real cars); owners do tasks for crystals and
//! open boxes. It shows the caps hold and early cars earn more per km than late ones.
//! Deterministic for a seed.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use super::mileage::DAILY_KM_CAP;
use super::{CULTIVATION_POOL_CAP_MILLI, EconomyTables, MILEAGE_POOL_CAP_MILLI, MILLI_PER_FRAGMENT, Prize, boxes, mileage};

#[derive(Clone, Debug)]
pub struct FleetOptions {
    pub cars: usize,
    pub days: u32,
    pub seed: u64,
    /// Real cars each simulated car stands for: its km advance the network's era clock, and
    /// its drops and boxes the pools, this many times over (per-car figures are its own).
    pub fleet_scale: u64,
    /// Average km a car drives on a day it drives.
    pub mean_daily_km: u32,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions { cars: 1000, days: 365, seed: 1, fleet_scale: 300, mean_daily_km: 40 }
    }
}

/// Network km a default run aims for: six eras, enough to see the halvings and the cap.
pub const TARGET_NETWORK_KM: u64 = 6 * super::mileage::ERA_KM;

/// The fleet scale at which `cars` driving for `days` reach [`TARGET_NETWORK_KM`].
pub fn auto_fleet_scale(cars: usize, days: u32, mean_daily_km: u32) -> u64 {
    // Cars join over the first three quarters of the run and drive five days in seven.
    let km = cars as f64 * f64::from(days) * 0.625 * f64::from(mean_daily_km) * 5.0 / 7.0;
    ((TARGET_NETWORK_KM as f64 / km.max(1.0)).round() as u64).max(1)
}

/// One day of the simulation (cumulative figures).
#[derive(Clone, Debug, PartialEq)]
pub struct DayRow {
    pub day: u32,
    pub active_cars: usize,
    /// Network km so far (scaled), and the era it is in.
    pub network_km: u64,
    pub era: u32,
    pub mileage_milli: u64,
    pub cultivation_milli: u64,
    /// Stones per km earned so far by the first tenth of cars to join, and by the last tenth.
    pub early_milli_per_km: f64,
    pub late_milli_per_km: f64,
}

struct Car {
    key: [u8; 32],
    join_day: u32,
    km: u64,
    earned_milli: u64,
    crystals: u64,
    pity: u32,
    boxes: u64,
}

/// Runs the simulation under the economy `tables`, calling `row` for each day.
pub fn simulate_fleet(tables: &EconomyTables, opts: &FleetOptions, mut row: impl FnMut(&DayRow)) {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let join_window = (opts.days * 3 / 4).max(1);
    let mut cars: Vec<Car> = (0..opts.cars)
        .map(|i| {
            let mut key = [0u8; 32];
            rng.fill_bytes(&mut key);
            // Joining is spread over the first three quarters of the run, in car order.
            let join_day = (i as u64 * u64::from(join_window) / opts.cars.max(1) as u64) as u32;
            Car { key, join_day, km: 0, earned_milli: 0, crystals: 0, pity: 0, boxes: 0 }
        })
        .collect();
    let tenth = (opts.cars / 10).max(1);
    let (mut network_km, mut mileage_milli, mut cultivation_milli) = (0u64, 0u64, 0u64);
    for day in 0..opts.days {
        let mut beacon = [0u8; 32];
        rng.fill_bytes(&mut beacon);
        let mut active = 0;
        for car in cars.iter_mut().filter(|c| c.join_day <= day) {
            active += 1;
            // Drives on about five days in seven, around the mean.
            if rng.next_u32() % 7 < 5 {
                let km = (rng.next_u64() % (2 * u64::from(opts.mean_daily_km) + 1)).min(u64::from(DAILY_KM_CAP));
                for i in 0..km {
                    let rate = mileage::rate_per_million(network_km + i * opts.fleet_scale);
                    if rate > 0 && mileage::km_draw_hits(&beacon, &car.key, car.km + i, rate) {
                        // This drop stands for the same drop of each of the cars it represents.
                        let fleet_amount = (mileage::DROP_MILLI * opts.fleet_scale).min(MILEAGE_POOL_CAP_MILLI - mileage_milli);
                        mileage_milli += fleet_amount;
                        car.earned_milli += fleet_amount / opts.fleet_scale;
                    }
                }
                car.km += km;
                network_km += km * opts.fleet_scale;
            }
            // Tasks: a daily handful of crystals; boxes when they afford one.
            car.crystals += 20 + rng.next_u64() % 60;
            while car.crystals >= tables.boxes.price_crystals {
                car.crystals -= tables.boxes.price_crystals;
                let (mut s, mut c) = ([0u8; 32], [0u8; 32]);
                rng.fill_bytes(&mut s);
                rng.fill_bytes(&mut c);
                let left = (CULTIVATION_POOL_CAP_MILLI - cultivation_milli) / opts.fleet_scale;
                let prize = boxes::resolve(&tables.boxes, true, car.pity, &s, &c, car.boxes, left);
                car.pity = tables.boxes.owner.next_pity(car.pity, &prize);
                car.boxes += 1;
                match prize {
                    Prize::Stone { amount_milli } => cultivation_milli += amount_milli * opts.fleet_scale,
                    Prize::Fragments { count } => cultivation_milli += u64::from(count) * MILLI_PER_FRAGMENT * opts.fleet_scale,
                    Prize::Crystals { count } => car.crystals += count,
                    Prize::Gift { .. } => {}
                }
            }
        }
        let per_km = |cs: &[Car]| {
            let (m, k) = cs.iter().fold((0u64, 0u64), |(m, k), c| (m + c.earned_milli, k + c.km));
            if k == 0 { 0.0 } else { m as f64 / k as f64 }
        };
        row(&DayRow {
            day,
            active_cars: active,
            network_km,
            era: mileage::era(network_km),
            mileage_milli,
            cultivation_milli,
            early_milli_per_km: per_km(&cars[..tenth]),
            late_milli_per_km: per_km(&cars[cars.len() - tenth..]),
        });
    }
}
