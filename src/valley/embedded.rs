//! The embedded valley authority: the rules applied in-process, writing the ledger under
//! `--data-dir`, with no server. The first run pairs the player with a sample car (a
//! simulated one, provisioned by the demo maker) that signs a bundled week of trips, so a
//! newcomer has stones to mine at once. What cars sign is handled in `cars`.
//!
//! ```text
//! DATA/authority/log.key   the authority's (log) signing key, owner-only
//! DATA/ledger/             the ledger (see ledger::store)
//! DATA/keys/player.key     the player's signing key, owner-only
//! DATA/car/                the sample car (see simulated_car)
//! DATA/valley/trips.journal   (a server) each batch's changed players' trips, one fsync a batch;
//!                           folded into the player files when large and on the next open
//! DATA/valley/trips/KEY.json  accepted trip summaries and plausibility history, one file
//!                           per player (so that an import rewrites only its player's file)
//! DATA/valley/drive-days.json  the days each player drove in the valley (see `drives`)
//! DATA/valley/fulfilment.jsonl  merch redemptions and their addresses (see `keepsakes`)
//! ```
//!
//! (Over 400 lines: the authority's answer to each request, its first run and its batching
//! journal belong together; the rules themselves are in `economy` and `ledger::*rules`.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{BoxOpening, DriveProgress, ImportReport, PlayerView, ValleyError, ValleyService};
use crate::level::drive::DriveSample;
use crate::economy::tasks::check_repeat;
use crate::economy::{EconomyTables, boxes, mileage};
use crate::ledger::files::write_atomically;
use crate::ledger::replay::{DAY_MS, Deposit, PlayerState};
use crate::ledger::rules::box_draw_body;
use crate::ledger::grant::Grant;
use crate::ledger::car::{SignedTrip, demo_maker_key};
use crate::ledger::{Body, Entry, Ledger, NamedKey, Pool, PublicKey, Role, Scope};
use crate::simulated_car::SimulatedCar;
use crate::telemetry::car_signed::Pairing;
use crate::profile::{DataDir, load_or_create_key};
use crate::telemetry::{CheckedTrip, TripHistory, TripSummary, Verdict, check_trips, parse_trip_json};
use crate::twin::{TwinInputs, TwinStats, twin_stats_with};

mod cars;
mod drives;
mod keepsakes;

pub use keepsakes::{Shipment, fulfilment_path, shipments};

/// Origin (and log key name) of an embedded, single-player valley: the one kind of
/// ledger where self-reported trips mint.
pub const EMBEDDED_ORIGIN: &str = crate::ledger::state::LOCAL_ORIGIN;
/// Name of the demo maker in the ledger of a valley that trusts it.
pub const DEMO_MAKER_NAME: &str = "demo maker (simulated cars)";

/// The keys a valley trusts besides its players', each with a name: car makers (they
/// provision vehicles) and event organisers (their grants pay co-creation crystals).
#[derive(Clone, Debug, Default)]
pub struct Trusted {
    pub makers: Vec<(PublicKey, String)>,
    pub organisers: Vec<(PublicKey, String)>,
}

impl Trusted {
    /// The demo maker alone (simulated cars): for the local valley, demos and tests, never
    /// for real owners.
    pub fn demo() -> Trusted {
        Trusted { makers: vec![(PublicKey::from_signing_key(&demo_maker_key()), DEMO_MAKER_NAME.to_string())], organisers: Vec::new() }
    }
}
/// The sample owner car of a first run, and its bundled trips.
pub const SAMPLE_VEHICLE: &str = "EV-DEMO-01";
pub const SAMPLE_TRIPS: &str = include_str!("../../assets/sample/trips.json");

/// Milliseconds since the Unix epoch; injectable so that tests control time.
pub type Clock = fn() -> u64;

pub fn system_clock() -> u64 {
    crate::platform::now_ms()
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct PlayerTrips {
    history: TripHistory,
    accepted: Vec<TripSummary>,
}

/// Accepted trips per player (keyed by public key hex).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct TripStore {
    players: BTreeMap<String, PlayerTrips>,
}

