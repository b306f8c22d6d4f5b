//! `horizon serve`: the valley authority over HTTP (axum). It applies the same rules as the
//! embedded authority (it is one, under the server's data directory), signs mints and
//! checkpoints with the server's key, and serves the ledger as C2SP tlog-tiles:
//!
//! ```text
//! GET  /checkpoint                  the signed checkpoint (c2sp.org/tlog-checkpoint)
//! GET  /log.vkey                    the log's verifier key (c2sp.org/signed-note)
//! GET  /tile/<L>/<N>[.p/<W>]        Merkle tree tiles (c2sp.org/tlog-tiles)
//! GET  /tile/entries/<N>[.p/<W>]    entry bundles: each entry as uint16 length ‖ bytes
//! GET  /v1/player/<key hex>         a player's state as the ledger has it (public, like the ledger)
//! POST /v1/enrol | trips | mine | task | box/commit | box/open | submit
//! ```
//!
//! Every POST is signed by the player (see `wire`) and carries an idempotency key; answers
//! are kept durably (`DATA/server/answers.jsonl`) so that a retried request gets the first
//! answer and is never applied twice. A request whose answer was lost in a crash is caught
//! by the ledger itself: a trip is attested once, a deposit mined once, a signed entry's
//! nonce used once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tlog_tiles::Tile;

use super::embedded::{Clock, EmbeddedValley};
use super::wire::*;
use super::{ValleyError, ValleyService, block_on_ready};
use crate::ledger::{Body, Entry, PublicKey};
use crate::profile::DataDir;

/// Entries per tile and per entry bundle (C2SP tlog-tiles: height 8).
const TILE_WIDTH: u64 = 256;

/// An answer as first given, kept for retries.
#[derive(Serialize, Deserialize, Clone)]
struct StoredAnswer {
    key: String,
    idempotency: String,
    body_sha256: String,
    status: u16,
    body: String,
}

/// The answers given, by (player, idempotency key), and the file they are appended to.
struct Answers {
    file: File,
    by_key: HashMap<(String, String), StoredAnswer>,
}

impl Answers {
    fn open(path: &std::path::Path) -> Result<Answers, ValleyError> {
        let store = |e: std::io::Error| ValleyError::Store { path: path.display().to_string(), message: e.to_string() };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(store)?;
        }
        let mut by_key = HashMap::new();
        if let Ok(f) = File::open(path) {
            // A line torn by a crash is not an answer that was given: skip it.
            for line in BufReader::new(f).lines().map_while(Result::ok) {
                if let Ok(a) = serde_json::from_str::<StoredAnswer>(&line) {
                    by_key.insert((a.key.clone(), a.idempotency.clone()), a);
                }
            }
        }
        let file = crate::ledger::store::open_lines_for_append(path).map_err(store)?;
        Ok(Answers { file, by_key })
    }

    fn keep(&mut self, answer: StoredAnswer) -> std::io::Result<()> {
        let mut line = serde_json::to_string(&answer).expect("plain data serialises");
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()?;
        self.by_key.insert((answer.key.clone(), answer.idempotency.clone()), answer);
        Ok(())
    }
}

/// The server's state: the authority and the answers it gave.
pub struct ValleyServer {
    valley: EmbeddedValley,
    answers: Answers,
    clock: Clock,
    data: PathBuf,
}

type Shared = Arc<Mutex<ValleyServer>>;

impl ValleyServer {
    /// Opens (or creates) the server's authority, ledger and answers under `data`.
    pub fn open(data: &DataDir, clock: Clock) -> Result<ValleyServer, ValleyError> {
        let valley = EmbeddedValley::open(data, clock)?;
        let answers = Answers::open(&data.0.join("server").join("answers.jsonl"))?;
        Ok(ValleyServer { valley, answers, clock, data: data.0.clone() })
    }

    pub fn valley(&self) -> &EmbeddedValley {
        &self.valley
    }
}

/// The routes, for `serve` and for tests that run the server in-process.
pub fn router(server: ValleyServer) -> Router {
    let shared: Shared = Arc::new(Mutex::new(server));
    Router::new()
        .route("/checkpoint", get(checkpoint))
        .route("/log.vkey", get(verifier_key))
        .route("/tile/{*path}", get(tile))
        .route("/v1/player/{key}", get(player_state))
        .route("/v1/{*action}", post(act))
        .with_state(shared)
}

