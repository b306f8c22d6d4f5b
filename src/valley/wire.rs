//! What travels between `horizon serve` and its clients: signed requests and the JSON of
//! each answer. Shared by the server and the HTTP client so that they cannot drift apart.
//!
//! Every request that acts for a player carries four headers:
//! `X-Horizon-Key` (the player's public key, hex), `X-Horizon-Time` (Unix ms),
//! `Idempotency-Key` (unique per intent, kept by the client's queue across retries) and
//! `X-Horizon-Signature` (Ed25519, base64) over [`request_message`], which names the server
//! (its log's verifier key), so that a request signed for one server is refused by any other.
//! The server answers a repeated idempotency key with the stored answer instead of acting twice.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{BoxOpening, ImportReport, ValleyError};
use crate::ledger::replay::Deposit;
use crate::ledger::car::{Binding, Provision, SignedTrip, Statement};
use crate::ledger::{Entry, NamedKey, Prize, PublicKey, Role};
use crate::telemetry::car_signed::Pairing;
use crate::telemetry::{CheckedTrip, TripSummary, Verdict};

pub const HEADER_KEY: &str = "x-horizon-key";
pub const HEADER_TIME: &str = "x-horizon-time";
pub const HEADER_IDEMPOTENCY: &str = "idempotency-key";
pub const HEADER_SIGNATURE: &str = "x-horizon-signature";
/// Set on an answer that was stored from an earlier identical request.
pub const HEADER_REPLAYED: &str = "x-horizon-replayed";
/// How far a request's time may be from the server's (ms) when its idempotency key is new.
pub const MAX_CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

/// Most trip summaries one request may carry (the client sends more in several requests).
pub const MAX_TRIPS_PER_REQUEST: usize = 100;
/// How far ahead of the server's clock a player-signed entry may be dated (clocks drift). A
/// day far ahead would fix that day's beacon and leave the days before it without one.
pub const ENTRY_MAX_AHEAD_MS: u64 = 5 * 60 * 1000;
/// How old a player-signed entry may be when it reaches the server: a week in the
/// offline queue, no more.
pub const ENTRY_MAX_AGE_MS: u64 = 7 * 86_400_000;

/// Why a player-signed entry dated `time_ms` is refused by a server whose clock reads `now_ms`.
pub fn entry_time_refusal(time_ms: u64, now_ms: u64) -> Option<String> {
    let show = crate::telemetry::format_time_ms;
    if time_ms > now_ms.saturating_add(ENTRY_MAX_AHEAD_MS) {
        Some(format!(
            "the entry is dated {} ({} s ahead of the valley's clock, {}); at most {} s ahead",
            show(time_ms),
            (time_ms - now_ms) / 1000,
            show(now_ms),
            ENTRY_MAX_AHEAD_MS / 1000
        ))
    } else if time_ms.saturating_add(ENTRY_MAX_AGE_MS) < now_ms {
        Some(format!("the entry is dated {}, older than {} days by the valley's clock ({}); sign it again", show(time_ms), ENTRY_MAX_AGE_MS / 86_400_000, show(now_ms)))
    } else {
        None
    }
}

/// The bytes a player signs for one request to the server whose log's verifier key is `server`.
pub fn request_message(server: &str, method: &str, path: &str, time_ms: u64, idempotency: &str, body: &[u8]) -> Vec<u8> {
    format!("crypto-horizon/request@2\n{server}\n{method}\n{path}\n{time_ms}\n{idempotency}\n{}\n", hex::encode(Sha256::digest(body))).into_bytes()
}