pub struct EmbeddedValley {
    data: DataDir,
    /// The economy whose rules the valley applies (and its ledger checks).
    tables: Arc<EconomyTables>,
    ledger: Ledger,
    trips: TripStore,
    clock: Clock,
    /// Whether entries wait for [`EmbeddedValley::commit`] (the server's sequencer makes a
    /// whole batch of requests durable at once) instead of being made durable one by one.
    batching: bool,
    /// Players whose trips changed since the last commit (batching only).
    unsaved_trips: BTreeSet<PublicKey>,
    /// Batching writes changed players' trips to one journal with one fsync per batch (a
    /// file per player would cost two fsyncs each); it is folded into the player files when
    /// it grows past [`JOURNAL_FOLD_BYTES`] and on the next open.
    journal: Option<crate::platform::files::File>,
    journal_bytes: u64,
    journaled: BTreeSet<PublicKey>,
    /// Drives in the valley as reported and checked: a shared valley's task evidence.
    drives: drives::Drives,
}

/// Journal size at which it is folded into the players' trip files.
pub const JOURNAL_FOLD_BYTES: u64 = 64 << 20;

/// One journal line: a player's trips as of a batch (the last line of a player wins).
/// Written from a borrow (`&PlayerTrips`), read as owned.
#[derive(Serialize, Deserialize)]
struct JournalLine<T> {
    key: String,
    trips: T,
}

impl std::fmt::Debug for EmbeddedValley {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EmbeddedValley({})", self.data.0.display())
    }
}

fn store_error(path: &std::path::Path, e: impl std::fmt::Display) -> ValleyError {
    ValleyError::Store { path: path.display().to_string(), message: e.to_string() }
}

impl EmbeddedValley {
    /// [`EmbeddedValley::open_with_tables`] under the bundled economy tables.
    pub fn open(data: &DataDir, clock: Clock) -> Result<EmbeddedValley, ValleyError> {
        EmbeddedValley::open_with_tables(data, clock, EconomyTables::shared())
    }

    /// Opens the local valley under `data`, applying the economy `tables`, creating the
    /// authority's key and ledger on first use. It trusts the demo maker, so that
    /// simulated cars (the first run's sample car among them) mint here.
    pub fn open_with_tables(data: &DataDir, clock: Clock, tables: Arc<EconomyTables>) -> Result<EmbeddedValley, ValleyError> {
        EmbeddedValley::open_as(data, clock, tables, EMBEDDED_ORIGIN, &Trusted::demo())
    }

    /// Opens a shared valley (a server's) under `data`: a new ledger gets `origin` (its own
    /// per deployment); the makers and organisers in `trusted` are trusted from now on
    /// (recorded on the ledger if they were not yet). Self-reported trips mint nothing in
    /// it, and co-creation crystals need a grant.
    pub fn open_shared(data: &DataDir, clock: Clock, tables: Arc<EconomyTables>, origin: &str, trusted: &Trusted) -> Result<EmbeddedValley, ValleyError> {
        let valley = EmbeddedValley::open_as(data, clock, tables, origin, trusted)?;
        if valley.ledger.state().self_reported_mints {
            return Err(ValleyError::BadInput(format!(
                "{} holds a single-player valley (origin {}), where self-reported trips mint; a shared valley needs a data directory of its own",
                data.0.display(),
                valley.ledger.state().origin
            )));
        }
        Ok(valley)
    }

    fn open_as(data: &DataDir, clock: Clock, tables: Arc<EconomyTables>, origin: &str, trusted: &Trusted) -> Result<EmbeddedValley, ValleyError> {
        let (log_key, _) = load_or_create_key(&data.authority_key(), origin)?;
        let ledger_dir = data.ledger();
        let ledger = if crate::platform::files::exists(&ledger_dir.join(crate::ledger::store::LOG_FILE)) {
            Ledger::open_with(&ledger_dir, Some(log_key), None, tables.clone())?.0
        } else {
            Ledger::create_with(&ledger_dir, log_key, clock(), tables.clone())?
        };
        let (trips, journaled) = load_trips(data)?;
        let mut valley = EmbeddedValley {
            data: data.clone(),
            tables,
            ledger,
            trips,
            clock,
            batching: false,
            unsaved_trips: BTreeSet::new(),
            journal: None,
            journal_bytes: 0,
            journaled,
            drives: drives::Drives::open(data.0.join("valley").join("drive-days.json"))?,
        };
        valley.fold_journal()?;
        for (maker, name) in &trusted.makers {
            if !valley.ledger.state().makers.contains_key(maker) {
                check_label("maker name", name)?;
                valley.authority(Body::TrustMaker { maker: *maker, name: name.clone() })?;
            }
        }
        for (organiser, name) in &trusted.organisers {
            if !valley.ledger.state().organisers.contains_key(organiser) {
                check_label("organiser name", name)?;
                valley.authority(Body::TrustOrganiser { organiser: *organiser, name: name.clone() })?;
            }
        }
        valley.credit_expired_deposits()?;
        Ok(valley)
    }

