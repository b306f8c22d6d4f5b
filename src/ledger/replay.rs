//! Replaying the log: every balance is recomputed from the entries, and every entry must keep
//! the economy's invariants. The same check guards appends, so a bad entry is never stored.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use super::entry::{Body, Entry, Kind, Pool, Prize, PublicKey, Role, Scope};
use crate::economy::{
    CULTIVATION_POOL_CAP_MILLI, FRAGMENTS_PER_STONE, MILEAGE_POOL_CAP_MILLI, MILLI_PER_FRAGMENT, MILLI_PER_STONE,
    TOTAL_SUPPLY_CAP_MILLI,
};

/// Most kilometres one car may mine in one day (DESIGN 3).
pub const DAILY_KM_CAP: u32 = 500;

/// Why an entry breaks the ledger's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("entry 0 must be the genesis entry, found {0}")]
    MissingGenesis(Kind),
    #[error("a second genesis entry")]
    SecondGenesis,
    #[error("genesis fixes pool caps {0}/{1} milli-stones, but the rules are {MILEAGE_POOL_CAP_MILLI}/{CULTIVATION_POOL_CAP_MILLI}")]
    WrongCaps(u64, u64),
    #[error("{kind} must be signed by the valley authority, not {actor}")]
    NotAuthority { kind: Kind, actor: PublicKey },
    #[error("{kind} signed by {actor}, who is not an enrolled player")]
    UnknownActor { kind: Kind, actor: PublicKey },
    #[error("player {0} is not enrolled")]
    UnknownPlayer(PublicKey),
    #[error("player {0} is already enrolled")]
    AlreadyEnrolled(PublicKey),
    #[error("nonce {nonce} of {actor} was already used (last nonce {last})")]
    ReusedNonce { actor: PublicKey, nonce: u64, last: u64 },
    #[error("{0} is a guest: only car owners receive stones and mileage")]
    GuestCannotMine(PublicKey),
    #[error("{0} has not consented to share mileage")]
    NoMileageConsent(PublicKey),
    #[error("attestation starts at km {found} but {player} has attested {expected} km so far")]
    KmNotContiguous { player: PublicKey, expected: u64, found: u64 },
    #[error("{player} would mine {total} km on day {day}, over the daily cap of {DAILY_KM_CAP}")]
    DailyCap { player: PublicKey, day: u32, total: u64 },
    #[error("mint cites entry {0}, which is not a mileage attestation for that player")]
    BadMintCause(u64),
    #[error("mint pays km {km_index}, outside the attested km or already paid")]
    BadMintKm { km_index: u64 },
    #[error("cultivation stones are paid only by blind boxes, not by a mint")]
    CultivationMint,
    #[error("a zero amount")]
    ZeroAmount,
    #[error("the {pool:?} pool would exceed its cap: {issued} + {amount} > {cap} milli-stones")]
    PoolCap { pool: Pool, issued: u64, amount: u64, cap: u64 },
    #[error("total supply would exceed 300,000,000 stones")]
    TotalCap,
    #[error("{player} has {have} {what} but spends {need}")]
    Insufficient { player: PublicKey, what: &'static str, have: u64, need: u64 },
    #[error("draw commitment does not match SHA-256 of the revealed server seed")]
    BadCommitment,
    #[error("box draw number {found}, but {player} has opened {expected} boxes")]
    BadDrawNumber { player: PublicKey, expected: u64, found: u64 },
    #[error("box draw records pity {found}, but {player}'s counter is {expected}")]
    BadPity { player: PublicKey, expected: u32, found: u32 },
    #[error("guest {0} received stones or fragments from a box")]
    GuestPrize(PublicKey),
    #[error("fragments combine in tens, not {0}")]
    BadCombine(u32),
    #[error("the authority cannot enrol itself as a player")]
    AuthorityAsPlayer,
    #[error("{0} is not a valid Ed25519 public key")]
    BadKey(PublicKey),
    #[error("a balance overflowed")]
    Overflow,
}

/// What the ledger says about one player.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerState {
    pub name: String,
    pub role: Role,
    pub stones_milli: u64,
    pub fragments: u64,
    pub crystals: u64,
    /// Boxes opened since the last stone (the pity counter players see).
    pub pity: u32,
    pub boxes_opened: u64,
    pub km_attested: u64,
    pub consents: BTreeMap<Scope, bool>,
    pub purchases: Vec<String>,
    /// Next kilometre index that may still be paid by a mint.
    next_mintable_km: u64,
    /// The day of the latest attestation and the km attested on it, for the daily cap.
    day_km: (u32, u64),
}

impl PlayerState {
    pub fn is_owner(&self) -> bool {
        matches!(self.role, Role::Owner { .. })
    }

    pub fn consented(&self, scope: Scope) -> bool {
        self.consents.get(&scope).copied().unwrap_or(false)
    }
}

/// Stones issued so far, per pool, in milli-stones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Supply {
    pub mileage_milli: u64,
    pub cultivation_milli: u64,
}

impl Supply {
    pub fn total_milli(&self) -> u64 {
        self.mileage_milli + self.cultivation_milli
    }
}