/// Serves on `addr` until Ctrl-C; prints `listening on http://ADDR` once bound.
pub async fn serve(addr: &str, server: ValleyServer) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    axum::serve(listener, router(server)).with_graceful_shutdown(async { tokio::signal::ctrl_c().await.ok(); }).await?;
    Ok(())
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn json_error(status: StatusCode, code: &str, message: String) -> Response {
    let body = serde_json::to_string(&ErrorAnswer { code: code.into(), message, values: vec![] }).expect("serialises");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn checkpoint(State(s): State<Shared>) -> Response {
    let s = s.lock().expect("server lock");
    text(StatusCode::OK, String::from_utf8_lossy(&s.valley.ledger().checkpoint().note).into_owned())
}

async fn verifier_key(State(s): State<Shared>) -> Response {
    let s = s.lock().expect("server lock");
    text(StatusCode::OK, format!("{}\n", s.valley.ledger().verifier_key().text))
}

/// Hash tiles and entry bundles, for the committed tree only.
async fn tile(State(s): State<Shared>, UrlPath(path): UrlPath<String>) -> Response {
    let s = s.lock().expect("server lock");
    let ledger = s.valley.ledger();
    let size = ledger.size();
    let not_found = || text(StatusCode::NOT_FOUND, format!("no tile {path} in a tree of {size} entries\n"));
    if let Some(rest) = path.strip_prefix("entries/") {
        let Ok(t) = Tile::from_path(&format!("tile/8/data/{rest}")) else { return not_found() };
        let (first, width) = (t.level_index() * TILE_WIDTH, u64::from(t.width()));
        if first + width > size {
            return not_found();
        }
        let mut bundle = Vec::new();
        for index in first..first + width {
            match ledger.read_entry(index) {
                Ok((_, bytes)) => {
                    bundle.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
                    bundle.extend_from_slice(&bytes);
                }
                Err(e) => return text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
            }
        }
        return (StatusCode::OK, [(header::CONTENT_TYPE, "application/octet-stream")], bundle).into_response();
    }
    let Ok(t) = Tile::from_path(&format!("tile/8/{path}")) else { return not_found() };
    // The tile's last hash must be within the tree.
    let last_leaf = ((t.level_index() * TILE_WIDTH + u64::from(t.width())) << (8 * u32::from(t.level()))) - 1;
    if last_leaf >= size {
        return not_found();
    }
    match t.read_data(ledger.hashes()) {
        Ok(data) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/octet-stream")], data).into_response(),
        Err(_) => not_found(),
    }
}

/// The ledger's view of one player: what anyone replaying the public ledger would find.
async fn player_state(State(s): State<Shared>, UrlPath(key): UrlPath<String>) -> Response {
    let s = s.lock().expect("server lock");
    let Some(key) = PublicKey::from_hex(&key) else { return json_error(StatusCode::BAD_REQUEST, "bad-request", format!("{key:?} is not a public key")) };
    let Some(p) = s.valley.ledger().state().player(&key) else { return json_error(StatusCode::NOT_FOUND, "not-enrolled", format!("{key} is not enrolled")) };
    let mut body = player_json(&key, p);
    body["ledger_size"] = s.valley.ledger().size().into();
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, String> {
    headers.get(name).and_then(|v| v.to_str().ok()).ok_or_else(|| format!("the request has no {name} header"))
}

async fn act(State(s): State<Shared>, method: Method, UrlPath(action): UrlPath<String>, headers: HeaderMap, body: Bytes) -> Response {
    let path = format!("/v1/{action}");
    let parsed = (|| {
        let key = header_str(&headers, HEADER_KEY)?;
        let time: u64 = header_str(&headers, HEADER_TIME)?.parse().map_err(|_| format!("{HEADER_TIME} is not a number"))?;
        let idempotency = header_str(&headers, HEADER_IDEMPOTENCY)?;
        if idempotency.is_empty() || idempotency.len() > 64 {
            return Err(format!("{HEADER_IDEMPOTENCY} must be 1 to 64 characters"));
        }
        let signature = header_str(&headers, HEADER_SIGNATURE)?;
        let player = verify_request(key, signature, &request_message(method.as_str(), &path, time, idempotency, &body))?;
        Ok((player, time, idempotency.to_string()))
    })();
    let (player, time, idempotency) = match parsed {
        Ok(p) => p,
        Err(message) => return json_error(StatusCode::UNAUTHORIZED, "unauthorised", message),
    };
    let body_sha256 = hex::encode(Sha256::digest(&body));
    // The work (fsyncs included) runs off the async threads.
    tokio::task::spawn_blocking(move || {
        let mut s = s.lock().expect("server lock");
        let slot = (player.to_hex(), idempotency.clone());
        if let Some(stored) = s.answers.by_key.get(&slot) {
            if stored.body_sha256 != body_sha256 {
                return json_error(StatusCode::CONFLICT, "idempotency-key-reused", format!("idempotency key {idempotency} was used for a different request"));
            }
            let mut r = (StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK), [(header::CONTENT_TYPE, "application/json")], stored.body.clone()).into_response();
            r.headers_mut().insert(HEADER_REPLAYED, HeaderValue::from_static("1"));
            return r;
        }
        let now = (s.clock)();
        if now.abs_diff(time) > MAX_CLOCK_SKEW_MS {
            return json_error(
                StatusCode::UNAUTHORIZED,
                "stale",
                format!("the request was signed {:.1} minutes from the server's time; replayed or a wrong clock", now.abs_diff(time) as f64 / 60_000.0),
            );
        }
        let (status, answer) = match s.apply(&player, &action, &body) {
            Ok(json) => (StatusCode::OK, json),
            Err(Refusal::BadRequest(message)) => return json_error(StatusCode::BAD_REQUEST, "bad-request", message),
            Err(Refusal::NotFound) => return json_error(StatusCode::NOT_FOUND, "no-such-action", format!("there is no {path}")),
            Err(Refusal::Valley(e)) if matches!(e, ValleyError::Store { .. }) => {
                return json_error(StatusCode::INTERNAL_SERVER_ERROR, "server", e.to_string());
            }
            Err(Refusal::Valley(e)) => (StatusCode::UNPROCESSABLE_ENTITY, serde_json::to_string(&ErrorAnswer::from(&e)).expect("serialises")),
        };
        let stored = StoredAnswer { key: player.to_hex(), idempotency, body_sha256, status: status.as_u16(), body: answer.clone() };
        if let Err(e) = s.answers.keep(stored) {
            // The ledger has the effect; a retry is caught by the ledger's own checks.
            tracing_warn(&format!("could not keep an answer in {}: {e}", s.data.display()));
        }
        (status, [(header::CONTENT_TYPE, "application/json")], answer).into_response()
    })
    .await
    .unwrap_or_else(|e| json_error(StatusCode::INTERNAL_SERVER_ERROR, "server", format!("the request failed: {e}")))
}

fn tracing_warn(message: &str) {
    eprintln!("warning: {message}");
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

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| Refusal::BadRequest(format!("the request body is not what was expected: {e}")))
}