    /// [`EmbeddedValley::open_with_player_and_tables`] under the bundled economy tables.
    pub fn open_with_player(data: &DataDir, clock: Clock) -> Result<(EmbeddedValley, NamedKey), ValleyError> {
        EmbeddedValley::open_with_player_and_tables(data, clock, EconomyTables::shared())
    }

    /// Opens the valley and makes sure the local player exists: on the first run, enrols
    /// the player's key as the owner of the sample car, grants both consent scopes and
    /// imports the bundled sample trips. Returns the valley and the player's key.
    pub fn open_with_player_and_tables(
        data: &DataDir,
        clock: Clock,
        tables: Arc<EconomyTables>,
    ) -> Result<(EmbeddedValley, NamedKey), ValleyError> {
        let mut valley = EmbeddedValley::open_with_tables(data, clock, tables)?;
        let (player, _) = load_or_create_key(&data.player_key(), "player")?;
        let key = player.public_key();
        // Each first-run step is done only if missing, so a run cut short is completed
        // by the next one.
        if valley.ledger.state().player(&key).is_none() {
            valley.enrol(key, Role::Guest, "Driver")?;
        }
        let state = valley.enrolled(&key)?.clone();
        let untouched = state.consents.is_empty() && state.km_attested == 0 && state.boxes_opened == 0;
        if untouched {
            for scope in [Scope::Mileage, Scope::Behaviour] {
                let consent = valley.sign_for(&player, Body::Consent { scope, granted: true })?;
                valley.ledger.append(&[consent])?;
            }
        }
        // The sample car: a simulated telematics unit, provisioned by the demo maker, paired
        // with the player, which signs the bundled sample week as if just driven.
        let car_dir = data.0.join("car");
        // (A profile enrolled before cars signed their trips claimed the sample car at
        // enrolment; its first run, cut short, is completed the new way.)
        let sample_claimed = matches!(&state.role, Role::Owner { vehicle } if vehicle == SAMPLE_VEHICLE);
        if untouched && (state.role == Role::Guest || sample_claimed) && valley.ledger.state().car(SAMPLE_VEHICLE).is_none() {
            valley.pair_sample_car(key, SAMPLE_VEHICLE, &car_dir)?;
        }
        let owner_of_sample = matches!(&valley.enrolled(&key)?.role, Role::Owner { vehicle } if vehicle == SAMPLE_VEHICLE);
        if owner_of_sample && state.km_attested == 0 && valley.accepted_trips(&key).is_empty() && valley.enrolled(&key)?.consented(Scope::Mileage) {
            let trips = sample_week_ending((valley.now() / 1000) as i64 - 3600);
            valley.drive_sample(&key, &car_dir, &trips)?;
        }
        Ok((valley, player))
    }

    /// A show's visitor (`horizon kiosk`): `visitor`, a fresh key, enrolled as a guest named
    /// `name` with both consents (the visitor's data is a simulated car's, not theirs), and a
    /// simulated car of its own whose sample week waits in the valley to be mined. The car's
    /// files under `car_dir` are needed only for this; they are removed after. Returns the
    /// stones (milli) waiting.
    pub fn welcome_visitor(&mut self, visitor: &NamedKey, name: &str, car_dir: &std::path::Path) -> Result<u64, ValleyError> {
        let key = visitor.public_key();
        self.enrol(key, Role::Guest, name)?;
        for scope in [Scope::Mileage, Scope::Behaviour] {
            let consent = self.sign_for(visitor, Body::Consent { scope, granted: true })?;
            self.record(consent)?;
        }
        remove_files_in(car_dir)?;
        self.pair_sample_car(key, &sample_car_for(&key), car_dir)?;
        // A show's visitor drives minutes, not a week: the week's last day leaves them
        // plenty to mine, and what the valley keeps of each departed visitor (their
        // unmined deposits above all) stays a few kB instead of ≈ 15 kB.
        let report = self.drive_sample(&key, car_dir, &sample_day_ending((self.now() / 1000) as i64 - 3600))?;
        remove_files_in(car_dir)?;
        Ok(report.new_deposits.iter().map(|d| d.amount_milli).sum())
    }

