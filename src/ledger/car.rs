//! What cars and their makers sign. Data is trusted because the device that produced it signs
//! it (the model of DIMO and the car makers): a maker's key provisions a vehicle (binds its
//! pseudonym to the key of its telematics unit), the car binds its one owner, and the car
//! signs each trip summary. The authority records these statements inside its own entries,
//! so anyone replaying the ledger checks the maker's and the car's signatures themselves.
//!
//! Each statement is its magic, its fields in the ledger's canonical encoding, then an
//! Ed25519 signature over every byte before it:
//!
//! ```text
//! provision  "CHP1" maker:[32] vehicle:string car:[32] time_ms:u64              by the maker
//! binding    "CHB1" vehicle:string owner:[32] counter:u64 time_ms:u64             by the car
//! trip       "CHT1" vehicle:string counter:u64 day:u32 duration_s:u32
//!            odometer_start_m:u64 odometer_end_m:u64 details:[32]               by the car
//! details    salt:[16] start_s:u64 end_s:u64 energy_wh:u64 hard_brakes:u32
//!            hard_accelerations:u32 (off the ledger; the trip holds its SHA-256)
//! ```
//!
//! A car's counter only goes up: each binding and trip it signs has a higher one than the
//! last, so no statement can be replayed or slipped in behind a later one.

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use super::codec::{DecodeError, Reader, StringTooLong, Writer};
pub use super::statement::Statement;
use super::public_key::PublicKey;

pub const PROVISION_MAGIC: &[u8; 4] = b"CHP1";
pub const BINDING_MAGIC: &[u8; 4] = b"CHB1";
pub const TRIP_MAGIC: &[u8; 4] = b"CHT1";

/// The demo maker's key, derived from a published phrase: anyone can sign with it, so a
/// valley that trusts it (the local one, or a server started with `--trust-demo-maker`)
/// accepts simulated cars. A shared valley for real owners trusts only real makers' keys.
pub fn demo_maker_key() -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(b"crypto-horizon demo maker: not a real car maker, trust only for demos and tests").into())
}

/// A maker's statement: the vehicle with this pseudonym has the telematics key `car`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provision {
    pub maker: PublicKey,
    pub vehicle: String,
    pub car: PublicKey,
    pub time_ms: u64,
    pub signature: [u8; 64],
}

impl Provision {
    pub fn sign(maker: &SigningKey, vehicle: &str, car: PublicKey, time_ms: u64) -> Result<Provision, StringTooLong> {
        Provision { maker: PublicKey::from_signing_key(maker), vehicle: vehicle.into(), car, time_ms, signature: [0; 64] }.signed(maker, &[vehicle])
    }

    /// Whether the maker named in it signed it (strict Ed25519).
    pub fn signature_is_valid(&self) -> bool {
        self.signed_by(&self.maker)
    }
}

impl Statement for Provision {
    const MAGIC: &'static [u8; 4] = PROVISION_MAGIC;
    const WHAT: &'static str = "provisioning magic \"CHP1\"";

    fn fields(&self, w: &mut Writer) {
        w.bytes32(&self.maker.0);
        w.string(&self.vehicle);
        w.bytes32(&self.car.0);
        w.u64(self.time_ms);
    }

    fn decode_signed(r: &mut Reader) -> Result<Provision, DecodeError> {
        Ok(Provision {
            maker: PublicKey(r.bytes32("maker key")?),
            vehicle: r.string("vehicle pseudonym")?,
            car: PublicKey(r.bytes32("car key")?),
            time_ms: r.u64("provisioning time")?,
            signature: r.bytes64("maker signature")?,
        })
    }

    fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    fn signature_mut(&mut self) -> &mut [u8; 64] {
        &mut self.signature
    }
}

/// A car's statement: `owner` is its owner from `time_ms` on (ending the previous owner's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub vehicle: String,
    pub owner: PublicKey,
    pub counter: u64,
    pub time_ms: u64,
    pub signature: [u8; 64],
}

impl Binding {
    pub fn sign(car: &SigningKey, vehicle: &str, owner: PublicKey, counter: u64, time_ms: u64) -> Result<Binding, StringTooLong> {
        Binding { vehicle: vehicle.into(), owner, counter, time_ms, signature: [0; 64] }.signed(car, &[vehicle])
    }