/// A mileage attestation remembered so that the mints it causes can be checked.
#[derive(Clone, Copy, Debug)]
struct Attested {
    player: PublicKey,
    first_km: u64,
    km: u32,
}

/// The state the log replays to.
#[derive(Clone, Debug, Default)]
pub struct LedgerState {
    pub origin: String,
    pub authority: Option<PublicKey>,
    pub players: HashMap<PublicKey, PlayerState>,
    pub supply: Supply,
    pub entries: u64,
    pub entries_by_kind: BTreeMap<Kind, u64>,
    nonces: HashMap<PublicKey, u64>,
    attestations: HashMap<u64, Attested>,
}

fn add(a: u64, b: u64) -> Result<u64, Violation> {
    a.checked_add(b).ok_or(Violation::Overflow)
}

fn take(player: PublicKey, what: &'static str, have: u64, need: u64) -> Result<u64, Violation> {
    have.checked_sub(need).ok_or(Violation::Insufficient { player, what, have, need })
}

impl LedgerState {
    pub fn player(&self, key: &PublicKey) -> Option<&PlayerState> {
        self.players.get(key)
    }

    /// The nonce the actor must use next.
    pub fn next_nonce(&self, actor: &PublicKey) -> u64 {
        self.nonces.get(actor).map_or(0, |n| n + 1)
    }

    fn enrolled(&self, key: &PublicKey) -> Result<&PlayerState, Violation> {
        self.players.get(key).ok_or(Violation::UnknownPlayer(*key))
    }

    fn owner(&self, key: &PublicKey) -> Result<&PlayerState, Violation> {
        let p = self.enrolled(key)?;
        if p.is_owner() { Ok(p) } else { Err(Violation::GuestCannotMine(*key)) }
    }

    fn issue(&self, pool: Pool, amount: u64) -> Result<Supply, Violation> {
        let mut supply = self.supply;
        let (issued, cap) = match pool {
            Pool::Mileage => (&mut supply.mileage_milli, MILEAGE_POOL_CAP_MILLI),
            Pool::Cultivation => (&mut supply.cultivation_milli, CULTIVATION_POOL_CAP_MILLI),
        };
        let new = add(*issued, amount)?;
        if new > cap {
            return Err(Violation::PoolCap { pool, issued: *issued, amount, cap });
        }
        *issued = new;
        if supply.total_milli() > TOTAL_SUPPLY_CAP_MILLI {
            return Err(Violation::TotalCap);
        }
        Ok(supply)
    }

