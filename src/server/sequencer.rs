//! The sequencer: one thread owns the authority and applies the signed intents the handlers
//! send it, in batches. Each batch's entries are staged, then made durable together (one
//! write, one fsync, one checkpoint), its answers kept with one more fsync, the reads
//! published, and only then is each request answered. Readers never wait for it.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use super::answers::Answers;
use super::reads::Reads;
use crate::ledger::signatures::{KeyCache, signature_is_valid};
use crate::ledger::{Body, Entry, PublicKey};
use crate::profile::DataDir;
use crate::valley::embedded::{Clock, EmbeddedValley, Trusted};
use crate::valley::wire::*;
use crate::valley::{ValleyError, ValleyService, block_on_ready};

/// Most requests made durable together.
pub const MAX_BATCH: usize = 1024;

/// A signed request whose signature and time the handler has checked.
pub struct Job {
    pub player: PublicKey,
    pub action: String,
    pub body: axum::body::Bytes,
    pub idempotency: String,
    pub time_ms: u64,
    pub body_sha256: String,
    pub reply: oneshot::Sender<Answer>,
}

/// What the handler sends back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// The stored answer of an earlier identical request.
    pub replayed: bool,
}

impl Answer {
    pub fn error(status: u16, code: &str, message: String) -> Answer {
        Answer { status, body: ErrorAnswer::json(code, message), replayed: false }
    }
}

/// Whom a server trusts (car makers, event organisers), and the origin a new ledger gets.
#[derive(Clone, Debug, Default)]
pub struct ServerTrust {
    /// The log's origin for a new ledger [default: `crypto-horizon.valley/<random>`, one
    /// of its own for each deployment]. An existing ledger keeps its origin.
    pub origin: Option<String>,
    pub trusted: Trusted,
}

impl ServerTrust {
    /// Trusts the demo maker (simulated cars): for demos and tests, never for real owners.
    pub fn demo() -> ServerTrust {
        ServerTrust { origin: None, trusted: Trusted::demo() }
    }
}

/// A fresh origin for a new deployment: its checkpoints can be told from any other's.
fn new_origin() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 6];
    rand_core::OsRng.fill_bytes(&mut bytes);
    format!("crypto-horizon.valley/{}", hex::encode(bytes))
}

/// The server's authority and the answers it gave.
pub struct ValleyServer {
    valley: EmbeddedValley,
    answers: Answers,
    clock: Clock,
}

impl ValleyServer {
    /// Opens (or creates) the server's authority, ledger and answers under `data`, trusting
    /// the makers in `trust`.
    pub fn open(data: &DataDir, clock: Clock, trust: &ServerTrust) -> Result<ValleyServer, ValleyError> {
        let origin = trust.origin.clone().unwrap_or_else(new_origin);
        let mut valley = EmbeddedValley::open_shared(data, clock, crate::economy::EconomyTables::shared(), &origin, &trust.trusted)?;
        if let Some(wanted) = &trust.origin
            && valley.ledger().state().origin != *wanted
        {
            return Err(ValleyError::BadInput(format!("the ledger in {} has origin {}, not {wanted}", data.0.display(), valley.ledger().state().origin)));
        }
        valley.start_batching();
        let path = data.0.join("server").join("answers.jsonl");
        let answers = Answers::open(&path, clock()).map_err(|message| ValleyError::Store { path: path.display().to_string(), message })?;
        Ok(ValleyServer { valley, answers, clock })
    }

    pub fn valley(&self) -> &EmbeddedValley {
        &self.valley
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Runs the sequencer on its own thread until every sender is gone.
    pub fn start(self, reads: Arc<Reads>, queue: usize) -> mpsc::Sender<Job> {
        let (tx, rx) = mpsc::channel(queue);
        std::thread::Builder::new().name("sequencer".into()).spawn(move || self.run(rx, &reads)).expect("a sequencer thread");
        tx
    }

    fn run(mut self, mut jobs: mpsc::Receiver<Job>, reads: &Reads) {
        while let Some(first) = jobs.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            let mut replies = Vec::with_capacity(batch.len());
            let mut touched = BTreeSet::new();
            for job in batch {
                // A bug in one request's rules answers 500 and the server keeps serving.
                let answer = catch_unwind(AssertUnwindSafe(|| self.handle(&job)))
                    .unwrap_or_else(|_| Answer::error(500, "server", "the request failed inside the server".into()));
                touched.insert(job.player);
                replies.push((job.reply, answer));
            }
            let now = (self.clock)();
            let durable = self.valley.commit().map_err(|e| e.to_string()).and_then(|_| self.answers.sync(now));
            if let Err(e) = durable {
                eprintln!("error: a batch could not be made durable: {e}");
                self.answers.discard_unsynced();
                for (reply, _) in replies {
                    let _ = reply.send(Answer::error(500, "server", format!("the server could not store the request: {e}")));
                }
                continue;
            }
            reads.publish(self.valley.ledger(), &touched.into_iter().collect::<Vec<_>>());
            for (reply, answer) in replies {
                let _ = reply.send(answer);
            }
        }
    }

