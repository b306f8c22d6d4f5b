//! The economy's rules: tables, box odds and pity, mileage draws, the twin.

use std::collections::BTreeSet;

use horizon::economy::tables::{BLIND_BOX_FILE, EconomyTables, UPGRADES_FILE};
use horizon::economy::{boxes, mileage};
use horizon::ledger::{Prize, PublicKey};
use horizon::telemetry::TripSummary;
use horizon::twin::{TwinInputs, level_for_xp, level_threshold, twin_stats, vehicle_params};
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

const BOX: &str = include_str!("../../assets/economy/blind_box.ron");
const UPGRADES: &str = include_str!("../../assets/economy/upgrades.ron");
const TASKS: &str = include_str!("../../assets/economy/tasks.ron");
const MERCH: &str = include_str!("../../assets/economy/merch.ron");

fn seeds(rng: &mut ChaCha8Rng) -> ([u8; 32], [u8; 32]) {
    let (mut s, mut c) = ([0u8; 32], [0u8; 32]);
    rng.fill_bytes(&mut s);
    rng.fill_bytes(&mut c);
    (s, c)
}

#[test]
fn a_million_seeded_draws_match_the_published_odds() {
    let tables = EconomyTables::bundled();
    for owner in [true, false] {
        let odds = tables.boxes.odds(owner);
        let mut counts = vec![0u64; odds.outcomes.len()];
        let mut rng = ChaCha8Rng::seed_from_u64(7 + owner as u64);
        const N: u64 = 1_000_000;
        for draw in 0..N {
            let (s, c) = seeds(&mut rng);
            // Pity 0: the published base odds apply.
            let prize = odds.outcome(0, boxes::roll(&s, &c, draw));
            counts[odds.outcomes.iter().position(|o| &o.prize == prize).unwrap()] += 1;
        }
        for (o, &n) in odds.outcomes.iter().zip(&counts) {
            let p = f64::from(o.weight) / 10_000.0;
            let expected = p * N as f64;
            let sigma = (N as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (n as f64 - expected).abs() < 5.0 * sigma,
                "{} ({}): {n} of {N}, expected {expected:.0} ± {sigma:.0}",
                o.prize.describe(),
                if owner { "owner" } else { "guest" }
            );
        }
    }
}