    /// A simulated car `vehicle` (its key under `car_dir`), provisioned by the demo maker and
    /// paired with `player`.
    fn pair_sample_car(&mut self, player: PublicKey, vehicle: &str, car_dir: &std::path::Path) -> Result<u64, ValleyError> {
        let now = self.now();
        let provisioned = now.saturating_sub(crate::simulated_car::SIMULATED_HISTORY_MS);
        let mut car = SimulatedCar::open_or_create(car_dir, vehicle, &demo_maker_key(), provisioned).map_err(|e| car_error(car_dir, e))?;
        let pairing = car.pair(player, now).map_err(|e| car_error(car_dir, e))?;
        self.pair(&player, pairing)
    }

    /// The car under `car_dir` signs `trips` (from the bundled sample) for `player`.
    fn drive_sample(&mut self, player: &PublicKey, car_dir: &std::path::Path, trips: &[TripSummary]) -> Result<ImportReport, ValleyError> {
        let mut car = SimulatedCar::open(car_dir).map_err(|e| car_error(car_dir, e))?;
        let signed = car.sign_trips(trips, true).map_err(|e| car_error(car_dir, e))?;
        self.import_car(player, signed)
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn now(&self) -> u64 {
        (self.clock)()
    }

    /// Signs `body` as the player's next entry.
    pub fn sign_for(&self, player: &NamedKey, body: Body) -> Result<Entry, ValleyError> {
        let nonce = self.ledger.state().next_nonce(&player.public_key());
        Ok(Entry::sign(body, &player.signing_key, nonce, self.now()).map_err(crate::ledger::LedgerError::from)?)
    }

    fn authority(&mut self, body: Body) -> Result<u64, ValleyError> {
        let index = self.ledger.stage_as_authority(body, self.now())?;
        self.commit_unless_batching()?;
        Ok(index)
    }

    /// Appends one entry: durably at once, or staged for the next commit when batching.
    fn record(&mut self, entry: Entry) -> Result<u64, ValleyError> {
        let index = self.ledger.stage(&[entry])?;
        self.commit_unless_batching()?;
        Ok(index)
    }

    fn commit_unless_batching(&mut self) -> Result<(), ValleyError> {
        if !self.batching {
            self.ledger.commit_staged()?;
        }
        Ok(())
    }

    /// From now on, entries and trip files wait for [`EmbeddedValley::commit`].
    pub fn start_batching(&mut self) {
        self.batching = true;
    }

    /// Makes everything staged durable: the ledger's records and one checkpoint, then the
    /// trip files of the players whose trips changed. The answers of a batch may be given
    /// only after this succeeds.
    pub fn commit(&mut self) -> Result<(), ValleyError> {
        self.ledger.commit_staged()?;
        if self.unsaved_trips.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        for key in &self.unsaved_trips {
            if let Some(trips) = self.trips.players.get(&key.to_hex()) {
                serde_json::to_writer(&mut lines, &JournalLine { key: key.to_hex(), trips }).expect("plain data serialises");
                lines.push(b'\n');
            }
        }
        let path = journal_path(&self.data);
        if self.journal.is_none() {
            let dir = self.data.0.join("valley");
            crate::platform::files::create_dir_all(&dir).map_err(|e| store_error(&dir, e))?;
            let created = !crate::platform::files::exists(&path);
            self.journal = Some(crate::ledger::store::open_lines_for_append(&path).map_err(|e| store_error(&path, e))?);
            if created {
                crate::platform::files::sync_dir(&dir).map_err(|e| store_error(&dir, e))?;
            }
        }
        let journal = self.journal.as_mut().expect("opened above");
        if let Err(e) = std::io::Write::write_all(journal, &lines).and_then(|_| journal.sync_data()) {
            // Reopened next time, which ends a torn line; the players stay unsaved.
            self.journal = None;
            return Err(store_error(&path, e));
        }
        self.journaled.extend(std::mem::take(&mut self.unsaved_trips));
        self.journal_bytes += lines.len() as u64;
        if self.journal_bytes > JOURNAL_FOLD_BYTES {
            self.fold_journal()?;
        }
        Ok(())
    }

    /// Writes the trip file of every player in the journal, then empties it.
    fn fold_journal(&mut self) -> Result<(), ValleyError> {
        let path = journal_path(&self.data);
        while let Some(&key) = self.journaled.iter().next() {
            self.save_trips(&key)?;
            self.journaled.remove(&key);
        }
        self.journal = None;
        self.journal_bytes = 0;
        match crate::platform::files::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(store_error(&path, e)),
        }
    }