fn answer<T: Serialize>(value: &T) -> Result<String, Refusal> {
    Ok(serde_json::to_string(value).expect("plain data serialises"))
}

impl ValleyServer {
    fn apply(&mut self, player: &PublicKey, action: &str, body: &[u8]) -> Result<String, Refusal> {
        let valley = &mut self.valley;
        match action {
            "enrol" => {
                let request: EnrolRequest = parse(body)?;
                if valley.ledger().state().player(player).is_none() {
                    // This server takes the client's word that it owns the car it names;
                    // a car maker's backend would confirm it here.
                    valley.enrol(*player, role_of(&request), &request.name)?;
                }
                answer(&IndexAnswer { index: valley.ledger().size() - 1 })
            }
            "trips" => {
                let request: TripsRequest = parse(body)?;
                let report = block_on_ready(valley.import_trips(player, request.trips))?;
                answer(&WireImportReport::from(&report))
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
            "box/commit" => answer(&CommitmentAnswer { commitment: hex::encode(block_on_ready(valley.commit_box(player))?) }),
            "box/open" => {
                let request: OpenBoxRequest = parse(body)?;
                let commitment = hex32(&request.commitment).map_err(Refusal::BadRequest)?;
                let client_seed = hex32(&request.client_seed).map_err(Refusal::BadRequest)?;
                answer(&WireBoxOpening::from(&block_on_ready(valley.open_box(player, commitment, client_seed))?))
            }
            "submit" => {
                let request: SubmitRequest = parse(body)?;
                let bytes = B64.decode(&request.entry).map_err(|_| Refusal::BadRequest("entry is not base64".into()))?;
                let entry = Entry::from_bytes(&bytes).map_err(|e| Refusal::BadRequest(format!("entry: {e}")))?;
                if entry.actor != *player {
                    return Err(Refusal::BadRequest(format!("the entry is signed by {}, not by the requesting player", entry.actor)));
                }
                if matches!(entry.body, Body::Genesis { .. }) || entry.body.subject().is_some() {
                    return Err(Refusal::BadRequest("players submit only their own consents, purchases and combines".into()));
                }
                match block_on_ready(valley.submit(entry.clone())) {
                    Ok(index) => answer(&IndexAnswer { index }),
                    // Recorded by this very request before a crash lost its answer.
                    Err(e) => match self.position_of(&entry) {
                        Some(index) => answer(&IndexAnswer { index }),
                        None => Err(e.into()),
                    },
                }
            }
            _ => Err(Refusal::NotFound),
        }
    }

    fn position_of(&self, entry: &Entry) -> Option<u64> {
        let entries = self.valley.ledger().entries().ok()?;
        entries.iter().position(|e| e.signature == entry.signature).map(|i| i as u64)
    }
}