/// The four headers of a request signed for the server whose verifier key is `server`.
pub fn sign_request(key: &NamedKey, server: &str, method: &str, path: &str, time_ms: u64, idempotency: &str, body: &[u8]) -> [(&'static str, String); 4] {
    let signature = key.signing_key.sign(&request_message(server, method, path, time_ms, idempotency, body));
    [
        (HEADER_KEY, key.public_key().to_hex()),
        (HEADER_TIME, time_ms.to_string()),
        (HEADER_IDEMPOTENCY, idempotency.to_string()),
        (HEADER_SIGNATURE, B64.encode(signature.to_bytes())),
    ]
}

/// Checks a request's signature; Err says what is wrong, for the 401 answer.
pub fn verify_request(key_hex: &str, signature_b64: &str, message: &[u8]) -> Result<PublicKey, String> {
    let key = PublicKey::from_hex(key_hex).ok_or_else(|| format!("{HEADER_KEY} {key_hex:?} is not a public key"))?;
    let verifying = key.verifying_key().ok_or_else(|| format!("{HEADER_KEY} {key_hex:?} is not a valid Ed25519 key"))?;
    let bytes = B64.decode(signature_b64).map_err(|_| format!("{HEADER_SIGNATURE} is not base64"))?;
    let signature = Signature::from_slice(&bytes).map_err(|_| format!("{HEADER_SIGNATURE} is not an Ed25519 signature"))?;
    // Strict: no small-order keys, no non-canonical signatures (no malleability).
    verifying
        .verify_strict(message, &signature)
        .map_err(|_| format!("the request's signature does not verify for key {} and this server", key.fingerprint()))?;
    Ok(key)
}

/// A fresh idempotency key (128 random bits, hex).
pub fn new_idempotency_key() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct EnrolRequest {
    pub name: String,
    /// The car's pseudonym for an owner; None for a guest.
    pub vehicle: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TripsRequest {
    pub trips: Vec<TripSummary>,
}

/// Car-signed trips: base64 of each [`SignedTrip`]'s bytes (the statement and its details).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CarTripsRequest {
    pub trips: Vec<String>,
}

impl CarTripsRequest {
    pub fn new(trips: &[SignedTrip]) -> Self {
        CarTripsRequest { trips: trips.iter().map(|t| B64.encode(t.to_bytes())).collect() }
    }

    /// The statements, or which one is not a car trip.
    pub fn decode(&self) -> Result<Vec<SignedTrip>, String> {
        self.trips
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let bytes = B64.decode(t).map_err(|_| format!("trip {}: not base64", i + 1))?;
                SignedTrip::from_bytes(&bytes).map_err(|e| format!("trip {}: not a car-signed trip: {e}", i + 1))
            })
            .collect()
    }
}

/// A car's pairing: the maker's provisioning and the car's binding, base64 of each.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PairRequest {
    pub provision: String,
    pub binding: String,
}

impl PairRequest {
    pub fn new(pairing: &Pairing) -> Self {
        PairRequest { provision: B64.encode(pairing.provision.to_bytes()), binding: B64.encode(pairing.binding.to_bytes()) }
    }

    pub fn decode(&self) -> Result<Pairing, String> {
        let bytes = |what: &str, t: &str| B64.decode(t).map_err(|_| format!("the {what} is not base64"));
        Ok(Pairing {
            provision: Provision::from_bytes(&bytes("provisioning", &self.provision)?).map_err(|e| format!("the provisioning: {e}"))?,
            binding: Binding::from_bytes(&bytes("binding", &self.binding)?).map_err(|e| format!("the binding: {e}"))?,
        })
    }
}

/// An event organiser's grant, base64 of its signed bytes (see `ledger::grant`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct GrantRequest {
    pub grant: String,
}

impl GrantRequest {
    pub fn new(grant: &crate::ledger::grant::Grant) -> Self {
        GrantRequest { grant: B64.encode(grant.to_bytes()) }
    }

