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
//! POST /v1/enrol | pair | trips | car-trips | mine | drive/start | drive/report | task | grant
//!      | box/commit | box/open | submit
//! GET  /, /index.html, /horizon-….wasm …   the browser game (`--web DIR`, see [`web_files`])
//! ```
//!
//! Every POST is signed by the player for this server (see `wire`) and carries an idempotency
//! key. Handlers check the signature and the time, then hand the intent to the
//! [`sequencer`], which applies intents in batches and makes each batch durable at once;
//! reads are served from what it last published ([`reads`]) and never wait for it.
//! Outside input is bounded everywhere: tile paths are parsed before anything else
//! ([`tiles`]), headers must arrive within a timeout, bodies are capped, each request has a
//! deadline, connections are limited, addresses and keys are rate-limited ([`limits`]), and
//! a panic in a handler is a 500, not a dead server.

pub mod answers;
pub mod limits;
mod listener;
pub mod reads;
pub mod sequencer;
pub mod tiles;
mod web_files;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

pub use limits::RateLimits;
use limits::Limits;
use reads::{ReadError, Reads};
use sequencer::{Answer, Job};
pub use sequencer::{ServerTrust, ValleyServer};
use crate::ledger::PublicKey;
use crate::valley::embedded::Clock;
use crate::valley::wire::*;

/// Largest request body (100 trips are about 25 KB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The limits of one server; the defaults suit the open internet.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// A client must send a request's headers (or the next request's, on a kept-alive
    /// connection) within this time, or the connection is closed (slowloris).
    pub header_timeout: Duration,
    /// The whole request, body included, must be read and answered within this time (408).
    pub request_timeout: Duration,
    /// Connections served at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Connections one client (IPv4 address or IPv6 /64) may hold at once; more are closed.
    pub max_connections_per_address: usize,
    pub rate: RateLimits,
    /// The browser game's folder, served at `/` (None: the API alone).
    pub web: Option<std::path::PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions { header_timeout: Duration::from_secs(10), request_timeout: Duration::from_secs(30), max_connections: 1024, max_connections_per_address: 64, rate: RateLimits::default(), web: None }
    }
}

/// The client's address, set by the listener on each request.
#[derive(Clone, Copy, Debug)]
pub struct PeerAddr(pub SocketAddr);

#[derive(Clone)]
struct App {
    reads: Arc<Reads>,
    jobs: mpsc::Sender<Job>,
    limits: Arc<Limits>,
    /// This server's verifier key: requests must be signed for it.
    server_name: Arc<str>,
    clock: Clock,
}

/// Starts the sequencer and returns the routes (the listener adds the client's address).
pub fn router(server: ValleyServer, options: &ServeOptions) -> Result<Router, crate::valley::ValleyError> {
    let ledger = server.valley().ledger();
    let dir = ledger.dir().display().to_string();
    let reads = Arc::new(Reads::new(ledger).map_err(|e| crate::valley::ValleyError::Store { path: dir, message: e.to_string() })?);
    let server_name: Arc<str> = ledger.verifier_key().text.clone().into();
    let clock = server.clock();
    let limits = Arc::new(Limits::new(options.rate));
    let jobs = server.start(reads.clone(), 4 * sequencer::MAX_BATCH);
    let trimmed = limits.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            trimmed.trim();
        }
    });
    let app = App { reads, jobs, limits, server_name, clock };
    Ok(Router::new()
        .route("/checkpoint", get(checkpoint))
        .route("/log.vkey", get(verifier_key))
        .route("/tile/{*path}", get(tile))
        .route("/v1/player/{key}", get(player_state))
        .route("/v1/{*action}", post(act))
        .merge(options.web.as_deref().map(web_files::routes).unwrap_or_default())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(app.clone(), limit_address))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, options.request_timeout))
        .layer(CatchPanicLayer::custom(|_| json_error(StatusCode::INTERNAL_SERVER_ERROR, "server", "the request failed inside the server".into())))
        .with_state(app))
}

/// Serves on `addr` until Ctrl-C; prints `listening on http://ADDR` once bound.
pub async fn serve(addr: &str, server: ValleyServer, options: ServeOptions) -> anyhow::Result<()> {
    use std::io::Write;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let routes = router(server, &options)?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    listener::run(listener, routes, &options).await
}

/// Serves on a bound listener (tests and benchmarks bind port 0 and pass it).
pub async fn serve_on(listener: tokio::net::TcpListener, server: ValleyServer, options: ServeOptions) -> anyhow::Result<()> {
    let routes = router(server, &options)?;
    listener::run(listener, routes, &options).await
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn json_error(status: StatusCode, code: &str, message: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], ErrorAnswer::json(code, message)).into_response()
}

fn too_many(wait: Duration, what: &str) -> Response {
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut r = json_error(StatusCode::TOO_MANY_REQUESTS, "rate-limited", format!("too many requests from this {what}; retry in {seconds} s"));
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    r
}

async fn limit_address(State(app): State<App>, request: Request, next: Next) -> Response {
    let ip = request.extensions().get::<PeerAddr>().map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |p| p.0.ip());
    if let Err(wait) = app.limits.address(ip) {
        return too_many(wait, "address");
    }
    next.run(request).await
}

