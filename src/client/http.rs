//! The valley authority over HTTP: the client side of `horizon serve` (reqwest, async; the
//! same code runs in the browser through fetch). It signs each request with the player's
//! key, keeps a verified replica of the server's ledger, and reads the player's state from
//! that replica, never from the server's word alone.
//!
//! ```text
//! DATA/sync/server.json   the server's URL
//! DATA/sync/queue.jsonl   intents waiting for the server (see `queue`)
//! DATA/sync/replica/      the verified replica (see `replica`)
//! DATA/sync/trips.json    the summaries the server accepted (the twin's stats need them)
//! ```
//!
//! (About 400 lines: one type, the HTTP authority, and its contract methods.)

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use crate::valley::embedded::Clock;
use super::queue::{Intent, Queue};
use super::replica::{Replica, SyncedTo};
use crate::valley::wire::*;
use crate::valley::{BoxOpening, ImportReport, PlayerView, ValleyError, ValleyService};
use crate::ledger::replay::Deposit;
use crate::ledger::{Body, Entry, NamedKey, PublicKey, Scope, VerifierKey};
use crate::profile::DataDir;
use crate::ledger::car::SignedTrip;
use crate::telemetry::car_signed::{Pairing, summary_of};
use crate::telemetry::{TripSummary, Verdict};
use crate::twin::{TwinInputs, twin_stats};

#[derive(Serialize, Deserialize)]
struct ServerFile {
    url: String,
}

/// The sync folder of a profile.
pub fn sync_dir(data: &DataDir) -> PathBuf {
    data.0.join("sync")
}

/// The server this profile syncs with, if it has one.
pub fn saved_server(data: &DataDir) -> Option<String> {
    let text = crate::platform::files::read_to_string(sync_dir(data).join("server.json")).ok()?;
    serde_json::from_str::<ServerFile>(&text).ok().map(|s| s.url)
}

/// The profile plays its own embedded valley again; what it verified and queued for its
/// server stays, for when it joins again.
pub fn leave_server(data: &DataDir) -> Result<(), ValleyError> {
    let path = sync_dir(data).join("server.json");
    match crate::platform::files::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(store_error(&path, e)),
        _ => Ok(()),
    }
}

pub struct HttpValley {
    base: String,
    client: reqwest::Client,
    key: NamedKey,
    pub replica: Replica,
    replica_dir: PathBuf,
    pub queue: Queue,
    trips_path: PathBuf,
    trips: Vec<TripSummary>,
    clock: Clock,
    /// The nonce after the last one signed here (entries may be signed faster than the
    /// replica learns of them).
    next_nonce: std::sync::atomic::AtomicU64,
}

/// What sending the queue did.
#[derive(Debug, Default)]
pub struct FlushReport {
    pub sent: usize,
    /// Intents the server refused for good, with its reason (they leave the queue).
    pub refused: Vec<(String, String)>,
    /// Answers worth showing (imports, mines, tasks).
    pub answers: Vec<String>,
    /// What each import sent accepted and rejected.
    pub imports: Vec<ImportReport>,
}

fn store_error(path: &std::path::Path, e: impl std::fmt::Display) -> ValleyError {
    ValleyError::Store { path: path.display().to_string(), message: e.to_string() }
}

