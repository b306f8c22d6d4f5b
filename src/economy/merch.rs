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

/// Most editions a catalogue keeps (every edition an order ever named stays, so that old
/// ledgers still replay).
pub const MAX_MERCH_EDITIONS: usize = 1000;

/// One edition of the catalogue as the file writes it.
#[derive(Deserialize, Clone, Debug)]
pub struct EditionText {
    /// When the edition comes into force: an RFC 3339 time, e.g. "2026-12-01T00:00:00+08:00".
    pub from: String,
    pub items: Vec<MerchItem>,
}

/// One edition of the catalogue: what is on sale, at what price and stock, from `from_ms`
/// until the next edition's. Editions are only ever appended: an order names the edition it
/// was priced from by its digest, and replay checks it against that edition, so editing an
/// old one (a price, a stock) would make every order from it unverifiable, and says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerchEdition {
    pub from: String,
    /// `from` in milliseconds since the Unix epoch.
    pub from_ms: u64,
    pub items: Vec<MerchItem>,
    /// SHA-256 of the edition's canonical encoding ([`MerchEdition::digest_of`]): comments
    /// and layout in the file may change, the terms may not.
    pub digest: [u8; 32],
}

impl MerchEdition {
    /// Reads an edition: its `from` parsed, its digest computed.
    pub fn from_text(text: EditionText) -> Result<MerchEdition, String> {
        let at: jiff::Timestamp = text.from.parse().map_err(|e| format!("from {:?} is not an RFC 3339 time with its offset ({e})", text.from))?;
        let from_ms = u64::try_from(at.as_millisecond()).map_err(|_| format!("from {:?} is before 1970", text.from))?;
        let digest = MerchEdition::digest_of(from_ms, &text.items);
        Ok(MerchEdition { from: text.from, from_ms, items: text.items, digest })
    }

    /// The digest of an edition's terms: a domain tag, the start, then each item's fields,
    /// strings length-prefixed, numbers big-endian.
    pub fn digest_of(from_ms: u64, items: &[MerchItem]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let string = |h: &mut Sha256, s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        h.update(b"crypto-horizon merch edition v1\n");
        h.update(from_ms.to_be_bytes());
        h.update((items.len() as u64).to_be_bytes());
        for m in items {
            for s in [&m.id, &m.name, &m.name_zh, &m.about] {
                string(&mut h, s);
            }
            let (currency, amount) = match m.price {
                MerchPrice::Stones { milli } => (0u8, milli),
                MerchPrice::Crystals { count } => (1u8, count),
            };
            h.update([currency]);
            h.update(amount.to_be_bytes());
            h.update(m.stock.to_be_bytes());
            h.update(m.per_player.to_be_bytes());
        }
        h.finalize().into()
    }

    pub fn item(&self, id: &str) -> Option<&MerchItem> {
        self.items.iter().find(|m| m.id == id)
    }

    /// The first 8 bytes of the digest in hex: how the shop and errors name an edition.
    pub fn short(&self) -> String {
        short_digest(&self.digest)
    }
}

pub fn short_digest(digest: &[u8; 32]) -> String {
    hex::encode(&digest[..8])
}

/// The catalogue: its editions in the order they come into force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerchCatalogue {
    pub editions: Vec<MerchEdition>,
}

impl MerchCatalogue {
    /// The edition on sale at `time_ms`: the newest that has come into force.
    pub fn in_force(&self, time_ms: u64) -> Option<&MerchEdition> {
        self.editions.iter().rev().find(|e| e.from_ms <= time_ms)
    }

    pub fn edition(&self, digest: &[u8; 32]) -> Option<&MerchEdition> {
        self.editions.iter().find(|e| e.digest == *digest)
    }

    /// An item as the newest edition listing it has it (for names of vouchers bought from an
    /// older edition).
    pub fn item(&self, id: &str) -> Option<&MerchItem> {
        self.editions.iter().rev().find_map(|e| e.item(id))
    }

    /// What a player signs to order `id` at `time_ms`: the item, its price and the edition
    /// in force; or why it cannot be ordered.
    pub fn order_terms(&self, id: &str, time_ms: u64) -> Result<(&MerchEdition, &MerchItem), String> {
        let edition = self.in_force(time_ms).ok_or("the merch shop has not opened yet")?;
        let item = edition.item(id).ok_or_else(|| format!("{id:?} is not in the merch shop (edition {})", edition.short()))?;
        Ok((edition, item))
    }
}