    pub fn signature_is_valid(&self, car: &PublicKey) -> bool {
        self.signed_by(car)
    }
}

impl Statement for Binding {
    const MAGIC: &'static [u8; 4] = BINDING_MAGIC;
    const WHAT: &'static str = "binding magic \"CHB1\"";

    fn fields(&self, w: &mut Writer) {
        w.string(&self.vehicle);
        w.bytes32(&self.owner.0);
        w.u64(self.counter);
        w.u64(self.time_ms);
    }

    fn decode_signed(r: &mut Reader) -> Result<Binding, DecodeError> {
        Ok(Binding {
            vehicle: r.string("vehicle pseudonym")?,
            owner: PublicKey(r.bytes32("owner key")?),
            counter: r.u64("car counter")?,
            time_ms: r.u64("binding time")?,
            signature: r.bytes64("car signature")?,
        })
    }

    fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    fn signature_mut(&mut self) -> &mut [u8; 64] {
        &mut self.signature
    }
}

/// A trip summary as the car's telematics unit signs it. What the ledger shows is coarse:
/// the day the trip started, how long it took and the odometer readings (what the checks
/// need); the exact times, the energy and the hard-event counts are in [`TripDetails`],
/// which the ledger holds only as a salted digest, so that a public ledger does not tell
/// when a car drove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarTrip {
    pub vehicle: String,
    pub counter: u64,
    /// UTC day of the start (days since the Unix epoch).
    pub day: u32,
    pub duration_s: u32,
    pub odometer_start_m: u64,
    pub odometer_end_m: u64,
    /// SHA-256 of the trip's [`TripDetails`].
    pub details: [u8; 32],
    pub signature: [u8; 64],
}

/// What the car hands the owner's app with a trip, kept off the ledger: the exact times,
/// the energy, and (with the behaviour scope) the hard-event counts, salted so that the
/// digest the ledger holds cannot be guessed from likely values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TripDetails {
    pub salt: [u8; 16],
    /// Unix seconds (UTC).
    pub start_s: u64,
    pub end_s: u64,
    pub energy_wh: u64,
    pub hard_brakes: u32,
    pub hard_accelerations: u32,
}

/// Bytes of encoded [`TripDetails`].
pub const TRIP_DETAILS_LEN: usize = 16 + 8 + 8 + 8 + 4 + 4;

impl TripDetails {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(&self.salt);
        w.u64(self.start_s);
        w.u64(self.end_s);
        w.u64(self.energy_wh);
        w.u32(self.hard_brakes);
        w.u32(self.hard_accelerations);
        w.bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<TripDetails, DecodeError> {
        let mut r = Reader::new(bytes);
        let d = TripDetails {
            salt: r.bytes16("salt")?,
            start_s: r.u64("trip start")?,
            end_s: r.u64("trip end")?,
            energy_wh: r.u64("energy")?,
            hard_brakes: r.u32("hard brakes")?,
            hard_accelerations: r.u32("hard accelerations")?,
        };
        r.finish()?;
        Ok(d)
    }

    pub fn digest(&self) -> [u8; 32] {
        Sha256::new().chain_update(b"crypto-horizon/trip-details@1").chain_update(self.to_bytes()).finalize().into()
    }
}

impl CarTrip {
    /// The statement for a trip with these `details`, signed by `car`. Refuses what no car
    /// produces: an end before the start, a trip of more than [`MAX_TRIP_S`].
    pub fn sign(car: &SigningKey, vehicle: &str, counter: u64, odometer_m: (u64, u64), details: &TripDetails) -> Result<CarTrip, String> {
        if details.end_s <= details.start_s || details.end_s - details.start_s > MAX_TRIP_S {
            return Err(format!("a trip lasts 1 s to {} h, not {} s", MAX_TRIP_S / 3600, details.end_s as i128 - details.start_s as i128));
        }
        let t = CarTrip {
            vehicle: vehicle.into(),
            counter,
            day: u32::try_from(details.start_s / 86_400).map_err(|_| "the trip starts too far in the future".to_string())?,
            duration_s: (details.end_s - details.start_s) as u32,
            odometer_start_m: odometer_m.0,
            odometer_end_m: odometer_m.1,
            details: details.digest(),
            signature: [0; 64],
        };
        t.signed(car, &[vehicle]).map_err(|e| e.to_string())
    }

