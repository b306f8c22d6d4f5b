//! Mileage mining's draw (DESIGN 3): each verified kilometre is one draw that yields a stone
//! with the era's probability, decided by `SHA-256(beacon ‖ player key ‖ km index)`. The
//! beacon is a checkpoint root fixed before the kilometres were driven, so nobody can grind
//! it and anyone can re-check it.

use sha2::{Digest, Sha256};

use crate::ledger::PublicKey;

/// Era 0 pays 0.21 stones per km, in stones per million km.
pub const ERA0_STONES_PER_MILLION_KM: u64 = 210_000;

/// The draw's value for one kilometre: the first 8 bytes of the hash, as a number.
pub fn km_draw_value(beacon: &[u8; 32], player: &PublicKey, km_index: u64) -> u64 {
    let mut h = Sha256::new();
    h.update(beacon);
    h.update(player.0);
    h.update(km_index.to_be_bytes());
    u64::from_be_bytes(h.finalize()[..8].try_into().expect("8 bytes"))
}

/// Whether kilometre `km_index` yields a stone at `per_million` stones per million km.
pub fn km_draw_hits(beacon: &[u8; 32], player: &PublicKey, km_index: u64, per_million: u64) -> bool {
    // value / 2^64 < per_million / 10^6, without floating point.
    (u128::from(km_draw_value(beacon, player, km_index)) * 1_000_000) < (u128::from(per_million) << 64)
}