impl HttpValley {
    /// The client for `base` (e.g. `http://127.0.0.1:8080`) with its state under `data`.
    pub fn open(data: &DataDir, base: &str, key: NamedKey, clock: Clock) -> Result<HttpValley, ValleyError> {
        let dir = sync_dir(data);
        crate::platform::files::create_dir_all(&dir).map_err(|e| store_error(&dir, e))?;
        let base = base.trim_end_matches('/').to_string();
        let server_file = dir.join("server.json");
        crate::ledger::store::write_atomically(&server_file, &serde_json::to_vec(&ServerFile { url: base.clone() }).expect("serialises"))
            .map_err(|e| store_error(&server_file, e))?;
        let trips_path = dir.join("trips.json");
        let trips = match crate::platform::files::read(&trips_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| store_error(&trips_path, e))?,
            Err(_) => Vec::new(),
        };
        #[cfg(not(target_arch = "wasm32"))]
        let client = native_client(std::time::Duration::from_secs(15));
        #[cfg(target_arch = "wasm32")]
        let client = reqwest::Client::new();
        Ok(HttpValley {
            base,
            client,
            key,
            replica: Replica::open(&dir.join("replica"))?,
            replica_dir: dir.join("replica"),
            queue: Queue::open(&dir.join("queue.jsonl"))?,
            trips_path,
            trips,
            clock,
            next_nonce: Default::default(),
        })
    }

    /// Answers slower than `timeout` count as the server being unavailable.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.set_timeout(timeout);
        self
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn set_timeout(&mut self, timeout: std::time::Duration) {
        self.client = native_client(timeout);
    }

    /// Acts for `key` from now on, with that player's queue and accepted trips under
    /// `player_sync` (a show machine's visitor, then its own player again); the verified
    /// replica of the server's ledger is the valley's, not a player's, and stays. Returns the
    /// key it acted for.
    pub fn switch_player(&mut self, key: NamedKey, player_sync: &std::path::Path) -> Result<NamedKey, ValleyError> {
        crate::platform::files::create_dir_all(player_sync).map_err(|e| store_error(player_sync, e))?;
        let queue = Queue::open(&player_sync.join("queue.jsonl"))?;
        let trips_path = player_sync.join("trips.json");
        let trips = match crate::platform::files::read(&trips_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| store_error(&trips_path, e))?,
            Err(_) => Vec::new(),
        };
        self.queue = queue;
        self.trips_path = trips_path;
        self.trips = trips;
        // The next nonce is the new player's, from the replica and their queue.
        self.next_nonce.store(0, std::sync::atomic::Ordering::SeqCst);
        Ok(std::mem::replace(&mut self.key, key))
    }

    pub fn replica_dir(&self) -> &std::path::Path {
        &self.replica_dir
    }

    /// The player this client acts for.
    pub fn player_key(&self) -> PublicKey {
        self.key.public_key()
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn unavailable(&self, e: impl std::fmt::Display) -> ValleyError {
        ValleyError::Unavailable { url: self.base.clone(), message: e.to_string() }
    }

    async fn get(&self, path: &str) -> Result<Vec<u8>, ValleyError> {
        get_from(self.client.clone(), self.base.clone(), path.to_string()).await
    }

    /// Sends one signed intent; retries of the same intent must reuse its `idempotency` key.
    /// The request is signed for the server whose key this profile trusts (pinned first).
    pub async fn post(&mut self, action: &str, body: &[u8], idempotency: &str) -> Result<Vec<u8>, ValleyError> {
        self.trust_server(None).await?;
        let server = self.replica.key().map(|k| k.text.clone()).ok_or_else(|| ValleyError::Untrusted("no server key is pinned".into()))?;
        let path = format!("/v1/{action}");
        let mut request = self.client.post(format!("{}{path}", self.base)).header("content-type", "application/json").body(body.to_vec());
        for (name, value) in sign_request(&self.key, &server, "POST", &path, (self.clock)(), idempotency, body) {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| self.unavailable(describe(&e)))?;
        let status = response.status();
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = response.bytes().await.map_err(|e| ValleyError::BadAnswer(format!("{path}: {}", describe(&e))))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        if status.as_u16() == 429 {
            return Err(ValleyError::Busy { url: self.base.clone(), retry_after_s: retry_after.unwrap_or(1) });
        }
        let answer: Option<ErrorAnswer> = serde_json::from_slice(&bytes).ok();
        if status.is_server_error() || status.as_u16() == 408 {
            // Failed or timed out: the same intent can be sent again later.
            let message = answer.map_or_else(|| String::from_utf8_lossy(&bytes).into_owned(), |a| a.message);
            return Err(self.unavailable(format!("{status}: {message}")));
        }
        match answer {
            Some(a) if status.as_u16() == 422 => Err(a.into_error()),
            Some(a) => Err(ValleyError::Remote(format!("{status}: {}", a.message))),
            None => Err(ValleyError::BadAnswer(format!("{path}: {status} with an unreadable body"))),
        }
    }

    async fn post_json<T: serde::de::DeserializeOwned>(&mut self, action: &str, body: &impl Serialize) -> Result<T, ValleyError> {
        let bytes = self.post(action, &serde_json::to_vec(body).expect("serialises"), &new_idempotency_key()).await?;
        read(action, &bytes)
    }

    /// Pins the server's verifier key: `pinned` if given, else the one it serves (trust on
    /// first use). A profile that trusts another key refuses.
    pub async fn trust_server(&mut self, pinned: Option<VerifierKey>) -> Result<(), ValleyError> {
        let key = match pinned {
            Some(k) => k,
            None if self.replica.key().is_some() => return Ok(()),
            None => {
                let text = self.get("log.vkey").await?;
                VerifierKey::parse(String::from_utf8_lossy(&text).trim()).map_err(|e| ValleyError::BadAnswer(format!("log.vkey: {e}")))?
            }
        };
        self.replica.pin_key(key)
    }

    /// Verifies and fetches what the server's log has gained since the last sync.
    pub async fn sync_replica(&mut self) -> Result<SyncedTo, ValleyError> {
        self.trust_server(None).await?;
        let note = self.get("checkpoint").await?;
        let (client, base) = (self.client.clone(), self.base.clone());
        self.replica.sync(&note, |path| get_from(client.clone(), base.clone(), path)).await
    }

    /// Adds an intent to the durable queue (sent by [`HttpValley::flush`]). Trips go in
    /// requests of at most [`MAX_TRIPS_PER_REQUEST`], the server's limit.
    pub fn enqueue(&mut self, intent: Intent) -> Result<(), ValleyError> {
        let now = (self.clock)();
        match intent {
            Intent::Trips(request) if request.trips.len() > MAX_TRIPS_PER_REQUEST => {
                for chunk in request.trips.chunks(MAX_TRIPS_PER_REQUEST) {
                    self.queue.push(Intent::Trips(TripsRequest { trips: chunk.to_vec() }), now)?;
                }
            }
            Intent::CarTrips(request) if request.trips.len() > MAX_TRIPS_PER_REQUEST => {
                for chunk in request.trips.chunks(MAX_TRIPS_PER_REQUEST) {
                    self.queue.push(Intent::CarTrips(CarTripsRequest { trips: chunk.to_vec() }), now)?;
                }
            }
            intent => {
                self.queue.push(intent, now)?;
            }
        }
        Ok(())
    }

    /// Signs `body` as the player's next entry, counting entries still in the queue.
    pub fn sign(&self, body: Body) -> Result<Entry, ValleyError> {
        let me = self.key.public_key();
        let queued = self.queue.items().iter().filter_map(|q| q.intent.entry()).map(|e| e.nonce + 1).max().unwrap_or(0);
        let nonce = self.replica.state().next_nonce(&me).max(queued).max(self.next_nonce.load(std::sync::atomic::Ordering::SeqCst));
        self.next_nonce.store(nonce + 1, std::sync::atomic::Ordering::SeqCst);
        Ok(Entry::sign(body, &self.key.signing_key, nonce, (self.clock)()).map_err(crate::ledger::LedgerError::from)?)
    }

    /// Whether the player has the scope, as the verified ledger and the queued consents say.
    pub fn consented(&self, scope: Scope) -> bool {
        let mut granted = self.replica.state().player(&self.key.public_key()).is_some_and(|p| p.consented(scope));
        for entry in self.queue.items().iter().filter_map(|q| q.intent.entry()) {
            if let Body::Consent { scope: s, granted: g } = entry.body
                && s == scope
            {
                granted = g;
            }
        }
        granted
    }

    /// Sends the queue in order. Stops at the first intent the server cannot take now (it
    /// stays queued); an intent it refuses for good leaves the queue with its reason.
    pub async fn flush(&mut self) -> Result<FlushReport, ValleyError> {
        let mut report = FlushReport::default();
        while let Some(q) = self.queue.items().first().cloned() {
            if let Intent::Trips(_) | Intent::CarTrips(_) = &q.intent {
                // Revoking the mileage scope stops trips at once, queued ones included.
                if !self.consented(Scope::Mileage) {
                    report.refused.push((q.id.clone(), "the mileage consent was revoked before these trips were sent".into()));
                    self.queue.pop_front()?;
                    continue;
                }
            }
            match self.post(q.intent.action(), &q.intent.body(), &q.id).await {
                Ok(bytes) => {
                    report.sent += 1;
                    let sent_trips = match &q.intent {
                        Intent::Trips(sent) => Some(sent.trips.clone()),
                        Intent::CarTrips(sent) => Some(sent.decode().map_err(ValleyError::BadInput)?.iter().map(summary_of).collect()),
                        _ => None,
                    };
                    if let Some(sent) = sent_trips {
                        let action = q.intent.action();
                        let wire: WireImportReport = read(action, &bytes)?;
                        let r = wire.into_report(&sent).map_err(|e| ValleyError::BadAnswer(format!("/v1/{action}: {e}")))?;
                        self.keep_accepted(&r)?;
                        report.answers.push(describe_import(&r));
                        report.imports.push(r);
                    } else if let Intent::Grant(g) = &q.intent {
                        let c: CrystalsAnswer = read("grant", &bytes)?;
                        let event = g.decode().map(|g| g.event).unwrap_or_default();
                        report.answers.push(format!("granted: {} crystals for event {event}", c.crystals));
                    } else if let Intent::Pair(_) = &q.intent {
                        let a: IndexAnswer = read("pair", &bytes)?;
                        report.answers.push(format!("paired with the car: ledger entry {}", a.index));
                    } else if let Intent::Mine(m) = &q.intent {
                        let d: WireDeposit = read("mine", &bytes)?;
                        report.answers.push(format!("mined km {}: {} stones", m.km_index, crate::economy::format_stones(d.amount_milli)));
                    } else if let Intent::Task(t) = &q.intent {
                        let c: CrystalsAnswer = read("task", &bytes)?;
                        report.answers.push(format!("task {}: {} crystals", t.task, c.crystals));
                    }
                    self.queue.pop_front()?;
                }
                Err(e) if e.is_retryable() => return Err(e),
                Err(e) => {
                    report.refused.push((q.id.clone(), e.to_string()));
                    self.queue.pop_front()?;
                }
            }
        }
        Ok(report)
    }

    fn keep_accepted(&mut self, report: &ImportReport) -> Result<(), ValleyError> {
        for c in &report.checked {
            if matches!(c.verdict, Verdict::Accepted { .. }) && !self.trips.contains(&c.trip) {
                self.trips.push(c.trip.clone());
            }
        }
        let bytes = serde_json::to_vec_pretty(&self.trips).expect("serialises");
        crate::ledger::store::write_atomically(&self.trips_path, &bytes).map_err(|e| store_error(&self.trips_path, e))
    }

    /// The trips the server accepted for this player.
    pub fn accepted_trips(&self) -> &[TripSummary] {
        &self.trips
    }

    /// The player as the verified replica shows them.
    pub fn view(&self, key: &PublicKey) -> Result<PlayerView, ValleyError> {
        let state = self.replica.state().player(key).cloned().ok_or(ValleyError::NotEnrolled(*key))?;
        let stats = twin_stats(TwinInputs {
            trips: &self.trips,
            behaviour_consent: state.consented(Scope::Behaviour),
            items: &state.items,
            task_xp: state.task_xp,
            game_km: 0.0,
        });
        Ok(PlayerView { key: *key, state, stats, merch_sold: self.replica.state().merch_sold.clone() })
    }
}