    pub fn decode(&self) -> Result<crate::ledger::grant::Grant, String> {
        let bytes = B64.decode(&self.grant).map_err(|_| "the grant is not base64".to_string())?;
        crate::ledger::grant::Grant::from_bytes(&bytes).map_err(|e| format!("the grant: {e}"))
    }
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct MineRequest {
    pub km_index: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TaskRequest {
    pub task: String,
}

/// Begins a drive in a bundled level (by its name).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct DriveStartRequest {
    pub level: String,
}

/// When the authority began the drive (ms since the epoch, its clock).
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
pub struct DriveStartAnswer {
    pub started_ms: u64,
}

/// Samples of the drive under way (the answer is a `valley::DriveProgress`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct DriveReportRequest {
    pub samples: Vec<crate::level::drive::DriveSample>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct OpenBoxRequest {
    pub commitment: String,
    pub client_seed: String,
    /// The player's signed `box-open` entry for that commitment and seed (base64): a shared
    /// valley records it before the draw, so that replay knows the player's seed was used.
    #[serde(default)]
    pub entry: Option<String>,
}

/// A player-signed entry, base64 of its canonical bytes.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SubmitRequest {
    pub entry: String,
}

impl SubmitRequest {
    pub fn new(entry: &Entry) -> Self {
        SubmitRequest { entry: B64.encode(entry.to_bytes()) }
    }
}

/// A merch voucher's redemption: the player-signed redeem entry (base64) and the address
/// it ships to, which the server keeps in its fulfilment list and never in the ledger.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct MerchRedeemRequest {
    pub entry: String,
    pub address: crate::valley::shipping::ShippingAddress,
}

