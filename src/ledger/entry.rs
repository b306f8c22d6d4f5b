//! Ledger entries: what the economy records, in one canonical encoding, signed by the actor.
//!
//! Layout of an encoded entry (all integers big-endian):
//!
//! ```text
//! "CHE1" kind:u8 actor:[32] nonce:u64 time_ms:u64 body… signature:[64]
//! ```
//!
//! The signature is Ed25519 by `actor` over every byte before it; the leading magic keeps a
//! player's entry signatures apart from anything else the same key signs.
//!
//! (Over 400 lines on purpose: the body kinds and their canonical encoding and decoding are
//! one format, kept side by side so that a change to one is made with the others.)

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey};

use super::car::{Binding, CarTrip, Provision};
use super::grant::Grant;
use super::twin_card::TwinCard;
use super::statement::Statement;
use super::codec::{DecodeError, MAX_STRING_LEN, Reader, Writer};
use crate::economy::format_stones;
use crate::economy::merch::MerchPrice;

/// Domain-separating prefix of every entry.
pub const ENTRY_MAGIC: &[u8; 4] = b"CHE1";
/// Bytes of the signature that ends every entry.
pub const SIGNATURE_LEN: usize = 64;

pub use super::codec::StringTooLong;
pub use super::public_key::PublicKey;

/// Whether a player owns a real car (and so may receive stones) or is a guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Guest,
    /// The car is known only by a pseudonym (DESIGN 5).
    Owner { vehicle: String },
}

/// What a player consents to share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Trip distances and odometer readings.
    Mileage,
    /// Counts of hard braking and acceleration.
    Behaviour,
}

/// The two pools that stones are mined from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pool {
    Mileage,
    Cultivation,
}

/// What a blind box held: defined by the economy, recorded by box-draw entries.
pub use crate::economy::Prize;

/// The kinds of entry, for filtering and display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Genesis,
    Enrol,
    Consent,
    MileageAttestation,
    Mint,
    CrystalAward,
    BoxDraw,
    Purchase,
    Combine,
    TrustMaker,
    Provision,
    Bind,
    CarTrip,
    BoxCommit,
    Redeem,
    TrustOrganiser,
    GrantAward,
    BoxOpen,
    MerchOrder,
    TwinCard,
}

