//! Replaying the log: every balance is recomputed from the entries, and every entry must keep
//! the economy's rules. The same check guards appends, so a bad entry is never stored.
//!
//! What replay recomputes rather than trusts: each mileage attestation's drops (the draw of
//! every km from the day's beacon, at the era's rate, capped so the pool is never exceeded),
//! each box's prize (from its revealed seed and the published table), each purchase's price
//! (from the catalogue), each task's reward.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::entry::{Body, Entry, Kind, Pool, Prize, PublicKey, Role, Scope};
use crate::economy::tables::{Category, Repeat};
use crate::economy::{
    CULTIVATION_POOL_CAP_MILLI, EconomyTables, FRAGMENTS_PER_STONE, MILEAGE_POOL_CAP_MILLI, MILLI_PER_FRAGMENT,
    MILLI_PER_STONE, TOTAL_SUPPLY_CAP_MILLI, boxes, mileage,
};

/// Most kilometres one car may mine in one day (DESIGN 3).
pub const DAILY_KM_CAP: u32 = 500;
/// Milliseconds in a day: ledger days are UTC days since the Unix epoch.
pub const DAY_MS: u64 = 86_400_000;

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
    #[error("trip {0} was already attested")]
    TripAttestedTwice(String),
    #[error("a trip on day {trip_day} attested on day {entry_day}, before it was driven")]
    FutureTrip { trip_day: u32, entry_day: u32 },
    #[error("the beacon is not the checkpoint root fixed before day {day} (expected {expected})")]
    WrongBeacon { day: u32, expected: String },
    #[error("mint of km {km_index} matches no unmined deposit of that player from entry {cause}")]
    NoSuchDeposit { cause: u64, km_index: u64 },
    #[error("mint pays {found} milli-stones, but the deposit holds {expected}")]
    WrongMintAmount { expected: u64, found: u64 },
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
    #[error("the box draw uses an odds table this ledger does not know")]
    UnknownTable,
    #[error("a box costs {expected} crystals, not {found}")]
    WrongBoxPrice { expected: u64, found: u64 },
    #[error("the box recorded {found:?}, but its revealed seed draws {expected:?}")]
    WrongPrize { expected: Prize, found: Prize },
    #[error("guest {0} received stones or fragments from a box")]
    GuestPrize(PublicKey),
    #[error("fragments combine in tens, not {0}")]
    BadCombine(u32),
    #[error("{0:?} is not in the upgrade catalogue")]
    UnknownItem(String),
    #[error("{0:?} comes only from blind boxes")]
    BoxOnlyItem(String),
    #[error("{item:?} costs {expected} milli-stones, not {found}")]
    WrongPrice { item: String, expected: u64, found: u64 },
    #[error("{0:?} is already owned")]
    AlreadyOwned(String),
    #[error("{item:?} needs {requires:?} first")]
    MissingRequirement { item: String, requires: String },
    #[error("{0:?} is not a task")]
    UnknownTask(String),
    #[error("task {task:?} pays {expected} crystals, not {found}")]
    WrongReward { task: String, expected: u64, found: u64 },
    #[error("task {0:?} was already rewarded (once only)")]
    TaskDone(String),
    #[error("task {0:?} was already rewarded today")]
    TaskDoneToday(String),
    #[error("the authority cannot enrol itself as a player")]
    AuthorityAsPlayer,
    #[error("{0} is not a valid Ed25519 public key")]
    BadKey(PublicKey),
    #[error("a balance overflowed")]
    Overflow,
}

/// Stones earned by mileage, waiting in the valley to be mined (or credited after the grace
/// period).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deposit {
    /// Index of the attestation that earned it.
    pub cause: u64,
    pub km_index: u64,
    pub amount_milli: u64,
    /// Day it was earned, i.e. attested (the grace period runs from it).
    pub day: u32,
}

/// A real-car entitlement bought with stones: what a car backend redeems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voucher {
    pub id: String,
    pub item: String,
}

/// The voucher id of a purchase: derived from the signed purchase, so anyone can recompute it.
pub fn voucher_id(player: &PublicKey, item: &str, nonce: u64) -> String {
    let h = Sha256::new().chain_update(b"voucher").chain_update(player.0).chain_update(item).chain_update(nonce.to_be_bytes()).finalize();
    format!("CHV-{}", hex::encode_upper(&h[..8]))
}

/// What the ledger says about one player.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerState {
    pub name: String,
    pub role: Role,
    pub stones_milli: u64,
    pub fragments: u64,
    pub crystals: u64,
    /// Boxes opened since the last pity prize (the counter players see).
    pub pity: u32,
    pub boxes_opened: u64,
    pub km_attested: u64,
    pub consents: BTreeMap<Scope, bool>,
    /// Upgrades bought and cosmetics won.
    pub items: BTreeSet<String>,
    pub vouchers: Vec<Voucher>,
    /// Unmined deposits by km index.
    pub deposits: BTreeMap<u64, Deposit>,
    /// XP from tasks (the twin adds XP from kilometres).
    pub task_xp: u64,
    /// Day each task was last rewarded.
    pub tasks: BTreeMap<String, u32>,
    /// Digests of the trip summaries attested, so that no trip is paid twice.
    pub trips: BTreeSet<[u8; 32]>,
    /// The day of the latest attestation and the km attested on it, for the daily cap.
    day_km: (u32, u64),
}