/// An entry's index in the ledger.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct IndexAnswer {
    pub index: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CommitmentAnswer {
    pub commitment: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
pub struct CrystalsAnswer {
    pub crystals: u64,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct WireDeposit {
    pub cause: u64,
    pub km_index: u64,
    pub amount_milli: u64,
    pub day: u32,
}

impl From<Deposit> for WireDeposit {
    fn from(d: Deposit) -> Self {
        WireDeposit { cause: d.cause, km_index: d.km_index, amount_milli: d.amount_milli, day: d.day }
    }
}

impl From<WireDeposit> for Deposit {
    fn from(d: WireDeposit) -> Self {
        Deposit { cause: d.cause, km_index: d.km_index, amount_milli: d.amount_milli, day: d.day }
    }
}

/// One trip's verdict. The trip itself is named by its digest, not sent back: the client
/// has what it sent, and an answer stays small (answers are kept for retries).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct WireCheckedTrip {
    /// SHA-256 of the trip summary (`TripSummary::digest`), hex.
    pub trip: String,
    /// Accepted: the minable km and a note; rejected: the reason.
    pub accepted: bool,
    pub minable_km: u32,
    pub note: Option<String>,
    pub reason: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct WireImportReport {
    pub checked: Vec<WireCheckedTrip>,
    pub already_imported: usize,
    pub attested_km: u64,
    pub new_deposits: Vec<WireDeposit>,
}

impl From<&ImportReport> for WireImportReport {
    fn from(r: &ImportReport) -> Self {
        WireImportReport {
            checked: r
                .checked
                .iter()
                .map(|c| {
                    let trip = hex::encode(c.trip.digest());
                    match &c.verdict {
                        Verdict::Accepted { minable_km, note } => WireCheckedTrip { trip, accepted: true, minable_km: *minable_km, note: note.clone(), reason: None },
                        Verdict::Rejected { reason } => WireCheckedTrip { trip, accepted: false, minable_km: 0, note: None, reason: Some(reason.clone()) },
                    }
                })
                .collect(),
            already_imported: r.already_imported,
            attested_km: r.attested_km,
            new_deposits: r.new_deposits.iter().map(|d| (*d).into()).collect(),
        }
    }
}

impl WireImportReport {
    /// The report, each verdict joined to the trip it names among those `sent`.
    pub fn into_report(self, sent: &[TripSummary]) -> Result<ImportReport, String> {
        let by_digest: std::collections::HashMap<String, &TripSummary> = sent.iter().map(|t| (hex::encode(t.digest()), t)).collect();
        let checked = self
            .checked
            .into_iter()
            .map(|c| {
                let trip = (*by_digest.get(&c.trip).ok_or_else(|| format!("the answer names trip {} that was not sent", c.trip))?).clone();
                let verdict = if c.accepted { Verdict::Accepted { minable_km: c.minable_km, note: c.note } } else { Verdict::Rejected { reason: c.reason.unwrap_or_default() } };
                Ok(CheckedTrip { trip, verdict })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(ImportReport {
            checked,
            already_imported: self.already_imported,
            attested_km: self.attested_km,
            new_deposits: self.new_deposits.into_iter().map(Into::into).collect(),
        })
    }
}

/// A prize as JSON: `{"stone": 1000}`, `{"fragments": 1}`, `{"crystals": 50}`, `{"gift": "paint-jade"}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum WirePrize {
    Stone(u64),
    Fragments(u32),
    Crystals(u64),
    Gift(String),
}

impl From<&Prize> for WirePrize {
    fn from(p: &Prize) -> Self {
        match p {
            Prize::Stone { amount_milli } => WirePrize::Stone(*amount_milli),
            Prize::Fragments { count } => WirePrize::Fragments(*count),
            Prize::Crystals { count } => WirePrize::Crystals(*count),
            Prize::Gift { item } => WirePrize::Gift(item.clone()),
        }
    }
}

impl From<WirePrize> for Prize {
    fn from(p: WirePrize) -> Self {
        match p {
            WirePrize::Stone(amount_milli) => Prize::Stone { amount_milli },
            WirePrize::Fragments(count) => Prize::Fragments { count },
            WirePrize::Crystals(count) => Prize::Crystals { count },
            WirePrize::Gift(item) => Prize::Gift { item },
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct WireBoxOpening {
    pub prize: WirePrize,
    pub commitment: String,
    pub server_seed: String,
    pub client_seed: String,
    pub draw: u64,
    pub pity_before: u32,
    pub pity_after: u32,
    pub entry: u64,
}

pub fn hex32(s: &str) -> Result<[u8; 32], String> {
    let bytes = hex::decode(s).map_err(|_| format!("{s:?} is not hex"))?;
    bytes.try_into().map_err(|_| format!("{s:?} is not 32 bytes"))
}

impl From<&BoxOpening> for WireBoxOpening {
    fn from(o: &BoxOpening) -> Self {
        WireBoxOpening {
            prize: (&o.prize).into(),
            commitment: hex::encode(o.commitment),
            server_seed: hex::encode(o.server_seed),
            client_seed: hex::encode(o.client_seed),
            draw: o.draw,
            pity_before: o.pity_before,
            pity_after: o.pity_after,
            entry: o.entry,
        }
    }
}

impl TryFrom<WireBoxOpening> for BoxOpening {
    type Error = String;
    fn try_from(o: WireBoxOpening) -> Result<Self, String> {
        Ok(BoxOpening {
            prize: o.prize.into(),
            commitment: hex32(&o.commitment)?,
            server_seed: hex32(&o.server_seed)?,
            client_seed: hex32(&o.client_seed)?,
            draw: o.draw,
            pity_before: o.pity_before,
            pity_after: o.pity_after,
            entry: o.entry,
        })
    }
}

/// An error answer: a stable code the client maps back to a [`ValleyError`], and the text.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ErrorAnswer {
    pub code: String,
    pub message: String,
    /// The value a code carries (a km index, a price, …), where it has one.
    #[serde(default)]
    pub values: Vec<String>,
}

impl From<&ValleyError> for ErrorAnswer {
    fn from(e: &ValleyError) -> Self {
        let (code, values) = match e {
            ValleyError::NotEnrolled(k) => ("not-enrolled", vec![k.to_hex()]),
            ValleyError::NoMileageConsent => ("no-mileage-consent", vec![]),
            ValleyError::GuestHasNoCar => ("guest-has-no-car", vec![]),
            ValleyError::VehicleOwned(v) => ("vehicle-owned", vec![v.clone()]),
            ValleyError::NoSuchDeposit(km) => ("no-such-deposit", vec![km.to_string()]),
            ValleyError::NoCommitment(c) => ("no-commitment", vec![c.clone()]),
            ValleyError::NotEnoughCrystals { price, have } => ("not-enough-crystals", vec![price.to_string(), have.to_string()]),
            ValleyError::UnknownTask(t) => ("unknown-task", vec![t.clone()]),
            ValleyError::TaskDone(t) => ("task-done", vec![t.clone()]),
            ValleyError::Unproven { task, why } => ("task-unproven", vec![task.clone(), why.clone()]),
            ValleyError::BadInput(_) => ("bad-input", vec![]),
            ValleyError::Ledger(_) => ("refused", vec![]),
            _ => ("server", vec![]),
        };
        ErrorAnswer { code: code.into(), message: e.to_string(), values }
    }
}

impl ErrorAnswer {
    /// The JSON of an answer with a code and a message and no values.
    pub fn json(code: &str, message: String) -> String {
        serde_json::to_string(&ErrorAnswer { code: code.into(), message, values: vec![] }).expect("plain data serialises")
    }

    /// The error this answer stands for (the same variant where the contract names one).
    pub fn into_error(self) -> ValleyError {
        let v = |i: usize| self.values.get(i).cloned().unwrap_or_default();
        let n = |i: usize| v(i).parse::<u64>().unwrap_or_default();
        match self.code.as_str() {
            "not-enrolled" => PublicKey::from_hex(&v(0)).map_or(ValleyError::Remote(self.message.clone()), ValleyError::NotEnrolled),
            "no-mileage-consent" => ValleyError::NoMileageConsent,
            "guest-has-no-car" => ValleyError::GuestHasNoCar,
            "vehicle-owned" => ValleyError::VehicleOwned(v(0)),
            "no-such-deposit" => ValleyError::NoSuchDeposit(n(0)),
            "no-commitment" => ValleyError::NoCommitment(v(0)),
            "not-enough-crystals" => ValleyError::NotEnoughCrystals { price: n(0), have: n(1) },
            "unknown-task" => ValleyError::UnknownTask(v(0)),
            "task-done" => ValleyError::TaskDone(v(0)),
            "task-unproven" => ValleyError::Unproven { task: v(0), why: v(1) },
            "bad-input" => ValleyError::BadInput(self.message),
            _ => ValleyError::Remote(self.message),
        }
    }
}

/// A player's state as the ledger has it, as JSON: what `GET /v1/player/<key>` answers and
/// `horizon export` writes.
pub fn player_json(key: &PublicKey, p: &crate::ledger::PlayerState) -> serde_json::Value {
    serde_json::json!({
        "key": key.to_hex(),
        "name": p.name,
        "vehicle": match &p.role { Role::Owner { vehicle } => Some(vehicle.clone()), Role::Guest => None },
        "stones_milli": p.stones_milli,
        "unmined_milli": p.unmined_milli(),
        "deposits": p.deposits.len(),
        "fragments": p.fragments,
        "crystals": p.crystals,
        "pity": p.pity,
        "boxes_opened": p.boxes_opened,
        "km_attested": p.km_attested,
        "consents": p.consents.iter().map(|(scope, granted)| (format!("{scope:?}").to_lowercase(), *granted)).collect::<std::collections::BTreeMap<_, _>>(),
        "items": p.items,
        "vouchers": p.vouchers.iter().map(|v| serde_json::json!({ "id": v.id, "item": v.item, "redeemed_in_entry": v.redeemed })).collect::<Vec<_>>(),
    })
}

/// The role a client asks for at enrolment.
pub fn role_of(request: &EnrolRequest) -> Role {
    match &request.vehicle {
        Some(vehicle) => Role::Owner { vehicle: vehicle.clone() },
        None => Role::Guest,
    }
}