    /// Admits a player (the authority's decision: owners are verified car owners).
    pub fn enrol(&mut self, player: PublicKey, role: Role, name: &str) -> Result<u64, ValleyError> {
        check_label("name", name)?;
        if let Role::Owner { vehicle } = &role {
            check_label("vehicle pseudonym", vehicle)?;
            if self.ledger.state().owner_of(vehicle).is_some() {
                return Err(ValleyError::VehicleOwned(vehicle.clone()));
            }
        }
        self.authority(Body::Enrol { player, role, name: name.into() })
    }

    fn enrolled(&self, key: &PublicKey) -> Result<&PlayerState, ValleyError> {
        self.ledger.state().player(key).ok_or(ValleyError::NotEnrolled(*key))
    }

    /// The player's accepted trips.
    pub fn accepted_trips(&self, key: &PublicKey) -> &[TripSummary] {
        self.trips.players.get(&key.to_hex()).map_or(&[], |p| &p.accepted)
    }

    /// The twin's stats from the accepted trips, consents and upgrades.
    pub fn stats(&self, key: &PublicKey) -> Result<TwinStats, ValleyError> {
        let state = self.enrolled(key)?;
        Ok(twin_stats_with(&self.tables, TwinInputs {
            trips: self.accepted_trips(key),
            behaviour_consent: state.consented(Scope::Behaviour),
            items: &state.items,
            task_xp: state.task_xp,
            game_km: 0.0,
        }))
    }

    fn save_trips(&self, key: &PublicKey) -> Result<(), ValleyError> {
        let dir = trips_dir(&self.data);
        crate::platform::files::create_dir_all(&dir).map_err(|e| store_error(&dir, e))?;
        let Some(player) = self.trips.players.get(&key.to_hex()) else { return Ok(()) };
        let bytes = serde_json::to_vec_pretty(player).expect("plain data serialises");
        write_atomically(&dir.join(format!("{}.json", key.to_hex())), &bytes).map_err(crate::ledger::LedgerError::from)?;
        Ok(())
    }

    /// Keeps the player's trips: written now, or with the batch when batching.
    fn keep_trips(&mut self, key: &PublicKey, trips: PlayerTrips) -> Result<(), ValleyError> {
        self.trips.players.insert(key.to_hex(), trips);
        if self.batching {
            self.unsaved_trips.insert(*key);
            Ok(())
        } else {
            self.save_trips(key)
        }
    }

    fn import(&mut self, key: &PublicKey, trips: Vec<TripSummary>) -> Result<ImportReport, ValleyError> {
        let state = self.enrolled(key)?.clone();
        let Role::Owner { vehicle } = &state.role else { return Err(ValleyError::GuestHasNoCar) };
        if !state.consented(Scope::Mileage) {
            return Err(ValleyError::NoMileageConsent);
        }
        let behaviour = state.consented(Scope::Behaviour);
        let now_s = (self.now() / 1000) as i64;
        let mut trips = trips;
        if !behaviour {
            // Without the behaviour scope, hard-event counts are neither used nor kept.
            for t in &mut trips {
                t.hard_brakes = 0;
                t.hard_accelerations = 0;
            }
        }
        let (future, trips): (Vec<_>, Vec<_>) = trips.into_iter().partition(|t| t.end > now_s);
        // A trip already attested (say, before a crash) is skipped, never paid twice.
        let (fresh, seen): (Vec<_>, Vec<_>) = trips.into_iter().partition(|t| !state.trips.contains(&t.digest()));
        let mut player_trips = self.trips.players.get(&key.to_hex()).cloned().unwrap_or_default();
        // Attested trips a crash kept out of the trip files (the ledger commits first): they
        // are not paid again, but the twin and the plausibility history get them back.
        let lost: Vec<TripSummary> = seen.iter().filter(|t| !player_trips.accepted.contains(t)).cloned().collect();
        if !lost.is_empty() {
            for c in check_trips(&mut player_trips.history, vehicle, lost) {
                if matches!(c.verdict, Verdict::Accepted { .. }) {
                    player_trips.accepted.push(c.trip);
                }
            }
        }
        let mut checked = check_trips(&mut player_trips.history, vehicle, fresh);
        let mut report = ImportReport { already_imported: seen.len(), ..ImportReport::default() };
        let mints = self.ledger.state().self_reported_mints;
        for CheckedTrip { trip, verdict } in &mut checked {
            let Verdict::Accepted { minable_km, note } = verdict else { continue };
            if !mints && *minable_km > 0 {
                // A shared valley mints only what a car signed; the trip still shapes the twin.
                *note = Some(format!("{} km self-reported: they count for your twin; this valley mints stones only for car-signed trips", *minable_km));
                *minable_km = 0;
            }
            let minable_km = *minable_km;
            if minable_km > 0 {
                let first_km = self.enrolled(key)?.km_attested;
                let day = trip.day();
                let beacon = self.ledger.state().beacon_at(day, self.ledger.root().0);
                let body = Body::MileageAttestation { player: *key, trip: trip.digest(), day, km: minable_km, first_km, beacon };
                let attestation = self.authority(body)?;
                report.attested_km += u64::from(minable_km);
                // The deposits this trip dropped are the ones its attestation caused.
                report.new_deposits.extend(self.enrolled(key)?.deposits.values().filter(|d| d.cause == attestation).copied());
            }
            player_trips.accepted.push(trip.clone());
        }
        self.keep_trips(key, player_trips)?;
        checked.extend(future.into_iter().map(|trip| {
            let reason = format!("it ends in the future ({})", crate::telemetry::format_time(trip.end));
            CheckedTrip { trip, verdict: Verdict::Rejected { reason } }
        }));
        report.checked = checked;
        Ok(report)
    }