#[test]
fn soft_pity_raises_the_stone_chance_from_box_60_and_box_80_guarantees_it() {
    let odds = &EconomyTables::bundled().boxes.owner;
    assert_eq!(odds.pity_chance(0), 100, "1 % at the start");
    assert_eq!(odds.pity_chance(58), 100, "box 59 is still at the base rate");
    assert_eq!(odds.pity_chance(59), 600, "box 60: +5 %");
    assert_eq!(odds.pity_chance(60), 1100);
    assert_eq!(odds.pity_chance(79), 10_000, "box 80 always holds a stone");
    // Whatever the roll, the 80th box is a stone.
    for roll in [0, 5_000, 9_999] {
        assert_eq!(odds.outcome(79, roll), &odds.pity_prize);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn owners_get_a_stone_within_80_boxes_every_time(seed in any::<u64>(), start_pity in 0u32..80) {
        let tables = EconomyTables::bundled();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut pity = start_pity;
        let mut boxes_until_stone = 0;
        loop {
            let (s, c) = seeds(&mut rng);
            let prize = boxes::resolve(&tables.boxes, true, pity, &s, &c, 0, u64::MAX);
            boxes_until_stone += 1;
            if matches!(prize, Prize::Stone { .. }) {
                break;
            }
            pity = tables.boxes.owner.next_pity(pity, &prize);
            prop_assert!(boxes_until_stone < 80, "no stone in {} boxes from pity {}", boxes_until_stone, start_pity);
        }
        prop_assert!(boxes_until_stone <= 80 - start_pity as usize);
    }

    #[test]
    fn guests_never_draw_stones_or_fragments(seed in any::<u64>(), pity in 0u32..200) {
        let tables = EconomyTables::bundled();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for draw in 0..50 {
            let (s, c) = seeds(&mut rng);
            let prize = boxes::resolve(&tables.boxes, false, pity, &s, &c, draw, u64::MAX);
            prop_assert!(!matches!(prize, Prize::Stone { .. } | Prize::Fragments { .. }), "{:?}", prize);
        }
    }

    #[test]
    fn more_accepted_km_never_lowers_power_or_level(
        trips in proptest::collection::vec((1u32..300, 1u32..10), 0..20),
        extra_km in 1u32..500,
    ) {
        let make = |list: &[(u32, u32)]| -> Vec<TripSummary> {
            let mut odo = 1000.0;
            list.iter().enumerate().map(|(i, &(km, events))| {
                let t = TripSummary {
                    vehicle: "EV".into(),
                    start: i as i64 * 86_400,
                    end: i as i64 * 86_400 + 3600 * 3,
                    odometer_start_km: odo,
                    odometer_end_km: odo + f64::from(km),
                    energy_kwh: f64::from(km) * 0.16,
                    hard_brakes: events,
                    hard_accelerations: 0,
                };
                odo += f64::from(km);
                t
            }).collect()
        };
        let items = BTreeSet::new();
        let stats = |t: &[TripSummary]| twin_stats(TwinInputs { trips: t, behaviour_consent: true, items: &items, task_xp: 0, game_km: 0.0 });
        let before = make(&trips);
        let mut more_list = trips.clone();
        more_list.push((extra_km, 0));
        let after = make(&more_list);
        let (a, b) = (stats(&before), stats(&after));
        prop_assert!(b.power.value >= a.power.value);
        prop_assert!(b.xp > a.xp);
        prop_assert!(b.level >= a.level);
        // Smooth km at the same consumption never lower handling, efficiency or range either.
        prop_assert!(b.handling.value >= a.handling.value || before.is_empty());
        prop_assert!(b.efficiency.value >= a.efficiency.value || before.is_empty());
        prop_assert!(b.range.value >= a.range.value || before.is_empty());
    }
}

#[test]
fn stats_explain_themselves_and_drive_the_physics() {
    let trips: Vec<TripSummary> = (0..10)
        .map(|i| TripSummary {
            vehicle: "EV".into(),
            start: i * 86_400,
            end: i * 86_400 + 3600,
            odometer_start_km: 421.0 * i as f64,
            odometer_end_km: 421.0 * (i + 1) as f64,
            energy_kwh: 421.0 * 0.15,
            hard_brakes: if i < 6 { 6 } else if i < 8 { 8 } else { 7 },
            hard_accelerations: 1,
        })
        .collect();
    let items: BTreeSet<String> = ["motor-1".to_string()].into();
    let s = twin_stats(TwinInputs { trips: &trips, behaviour_consent: true, items: &items, task_xp: 100, game_km: 0.0 });
    assert_eq!(s.handling.explanation, "handling 73: 1.8 hard events per 100 km over 4,210 km");
    assert!(s.power.explanation.contains("4,210 real km"), "{}", s.power.explanation);
    assert!(s.power.explanation.ends_with("upgrades +6"), "{}", s.power.explanation);
    assert!(s.efficiency.explanation.contains("15.0 kWh/100 km"), "{}", s.efficiency.explanation);
    assert_eq!(s.xp, 4210 * 20 + 100);
    assert!(s.level > 1 && s.next_level_xp > s.xp);
    let plain = twin_stats(TwinInputs { trips: &[], behaviour_consent: true, items: &BTreeSet::new(), task_xp: 0, game_km: 0.0 });
    let (strong, weak) = (vehicle_params(&s), vehicle_params(&plain));
    assert!(strong.engine_force_n > weak.engine_force_n && strong.top_speed_mps > weak.top_speed_mps);
    let hidden = twin_stats(TwinInputs { trips: &trips, behaviour_consent: false, items: &BTreeSet::new(), task_xp: 0, game_km: 0.0 });
    assert!(hidden.handling.explanation.contains("share driving behaviour"), "{}", hidden.handling.explanation);
}

#[test]
fn the_level_curve_is_published_and_monotonic() {
    assert_eq!((level_threshold(1), level_threshold(2), level_threshold(3)), (0, 500, 1500));
    assert_eq!((level_for_xp(0), level_for_xp(499), level_for_xp(500), level_for_xp(1500)), (1, 1, 2, 3));
}

#[test]
fn mileage_draws_pay_the_era_rate_and_halve_each_era() {
    assert_eq!(mileage::rate_per_million(0), 210_000);
    assert_eq!(mileage::rate_per_million(mileage::ERA_KM - 1), 210_000);
    assert_eq!(mileage::rate_per_million(mileage::ERA_KM), 105_000);
    assert_eq!(mileage::rate_per_million(3 * mileage::ERA_KM), 26_250);
    assert_eq!(mileage::rate_per_million(200 * mileage::ERA_KM), 0);
    // The whole schedule converges on, and never passes, 210 M stones (integer halving
    // leaves 3,500 stones unscheduled; the replay's cap is exact either way).
    let total: u64 = (0..64).map(|e| mileage::ERA_KM * mileage::rate_per_million(e * mileage::ERA_KM) / 1_000_000).sum();
    assert_eq!(total, 209_996_500);
    let player = PublicKey([3; 32]);
    const KM: u64 = 200_000;
    let hits = mileage::drops(&[9; 32], &player.0, 0, KM as u32, 0).len() as f64;
    let sigma = (KM as f64 * 0.21 * 0.79).sqrt();
    assert!((hits - 0.21 * KM as f64).abs() < 5.0 * sigma, "{hits} drops in {KM} km");
    let later = mileage::drops(&[9; 32], &player.0, 0, KM as u32, 2 * mileage::ERA_KM).len() as f64;
    assert!((later - 0.0525 * KM as f64).abs() < 5.0 * (KM as f64 * 0.0525).sqrt(), "era 2: {later}");
}

fn table_error(blind_box: &str, upgrades: &str) -> String {
    EconomyTables::from_texts(blind_box, upgrades, TASKS, MERCH).unwrap_err().to_string()
}

#[test]
fn broken_tables_name_the_file_the_entry_and_the_problem() {
    assert!(EconomyTables::from_texts(BOX, UPGRADES, TASKS, MERCH).is_ok());
    let e = table_error(&BOX.replacen("weight: 900", "weight: 899", 1), UPGRADES);
    assert_eq!(e, format!("{BLIND_BOX_FILE}: owner odds: weights sum to 9999 basis points, not exactly 10000 (100 %)"));
    let e = table_error(&BOX.replacen("\"horn-chime\"", "\"horn-missing\"", 1), UPGRADES);
    assert!(e.contains("owner outcome 9 (gift: horn-missing): gift \"horn-missing\" is not in assets/economy/upgrades.ron"), "{e}");
    let e = table_error(&BOX.replacen("(prize: Gift(item: \"paint-celestial\"), weight: 50)", "(prize: Stone(milli: 1000), weight: 50)", 1), UPGRADES);
    assert!(e.contains("guest outcome 1") && e.contains("never hold stones"), "{e}");
    let e = table_error(&BOX.replacen("soft_pity_from: 60", "soft_pity_from: 90", 1), UPGRADES);
    assert!(e.contains("owner pity: soft pity from box 90 must come before hard pity at box 80"), "{e}");
    let e = table_error(BOX, &UPGRADES.replacen("requires: Some(\"motor-1\")", "requires: Some(\"motor-9\")", 1));
    assert!(e.starts_with(&format!("{UPGRADES_FILE}: upgrade \"motor-2\": requires \"motor-9\"")), "{e}");
    let e = table_error(&BOX.replacen("price_crystals: 100,", "price_crystals: 100", 1), UPGRADES);
    assert!(e.starts_with(&format!("{BLIND_BOX_FILE}:")) && e.chars().filter(|c| *c == ':').count() >= 3, "file:line:col: {e}");
}

#[test]
fn an_empty_cultivation_pool_refunds_the_box_instead_of_overdrawing() {
    let tables = EconomyTables::bundled();
    // Box 80 always holds a stone, unless the pool cannot pay it.
    let full = boxes::resolve(&tables.boxes, true, 79, &[1; 32], &[2; 32], 0, u64::MAX);
    assert_eq!(full, Prize::Stone { amount_milli: 1000 });
    let empty = boxes::resolve(&tables.boxes, true, 79, &[1; 32], &[2; 32], 0, 999);
    assert_eq!(empty, Prize::Crystals { count: tables.boxes.price_crystals });
}
