//! The economy's rules (DESIGN 3). Amounts are integers: 1 stone = 1000 milli-stones.
//! Pure and deterministic: shared by the ledger's replay, the authority, the game and the
//! command line.

pub mod boxes;
pub mod merch;
pub mod mileage;
pub mod simulate;
pub mod tasks;
pub mod tables;

pub use tables::{EconomyTables, Prize};

/// Milli-stones in one stone. Floating point never touches balances.
pub const MILLI_PER_STONE: u64 = 1_000;
/// A fragment is worth a tenth of a stone; ten combine into one.
pub const MILLI_PER_FRAGMENT: u64 = 100;
/// Fragments that combine into one stone.
pub const FRAGMENTS_PER_STONE: u64 = MILLI_PER_STONE / MILLI_PER_FRAGMENT;

/// 70 % of all stones are mined by real mileage.
pub const MILEAGE_POOL_CAP_MILLI: u64 = 210_000_000 * MILLI_PER_STONE;
/// 30 % are mined by cultivation (tasks → crystals → blind boxes).
pub const CULTIVATION_POOL_CAP_MILLI: u64 = 90_000_000 * MILLI_PER_STONE;
/// 300,000,000 stones in all.
pub const TOTAL_SUPPLY_CAP_MILLI: u64 = MILEAGE_POOL_CAP_MILLI + CULTIVATION_POOL_CAP_MILLI;

/// Formats milli-stones as a decimal number of stones, e.g. `12.345` (for files).
pub fn format_stones(milli: u64) -> String {
    format!("{}.{:03}", milli / MILLI_PER_STONE, milli % MILLI_PER_STONE)
}

/// A whole number with thousands grouped for people: `4,210`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats milli-stones for people, with thousands grouped: `210,000,000.000`.
pub fn format_stones_grouped(milli: u64) -> String {
    format!("{}.{:03}", group_thousands(milli / MILLI_PER_STONE), milli % MILLI_PER_STONE)
}