async fn checkpoint(State(app): State<App>) -> Response {
    text(StatusCode::OK, app.reads.checkpoint())
}

async fn verifier_key(State(app): State<App>) -> Response {
    text(StatusCode::OK, app.reads.verifier_key().to_string())
}

/// Hash tiles and entry bundles, for the committed tree only.
async fn tile(State(app): State<App>, UrlPath(path): UrlPath<String>) -> Response {
    let tile = match tiles::parse_tile_path(&path) {
        Ok(t) => t,
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{e}\n")),
    };
    let reads = app.reads.clone();
    // Entry bundles read the log file: off the async threads.
    let read = tokio::task::spawn_blocking(move || reads.tile(tile)).await;
    match read {
        Ok(Ok(data)) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/octet-stream")], data).into_response(),
        Ok(Err(ReadError::NotInTree { size })) => text(StatusCode::NOT_FOUND, format!("no tile {path} in a tree of {size} entries\n")),
        Ok(Err(ReadError::Io(e))) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("reading the tile failed: {e}\n")),
    }
}

/// The ledger's view of one player: what anyone replaying the public ledger would find.
async fn player_state(State(app): State<App>, UrlPath(key): UrlPath<String>) -> Response {
    let Some(key) = PublicKey::from_hex(&key) else {
        let shown: String = key.chars().take(80).filter(|c| !c.is_control()).collect();
        return json_error(StatusCode::BAD_REQUEST, "bad-request", format!("{shown:?} is not a public key (64 hex digits)"));
    };
    match app.reads.player(&key) {
        Some(json) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], json).into_response(),
        None => json_error(StatusCode::NOT_FOUND, "not-enrolled", format!("{key} is not enrolled")),
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, String> {
    headers.get(name).and_then(|v| v.to_str().ok()).ok_or_else(|| format!("the request has no {name} header"))
}

/// Checks a signed request's headers; Ok is (player, time, idempotency key).
fn check_signed(app: &App, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Result<(PublicKey, u64, String), Response> {
    let unauthorised = |message: String| json_error(StatusCode::UNAUTHORIZED, "unauthorised", message);
    let key = header_str(headers, HEADER_KEY).map_err(unauthorised)?;
    let time: u64 = header_str(headers, HEADER_TIME).map_err(unauthorised)?.parse().map_err(|_| unauthorised(format!("{HEADER_TIME} is not a number")))?;
    let idempotency = header_str(headers, HEADER_IDEMPOTENCY).map_err(unauthorised)?;
    if idempotency.is_empty() || idempotency.len() > 64 || !idempotency.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(unauthorised(format!("{HEADER_IDEMPOTENCY} must be 1 to 64 letters, digits, - or _")));
    }
    let signature = header_str(headers, HEADER_SIGNATURE).map_err(unauthorised)?;
    let message = request_message(&app.server_name, method.as_str(), path, time, idempotency, body);
    let player = verify_request(key, signature, &message).map_err(unauthorised)?;
    let now = (app.clock)();
    if now.abs_diff(time) > MAX_CLOCK_SKEW_MS {
        return Err(json_error(
            StatusCode::UNAUTHORIZED,
            "stale",
            format!("the request was signed {:.1} minutes from the server's time; replayed or a wrong clock", now.abs_diff(time) as f64 / 60_000.0),
        ));
    }
    Ok((player, time, idempotency.to_string()))
}

async fn act(State(app): State<App>, method: Method, UrlPath(action): UrlPath<String>, headers: HeaderMap, body: Bytes) -> Response {
    let path = format!("/v1/{action}");
    // An Ed25519 check is ~50 µs of CPU: short enough for an async thread (handing it to the
    // blocking pool cost more than it saved in the sync benchmark).
    let (player, time_ms, idempotency) = match check_signed(&app, &method, &path, &headers, &body) {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    if let Err(wait) = app.limits.key(&player) {
        return too_many(wait, "player");
    }
    let (reply, answer) = oneshot::channel();
    // The action is part of what an idempotency key names: the same key and body on another
    // path is another request.
    let body_sha256 = hex::encode(Sha256::new().chain_update(action.as_bytes()).chain_update([0]).chain_update(&body).finalize());
    let job = Job { player, action, body_sha256, body, idempotency, time_ms, reply };
    if let Err(e) = app.jobs.try_send(job) {
        return match e {
            mpsc::error::TrySendError::Full(_) => too_many(Duration::from_secs(1), "server (it is busy)"),
            mpsc::error::TrySendError::Closed(_) => json_error(StatusCode::SERVICE_UNAVAILABLE, "server", "the server is stopping".into()),
        };
    }
    let Ok(Answer { status, body, replayed }) = answer.await else {
        return json_error(StatusCode::INTERNAL_SERVER_ERROR, "server", "the request was dropped inside the server".into());
    };
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if replayed {
        r.headers_mut().insert(HEADER_REPLAYED, HeaderValue::from_static("1"));
    }
    r
}