impl Kind {
    pub const ALL: [Kind; 20] = [
        Kind::Genesis,
        Kind::Enrol,
        Kind::Consent,
        Kind::MileageAttestation,
        Kind::Mint,
        Kind::CrystalAward,
        Kind::BoxDraw,
        Kind::Purchase,
        Kind::Combine,
        Kind::TrustMaker,
        Kind::Provision,
        Kind::Bind,
        Kind::CarTrip,
        Kind::BoxCommit,
        Kind::Redeem,
        Kind::TrustOrganiser,
        Kind::GrantAward,
        Kind::BoxOpen,
        Kind::MerchOrder,
        Kind::TwinCard,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Genesis => "genesis",
            Kind::Enrol => "enrol",
            Kind::Consent => "consent",
            Kind::MileageAttestation => "mileage-attestation",
            Kind::Mint => "mint",
            Kind::CrystalAward => "crystal-award",
            Kind::BoxDraw => "box-draw",
            Kind::Purchase => "purchase",
            Kind::Combine => "combine",
            Kind::TrustMaker => "trust-maker",
            Kind::Provision => "provision",
            Kind::Bind => "bind",
            Kind::CarTrip => "car-trip",
            Kind::BoxCommit => "box-commit",
            Kind::Redeem => "redeem",
            Kind::TrustOrganiser => "trust-organiser",
            Kind::GrantAward => "grant-award",
            Kind::BoxOpen => "box-open",
            Kind::MerchOrder => "merch-order",
            Kind::TwinCard => "twin-card",
        }
    }

    fn tag(self) -> u8 {
        self as u8
    }

    fn from_tag(tag: u8) -> Option<Kind> {
        Kind::ALL.get(tag as usize).copied()
    }

    /// Kinds only the valley authority may sign; the rest are signed by the player.
    pub fn signed_by_authority(self) -> bool {
        !matches!(self, Kind::Consent | Kind::Purchase | Kind::Combine | Kind::Redeem | Kind::BoxOpen | Kind::MerchOrder)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an entry records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Entry 0: names the log and its authority (the signer), and fixes the pool caps.
    Genesis { origin: String, mileage_cap_milli: u64, cultivation_cap_milli: u64 },
    /// The authority admits a player, as a car owner or a guest.
    Enrol { player: PublicKey, role: Role, name: String },
    /// The player grants or revokes a scope.
    Consent { scope: Scope, granted: bool },
    /// The authority attests verified kilometres from one consented trip summary.
    /// `first_km` is the player's running km index of the first of these `km`, and `beacon`
    /// the checkpoint root fixed before they were driven (the seed of the mileage draws).
    MileageAttestation { player: PublicKey, trip: [u8; 32], day: u32, km: u32, first_km: u64, beacon: [u8; 32] },
    /// The authority credits stones from a pool. `cause` is the index of the entry that
    /// earned them (an attestation), `km_index` the kilometre whose draw paid.
    Mint { player: PublicKey, pool: Pool, amount_milli: u64, cause: u64, km_index: u64 },
    /// The authority awards crystals for a finished task.
    CrystalAward { player: PublicKey, amount: u64, task: String },
    /// The authority opens a blind box: the player pays crystals and receives the prize.
    /// `commitment` is SHA-256(server_seed), published before the draw.
    BoxDraw {
        player: PublicKey,
        price_crystals: u64,
        table: [u8; 32],
        commitment: [u8; 32],
        server_seed: [u8; 32],
        client_seed: [u8; 32],
        draw: u64,
        pity: u32,
        prize: Prize,
    },
    /// The player spends stones on a catalogue item.
    Purchase { item: String, price_milli: u64 },
    /// The player combines fragments (a multiple of ten) into whole stones.
    Combine { fragments: u32 },
    /// The authority trusts this car maker's key to provision vehicles.
    TrustMaker { maker: PublicKey, name: String },
    /// The authority records a maker's provisioning of a vehicle.
    Provision(Provision),
    /// The authority records a car's binding of its owner.
    Bind(Binding),
    /// The authority records a car-signed trip of the car's owner: `km` of its whole km are
    /// minable (fewer when the car's daily cap bit), from the player's running km index
    /// `first_km`. The draws' seed is this entry's own signature (see `car::draw_seed`).
    CarTrip { player: PublicKey, trip: CarTrip, km: u32, first_km: u64 },
    /// The authority commits to the server seed of the player's next box, SHA-256(seed),
    /// on the ledger before the player chooses a seed of their own.
    BoxCommit { player: PublicKey, commitment: [u8; 32] },
    /// The player redeems one of their vouchers (a real-car entitlement): only its owner
    /// can sign this, and a voucher is redeemed once.
    Redeem { voucher: String },
    /// The authority trusts this event organiser's key to grant co-creation crystals.
    TrustOrganiser { organiser: PublicKey, name: String },
    /// The authority pays a co-creation task's crystals for an organiser's grant.
    GrantAward { player: PublicKey, task: String, amount: u64, grant: Grant },
    /// The player opens their committed box with a seed of their own, signed, so that
    /// replay knows the draw used the player's seed.
    BoxOpen { commitment: [u8; 32], client_seed: [u8; 32] },
    /// The player orders merch: the item, the price they agreed to, and the catalogue
    /// edition it was priced from (its digest; replay checks it was the one in force). It
    /// makes a voucher, redeemed by its owner once, the shipping address kept off the ledger.
    MerchOrder { item: String, price: MerchPrice, edition: [u8; 32] },
    /// The authority records a twin card of the player: facts replay checks.
    TwinCard(TwinCard),
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Genesis { .. } => Kind::Genesis,
            Body::Enrol { .. } => Kind::Enrol,
            Body::Consent { .. } => Kind::Consent,
            Body::MileageAttestation { .. } => Kind::MileageAttestation,
            Body::Mint { .. } => Kind::Mint,
            Body::CrystalAward { .. } => Kind::CrystalAward,
            Body::BoxDraw { .. } => Kind::BoxDraw,
            Body::Purchase { .. } => Kind::Purchase,
            Body::Combine { .. } => Kind::Combine,
            Body::TrustMaker { .. } => Kind::TrustMaker,
            Body::Provision(_) => Kind::Provision,
            Body::Bind(_) => Kind::Bind,
            Body::CarTrip { .. } => Kind::CarTrip,
            Body::BoxCommit { .. } => Kind::BoxCommit,
            Body::Redeem { .. } => Kind::Redeem,
            Body::TrustOrganiser { .. } => Kind::TrustOrganiser,
            Body::GrantAward { .. } => Kind::GrantAward,
            Body::BoxOpen { .. } => Kind::BoxOpen,
            Body::MerchOrder { .. } => Kind::MerchOrder,
            Body::TwinCard(_) => Kind::TwinCard,
        }
    }

    /// The player an authority entry is about (None for genesis and player-signed entries).
    pub fn subject(&self) -> Option<PublicKey> {
        match self {
            Body::Enrol { player, .. }
            | Body::MileageAttestation { player, .. }
            | Body::Mint { player, .. }
            | Body::CrystalAward { player, .. }
            | Body::BoxDraw { player, .. }
            | Body::CarTrip { player, .. }
            | Body::BoxCommit { player, .. }
            | Body::GrantAward { player, .. } => Some(*player),
            Body::Bind(b) => Some(b.owner),
            Body::TwinCard(c) => Some(c.player),
            _ => None,
        }
    }

    fn strings(&self) -> Vec<&str> {
        match self {
            Body::Genesis { origin, .. } => vec![origin.as_str()],
            Body::Enrol { role: Role::Owner { vehicle }, name, .. } => vec![vehicle.as_str(), name.as_str()],
            Body::Enrol { name, .. } => vec![name.as_str()],
            Body::CrystalAward { task, .. } => vec![task.as_str()],
            Body::BoxDraw { prize: Prize::Gift { item }, .. } => vec![item.as_str()],
            Body::Purchase { item, .. } => vec![item.as_str()],
            Body::TrustMaker { name, .. } => vec![name.as_str()],
            Body::Provision(p) => vec![p.vehicle.as_str()],
            Body::Bind(b) => vec![b.vehicle.as_str()],
            Body::CarTrip { trip, .. } => vec![trip.vehicle.as_str()],
            Body::Redeem { voucher } => vec![voucher.as_str()],
            Body::TrustOrganiser { name, .. } => vec![name.as_str()],
            Body::GrantAward { task, grant, .. } => vec![task.as_str(), grant.event.as_str(), grant.valley.as_str()],
            Body::MerchOrder { item, .. } => vec![item.as_str()],
            Body::TwinCard(c) => c.strings(),
            _ => vec![],
        }
    }

    fn encode(&self, w: &mut Writer) {
        match self {
            Body::Genesis { origin, mileage_cap_milli, cultivation_cap_milli } => {
                w.string(origin);
                w.u64(*mileage_cap_milli);
                w.u64(*cultivation_cap_milli);
            }
            Body::Enrol { player, role, name } => {
                w.bytes32(&player.0);
                match role {
                    Role::Guest => w.u8(0),
                    Role::Owner { vehicle } => {
                        w.u8(1);
                        w.string(vehicle);
                    }
                }
                w.string(name);
            }
            Body::Consent { scope, granted } => {
                w.u8(*scope as u8);
                w.bool(*granted);
            }
            Body::MileageAttestation { player, trip, day, km, first_km, beacon } => {
                w.bytes32(&player.0);
                w.bytes32(trip);
                w.u32(*day);
                w.u32(*km);
                w.u64(*first_km);
                w.bytes32(beacon);
            }
            Body::Mint { player, pool, amount_milli, cause, km_index } => {
                w.bytes32(&player.0);
                w.u8(*pool as u8);
                w.u64(*amount_milli);
                w.u64(*cause);
                w.u64(*km_index);
            }
            Body::CrystalAward { player, amount, task } => {
                w.bytes32(&player.0);
                w.u64(*amount);
                w.string(task);
            }
            Body::BoxDraw { player, price_crystals, table, commitment, server_seed, client_seed, draw, pity, prize } => {
                w.bytes32(&player.0);
                w.u64(*price_crystals);
                w.bytes32(table);
                w.bytes32(commitment);
                w.bytes32(server_seed);
                w.bytes32(client_seed);
                w.u64(*draw);
                w.u32(*pity);
                match prize {
                    Prize::Gift { item } => {
                        w.u8(0);
                        w.string(item);
                    }
                    Prize::Fragments { count } => {
                        w.u8(1);
                        w.u32(*count);
                    }
                    Prize::Stone { amount_milli } => {
                        w.u8(2);
                        w.u64(*amount_milli);
                    }
                    Prize::Crystals { count } => {
                        w.u8(3);
                        w.u64(*count);
                    }
                }
            }
            Body::Purchase { item, price_milli } => {
                w.string(item);
                w.u64(*price_milli);
            }
            Body::Combine { fragments } => w.u32(*fragments),
            Body::TrustMaker { maker, name } => {
                w.bytes32(&maker.0);
                w.string(name);
            }
            Body::Provision(p) => p.encode(w),
            Body::Bind(b) => b.encode(w),
            Body::CarTrip { player, trip, km, first_km } => {
                w.bytes32(&player.0);
                trip.encode(w);
                w.u32(*km);
                w.u64(*first_km);
            }
            Body::BoxCommit { player, commitment } => {
                w.bytes32(&player.0);
                w.bytes32(commitment);
            }
            Body::Redeem { voucher } => w.string(voucher),
            Body::TrustOrganiser { organiser, name } => {
                w.bytes32(&organiser.0);
                w.string(name);
            }
            Body::GrantAward { player, task, amount, grant } => {
                w.bytes32(&player.0);
                w.string(task);
                w.u64(*amount);
                grant.encode(w);
            }
            Body::BoxOpen { commitment, client_seed } => {
                w.bytes32(commitment);
                w.bytes32(client_seed);
            }
            Body::MerchOrder { item, price, edition } => {
                w.string(item);
                match price {
                    MerchPrice::Stones { milli } => {
                        w.u8(0);
                        w.u64(*milli);
                    }
                    MerchPrice::Crystals { count } => {
                        w.u8(1);
                        w.u64(*count);
                    }
                }
                w.bytes32(edition);
            }
            Body::TwinCard(c) => c.encode(w),
        }
    }

    fn decode(kind: Kind, r: &mut Reader) -> Result<Body, DecodeError> {
        let key = |r: &mut Reader, what: &str| r.bytes32(what).map(PublicKey);
        Ok(match kind {
            Kind::Genesis => Body::Genesis {
                origin: r.string("origin")?,
                mileage_cap_milli: r.u64("mileage pool cap")?,
                cultivation_cap_milli: r.u64("cultivation pool cap")?,
            },
            Kind::Enrol => {
                let player = key(r, "player key")?;
                let role = match r.u8("role")? {
                    0 => Role::Guest,
                    1 => Role::Owner { vehicle: r.string("vehicle pseudonym")? },
                    _ => return Err(r.error("role 0 (guest) or 1 (owner)")),
                };
                Body::Enrol { player, role, name: r.string("player name")? }
            }
            Kind::Consent => {
                let scope = match r.u8("scope")? {
                    0 => Scope::Mileage,
                    1 => Scope::Behaviour,
                    _ => return Err(r.error("scope 0 (mileage) or 1 (behaviour)")),
                };
                Body::Consent { scope, granted: r.bool("granted flag")? }
            }
            Kind::MileageAttestation => Body::MileageAttestation {
                player: key(r, "player key")?,
                trip: r.bytes32("trip digest")?,
                day: r.u32("day")?,
                km: r.u32("kilometres")?,
                first_km: r.u64("first km index")?,
                beacon: r.bytes32("beacon")?,
            },
            Kind::Mint => Body::Mint {
                player: key(r, "player key")?,
                pool: match r.u8("pool")? {
                    0 => Pool::Mileage,
                    1 => Pool::Cultivation,
                    _ => return Err(r.error("pool 0 (mileage) or 1 (cultivation)")),
                },
                amount_milli: r.u64("amount")?,
                cause: r.u64("cause entry index")?,
                km_index: r.u64("km index")?,
            },
            Kind::CrystalAward => Body::CrystalAward {
                player: key(r, "player key")?,
                amount: r.u64("crystal amount")?,
                task: r.string("task id")?,
            },
            Kind::BoxDraw => Body::BoxDraw {
                player: key(r, "player key")?,
                price_crystals: r.u64("price")?,
                table: r.bytes32("odds table digest")?,
                commitment: r.bytes32("commitment")?,
                server_seed: r.bytes32("server seed")?,
                client_seed: r.bytes32("client seed")?,
                draw: r.u64("draw number")?,
                pity: r.u32("pity counter")?,
                prize: match r.u8("prize kind")? {
                    0 => Prize::Gift { item: r.string("gift item")? },
                    1 => Prize::Fragments { count: r.u32("fragment count")? },
                    2 => Prize::Stone { amount_milli: r.u64("stone amount")? },
                    3 => Prize::Crystals { count: r.u64("crystal count")? },
                    _ => return Err(r.error("prize kind 0..=3")),
                },
            },
            Kind::Purchase => Body::Purchase { item: r.string("item id")?, price_milli: r.u64("price")? },
            Kind::Combine => Body::Combine { fragments: r.u32("fragment count")? },
            Kind::TrustMaker => Body::TrustMaker { maker: key(r, "maker key")?, name: r.string("maker name")? },
            Kind::Provision => Body::Provision(Provision::decode_signed(r)?),
            Kind::Bind => Body::Bind(Binding::decode_signed(r)?),
            Kind::CarTrip => Body::CarTrip {
                player: key(r, "player key")?,
                trip: CarTrip::decode_signed(r)?,
                km: r.u32("minable kilometres")?,
                first_km: r.u64("first km index")?,
            },
            Kind::BoxCommit => Body::BoxCommit { player: key(r, "player key")?, commitment: r.bytes32("commitment")? },
            Kind::Redeem => Body::Redeem { voucher: r.string("voucher id")? },
            Kind::TrustOrganiser => Body::TrustOrganiser { organiser: key(r, "organiser key")?, name: r.string("organiser name")? },
            Kind::GrantAward => Body::GrantAward {
                player: key(r, "player key")?,
                task: r.string("task id")?,
                amount: r.u64("crystal amount")?,
                grant: Grant::decode_signed(r)?,
            },
            Kind::BoxOpen => Body::BoxOpen { commitment: r.bytes32("commitment")?, client_seed: r.bytes32("client seed")? },
            Kind::MerchOrder => Body::MerchOrder {
                item: r.string("merch item id")?,
                price: match r.u8("currency")? {
                    0 => MerchPrice::Stones { milli: r.u64("price in milli-stones")? },
                    1 => MerchPrice::Crystals { count: r.u64("price in crystals")? },
                    _ => return Err(r.error("currency 0 (stones) or 1 (crystals)")),
                },
                edition: r.bytes32("catalogue edition digest")?,
            },
            Kind::TwinCard => Body::TwinCard(TwinCard::decode(r)?),
        })
    }
}