impl HttpValley {
    /// Posts trips in requests the server takes (each with the summaries it carries) and
    /// joins the answers into one report, keeping the accepted trips for the twin.
    async fn post_trips<R: Serialize>(&mut self, action: &str, requests: Vec<(R, Vec<TripSummary>)>) -> Result<ImportReport, ValleyError> {
        let mut report = ImportReport::default();
        for (request, sent) in requests {
            let wire: WireImportReport = self.post_json(action, &request).await?;
            let part = wire.into_report(&sent).map_err(|e| ValleyError::BadAnswer(format!("/v1/{action}: {e}")))?;
            self.keep_accepted(&part)?;
            report.checked.extend(part.checked);
            report.already_imported += part.already_imported;
            report.attested_km += part.attested_km;
            report.new_deposits.extend(part.new_deposits);
        }
        Ok(report)
    }
}

/// An HTTP client that drops idle connections before the server does (it closes a
/// connection that sends no request for 10 s), so that no request races a closing socket.
#[cfg(not(target_arch = "wasm32"))]
fn native_client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder().timeout(timeout).pool_idle_timeout(std::time::Duration::from_secs(5)).build().expect("an HTTP client")
}

/// A replica of the log at `base`, verified under `key`, kept in `dir`: what an auditor
/// reads a server's ledger through (nothing is trusted that the key did not sign).
pub async fn verified_replica(base: &str, dir: &std::path::Path, key: VerifierKey) -> Result<Replica, ValleyError> {
    let base = base.trim_end_matches('/').to_string();
    let client = reqwest::Client::new();
    let mut replica = Replica::open(dir)?;
    replica.pin_key(key)?;
    let note = get_from(client.clone(), base.clone(), "checkpoint".into()).await?;
    replica.sync(&note, |path| get_from(client.clone(), base.clone(), path)).await?;
    Ok(replica)
}