    /// The player's recorded box with this `commitment`, if they can pay to open it.
    pub fn box_to_open(&self, key: &PublicKey, commitment: [u8; 32]) -> Result<crate::ledger::state::OpenBox, ValleyError> {
        let state = self.enrolled(key)?;
        let open = state.open_box.filter(|o| o.commitment == commitment).ok_or_else(|| ValleyError::NoCommitment(hex::encode(&commitment[..8])))?;
        let price = self.tables.boxes.price_crystals;
        if state.crystals < price {
            return Err(ValleyError::NotEnoughCrystals { price, have: state.crystals });
        }
        Ok(open)
    }

    /// The server seed of the player's `seq`-th box: derived from the authority's key, so
    /// that it is unknown to anyone else until revealed and is not lost in a restart.
    fn box_seed(&self, key: &PublicKey, seq: u64) -> Result<[u8; 32], ValleyError> {
        let context = [b"box-seed".as_slice(), &key.0, &seq.to_be_bytes()].concat();
        Ok(self.ledger.derive_secret(&context)?)
    }

    /// Credits deposits whose grace period has passed, so that nothing earned is lost.
    /// Returns how many were credited.
    pub fn credit_expired_deposits(&mut self) -> Result<u64, ValleyError> {
        let today = self.now() / DAY_MS;
        let expired: Vec<(PublicKey, Deposit)> = self
            .ledger
            .state()
            .players
            .iter()
            .flat_map(|(k, p)| p.deposits.values().filter(|d| u64::from(d.day) + mileage::GRACE_DAYS < today).map(|d| (*k, *d)))
            .collect();
        for (player, d) in &expired {
            self.authority(Body::Mint { player: *player, pool: Pool::Mileage, amount_milli: d.amount_milli, cause: d.cause, km_index: d.km_index })?;
        }
        Ok(expired.len() as u64)
    }
}

pub use crate::ledger::entry::MAX_LABEL_CHARS;

/// Names and pseudonyms are shown to other players and printed in terminals: printable
/// text of 1 to [`MAX_LABEL_CHARS`] characters, no control characters (no terminal escapes).
pub fn check_label(what: &str, text: &str) -> Result<(), ValleyError> {
    crate::ledger::entry::label_problem(what, text).map_or(Ok(()), |why| Err(ValleyError::BadInput(why)))
}

/// Removes the files directly in `dir` (none there is no error).
fn remove_files_in(dir: &std::path::Path) -> Result<(), ValleyError> {
    let paths = match crate::platform::files::list_dir(dir) {
        Ok(paths) => paths,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(store_error(dir, e)),
    };
    for path in paths.iter().filter(|p| !p.is_dir()) {
        crate::platform::files::remove_file(path).map_err(|e| store_error(path, e))?;
    }
    Ok(())
}

fn car_error(dir: &std::path::Path, e: crate::simulated_car::CarError) -> ValleyError {
    store_error(dir, e)
}

/// The pseudonym of a player's own sample car (`DEMO-` and the first 8 hex digits of their
/// key): a shared valley gives a car one owner, so each joining profile or show visitor
/// brings a car of its own.
pub fn sample_car_for(player: &PublicKey) -> String {
    format!("DEMO-{}", player.to_hex()[..8].to_uppercase())
}