impl PlayerState {
    fn new(name: String, role: Role) -> Self {
        PlayerState {
            name,
            role,
            stones_milli: 0,
            fragments: 0,
            crystals: 0,
            pity: 0,
            boxes_opened: 0,
            km_attested: 0,
            consents: BTreeMap::new(),
            items: BTreeSet::new(),
            vouchers: Vec::new(),
            deposits: BTreeMap::new(),
            task_xp: 0,
            tasks: BTreeMap::new(),
            trips: BTreeSet::new(),
            day_km: (0, 0),
        }
    }

    pub fn is_owner(&self) -> bool {
        matches!(self.role, Role::Owner { .. })
    }

    pub fn consented(&self, scope: Scope) -> bool {
        self.consents.get(&scope).copied().unwrap_or(false)
    }

    /// Milli-stones in unmined deposits.
    pub fn unmined_milli(&self) -> u64 {
        self.deposits.values().map(|d| d.amount_milli).sum()
    }
}

/// Stones issued so far, per pool, in milli-stones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Supply {
    pub mileage_milli: u64,
    pub cultivation_milli: u64,
    /// Mileage stones earned, including deposits not yet mined (never above the cap).
    pub mileage_earned_milli: u64,
}

impl Supply {
    pub fn total_milli(&self) -> u64 {
        self.mileage_milli + self.cultivation_milli
    }

    pub fn cultivation_left_milli(&self) -> u64 {
        CULTIVATION_POOL_CAP_MILLI - self.cultivation_milli
    }
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
    /// Verified kilometres of the whole network (the era clock).
    pub network_km: u64,
    nonces: HashMap<PublicKey, u64>,
    /// Each actor's latest entry: a retried request whose answer was lost is found here
    /// without reading the log.
    last_entry: HashMap<PublicKey, u64>,
    /// Day → the tree root before the first entry of that day (or of the first later day
    /// with entries): the beacon of trips driven that day.
    beacons: BTreeMap<u32, [u8; 32]>,
    last_day: Option<u32>,
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

    /// The index of the actor's latest entry.
    pub fn last_entry_of(&self, actor: &PublicKey) -> Option<u64> {
        self.last_entry.get(actor).copied()
    }

    /// The beacon for trips driven on `day`, once the ledger has an entry on or after it.
    pub fn beacon_for_day(&self, day: u32) -> Option<[u8; 32]> {
        self.beacons.range(day..).next().map(|(_, root)| *root)
    }