    fn handle(&mut self, job: &Job) -> Answer {
        let now = (self.clock)();
        if let Some(stored) = self.answers.get(&job.player, &job.idempotency, now) {
            if stored.body_sha256 != job.body_sha256 {
                return Answer::error(409, "idempotency-key-reused", format!("idempotency key {} was used for a different request", job.idempotency));
            }
            return Answer { status: stored.status, body: stored.body.clone(), replayed: true };
        }
        let (status, body) = match self.apply(&job.player, &job.action, &job.body) {
            Ok(json) => (200, json),
            Err(Refusal::BadRequest(message)) => return Answer::error(400, "bad-request", message),
            Err(Refusal::NotFound) => return Answer::error(404, "no-such-action", format!("there is no /v1/{}", job.action)),
            Err(Refusal::Valley(e)) if matches!(e, ValleyError::Store { .. } | ValleyError::Ledger(crate::ledger::LedgerError::Poisoned(_))) => {
                return Answer::error(500, "server", e.to_string());
            }
            Err(Refusal::Valley(e)) => (422, serde_json::to_string(&ErrorAnswer::from(&e)).expect("serialises")),
        };
        // Only enrolled players' answers are kept: junk from unknown keys leaves nothing.
        if self.valley.ledger().state().player(&job.player).is_some() {
            self.answers.keep(job.player, job.idempotency.clone(), job.time_ms, job.body_sha256.clone(), status, body.clone());
        }
        Answer { status, body, replayed: false }
    }

    fn apply(&mut self, player: &PublicKey, action: &str, body: &[u8]) -> Result<String, Refusal> {
        let valley = &mut self.valley;
        match action {
            "enrol" => {
                let request: EnrolRequest = parse(body)?;
                if valley.ledger().state().player(player).is_none() {
                    // A vehicle named here is the client's word: its self-reported trips
                    // shape the twin and mint nothing. Stones come from a car's pairing
                    // ("pair") and its signed trips ("car-trips").
                    valley.enrol(*player, role_of(&request), &request.name)?;
                }
                answer(&IndexAnswer { index: valley.ledger().size() - 1 })
            }
            "trips" => {
                let request: TripsRequest = parse(body)?;
                if request.trips.len() > MAX_TRIPS_PER_REQUEST {
                    return Err(Refusal::BadRequest(format!(
                        "{} trips in one request; at most {MAX_TRIPS_PER_REQUEST} (send the rest in further requests)",
                        request.trips.len()
                    )));
                }
                let report = block_on_ready(valley.import_trips(player, request.trips))?;
                answer(&WireImportReport::from(&report))
            }
            "car-trips" => {
                let request: CarTripsRequest = parse(body)?;
                if request.trips.len() > MAX_TRIPS_PER_REQUEST {
                    return Err(Refusal::BadRequest(format!(
                        "{} trips in one request; at most {MAX_TRIPS_PER_REQUEST} (send the rest in further requests)",
                        request.trips.len()
                    )));
                }
                let trips = request.decode().map_err(Refusal::BadRequest)?;
                let report = block_on_ready(valley.import_car_trips(player, trips))?;
                answer(&WireImportReport::from(&report))
            }
            "grant" => {
                let request: GrantRequest = parse(body)?;
                let grant = request.decode().map_err(Refusal::BadRequest)?;
                answer(&CrystalsAnswer { crystals: block_on_ready(valley.claim_grant(player, grant))? })
            }
            "pair" => {
                let request: PairRequest = parse(body)?;
                let pairing = request.decode().map_err(Refusal::BadRequest)?;
                answer(&IndexAnswer { index: valley.pair(player, pairing)? })
            }
            "mine" => {
                let request: MineRequest = parse(body)?;
                // A deposit is minted once: a retry after a crash that lost the answer is
                // refused ("no unmined deposit"), never paid twice.
                answer(&WireDeposit::from(block_on_ready(valley.mine(player, request.km_index))?))
            }
            "task" => {
                let request: TaskRequest = parse(body)?;
                answer(&CrystalsAnswer { crystals: block_on_ready(valley.complete_task(player, &request.task))? })
            }
            "drive/start" => {
                let request: DriveStartRequest = parse(body)?;
                answer(&DriveStartAnswer { started_ms: block_on_ready(valley.start_drive(player, &request.level))? })
            }
            "drive/report" => {
                let request: DriveReportRequest = parse(body)?;
                answer(&block_on_ready(valley.report_drive(player, request.samples))?)
            }
            "box/commit" => answer(&CommitmentAnswer { commitment: hex::encode(block_on_ready(valley.commit_box(player))?) }),
            "box/open" => {
                let request: OpenBoxRequest = parse(body)?;
                let commitment = hex32(&request.commitment).map_err(Refusal::BadRequest)?;
                let client_seed = hex32(&request.client_seed).map_err(Refusal::BadRequest)?;
                let open = valley.box_to_open(player, commitment)?;
                // The player's signed seed goes on the ledger first (once: a retry after a lost
                // answer finds it there).
                match open.client_seed {
                    Some(signed) if signed == client_seed => {}
                    Some(_) => return Err(Refusal::BadRequest("this box was opened with another seed; ask again with that one".into())),
                    None => {
                        let Some(entry) = request.entry.as_deref() else {
                            return Err(Refusal::BadRequest("opening a box needs your signed box-open entry (entry)".into()));
                        };
                        let entry = player_entry(entry, |e| {
                            if e.actor != *player || e.body != (Body::BoxOpen { commitment, client_seed }) {
                                return Err("the entry is not your box-open for this commitment and seed".into());
                            }
                            Ok(())
                        })?;
                        if let Some(why) = crate::valley::wire::entry_time_refusal(entry.time_ms, valley.now()) {
                            return Err(Refusal::BadRequest(why));
                        }
                        block_on_ready(valley.submit(entry))?;
                    }
                }
                answer(&WireBoxOpening::from(&block_on_ready(valley.open_box(player, commitment, client_seed))?))
            }
            "submit" => {
                let request: SubmitRequest = parse(body)?;
                let entry = player_entry(&request.entry, |e| {
                    if e.actor != *player {
                        return Err(format!("the entry is signed by {}, not by the requesting player", e.actor));
                    }
                    if matches!(e.body, Body::Genesis { .. }) || e.body.subject().is_some() {
                        return Err("players submit only their own consents, purchases, orders, combines and redemptions".into());
                    }
                    Ok(())
                })?;
                if let Some(index) = recorded_or_fresh(valley, &entry)? {
                    return answer(&IndexAnswer { index });
                }
                let index = block_on_ready(valley.submit(entry))?;
                answer(&IndexAnswer { index })
            }
            "card" => answer(&IndexAnswer { index: valley.issue_card_now(player)? }),
            "merch/redeem" => {
                let request: MerchRedeemRequest = parse(body)?;
                let entry = player_entry(&request.entry, |e| {
                    if e.actor != *player || !matches!(e.body, Body::Redeem { .. }) {
                        return Err("the entry is not your signed redemption".into());
                    }
                    Ok(())
                })?;
                if let Some(index) = recorded_or_fresh(valley, &entry)? {
                    return answer(&IndexAnswer { index });
                }
                answer(&IndexAnswer { index: valley.redeem_merch_now(entry, request.address)? })
            }
            _ => Err(Refusal::NotFound),
        }
    }
}