/// The bundled sample week, moved in time so that its last trip ends at `end_s` (Unix s):
/// the sample car reports it as if it had just been driven.
pub fn sample_week_ending(end_s: i64) -> Vec<TripSummary> {
    let mut trips = parse_trip_json("assets/sample/trips.json", SAMPLE_TRIPS).expect("the bundled sample trips parse");
    let last = trips.iter().map(|t| t.end).max().unwrap_or(end_s);
    for t in &mut trips {
        t.start += end_s - last;
        t.end += end_s - last;
    }
    trips
}

/// The last day of [`sample_week_ending`]: its trips in the 24 hours before `end_s`.
pub fn sample_day_ending(end_s: i64) -> Vec<TripSummary> {
    let mut trips = sample_week_ending(end_s);
    trips.retain(|t| t.end > end_s - 24 * 3600);
    trips
}

fn trips_dir(data: &DataDir) -> PathBuf {
    data.0.join("valley").join("trips")
}

fn journal_path(data: &DataDir) -> PathBuf {
    data.0.join("valley").join("trips.journal")
}

/// Reads every player's trip file (and the single file of earlier versions, if present),
/// then the journal over them; returns the players the journal changed.
fn load_trips(data: &DataDir) -> Result<(TripStore, BTreeSet<PublicKey>), ValleyError> {
    let mut store = load_trip_files(data)?;
    let mut journaled = BTreeSet::new();
    let path = journal_path(data);
    match crate::platform::files::read_to_string(&path) {
        Ok(text) => {
            // A line torn by a crash is a batch whose ledger part is durable: its trips are
            // "already imported" if sent again.
            for line in text.lines() {
                if let Ok(JournalLine::<PlayerTrips> { key, trips }) = serde_json::from_str(line)
                    && let Some(k) = PublicKey::from_hex(&key)
                {
                    journaled.insert(k);
                    store.players.insert(key, trips);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(store_error(&path, e)),
    }
    Ok((store, journaled))
}

fn load_trip_files(data: &DataDir) -> Result<TripStore, ValleyError> {
    let mut store = TripStore::default();
    let legacy = data.0.join("valley").join("trips.json");
    match crate::platform::files::read(&legacy) {
        Ok(bytes) => store = serde_json::from_slice(&bytes).map_err(|e| store_error(&legacy, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(store_error(&legacy, e)),
    }
    let dir = trips_dir(data);
    let paths = match crate::platform::files::list_dir(&dir) {
        Ok(paths) => paths,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(store),
        Err(e) => return Err(store_error(&dir, e)),
    };
    for path in paths {
        let Some(key) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".json")) else { continue };
        if PublicKey::from_hex(key).is_none() {
            continue; // not a player's file (e.g. a temporary file left by a crash)
        }
        let bytes = crate::platform::files::read(&path).map_err(|e| store_error(&path, e))?;
        let player: PlayerTrips = serde_json::from_slice(&bytes).map_err(|e| store_error(&path, e))?;
        store.players.insert(key.to_string(), player);
    }
    Ok(store)
}

impl ValleyService for EmbeddedValley {
    async fn player(&mut self, key: &PublicKey) -> Result<PlayerView, ValleyError> {
        self.credit_expired_deposits()?;
        Ok(PlayerView { key: *key, state: self.enrolled(key)?.clone(), stats: self.stats(key)?, merch_sold: self.ledger.state().merch_sold.clone() })
    }

    async fn import_trips(&mut self, key: &PublicKey, trips: Vec<TripSummary>) -> Result<ImportReport, ValleyError> {
        self.import(key, trips)
    }

    async fn import_car_trips(&mut self, key: &PublicKey, trips: Vec<SignedTrip>) -> Result<ImportReport, ValleyError> {
        self.import_car(key, trips)
    }

    async fn pair(&mut self, key: &PublicKey, pairing: Pairing) -> Result<u64, ValleyError> {
        EmbeddedValley::pair(self, key, pairing)
    }

    async fn mine(&mut self, key: &PublicKey, km_index: u64) -> Result<Deposit, ValleyError> {
        let d = *self.enrolled(key)?.deposits.get(&km_index).ok_or(ValleyError::NoSuchDeposit(km_index))?;
        self.authority(Body::Mint { player: *key, pool: Pool::Mileage, amount_milli: d.amount_milli, cause: d.cause, km_index })?;
        Ok(d)
    }

    async fn complete_task(&mut self, key: &PublicKey, task: &str) -> Result<u64, ValleyError> {
        let t = self.tables.task(task).ok_or_else(|| ValleyError::UnknownTask(task.into()))?;
        if t.kind == crate::economy::tables::TaskKind::CoCreation && !self.ledger.state().self_reported_mints {
            return Err(ValleyError::BadInput(format!(
                "{task:?} pays only for an event organiser's signed grant: import the grant file you were given (`horizon import GRANT.json`)"
            )));
        }
        let crystals = t.crystals;
        let today = (self.now() / DAY_MS) as u32;
        check_repeat(t.repeat, self.enrolled(key)?.tasks.get(task).copied(), today).map_err(|_| ValleyError::TaskDone(task.into()))?;
        // A shared valley pays only for what it saw driven; a local one is the player's own.
        if !self.ledger.state().self_reported_mints {
            self.drives.proof_of(t, key, today).map_err(|why| ValleyError::Unproven { task: task.into(), why })?;
        }
        self.authority(Body::CrystalAward { player: *key, amount: crystals, task: task.into() })?;
        Ok(crystals)
    }

    async fn start_drive(&mut self, key: &PublicKey, level: &str) -> Result<u64, ValleyError> {
        self.enrolled(key)?;
        let now = self.now();
        self.drives.start(key, level, now)
    }

    async fn report_drive(&mut self, key: &PublicKey, samples: Vec<DriveSample>) -> Result<DriveProgress, ValleyError> {
        let top_speed = crate::twin::vehicle_params(&self.stats(key)?).top_speed_mps;
        let now = self.now();
        self.drives.report(key, top_speed, now, &samples)
    }

    async fn commit_box(&mut self, key: &PublicKey) -> Result<[u8; 32], ValleyError> {
        let state = self.enrolled(key)?;
        // One commitment waits at a time: asking again shows it again.
        if let Some(open) = state.open_box {
            return Ok(open.commitment);
        }
        let price = self.tables.boxes.price_crystals;
        if state.crystals < price {
            return Err(ValleyError::NotEnoughCrystals { price, have: state.crystals });
        }
        let commitment = boxes::commitment(&self.box_seed(key, state.boxes_committed)?);
        // Recorded (and, on a server, made durable) before the player picks a seed.
        self.authority(Body::BoxCommit { player: *key, commitment })?;
        Ok(commitment)
    }

    async fn open_box(&mut self, key: &PublicKey, commitment: [u8; 32], client_seed: [u8; 32]) -> Result<BoxOpening, ValleyError> {
        let tables = self.tables.clone();
        let open = self.box_to_open(key, commitment)?;
        let state = self.enrolled(key)?.clone();
        let server_seed = self.box_seed(key, open.seq)?;
        let body = box_draw_body(&tables, self.ledger.state(), *key, &state, server_seed, client_seed);
        let Body::BoxDraw { prize, draw, .. } = body.clone() else { unreachable!("draw_body builds a box draw") };
        let entry = self.authority(body)?;
        let pity_after = self.enrolled(key)?.pity;
        Ok(BoxOpening { prize, commitment, server_seed, client_seed, draw, pity_before: state.pity, pity_after, entry })
    }

    async fn claim_grant(&mut self, key: &PublicKey, grant: Grant) -> Result<u64, ValleyError> {
        self.enrolled(key)?;
        let task = self.tables.tasks.iter().find(|t| t.kind == crate::economy::tables::TaskKind::CoCreation).ok_or_else(|| ValleyError::UnknownTask("co-creation".into()))?.clone();
        if grant.player != *key {
            return Err(ValleyError::BadInput(format!("the grant for event {:?} names player {}, not you ({key})", grant.event, grant.player)));
        }
        self.authority(Body::GrantAward { player: *key, task: task.id, amount: task.crystals, grant })?;
        Ok(task.crystals)
    }

    async fn submit(&mut self, entry: Entry) -> Result<u64, ValleyError> {
        // Merchandise is shipped: its voucher is redeemed with an address (redeem_merch).
        if let Body::Redeem { voucher } = &entry.body
            && let Some(v) = self.ledger.state().player(&entry.actor).and_then(|p| p.vouchers.iter().find(|v| v.id == *voucher))
            && self.tables.merch_item(&v.item).is_some()
        {
            return Err(ValleyError::BadInput(format!("voucher {voucher} is for merchandise ({}): redeem it with a shipping address (`horizon merch redeem`)", v.item)));
        }
        self.record(entry)
    }

    async fn issue_card(&mut self, key: &PublicKey) -> Result<u64, ValleyError> {
        self.issue_card_now(key)
    }

    async fn redeem_merch(&mut self, entry: Entry, address: super::shipping::ShippingAddress) -> Result<u64, ValleyError> {
        self.redeem_merch_now(entry, address)
    }
}