/// One signed ledger entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub actor: PublicKey,
    /// Per-actor sequence number: strictly increasing, so no signed entry can be replayed.
    pub nonce: u64,
    /// When the authority sequenced it (Unix milliseconds).
    pub time_ms: u64,
    pub body: Body,
    pub signature: [u8; 64],
}

impl Entry {
    /// Builds and signs an entry.
    pub fn sign(body: Body, key: &SigningKey, nonce: u64, time_ms: u64) -> Result<Entry, StringTooLong> {
        if let Some(s) = body.strings().into_iter().find(|s| s.len() > MAX_STRING_LEN) {
            return Err(StringTooLong(s.len()));
        }
        let mut entry =
            Entry { actor: PublicKey::from_signing_key(key), nonce, time_ms, body, signature: [0; 64] };
        let unsigned = entry.unsigned_bytes();
        entry.signature = key.sign(&unsigned).to_bytes();
        Ok(entry)
    }

    pub fn kind(&self) -> Kind {
        self.body.kind()
    }

    fn unsigned_bytes(&self) -> Vec<u8> {
        let mut w = Writer { bytes: Vec::with_capacity(256) };
        w.raw(ENTRY_MAGIC);
        w.u8(self.kind().tag());
        w.bytes32(&self.actor.0);
        w.u64(self.nonce);
        w.u64(self.time_ms);
        self.body.encode(&mut w);
        w.bytes
    }