async fn get_from(client: reqwest::Client, base: String, path: String) -> Result<Vec<u8>, ValleyError> {
    let url = format!("{base}/{path}");
    let unavailable = |message: String| ValleyError::Unavailable { url: base.clone(), message };
    let response = client.get(&url).send().await.map_err(|e| unavailable(describe(&e)))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| ValleyError::BadAnswer(format!("{url}: {}", describe(&e))))?;
    if status.is_server_error() {
        return Err(unavailable(format!("{url}: {status}")));
    }
    if !status.is_success() {
        return Err(ValleyError::Remote(format!("{url}: {status}: {}", String::from_utf8_lossy(&bytes).trim())));
    }
    Ok(bytes.to_vec())
}

fn read<T: serde::de::DeserializeOwned>(action: &str, bytes: &[u8]) -> Result<T, ValleyError> {
    serde_json::from_slice(bytes).map_err(|e| ValleyError::BadAnswer(format!("/v1/{action}: {e}")))
}

/// A reqwest error in words, with its cause (reqwest's own text omits it).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    if e.is_timeout() {
        text.push_str(" (timed out)");
    }
    text
}

pub fn describe_import(r: &ImportReport) -> String {
    let accepted = r.checked.iter().filter(|c| matches!(c.verdict, Verdict::Accepted { .. })).count();
    format!(
        "trips: {accepted} accepted, {} rejected, {} imported before; {} km attested; {} stones dropped in the valley",
        r.checked.len() - accepted,
        r.already_imported,
        r.attested_km,
        crate::economy::format_stones(r.new_deposits.iter().map(|d| d.amount_milli).sum())
    )
}