    /// Checks entry `index` against everything before it and, if it keeps every rule, applies
    /// it. On error nothing changes. Signatures are checked by the caller (in batches).
    pub fn apply(&mut self, index: u64, entry: &Entry) -> Result<(), Violation> {
        let kind = entry.kind();
        let actor = entry.actor;
        match (index, &entry.body) {
            (0, Body::Genesis { .. }) => {}
            (0, _) => return Err(Violation::MissingGenesis(kind)),
            (_, Body::Genesis { .. }) => return Err(Violation::SecondGenesis),
            _ => {}
        }
        if index > 0 {
            let authority = self.authority.expect("set by genesis");
            if kind.signed_by_authority() && actor != authority {
                return Err(Violation::NotAuthority { kind, actor });
            }
            if !kind.signed_by_authority() && !self.players.contains_key(&actor) {
                return Err(Violation::UnknownActor { kind, actor });
            }
        }
        if let Some(&last) = self.nonces.get(&actor)
            && entry.nonce <= last
        {
            return Err(Violation::ReusedNonce { actor, nonce: entry.nonce, last });
        }

        match &entry.body {
            Body::Genesis { origin, mileage_cap_milli, cultivation_cap_milli } => {
                if (*mileage_cap_milli, *cultivation_cap_milli) != (MILEAGE_POOL_CAP_MILLI, CULTIVATION_POOL_CAP_MILLI) {
                    return Err(Violation::WrongCaps(*mileage_cap_milli, *cultivation_cap_milli));
                }
                if actor.verifying_key().is_none() {
                    return Err(Violation::BadKey(actor));
                }
                self.origin = origin.clone();
                self.authority = Some(actor);
            }
            Body::Enrol { player, role, name } => {
                if self.players.contains_key(player) {
                    return Err(Violation::AlreadyEnrolled(*player));
                }
                if Some(*player) == self.authority {
                    return Err(Violation::AuthorityAsPlayer);
                }
                if player.verifying_key().is_none() {
                    return Err(Violation::BadKey(*player));
                }
                self.players.insert(
                    *player,
                    PlayerState {
                        name: name.clone(),
                        role: role.clone(),
                        stones_milli: 0,
                        fragments: 0,
                        crystals: 0,
                        pity: 0,
                        boxes_opened: 0,
                        km_attested: 0,
                        consents: BTreeMap::new(),
                        purchases: Vec::new(),
                        next_mintable_km: 0,
                        day_km: (0, 0),
                    },
                );
            }
            Body::Consent { scope, granted } => {
                self.players.get_mut(&actor).expect("checked above").consents.insert(*scope, *granted);
            }
            Body::MileageAttestation { player, day, km, first_km, .. } => {
                let p = self.owner(player)?;
                if !p.consented(Scope::Mileage) {
                    return Err(Violation::NoMileageConsent(*player));
                }
                if *first_km != p.km_attested {
                    return Err(Violation::KmNotContiguous { player: *player, expected: p.km_attested, found: *first_km });
                }
                let today = if p.day_km.0 == *day { p.day_km.1 } else { 0 };
                let total = add(today, u64::from(*km))?;
                if total > u64::from(DAILY_KM_CAP) {
                    return Err(Violation::DailyCap { player: *player, day: *day, total });
                }
                let km_attested = add(p.km_attested, u64::from(*km))?;
                let p = self.players.get_mut(player).expect("checked above");
                p.km_attested = km_attested;
                p.day_km = (*day, total);
                self.attestations.insert(index, Attested { player: *player, first_km: *first_km, km: *km });
            }
            Body::Mint { player, pool, amount_milli, cause, km_index } => {
                let p = self.owner(player)?;
                if *pool == Pool::Cultivation {
                    return Err(Violation::CultivationMint);
                }
                if *amount_milli == 0 {
                    return Err(Violation::ZeroAmount);
                }
                let att = self.attestations.get(cause).filter(|a| a.player == *player).ok_or(Violation::BadMintCause(*cause))?;
                let in_attestation = (att.first_km..att.first_km + u64::from(att.km)).contains(km_index);
                if !in_attestation || *km_index < p.next_mintable_km {
                    return Err(Violation::BadMintKm { km_index: *km_index });
                }
                let stones = add(p.stones_milli, *amount_milli)?;
                self.supply = self.issue(*pool, *amount_milli)?;
                let p = self.players.get_mut(player).expect("checked above");
                p.stones_milli = stones;
                p.next_mintable_km = km_index + 1;
            }
            Body::CrystalAward { player, amount, .. } => {
                let p = self.enrolled(player)?;
                if *amount == 0 {
                    return Err(Violation::ZeroAmount);
                }
                let crystals = add(p.crystals, *amount)?;
                self.players.get_mut(player).expect("checked above").crystals = crystals;
            }
            Body::BoxDraw { player, price_crystals, commitment, server_seed, draw, pity, prize, .. } => {
                let p = self.enrolled(player)?;
                if Sha256::digest(server_seed).as_slice() != commitment {
                    return Err(Violation::BadCommitment);
                }
                if *draw != p.boxes_opened {
                    return Err(Violation::BadDrawNumber { player: *player, expected: p.boxes_opened, found: *draw });
                }
                if *pity != p.pity {
                    return Err(Violation::BadPity { player: *player, expected: p.pity, found: *pity });
                }
                let mut next = p.clone();
                next.crystals = take(*player, "crystals", p.crystals, *price_crystals)?;
                next.boxes_opened += 1;
                next.pity = p.pity.saturating_add(1);
                let mut supply = self.supply;
                match prize {
                    Prize::Gift { .. } => {}
                    Prize::Crystals { count } => next.crystals = add(next.crystals, *count)?,
                    Prize::Fragments { count } => {
                        if !p.is_owner() {
                            return Err(Violation::GuestPrize(*player));
                        }
                        supply = self.issue(Pool::Cultivation, u64::from(*count) * MILLI_PER_FRAGMENT)?;
                        next.fragments = add(next.fragments, u64::from(*count))?;
                    }
                    Prize::Stone { amount_milli } => {
                        if !p.is_owner() {
                            return Err(Violation::GuestPrize(*player));
                        }
                        supply = self.issue(Pool::Cultivation, *amount_milli)?;
                        next.stones_milli = add(next.stones_milli, *amount_milli)?;
                        next.pity = 0;
                    }
                }
                self.supply = supply;
                self.players.insert(*player, next);
            }
            Body::Purchase { item, price_milli } => {
                let p = self.enrolled(&actor)?;
                if *price_milli == 0 {
                    return Err(Violation::ZeroAmount);
                }
                let stones = take(actor, "milli-stones", p.stones_milli, *price_milli)?;
                let p = self.players.get_mut(&actor).expect("checked above");
                p.stones_milli = stones;
                p.purchases.push(item.clone());
            }
            Body::Combine { fragments } => {
                let p = self.enrolled(&actor)?;
                let n = u64::from(*fragments);
                if n == 0 || n % FRAGMENTS_PER_STONE != 0 {
                    return Err(Violation::BadCombine(*fragments));
                }
                let left = take(actor, "fragments", p.fragments, n)?;
                let stones = add(p.stones_milli, n / FRAGMENTS_PER_STONE * MILLI_PER_STONE)?;
                let p = self.players.get_mut(&actor).expect("checked above");
                p.fragments = left;
                p.stones_milli = stones;
            }
        }
        self.nonces.insert(actor, entry.nonce);
        self.entries += 1;
        *self.entries_by_kind.entry(kind).or_default() += 1;
        Ok(())
    }
}