    pub fn signature_is_valid(&self, car: &PublicKey) -> bool {
        self.signed_by(car)
    }

    /// Whole kilometres the odometer crossed (fractions carry over to the next trip).
    pub fn whole_km(&self) -> u64 {
        (self.odometer_end_m / 1000).saturating_sub(self.odometer_start_m / 1000)
    }

    /// Why `details` are not this trip's, if they are not.
    pub fn details_problem(&self, details: &TripDetails) -> Option<String> {
        if details.digest() != self.details {
            return Some("its details do not match the digest the car signed".into());
        }
        if u64::from(self.day) != details.start_s / 86_400 || u64::from(self.duration_s) != details.end_s.saturating_sub(details.start_s) {
            return Some("its details disagree with the day and duration the car signed".into());
        }
        None
    }
}

impl Statement for CarTrip {
    const MAGIC: &'static [u8; 4] = TRIP_MAGIC;
    const WHAT: &'static str = "car trip magic \"CHT1\"";

    fn fields(&self, w: &mut Writer) {
        w.string(&self.vehicle);
        w.u64(self.counter);
        w.u32(self.day);
        w.u32(self.duration_s);
        w.u64(self.odometer_start_m);
        w.u64(self.odometer_end_m);
        w.bytes32(&self.details);
    }

    fn decode_signed(r: &mut Reader) -> Result<CarTrip, DecodeError> {
        Ok(CarTrip {
            vehicle: r.string("vehicle pseudonym")?,
            counter: r.u64("car counter")?,
            day: r.u32("trip day")?,
            duration_s: r.u32("trip duration")?,
            odometer_start_m: r.u64("odometer start")?,
            odometer_end_m: r.u64("odometer end")?,
            details: r.bytes32("details digest")?,
            signature: r.bytes64("car signature")?,
        })
    }

    fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    fn signature_mut(&mut self) -> &mut [u8; 64] {
        &mut self.signature
    }
}

/// A car-signed trip with its details, as the car hands it over (and a request carries it):
/// the statement's bytes, then the details' [`TRIP_DETAILS_LEN`] bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedTrip {
    pub trip: CarTrip,
    pub details: TripDetails,
}

impl SignedTrip {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.trip.to_bytes();
        bytes.extend_from_slice(&self.details.to_bytes());
        bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<SignedTrip, DecodeError> {
        let split = bytes.len().checked_sub(TRIP_DETAILS_LEN).ok_or(DecodeError { offset: bytes.len(), expected: format!("a car trip and its {TRIP_DETAILS_LEN} bytes of details") })?;
        let trip = CarTrip::from_bytes(&bytes[..split])?;
        let details = TripDetails::from_bytes(&bytes[split..]).map_err(|e| DecodeError { offset: split + e.offset, expected: e.expected })?;
        Ok(SignedTrip { trip, details })
    }
}

/// The seed of a car-signed trip's km draws: fixed by the authority's signature on the
/// entry that records the trip, which no one else can compute before it is signed, and
/// which anyone can read from the ledger afterwards.
pub fn draw_seed(entry_signature: &[u8; 64]) -> [u8; 32] {
    Sha256::new().chain_update(b"crypto-horizon/km-draws@1").chain_update(entry_signature).finalize().into()
}

/// How long after its end a car-signed trip (or a binding after it was signed) may reach the
/// valley: a week in a phone's offline queue, no more.
pub const STATEMENT_WINDOW_MS: u64 = 7 * 86_400_000;
/// How far a car's clock may run ahead of the authority's.
pub const CAR_CLOCK_AHEAD_MS: u64 = 5 * 60 * 1000;
/// Longest trip summary: a car reports a trip when it is switched off.
pub const MAX_TRIP_S: u64 = 86_400;
/// Faster than any road car's average over a trip.
pub const MAX_AVERAGE_SPEED_KMH: f64 = 250.0;