    /// The canonical bytes: what is stored, hashed into the tree and signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.unsigned_bytes();
        bytes.extend_from_slice(&self.signature);
        bytes
    }

    /// Parses canonical bytes; anything but exactly one well-formed entry is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Entry, DecodeError> {
        let mut r = Reader::new(bytes);
        let magic = r.u32("entry magic \"CHE1\"")?;
        if magic.to_be_bytes() != *ENTRY_MAGIC {
            return Err(DecodeError { offset: 0, expected: "entry magic \"CHE1\"".into() });
        }
        let tag = r.u8("entry kind")?;
        let kind = Kind::from_tag(tag).ok_or_else(|| DecodeError {
            offset: 4,
            expected: format!("entry kind 0..={}, found {tag}", Kind::ALL.len() - 1),
        })?;
        let actor = PublicKey(r.bytes32("actor key")?);
        let nonce = r.u64("nonce")?;
        let time_ms = r.u64("time")?;
        let body = Body::decode(kind, &mut r)?;
        let signature = r.bytes64("signature")?;
        r.finish()?;
        Ok(Entry { actor, nonce, time_ms, body, signature })
    }

    /// Checks the actor's signature on its own, strictly: no small-order key, no
    /// non-canonical signature (see `verify` for batches).
    pub fn signature_is_valid(&self) -> bool {
        let Some(key) = self.actor.verifying_key() else { return false };
        key.verify_strict(&self.unsigned_bytes(), &Signature::from_bytes(&self.signature)).is_ok()
    }

    /// One line for people: kind, actor and the gist of the body.
    pub fn summary(&self) -> String {
        let gist = match &self.body {
            Body::Genesis { origin, .. } => format!("log {origin}"),
            Body::Enrol { player, role: Role::Guest, name } => format!("{player} \"{}\" as guest", printable(name)),
            Body::Enrol { player, role: Role::Owner { vehicle }, name } => {
                format!("{player} \"{}\" as owner of {}", printable(name), printable(vehicle))
            }
            Body::Consent { scope, granted } => {
                format!("{} {:?}", if *granted { "grants" } else { "revokes" }, scope).to_lowercase()
            }
            Body::MileageAttestation { player, km, day, .. } => format!("{player}: {km} km on day {day}"),
            Body::Mint { player, pool, amount_milli, .. } => {
                format!("{player}: {} stones from the {pool:?} pool", format_stones(*amount_milli)).to_lowercase()
            }
            Body::CrystalAward { player, amount, task } => format!("{player}: {amount} crystals for {task}"),
            Body::BoxDraw { player, prize, draw, .. } => format!("{player}: box #{draw} → {prize:?}"),
            Body::Purchase { item, price_milli } => format!("{item} for {} stones", format_stones(*price_milli)),
            Body::Combine { fragments } => format!("{fragments} fragments into stones"),
            Body::TrustMaker { maker, name } => format!("trusts car maker {} ({maker})", printable(name)),
            Body::Provision(p) => format!("{} provisioned by maker {} with car key {}", printable(&p.vehicle), p.maker, p.car),
            Body::Bind(b) => format!("{} binds owner {} (car counter {})", printable(&b.vehicle), b.owner, b.counter),
            Body::CarTrip { player, trip, km, .. } => {
                format!("{player}: car-signed trip {} of {}, {km} km minable", trip.counter, printable(&trip.vehicle))
            }
            Body::BoxCommit { player, commitment } => format!("{player}: box commitment {}", hex::encode(&commitment[..8])),
            Body::Redeem { voucher } => format!("redeems voucher {}", printable(voucher)),
            Body::TrustOrganiser { organiser, name } => format!("trusts event organiser {} ({organiser})", printable(name)),
            Body::BoxOpen { commitment, .. } => format!("opens box {}", hex::encode(&commitment[..8])),
            Body::GrantAward { player, amount, grant, .. } => format!("{player}: {amount} crystals for event {} granted by {}", printable(&grant.event), grant.organiser),
            Body::MerchOrder { item, price, edition } => format!("orders {} for {} (catalogue edition {})", printable(item), price.describe(), crate::economy::merch::short_digest(edition)),
            Body::TwinCard(c) => format!(
                "{}: twin card, level {}, {} km, {} stones, {} upgrades{}",
                c.player,
                c.level,
                c.km,
                format_stones(c.stones_milli),
                c.upgrades.len(),
                c.supersedes.map(|i| format!(", replaces the card of entry {i}")).unwrap_or_default()
            ),
        };
        format!("{} by {} (nonce {}): {gist}", self.kind(), self.actor, self.nonce)
    }
}

