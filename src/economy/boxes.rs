//! Blind-box draws, provably fair (DESIGN 3): the authority commits to SHA-256(server seed)
//! before the draw; the roll is SHA-256(server seed ‖ client seed ‖ draw number) mapped onto
//! the published table; the revealed seed lets anyone recompute the prize. Pity: `pity`
//! counts boxes since the last pity prize; from box `soft_pity_from` of a cycle the pity
//! prize's chance rises by `soft_pity_step` basis points a box, and box `hard_pity` always
//! holds it. When the cultivation pool cannot pay a stone or fragment, the box refunds its
//! price in crystals instead, and says so.

use sha2::{Digest, Sha256};

use super::tables::{BASIS_POINTS, BlindBoxTable, EconomyTables, Odds, Prize, PrizeSpec};

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
    if prize.pool_cost_milli() > cultivation_left_milli { Prize::Crystals { count: table.price_crystals } } else { prize }
}

/// What a box-draw entry records, as plain values.
#[derive(Clone, Copy, Debug)]
pub struct DrawRecord<'a> {
    pub price_crystals: u64,
    /// SHA-256 of the odds table drawn on.
    pub table: &'a [u8; 32],
    pub commitment: &'a [u8; 32],
    pub server_seed: &'a [u8; 32],
    pub client_seed: &'a [u8; 32],
    pub draw: u64,
    pub pity: u32,
    pub prize: &'a Prize,
}

/// Why a recorded draw is not what the published table and the revealed seed give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrawError {
    UnknownTable,
    WrongPrice { expected: u64, found: u64 },
    BadCommitment,
    WrongPrize { expected: Prize, found: Prize },
}

/// Checks a recorded draw's terms against `tables`: the table it names, its price, and its
/// commitment to the revealed server seed.
pub fn check_terms(tables: &EconomyTables, d: &DrawRecord) -> Result<(), DrawError> {
    if *d.table != tables.box_table_digest {
        return Err(DrawError::UnknownTable);
    }
    if d.price_crystals != tables.boxes.price_crystals {
        return Err(DrawError::WrongPrice { expected: tables.boxes.price_crystals, found: d.price_crystals });
    }
    if commitment(d.server_seed) != *d.commitment {
        return Err(DrawError::BadCommitment);
    }
    Ok(())
}

/// Checks a recorded draw's prize: what its seeds draw on the table for a player who is (or
/// is not) an `owner`, with `cultivation_left_milli` left in the pool. The draw number and
/// pity it records are the caller's to check against the player's counters first.
pub fn check_prize(tables: &EconomyTables, owner: bool, cultivation_left_milli: u64, d: &DrawRecord) -> Result<(), DrawError> {
    let expected = resolve(&tables.boxes, owner, d.pity, d.server_seed, d.client_seed, d.draw, cultivation_left_milli);
    if expected != *d.prize {
        return Err(DrawError::WrongPrize { expected, found: d.prize.clone() });
    }
    Ok(())
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
