//! The twin card: a certificate of a player's twin, recorded by the authority. Every fact
//! on it is one the ledger already shows, and replay recomputes each from the entries
//! before it, so a card cannot claim more than its player has. No VIN, no place: the
//! vehicle is named by its pseudonym, as on the ledger.
//!
//! ```text
//! player:[32] name:string vehicle:(u8 0 | u8 1 string) level:u32 xp:u64 km:u64
//! stones_milli:u64 upgrades:(u16 n, n × string) supersedes:(u8 0 | u8 1 u64)
//! ```

use super::codec::{DecodeError, Reader, Writer};
use super::public_key::PublicKey;

/// Most upgrades a card lists (the catalogue has fewer).
pub const MAX_CARD_UPGRADES: usize = 64;
/// Cards one player may have recorded in a UTC day (a new card needs a change anyway).
pub const CARDS_PER_DAY: u32 = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwinCard {
    pub player: PublicKey,
    /// The player's pseudonym as enrolled.
    pub name: String,
    /// The car's pseudonym, for an owner.
    pub vehicle: Option<String>,
    /// The ledger's level: from 20 XP per attested km and the tasks' XP.
    pub level: u32,
    pub xp: u64,
    /// Kilometres attested from real trips.
    pub km: u64,
    pub stones_milli: u64,
    /// Upgrades and cosmetics owned, in id order.
    pub upgrades: Vec<String>,
    /// The player's card this one replaces.
    pub supersedes: Option<u64>,
}

impl TwinCard {
    /// Whether two cards state the same facts (a new card is recorded only when they differ).
    pub fn same_facts(&self, other: &TwinCard) -> bool {
        TwinCard { supersedes: None, ..self.clone() } == TwinCard { supersedes: None, ..other.clone() }
    }

    pub(super) fn strings(&self) -> Vec<&str> {
        let mut out = vec![self.name.as_str()];
        out.extend(self.vehicle.as_deref());
        out.extend(self.upgrades.iter().map(String::as_str));
        out
    }

    pub(super) fn encode(&self, w: &mut Writer) {
        w.bytes32(&self.player.0);
        w.string(&self.name);
        match &self.vehicle {
            None => w.u8(0),
            Some(v) => {
                w.u8(1);
                w.string(v);
            }
        }
        w.u32(self.level);
        w.u64(self.xp);
        w.u64(self.km);
        w.u64(self.stones_milli);
        w.raw(&(self.upgrades.len() as u16).to_be_bytes());
        for u in &self.upgrades {
            w.string(u);
        }
        match self.supersedes {
            None => w.u8(0),
            Some(i) => {
                w.u8(1);
                w.u64(i);
            }
        }
    }

    pub(super) fn decode(r: &mut Reader) -> Result<TwinCard, DecodeError> {
        let player = PublicKey(r.bytes32("player key")?);
        let name = r.string("player name")?;
        let vehicle = match r.u8("vehicle flag")? {
            0 => None,
            1 => Some(r.string("vehicle pseudonym")?),
            _ => return Err(r.error("vehicle flag 0 (none) or 1")),
        };
        let level = r.u32("level")?;
        let xp = r.u64("xp")?;
        let km = r.u64("kilometres")?;
        let stones_milli = r.u64("stones")?;
        let n = u16::from_be_bytes([r.u8("upgrade count")?, r.u8("upgrade count")?]) as usize;
        if n > MAX_CARD_UPGRADES {
            return Err(r.error(format!("at most {MAX_CARD_UPGRADES} upgrades, found {n}")));
        }
        let upgrades = (0..n).map(|_| r.string("upgrade id")).collect::<Result<Vec<_>, _>>()?;
        let supersedes = match r.u8("supersedes flag")? {
            0 => None,
            1 => Some(r.u64("superseded card's entry")?),
            _ => return Err(r.error("supersedes flag 0 (none) or 1")),
        };
        Ok(TwinCard { player, name, vehicle, level, xp, km, stones_milli, upgrades, supersedes })
    }
}

/// Why a card no longer stands, as replay finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardEnd {
    /// A newer card of the same player, at this entry.
    Superseded { by: u64 },
    /// The car was bound to another owner, at this entry (the twin went with the car).
    CarTransferred { at: u64 },
}
