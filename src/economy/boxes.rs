//! Blind-box draws, provably fair (DESIGN 3): the authority commits to SHA-256(server seed)
//! before the draw; the roll is SHA-256(server seed ‖ client seed ‖ draw number) mapped onto
//! the published table; the revealed seed lets anyone recompute the prize. Pity: `pity`
//! counts boxes since the last pity prize; from box `soft_pity_from` of a cycle the pity
//! prize's chance rises by `soft_pity_step` basis points a box, and box `hard_pity` always
//! holds it. When the cultivation pool cannot pay a stone or fragment, the box refunds its
//! price in crystals instead, and says so.

use sha2::{Digest, Sha256};

use super::tables::{BASIS_POINTS, BlindBoxTable, Odds, PrizeSpec};
use super::MILLI_PER_FRAGMENT;
use crate::ledger::replay::{LedgerState, PlayerState};
use crate::ledger::{Body, Prize, PublicKey};

/// The commitment published before a draw.
pub fn commitment(server_seed: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(server_seed).into()
}

/// The roll of a draw, in basis points (0..10000).
pub fn roll(server_seed: &[u8; 32], client_seed: &[u8; 32], draw: u64) -> u32 {
    let h = Sha256::new().chain_update(server_seed).chain_update(client_seed).chain_update(draw.to_be_bytes()).finalize();
    let v = u64::from_be_bytes(h[..8].try_into().expect("8 bytes"));
    ((u128::from(v) * u128::from(BASIS_POINTS)) >> 64) as u32
}

impl BlindBoxTable {
    pub fn odds(&self, owner: bool) -> &Odds {
        if owner { &self.owner } else { &self.guest }
    }
}

impl Odds {
    fn base_pity_weight(&self) -> u32 {
        self.outcomes.iter().find(|o| o.prize == self.pity_prize).map_or(0, |o| o.weight)
    }

    /// The pity prize's chance (basis points) for the box after `pity` boxes without it.
    pub fn pity_chance(&self, pity: u32) -> u32 {
        let box_number = pity + 1;
        if box_number >= self.hard_pity {
            BASIS_POINTS
        } else if box_number >= self.soft_pity_from {
            let raised = self.base_pity_weight() + self.soft_pity_step * (box_number - self.soft_pity_from + 1);
            raised.min(BASIS_POINTS)
        } else {
            self.base_pity_weight()
        }
    }

    /// Maps a roll onto the table for the box after `pity` boxes without the pity prize. The
    /// other outcomes shrink in proportion while the pity prize's chance is raised.
    pub fn outcome(&self, pity: u32, roll: u32) -> &PrizeSpec {
        let chance = self.pity_chance(pity);
        if roll < chance {
            return &self.pity_prize;
        }
        let base = self.base_pity_weight();
        let rest_total = u64::from(BASIS_POINTS - base);
        // Rescale the roll from [chance, 10000) onto the other outcomes' [0, 10000 - base).
        let scaled = u64::from(roll - chance) * rest_total / u64::from(BASIS_POINTS - chance);
        let mut acc = 0u64;
        for o in self.outcomes.iter().filter(|o| o.prize != self.pity_prize) {
            acc += u64::from(o.weight);
            if scaled < acc {
                return &o.prize;
            }
        }
        unreachable!("validated weights sum to 10000")
    }

    /// The pity counter after a box that held `prize`.
    pub fn next_pity(&self, pity: u32, prize: &Prize) -> u32 {
        if *prize == self.pity_prize.to_prize() { 0 } else { pity.saturating_add(1) }
    }
}

/// The whole draw: the table's prize, or a crystal refund when the cultivation pool cannot
/// pay it (`cultivation_left_milli`).
pub fn resolve(
    table: &BlindBoxTable,
    owner: bool,
    pity: u32,
    server_seed: &[u8; 32],
    client_seed: &[u8; 32],
    draw: u64,
    cultivation_left_milli: u64,
) -> Prize {
    let prize = table.odds(owner).outcome(pity, roll(server_seed, client_seed, draw)).to_prize();
    let cost = match &prize {
        Prize::Stone { amount_milli } => *amount_milli,
        Prize::Fragments { count } => u64::from(*count) * MILLI_PER_FRAGMENT,
        _ => 0,
    };
    if cost > cultivation_left_milli { Prize::Crystals { count: table.price_crystals } } else { prize }
}

/// The box-draw entry body for `player`'s next box with the bundled table: the prize the
/// seeds draw, with the player's draw number and pity counter as the ledger has them.
pub fn draw_body(ledger: &LedgerState, player: PublicKey, state: &PlayerState, server_seed: [u8; 32], client_seed: [u8; 32]) -> Body {
    let tables = super::EconomyTables::bundled();
    let draw = state.boxes_opened;
    let cultivation_left = ledger.supply.cultivation_left_milli();
    let prize = resolve(&tables.boxes, state.is_owner(), state.pity, &server_seed, &client_seed, draw, cultivation_left);
    Body::BoxDraw {
        player,
        price_crystals: tables.boxes.price_crystals,
        table: tables.box_table_digest,
        commitment: commitment(&server_seed),
        server_seed,
        client_seed,
        draw,
        pity: state.pity,
        prize,
    }
}

/// Checks a revealed draw as a player can: the server seed matches the commitment published
/// before the draw, and the seeds give the prize (or the refund of a drained pool).
pub fn check_opening(
    table: &BlindBoxTable,
    owner: bool,
    pity: u32,
    revealed: (&[u8; 32], &[u8; 32], &[u8; 32]),
    draw: u64,
    prize: &Prize,
) -> Result<(), String> {
    let (commitment_published, server_seed, client_seed) = revealed;
    if commitment(server_seed) != *commitment_published {
        return Err("SHA-256 of the revealed server seed is not the commitment".into());
    }
    let drawn = table.odds(owner).outcome(pity, roll(server_seed, client_seed, draw)).to_prize();
    let refund = Prize::Crystals { count: table.price_crystals };
    if *prize == drawn || *prize == refund {
        Ok(())
    } else {
        Err(format!("the seeds draw {drawn:?}, not {prize:?}"))
    }
}
