//! Mileage mining (DESIGN 3). Emission follows cumulative verified network kilometres,
//! halving by era: era 0 covers the first 500,000,000 network-km at 0.21 stones/km, and each
//! later era is as long and pays half the rate, so the pool converges on 210 M stones; the
//! ledger's replay caps it exactly. Each verified km is one draw that yields a stone with the
//! era's probability, decided by `SHA-256(beacon ‖ player key ‖ km index)`, where the beacon
//! is a checkpoint root fixed before the kilometres were driven: nobody can grind it and
//! anyone can re-check it.

use sha2::{Digest, Sha256};

/// Era 0 pays 0.21 stones per km, written as stones per million km.
pub const ERA0_STONES_PER_MILLION_KM: u64 = 210_000;
/// Network kilometres in each era.
pub const ERA_KM: u64 = 500_000_000;
/// Each drop is one stone (the very last drop of the pool may be less, to hit the cap).
pub const DROP_MILLI: u64 = super::MILLI_PER_STONE;
/// Most kilometres one car may mine in one day.
pub const DAILY_KM_CAP: u32 = 500;
/// Unmined deposits are credited to their owner after this many days.
pub const GRACE_DAYS: u64 = 30;

/// The era of network kilometre `network_km` (0-based).
pub fn era(network_km: u64) -> u32 {
    (network_km / ERA_KM) as u32
}

/// Stones per million km paid in the era of network kilometre `network_km`.
pub fn rate_per_million(network_km: u64) -> u64 {
    ERA0_STONES_PER_MILLION_KM.checked_shr(era(network_km)).unwrap_or(0)
}

/// The draw's value for one kilometre: the first 8 bytes of the hash, as a number.
pub fn km_draw_value(beacon: &[u8; 32], player: &[u8; 32], km_index: u64) -> u64 {
    let mut h = Sha256::new();
    h.update(beacon);
    h.update(player);
    h.update(km_index.to_be_bytes());
    u64::from_be_bytes(h.finalize()[..8].try_into().expect("8 bytes"))
}

/// Whether kilometre `km_index` yields a stone at `per_million` stones per million km.
pub fn km_draw_hits(beacon: &[u8; 32], player: &[u8; 32], km_index: u64, per_million: u64) -> bool {
    // value / 2^64 < per_million / 10^6, in integers.
    (u128::from(km_draw_value(beacon, player, km_index)) * 1_000_000) < (u128::from(per_million) << 64)
}

/// The player's km indexes among `first_km..first_km + km` whose draws hit, given that the
/// first of them is network kilometre `network_first_km`.
pub fn drops(beacon: &[u8; 32], player: &[u8; 32], first_km: u64, km: u32, network_first_km: u64) -> Vec<u64> {
    (0..u64::from(km))
        .filter(|i| km_draw_hits(beacon, player, first_km + i, rate_per_million(network_first_km + i)))
        .map(|i| first_km + i)
        .collect()
}

/// What each drop pays, given the mileage stones earned so far: one stone each, but the pool
/// is capped exactly, so the last drop pays what is left and later ones nothing (they are
/// left out). Returns (km index, milli-stones) pairs.
pub fn pay_drops(drops: &[u64], earned_milli: u64) -> Vec<(u64, u64)> {
    let mut earned = earned_milli;
    let mut paid = Vec::with_capacity(drops.len());
    for &km_index in drops {
        let amount = DROP_MILLI.min(super::MILEAGE_POOL_CAP_MILLI.saturating_sub(earned));
        if amount == 0 {
            break;
        }
        earned += amount;
        paid.push((km_index, amount));
    }
    paid
}