impl ValleyService for HttpValley {
    async fn player(&mut self, key: &PublicKey) -> Result<PlayerView, ValleyError> {
        self.sync_replica().await?;
        self.view(key)
    }

    async fn import_trips(&mut self, _key: &PublicKey, trips: Vec<TripSummary>) -> Result<ImportReport, ValleyError> {
        let requests = trips.chunks(MAX_TRIPS_PER_REQUEST).map(|c| (TripsRequest { trips: c.to_vec() }, c.to_vec())).collect();
        self.post_trips("trips", requests).await
    }

    async fn import_car_trips(&mut self, _key: &PublicKey, trips: Vec<SignedTrip>) -> Result<ImportReport, ValleyError> {
        let requests = trips.chunks(MAX_TRIPS_PER_REQUEST).map(|c| (CarTripsRequest::new(c), c.iter().map(summary_of).collect())).collect();
        self.post_trips("car-trips", requests).await
    }

    async fn pair(&mut self, _key: &PublicKey, pairing: Pairing) -> Result<u64, ValleyError> {
        let a: IndexAnswer = self.post_json("pair", &PairRequest::new(&pairing)).await?;
        Ok(a.index)
    }

    async fn mine(&mut self, _key: &PublicKey, km_index: u64) -> Result<Deposit, ValleyError> {
        let d: WireDeposit = self.post_json("mine", &MineRequest { km_index }).await?;
        Ok(d.into())
    }

