//! The state the log replays to: every player's balances, counters and items, the pools'
//! supply, each actor's nonce, and the day beacons; and why an entry may break the rules.
//! The rules themselves, one function per kind of entry, are in `rules`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::entry::{Kind, Pool, Prize, PublicKey, Role, Scope};
use crate::economy::{CULTIVATION_POOL_CAP_MILLI, MILEAGE_POOL_CAP_MILLI, TOTAL_SUPPLY_CAP_MILLI};

/// Most kilometres one car may mine in one day (DESIGN 3).
pub use crate::economy::mileage::DAILY_KM_CAP;
/// Milliseconds in a day: ledger days are UTC days since the Unix epoch.
pub const DAY_MS: u64 = 86_400_000;
/// The origin of a single-player valley on the player's own device. Only there do
/// self-reported trips (no car signed them) mint stones: every other ledger mints only for
/// car-signed trips.
pub const LOCAL_ORIGIN: &str = "crypto-horizon.local/valley";

/// Whether a ledger's origin is a local one (the player's own valley, or a simulation run
/// on one machine): `crypto-horizon.local/…`.
pub fn is_local_origin(origin: &str) -> bool {
    origin.starts_with("crypto-horizon.local/")
}

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
    #[error("vehicle {vehicle:?} already has an owner ({owner})")]
    VehicleOwned { vehicle: String, owner: PublicKey },
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
    #[error("car maker {0} is already trusted")]
    MakerAlreadyTrusted(PublicKey),
    #[error("car maker {0} is not trusted by this valley")]
    UntrustedMaker(PublicKey),
    #[error("the {what} statement for vehicle {vehicle:?} does not verify (strict Ed25519)")]
    BadStatementSignature { what: &'static str, vehicle: String },
    #[error("vehicle {0:?} is already provisioned")]
    CarProvisioned(String),
    #[error("car key {0} already speaks for another vehicle")]
    CarKeyInUse(PublicKey),
    #[error("vehicle {0:?} was never provisioned by a trusted maker")]
    UnprovisionedCar(String),
    #[error("vehicle {0:?} is provisioned by its maker: its owner is the one the car binds, not a claim at enrolment")]
    ProvisionedCar(String),
    #[error("vehicle {vehicle:?} signed counter {counter}, but its last recorded statement has counter {last}")]
    StaleCounter { vehicle: String, counter: u64, last: u64 },
    #[error("vehicle {vehicle:?}: {why}")]
    CarStatement { vehicle: String, why: String },
    #[error("{player} is not the bound owner of vehicle {vehicle:?}")]
    NotCarOwner { vehicle: String, player: PublicKey },
    #[error("vehicle {vehicle:?} would mine {total} km on day {day}, over the daily cap of {DAILY_KM_CAP}")]
    CarDailyCap { vehicle: String, day: u32, total: u64 },
    #[error("this valley mints only for car-signed trips; a self-reported trip cannot be attested")]
    SelfReportedMint,
    #[error("task {0:?} pays only for an event organiser's signed grant")]
    GrantNeeded(String),
    #[error("event organiser {0} is not trusted by this valley")]
    UntrustedOrganiser(PublicKey),
    #[error("event organiser {0} is already trusted")]
    OrganiserAlreadyTrusted(PublicKey),
    #[error("the grant for event {0:?}: {1}")]
    BadGrant(String, String),
    #[error("voucher {0} is not one of the signer's: only its owner redeems it")]
    NotYourVoucher(String),
    #[error("voucher {id} was already redeemed (entry {at})")]
    VoucherRedeemed { id: String, at: u64 },
    #[error("{0} has no box commitment {1} to open")]
    NoBoxToOpen(PublicKey, String),
    #[error("{0} already signed a seed for this box")]
    BoxAlreadyOpening(PublicKey),
    #[error("the box draw of {0} does not use the seed the player signed")]
    SeedNotSigned(PublicKey),
    #[error("{0} already has a box commitment waiting to be opened")]
    BoxAlreadyCommitted(PublicKey),
    #[error("the box draw of {0} has no commitment recorded before it")]
    NoRecordedCommitment(PublicKey),
    #[error("the box draw reveals commitment {found}, but the one recorded for {player} is {recorded}")]
    CommitmentNotRecorded { player: PublicKey, recorded: String, found: String },
    #[error("{0:?} is not in the merch shop's catalogue edition the order names")]
    UnknownMerch(String),
    #[error("the merch order names catalogue edition {0}, which this build does not have (an edition was edited, or the build is older than the ledger)")]
    UnknownMerchEdition(String),
    #[error("the merch order is priced from catalogue edition {edition} (from {from}), but the edition on sale when it was made is {in_force:?}")]
    MerchEditionNotInForce { edition: String, from: String, in_force: Option<String> },
    #[error("{item} costs {expected}, not {found}")]
    WrongMerchPrice { item: String, expected: String, found: String },
    #[error("{item} is sold out: all {stock} were ordered")]
    SoldOut { item: String, stock: u32 },
    #[error("{player} already ordered {item} {limit} time(s), the most one player may")]
    MerchLimit { player: PublicKey, item: String, limit: u32 },
    #[error("the twin card of {player} states {what} {found}, but the ledger has {expected}")]
    CardFact { player: PublicKey, what: &'static str, expected: String, found: String },
    #[error("the twin card of {player} says it replaces {found:?}, but the player's card is {current:?}")]
    CardChain { player: PublicKey, current: Option<u64>, found: Option<u64> },
    #[error("the twin card of {0} states the same facts as the card it replaces")]
    CardUnchanged(PublicKey),
    #[error("{player} already has {limit} twin cards recorded today, the most a day")]
    CardsPerDay { player: PublicKey, limit: u32 },
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
    /// The owner-signed redemption's entry, once redeemed.
    pub redeemed: Option<u64>,
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
    /// The recorded commitment of the player's next box, until it is opened (one that is
    /// never opened stays here, visible to auditors).
    pub open_box: Option<OpenBox>,
    /// Box commitments recorded for the player so far.
    pub boxes_committed: u64,
    /// Whether blind boxes draw from the owners' table (stones and fragments) for them: a
    /// car owner in a local valley; in a shared one only the owner a provisioned car binds
    /// (a name claimed at enrolment is no car).
    pub draws_as_owner: bool,
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
    /// The player's current twin card (its entry), while it stands.
    pub card: Option<u64>,
    /// Twin cards recorded on a UTC day: (day, count), for the daily limit.
    pub cards_on_day: (u32, u32),
    /// Merch items ordered, by id: how many of each.
    pub merch: BTreeMap<String, u32>,
    /// Digests of the trip summaries attested, so that no trip is paid twice.
    pub trips: BTreeSet<[u8; 32]>,
    /// Km attested by self-reported trips per day of the trip, for the daily cap (only a
    /// local valley attests them).
    pub(super) day_km: BTreeMap<u32, u64>,
}

impl PlayerState {
    pub(super) fn new(name: String, role: Role) -> Self {
        PlayerState {
            name,
            role,
            stones_milli: 0,
            fragments: 0,
            crystals: 0,
            pity: 0,
            boxes_opened: 0,
            open_box: None,
            boxes_committed: 0,
            draws_as_owner: false,
            km_attested: 0,
            consents: BTreeMap::new(),
            items: BTreeSet::new(),
            vouchers: Vec::new(),
            deposits: BTreeMap::new(),
            task_xp: 0,
            tasks: BTreeMap::new(),
            card: None,
            cards_on_day: (0, 0),
            merch: BTreeMap::new(),
            trips: BTreeSet::new(),
            day_km: BTreeMap::new(),
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

/// A box commitment on the ledger, waiting for its draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenBox {
    /// The box-commit entry.
    pub index: u64,
    pub commitment: [u8; 32],
    /// Which of the player's commitments it is (0 for the first).
    pub seq: u64,
    /// The seed the player signed to open it with, once they have.
    pub client_seed: Option<[u8; 32]>,
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
    pub(super) nonces: HashMap<PublicKey, u64>,
    /// Each actor's latest entry: a retried request whose answer was lost is found here
    /// without reading the log.
    pub(super) last_entry: HashMap<PublicKey, u64>,
    /// Day → the tree root before the first entry of that day (or of the first later day
    /// with entries): the beacon of trips driven that day.
    pub(super) beacons: BTreeMap<u32, [u8; 32]>,
    pub(super) last_day: Option<u32>,
    /// Vehicle pseudonym (as [`vehicle_key`] folds it) → its one owner.
    pub(super) owners: HashMap<String, PublicKey>,
    /// Car makers whose keys provision vehicles, with their names.
    pub makers: BTreeMap<PublicKey, String>,
    /// Provisioned cars by pseudonym (as [`vehicle_key`] folds it).
    pub cars: HashMap<String, CarState>,
    pub(super) car_keys: HashSet<PublicKey>,
    /// Event organisers whose grants pay co-creation crystals, with their names.
    pub organisers: BTreeMap<PublicKey, String>,
    /// Grants paid, by digest: each pays once.
    pub(super) grants_used: HashSet<[u8; 32]>,
    /// The register of redeemed vouchers: id → the redemption's entry.
    pub redeemed: HashMap<String, u64>,
    /// Whether self-reported trips may mint (a local valley, see [`is_local_origin`]).
    pub self_reported_mints: bool,
    /// Merch items ordered across all players, by id (the stock check).
    pub merch_sold: BTreeMap<String, u32>,
    /// Every twin card: its entry → whose it is.
    pub cards: BTreeMap<u64, PublicKey>,
    /// Cards that no longer stand, and why.
    pub card_ends: BTreeMap<u64, super::twin_card::CardEnd>,
    /// The facts of each card that stands (a new one is recorded only when they change).
    pub(super) card_facts: HashMap<u64, super::twin_card::TwinCard>,
}

/// A provisioned car as the ledger knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarState {
    pub vehicle: String,
    pub maker: PublicKey,
    /// The key of its telematics unit: it signs the car's bindings and trips.
    pub key: PublicKey,
    /// When the maker provisioned it: its trips start after it.
    pub provisioned_ms: u64,
    pub owner: Option<PublicKey>,
    /// When the current owner's binding was signed.
    pub bound_ms: u64,
    /// The counter of its latest recorded statement.
    pub counter: Option<u64>,
    /// The odometer at the end of its latest recorded trip, in metres.
    pub odometer_m: u64,
    /// Minable km per UTC day of trip start, kept for the days a trip may still arrive.
    pub day_km: BTreeMap<u32, u64>,
}

impl CarState {
    pub(super) fn new(p: &super::car::Provision) -> Self {
        CarState { vehicle: p.vehicle.clone(), maker: p.maker, key: p.car, provisioned_ms: p.time_ms, owner: None, bound_ms: 0, counter: None, odometer_m: 0, day_km: BTreeMap::new() }
    }

    /// Km still minable on `day` (days since the epoch, UTC).
    pub fn km_left_on(&self, day: u32) -> u64 {
        u64::from(DAILY_KM_CAP).saturating_sub(self.day_km.get(&day).copied().unwrap_or(0))
    }
}

/// A vehicle pseudonym as the one-owner-per-car rule compares it: without surrounding
/// spaces and with ASCII letters folded, so that "ev-1 " and "EV-1" are one car.
pub fn vehicle_key(vehicle: &str) -> String {
    vehicle.trim().to_ascii_uppercase()
}

/// Adds a trusted key (a car maker's, an event organiser's) to its register, once.
pub(super) fn trust(register: &mut BTreeMap<PublicKey, String>, key: PublicKey, name: &str, already: fn(PublicKey) -> Violation) -> Result<(), Violation> {
    if key.verifying_key().is_none() {
        return Err(Violation::BadKey(key));
    }
    if register.contains_key(&key) {
        return Err(already(key));
    }
    register.insert(key, name.to_string());
    Ok(())
}

pub(super) fn add(a: u64, b: u64) -> Result<u64, Violation> {
    a.checked_add(b).ok_or(Violation::Overflow)
}

pub(super) fn take(player: PublicKey, what: &'static str, have: u64, need: u64) -> Result<u64, Violation> {
    have.checked_sub(need).ok_or(Violation::Insufficient { player, what, have, need })
}

impl LedgerState {
    pub fn player(&self, key: &PublicKey) -> Option<&PlayerState> {
        self.players.get(key)
    }

    /// The owner enrolled with this vehicle, if any.
    pub fn owner_of(&self, vehicle: &str) -> Option<PublicKey> {
        self.owners.get(&vehicle_key(vehicle)).copied()
    }

    /// The provisioned car with this pseudonym, if any.
    pub fn car(&self, vehicle: &str) -> Option<&CarState> {
        self.cars.get(&vehicle_key(vehicle))
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

    pub(super) fn enrolled(&self, key: &PublicKey) -> Result<&PlayerState, Violation> {
        self.players.get(key).ok_or(Violation::UnknownPlayer(*key))
    }

    pub(super) fn owner(&self, key: &PublicKey) -> Result<&PlayerState, Violation> {
        let p = self.enrolled(key)?;
        if p.is_owner() { Ok(p) } else { Err(Violation::GuestCannotMine(*key)) }
    }

    pub(super) fn issue(&self, pool: Pool, amount: u64) -> Result<Supply, Violation> {
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
}