enum Refusal {
    BadRequest(String),
    NotFound,
    Valley(ValleyError),
}

impl From<ValleyError> for Refusal {
    fn from(e: ValleyError) -> Self {
        Refusal::Valley(e)
    }
}

/// Where a player's entry already is, if this very request recorded it before a crash lost
/// its answer (it is then the player's latest entry: the client's queue sends in order),
/// answered whatever its age; else whether it is fresh enough to record.
fn recorded_or_fresh(valley: &EmbeddedValley, entry: &Entry) -> Result<Option<u64>, Refusal> {
    let recorded = valley.ledger().state().last_entry_of(&entry.actor);
    if let Some(index) = recorded.filter(|&i| valley.ledger().read_entry(i).is_ok_and(|(stored, _)| stored.signature == entry.signature)) {
        return Ok(Some(index));
    }
    match crate::valley::wire::entry_time_refusal(entry.time_ms, valley.now()) {
        Some(why) => Err(Refusal::BadRequest(why)),
        None => Ok(None),
    }
}

/// A player-signed entry from a request (base64): decoded, checked by `check` (whose it is,
/// what it may be), then its signature verified strictly.
fn player_entry(base64: &str, check: impl FnOnce(&Entry) -> Result<(), String>) -> Result<Entry, Refusal> {
    let bytes = B64.decode(base64).map_err(|_| Refusal::BadRequest("entry is not base64".into()))?;
    let entry = Entry::from_bytes(&bytes).map_err(|e| Refusal::BadRequest(format!("entry: {e}")))?;
    check(&entry).map_err(Refusal::BadRequest)?;
    if !signature_is_valid(&entry, &entry.to_bytes(), &mut KeyCache::default()) {
        return Err(Refusal::BadRequest("the entry's signature does not verify (strict Ed25519)".into()));
    }
    Ok(entry)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| Refusal::BadRequest(format!("the request body is not what was expected: {e}")))
}

fn answer<T: Serialize>(value: &T) -> Result<String, Refusal> {
    Ok(serde_json::to_string(value).expect("plain data serialises"))
}