    async fn complete_task(&mut self, _key: &PublicKey, task: &str) -> Result<u64, ValleyError> {
        let c: CrystalsAnswer = self.post_json("task", &TaskRequest { task: task.into() }).await?;
        Ok(c.crystals)
    }

    async fn start_drive(&mut self, _key: &PublicKey, level: &str) -> Result<u64, ValleyError> {
        let a: DriveStartAnswer = self.post_json("drive/start", &DriveStartRequest { level: level.into() }).await?;
        Ok(a.started_ms)
    }

    async fn report_drive(&mut self, _key: &PublicKey, samples: Vec<crate::level::drive::DriveSample>) -> Result<crate::valley::DriveProgress, ValleyError> {
        self.post_json("drive/report", &DriveReportRequest { samples }).await
    }

    async fn commit_box(&mut self, _key: &PublicKey) -> Result<[u8; 32], ValleyError> {
        let c: CommitmentAnswer = self.post_json("box/commit", &serde_json::json!({})).await?;
        let commitment = hex32(&c.commitment).map_err(ValleyError::BadAnswer)?;
        // The commitment counts only once the verified ledger records it for this player.
        self.sync_replica().await?;
        let recorded = self.replica.state().player(&self.player_key()).and_then(|p| p.open_box).map(|o| o.commitment);
        if recorded != Some(commitment) {
            return Err(ValleyError::Untrusted(format!("the server's box commitment {} is not the one its ledger records", hex::encode(&commitment[..8]))));
        }
        Ok(commitment)
    }

    async fn open_box(&mut self, _key: &PublicKey, commitment: [u8; 32], client_seed: [u8; 32]) -> Result<BoxOpening, ValleyError> {
        let signed = self.sign(Body::BoxOpen { commitment, client_seed })?;
        let request = OpenBoxRequest { commitment: hex::encode(commitment), client_seed: hex::encode(client_seed), entry: Some(B64.encode(signed.to_bytes())) };
        let o: WireBoxOpening = self.post_json("box/open", &request).await?;
        let opening: BoxOpening = o.try_into().map_err(ValleyError::BadAnswer)?;
        opening.check_against(&commitment, &client_seed)?;
        Ok(opening)
    }

    async fn claim_grant(&mut self, _key: &PublicKey, grant: crate::ledger::grant::Grant) -> Result<u64, ValleyError> {
        let c: CrystalsAnswer = self.post_json("grant", &GrantRequest::new(&grant)).await?;
        Ok(c.crystals)
    }

    async fn submit(&mut self, entry: Entry) -> Result<u64, ValleyError> {
        let a: IndexAnswer = self.post_json("submit", &SubmitRequest { entry: B64.encode(entry.to_bytes()) }).await?;
        Ok(a.index)
    }

    async fn issue_card(&mut self, _key: &PublicKey) -> Result<u64, ValleyError> {
        let a: IndexAnswer = self.post_json("card", &serde_json::json!({})).await?;
        Ok(a.index)
    }

    async fn redeem_merch(&mut self, entry: Entry, address: crate::valley::shipping::ShippingAddress) -> Result<u64, ValleyError> {
        let a: IndexAnswer = self.post_json("merch/redeem", &MerchRedeemRequest { entry: B64.encode(entry.to_bytes()), address }).await?;
        Ok(a.index)
    }
}
