//! The rules of keepsakes: twin cards (every fact recomputed from the ledger, one card
//! standing per player) and merch orders (catalogue price, stock across all players, limit
//! per player; each order a voucher its owner redeems).

use super::entry::{PublicKey, Role};
use super::rules::At;
use super::state::{LedgerState, PlayerState, Violation, Voucher, take, voucher_id};
use super::twin_card::{CARDS_PER_DAY, CardEnd, MAX_CARD_UPGRADES, TwinCard};
use crate::economy::EconomyTables;
use crate::economy::merch::{MerchEdition, MerchPrice, short_digest};
use crate::twin::{XP_PER_REAL_KM, level_for_xp};

/// The ledger's XP of a player: what a card shows and replay checks (the game adds XP for
/// kilometres driven in the valley, which the ledger does not record).
pub fn ledger_xp(p: &PlayerState) -> u64 {
    p.km_attested.saturating_mul(XP_PER_REAL_KM).saturating_add(p.task_xp)
}

/// The card the ledger's state gives for `player` now: what the authority records.
pub fn card_of(player: PublicKey, p: &PlayerState) -> TwinCard {
    let xp = ledger_xp(p);
    TwinCard {
        player,
        name: p.name.clone(),
        vehicle: match &p.role {
            Role::Owner { vehicle } => Some(vehicle.clone()),
            Role::Guest => None,
        },
        level: level_for_xp(xp),
        xp,
        km: p.km_attested,
        stones_milli: p.stones_milli,
        upgrades: p.items.iter().take(MAX_CARD_UPGRADES).cloned().collect(),
        supersedes: p.card,
    }
}

impl LedgerState {
    pub(super) fn twin_card(&mut self, at: &At, card: &TwinCard) -> Result<(), Violation> {
        let player = card.player;
        let p = self.enrolled(&player)?;
        let expected = card_of(player, p);
        let fact = |what: &'static str, expected: String, found: String| Err(Violation::CardFact { player, what, expected, found });
        if card.supersedes != expected.supersedes {
            return Err(Violation::CardChain { player, current: expected.supersedes, found: card.supersedes });
        }
        if card.name != expected.name {
            return fact("the name", format!("{:?}", expected.name), format!("{:?}", card.name));
        }
        if card.vehicle != expected.vehicle {
            return fact("the vehicle", format!("{:?}", expected.vehicle), format!("{:?}", card.vehicle));
        }
        for (what, e, f) in [("xp", expected.xp, card.xp), ("km", expected.km, card.km), ("milli-stones", expected.stones_milli, card.stones_milli)] {
            if e != f {
                return fact(what, e.to_string(), f.to_string());
            }
        }
        if card.level != expected.level {
            return fact("level", expected.level.to_string(), card.level.to_string());
        }
        if card.upgrades != expected.upgrades {
            return fact("the upgrades", expected.upgrades.join(", "), card.upgrades.join(", "));
        }
        if let Some(previous) = p.card
            && self.card_facts_unchanged(previous, card)
        {
            return Err(Violation::CardUnchanged(player));
        }
        let today = if p.cards_on_day.0 == at.day { p.cards_on_day.1 } else { 0 };
        if today >= CARDS_PER_DAY {
            return Err(Violation::CardsPerDay { player, limit: CARDS_PER_DAY });
        }
        if let Some(previous) = p.card {
            self.card_ends.insert(previous, CardEnd::Superseded { by: at.index });
            self.card_facts.remove(&previous);
        }
        self.cards.insert(at.index, player);
        self.card_facts.insert(at.index, card.clone());
        let p = self.players.get_mut(&player).expect("checked above");
        p.card = Some(at.index);
        p.cards_on_day = (at.day, today + 1);
        Ok(())
    }

    fn card_facts_unchanged(&self, previous: u64, card: &TwinCard) -> bool {
        self.card_facts.get(&previous).is_some_and(|old| old.same_facts(card))
    }

    /// A car bound to a new owner ends its previous owner's card (called by the binding).
    pub(super) fn end_card_on_transfer(&mut self, previous_owner: &PublicKey, at_index: u64) {
        if let Some(p) = self.players.get_mut(previous_owner)
            && let Some(card) = p.card.take()
        {
            self.card_ends.insert(card, CardEnd::CarTransferred { at: at_index });
            self.card_facts.remove(&card);
        }
    }

    /// The player's standing card: its entry and facts.
    pub fn standing_card(&self, player: &PublicKey) -> Option<(u64, &TwinCard)> {
        let index = self.players.get(player)?.card?;
        Some((index, self.card_facts.get(&index)?))
    }

    /// Whether twin card `index` still stands, or why not; None if it is no card.
    pub fn card_status(&self, index: u64) -> Option<Result<(), CardEnd>> {
        self.cards.get(&index)?;
        Some(match self.card_ends.get(&index) {
            None => Ok(()),
            Some(end) => Err(*end),
        })
    }

    pub(super) fn merch_order(&mut self, tables: &EconomyTables, at: &At, item: &str, price: &MerchPrice, edition: &[u8; 32]) -> Result<(), Violation> {
        let actor = at.entry.actor;
        let p = self.enrolled(&actor)?;
        // Priced from the edition it names, which must be the one on sale when it was made:
        // not an older, cheaper one, nor one not yet in force.
        let named = tables.merch.edition(edition).ok_or_else(|| Violation::UnknownMerchEdition(short_digest(edition)))?;
        let in_force = tables.merch.in_force(at.entry.time_ms);
        if in_force.map(|e| e.digest) != Some(named.digest) {
            return Err(Violation::MerchEditionNotInForce { edition: named.short(), from: named.from.clone(), in_force: in_force.map(MerchEdition::short) });
        }
        let m = named.item(item).ok_or_else(|| Violation::UnknownMerch(item.to_string()))?;
        if m.price != *price {
            return Err(Violation::WrongMerchPrice { item: item.to_string(), expected: m.price.describe(), found: price.describe() });
        }
        let sold = self.merch_sold.get(item).copied().unwrap_or(0);
        if sold >= m.stock {
            return Err(Violation::SoldOut { item: item.to_string(), stock: m.stock });
        }
        let mine = p.merch.get(item).copied().unwrap_or(0);
        if mine >= m.per_player {
            return Err(Violation::MerchLimit { player: actor, item: item.to_string(), limit: m.per_player });
        }
        let (stones, crystals) = match *price {
            MerchPrice::Stones { milli } => (take(actor, "milli-stones", p.stones_milli, milli)?, p.crystals),
            MerchPrice::Crystals { count } => (p.stones_milli, take(actor, "crystals", p.crystals, count)?),
        };
        let p = self.players.get_mut(&actor).expect("checked above");
        p.stones_milli = stones;
        p.crystals = crystals;
        *p.merch.entry(item.to_string()).or_default() += 1;
        p.vouchers.push(Voucher { id: voucher_id(&actor, item, at.entry.nonce), item: item.to_string(), redeemed: None });
        self.merch_sold.insert(item.to_string(), sold + 1);
        Ok(())
    }
}