/// Characters a name must not hold: controls (terminal escapes) and the invisible
/// direction and width marks that make one text look like another.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}'
        )
}

/// Longest name or vehicle pseudonym, in characters.
pub const MAX_LABEL_CHARS: usize = 32;

/// What is wrong with a name or pseudonym, if anything: they are shown to other players
/// and printed in terminals, so printable text of 1 to [`MAX_LABEL_CHARS`] characters.
pub fn label_problem(what: &str, text: &str) -> Option<String> {
    let chars = text.chars().count();
    if text.trim().is_empty() || chars > MAX_LABEL_CHARS {
        return Some(format!("the {what} must be 1 to {MAX_LABEL_CHARS} characters (it has {chars})"));
    }
    text.chars().find(|&c| is_unprintable(c)).map(|c| format!("the {what} holds the unprintable character U+{:04X}", c as u32))
}

/// A name or pseudonym from the ledger, safe to print: unprintable characters become U+FFFD
/// and anything past 64 characters is cut (older ledgers were not checked at enrolment).
pub fn printable(text: &str) -> String {
    let mut out: String = text.chars().take(64).map(|c| if is_unprintable(c) { '\u{fffd}' } else { c }).collect();
    if text.chars().nth(64).is_some() {
        out.push('…');
    }
    out
}