    /// The beacon an attestation appended now writes for a trip on `day`, given the current
    /// tree root (which becomes the beacon if the attestation opens a new day).
    pub fn beacon_at(&self, day: u32, current_root: [u8; 32]) -> [u8; 32] {
        self.beacon_for_day(day).unwrap_or(current_root)
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
    /// it; on error nothing that matters changes. `root_before` gives the tree root before
    /// this entry; it is called only on the first entry of a day (to fix that day's beacon).
    /// Signatures are checked by the caller (in batches).
    pub fn apply(&mut self, index: u64, entry: &Entry, root_before: impl FnOnce() -> [u8; 32]) -> Result<(), Violation> {
        let entry_day = (entry.time_ms / DAY_MS) as u32;
        if self.last_day.is_none_or(|d| entry_day > d) {
            self.beacons.insert(entry_day, root_before());
            self.last_day = Some(entry_day);
        }
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
        let tables = EconomyTables::bundled();

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
                self.players.insert(*player, PlayerState::new(name.clone(), role.clone()));
            }
            Body::Consent { scope, granted } => {
                self.players.get_mut(&actor).expect("checked above").consents.insert(*scope, *granted);
            }
            Body::MileageAttestation { player, trip, day, km, first_km, beacon } => {
                let p = self.owner(player)?;
                if p.trips.contains(trip) {
                    return Err(Violation::TripAttestedTwice(hex::encode(&trip[..8])));
                }
                if !p.consented(Scope::Mileage) {
                    return Err(Violation::NoMileageConsent(*player));
                }
                if *day > entry_day {
                    return Err(Violation::FutureTrip { trip_day: *day, entry_day });
                }
                let expected = self.beacon_for_day(*day).expect("today's beacon was just recorded");
                if *beacon != expected {
                    return Err(Violation::WrongBeacon { day: *day, expected: hex::encode(expected) });
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
                let drops = mileage::drops(beacon, player, *first_km, *km, self.network_km);
                let mut earned = self.supply.mileage_earned_milli;
                let p = self.players.get_mut(player).expect("checked above");
                for km_index in drops {
                    // The pool is capped exactly: the last drop pays what is left.
                    let amount = mileage::DROP_MILLI.min(MILEAGE_POOL_CAP_MILLI - earned);
                    if amount == 0 {
                        break;
                    }
                    earned += amount;
                    p.deposits.insert(km_index, Deposit { cause: index, km_index, amount_milli: amount, day: entry_day });
                }
                p.km_attested = km_attested;
                p.day_km = (*day, total);
                p.trips.insert(*trip);
                self.supply.mileage_earned_milli = earned;
                self.network_km = add(self.network_km, u64::from(*km))?;
            }
            Body::Mint { player, pool, amount_milli, cause, km_index } => {
                let p = self.owner(player)?;
                if *pool == Pool::Cultivation {
                    return Err(Violation::CultivationMint);
                }
                let deposit = p
                    .deposits
                    .get(km_index)
                    .filter(|d| d.cause == *cause)
                    .ok_or(Violation::NoSuchDeposit { cause: *cause, km_index: *km_index })?;
                if deposit.amount_milli != *amount_milli {
                    return Err(Violation::WrongMintAmount { expected: deposit.amount_milli, found: *amount_milli });
                }
                let stones = add(p.stones_milli, *amount_milli)?;
                self.supply = self.issue(*pool, *amount_milli)?;
                let p = self.players.get_mut(player).expect("checked above");
                p.stones_milli = stones;
                p.deposits.remove(km_index);
            }
            Body::CrystalAward { player, amount, task } => {
                let p = self.enrolled(player)?;
                let t = tables.task(task).ok_or_else(|| Violation::UnknownTask(task.clone()))?;
                if t.crystals != *amount {
                    return Err(Violation::WrongReward { task: task.clone(), expected: t.crystals, found: *amount });
                }
                match (t.repeat, p.tasks.get(task)) {
                    (Repeat::Once, Some(_)) => return Err(Violation::TaskDone(task.clone())),
                    (Repeat::Daily, Some(&d)) if d == entry_day => return Err(Violation::TaskDoneToday(task.clone())),
                    _ => {}
                }
                let crystals = add(p.crystals, *amount)?;
                let xp = add(p.task_xp, t.xp)?;
                let p = self.players.get_mut(player).expect("checked above");
                p.crystals = crystals;
                p.task_xp = xp;
                p.tasks.insert(task.clone(), entry_day);
            }
            Body::BoxDraw { player, price_crystals, table, commitment, server_seed, client_seed, draw, pity, prize } => {
                let p = self.enrolled(player)?;
                if *table != tables.box_table_digest {
                    return Err(Violation::UnknownTable);
                }
                if *price_crystals != tables.boxes.price_crystals {
                    return Err(Violation::WrongBoxPrice { expected: tables.boxes.price_crystals, found: *price_crystals });
                }
                if boxes::commitment(server_seed) != *commitment {
                    return Err(Violation::BadCommitment);
                }
                if *draw != p.boxes_opened {
                    return Err(Violation::BadDrawNumber { player: *player, expected: p.boxes_opened, found: *draw });
                }
                if *pity != p.pity {
                    return Err(Violation::BadPity { player: *player, expected: p.pity, found: *pity });
                }
                let expected = boxes::resolve(
                    &tables.boxes,
                    p.is_owner(),
                    p.pity,
                    server_seed,
                    client_seed,
                    *draw,
                    self.supply.cultivation_left_milli(),
                );
                if expected != *prize {
                    return Err(Violation::WrongPrize { expected, found: prize.clone() });
                }
                let mut next = p.clone();
                next.crystals = take(*player, "crystals", p.crystals, *price_crystals)?;
                next.boxes_opened += 1;
                next.pity = tables.boxes.odds(p.is_owner()).next_pity(p.pity, prize);
                let mut supply = self.supply;
                match prize {
                    Prize::Gift { item } => {
                        next.items.insert(item.clone());
                    }
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
                    }
                }
                self.supply = supply;
                self.players.insert(*player, next);
            }
            Body::Purchase { item, price_milli } => {
                let p = self.enrolled(&actor)?;
                let u = tables.upgrade(item).ok_or_else(|| Violation::UnknownItem(item.clone()))?;
                if u.box_only {
                    return Err(Violation::BoxOnlyItem(item.clone()));
                }
                if u.price_milli != *price_milli {
                    return Err(Violation::WrongPrice { item: item.clone(), expected: u.price_milli, found: *price_milli });
                }
                if p.items.contains(item) {
                    return Err(Violation::AlreadyOwned(item.clone()));
                }
                if let Some(req) = &u.requires
                    && !p.items.contains(req)
                {
                    return Err(Violation::MissingRequirement { item: item.clone(), requires: req.clone() });
                }
                let stones = take(actor, "milli-stones", p.stones_milli, *price_milli)?;
                let p = self.players.get_mut(&actor).expect("checked above");
                p.stones_milli = stones;
                p.items.insert(item.clone());
                if u.category == Category::Entitlement {
                    p.vouchers.push(Voucher { id: voucher_id(&actor, item, entry.nonce), item: item.clone() });
                }
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
        self.last_entry.insert(actor, index);
        self.entries += 1;
        *self.entries_by_kind.entry(kind).or_default() += 1;
        Ok(())
    }
}
