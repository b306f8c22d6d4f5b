//! The merch shop (周边商店): real merchandise bought with crystals or stones. The catalogue
//! is data (`assets/economy/merch.ron`), compiled in like the other tables, because replay
//! checks every order against it: the price paid, the stock left, the limit per player.
//! An order issues a voucher that only its owner redeems; the shipping address travels with
//! the redemption to the valley's fulfilment list and never into the ledger.

use serde::Deserialize;

/// What an item costs: one currency or the other, never both.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MerchPrice {
    /// Milli-stones (1 stone = 1000).
    Stones { milli: u64 },
    Crystals { count: u64 },
}

impl MerchPrice {
    pub fn describe(&self) -> String {
        match self {
            MerchPrice::Stones { milli } => format!("{} stones", super::format_stones(*milli)),
            MerchPrice::Crystals { count } => format!("{count} crystals"),
        }
    }

    /// The amount, whichever currency it is in (for the price check).
    pub fn amount(&self) -> u64 {
        match self {
            MerchPrice::Stones { milli } => *milli,
            MerchPrice::Crystals { count } => *count,
        }
    }
}

/// One item of the catalogue.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MerchItem {
    pub id: String,
    pub name: String,
    /// The name in Simplified Chinese.
    pub name_zh: String,
    /// What it is, for the shop's detail line.
    pub about: String,
    pub price: MerchPrice,
    /// How many exist, across all players: the authority sells no more (checked in replay).
    pub stock: u32,
    /// How many one player may buy.
    pub per_player: u32,
}

/// Longest item id, in bytes (ids are written into ledger entries).
pub const MAX_MERCH_ID: usize = 40;
/// Most items a catalogue lists.
pub const MAX_MERCH_ITEMS: usize = 200;

/// What is wrong with an item, if anything (the caller names the file and the item).
pub fn item_problem(item: &MerchItem) -> Option<String> {
    let id_ok = !item.id.is_empty()
        && item.id.len() <= MAX_MERCH_ID
        && item.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Some(format!("the id must be 1 to {MAX_MERCH_ID} characters of a-z, 0-9 and -"));
    }
    if item.name.trim().is_empty() || item.name_zh.trim().is_empty() {
        return Some("both names (name, name_zh) are needed: the shop shows either language".into());
    }
    if item.price.amount() == 0 {
        return Some("a price of 0 (merchandise is never free: it is shipped)".into());
    }
    if item.stock == 0 {
        return Some("a stock of 0 (remove the item instead)".into());
    }
    if item.per_player == 0 || item.per_player > item.stock {
        return Some(format!("per_player {} must be 1 to the stock ({})", item.per_player, item.stock));
    }
    None
}
