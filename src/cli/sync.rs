//! `horizon serve`, `sync`, `consent`, `import`, `redeem`, `export` and `forget`: real mileage in,
//! with consent, offline first, and the player's data out or gone on request.
//!
//! (Over 400 lines: eight small commands that share the profile's server and queue handling.)

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use horizon::ledger::{Body, Role, Scope, VerifierKey};
use horizon::profile::{DataDir, load_or_create_key};
use horizon::telemetry::{LocalZone, TripHistory, TripSummary, TripsRead, Verdict, chain_over_accepted, check_trips, format_time, read_trip_file};
use horizon::valley::embedded::system_clock;
use horizon::client::http::{HttpValley, describe_import, saved_server, sync_dir};
use horizon::client::queue::Intent;
use horizon::server::{RateLimits, ServeOptions, ServerTrust, ValleyServer, serve as serve_http};
use horizon::telemetry::car_signed::{CAR_PAIRING_FORMAT, is_car_trips_file, parse_car_trips, parse_pairing};
use horizon::valley::wire::{CarTripsRequest, EnrolRequest, PairRequest, SubmitRequest, TripsRequest, player_json};
use horizon::valley::{EmbeddedValley, ImportReport, ValleyError, ValleyService, block_on_ready};

pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime")
}

/// The server's limits (the defaults suit the open internet).
#[derive(clap::Args, Debug)]
pub struct ServeLimits {
    /// Seconds a client has to send a request's headers before its connection is closed
    #[arg(long, default_value_t = 10.0, value_name = "S")]
    pub header_timeout: f64,
    /// Seconds a whole request may take, body included, before it is answered 408
    #[arg(long, default_value_t = 30.0, value_name = "S")]
    pub request_timeout: f64,
    /// Connections served at once
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// Connections one client (IPv4 address or IPv6 /64) may hold at once
    #[arg(long, default_value_t = 64)]
    pub max_connections_per_address: usize,
    /// Requests per second per client address
    #[arg(long, default_value_t = RateLimits::default().per_address_per_s)]
    pub rate_per_address: u32,
    /// Requests an address may send at once before its rate applies
    #[arg(long, default_value_t = RateLimits::default().address_burst)]
    pub address_burst: u32,
    /// Signed requests per second per player key
    #[arg(long, default_value_t = RateLimits::default().per_key_per_s)]
    pub rate_per_key: u32,
    /// Signed requests a player may send at once before its rate applies
    #[arg(long, default_value_t = RateLimits::default().key_burst)]
    pub key_burst: u32,
    /// The browser game's folder (built by scripts/web.sh), served at /
    #[arg(long, value_name = "DIR", default_value = "web/dist")]
    pub web: std::path::PathBuf,
}

impl ServeLimits {
    fn options(&self) -> Result<ServeOptions> {
        let seconds = |s: f64, what: &str| {
            if s.is_finite() && s > 0.0 && s <= 3600.0 { Ok(std::time::Duration::from_secs_f64(s)) } else { bail!("--{what} must be more than 0 and at most 3600 seconds") }
        };
        Ok(ServeOptions {
            header_timeout: seconds(self.header_timeout, "header-timeout")?,
            request_timeout: seconds(self.request_timeout, "request-timeout")?,
            max_connections: self.max_connections.max(1),
            max_connections_per_address: self.max_connections_per_address.max(1),
            rate: RateLimits { per_address_per_s: self.rate_per_address, address_burst: self.address_burst, per_key_per_s: self.rate_per_key, key_burst: self.key_burst },
            web: Some(self.web.clone()),
        })
    }
}

/// Whom the server trusts.
#[derive(clap::Args, Debug)]
pub struct ServeTrust {
    /// A car maker trusted to provision vehicles, as NAME=KEY (its public key, 64 hex
    /// digits); repeat for several. Only trips signed by cars these makers provisioned mint.
    #[arg(long = "maker", value_name = "NAME=KEY")]
    pub makers: Vec<String>,
    /// An event organiser trusted to grant co-creation crystals, as NAME=KEY; repeat for
    /// several. Without one, co-creation pays nothing here
    #[arg(long = "organiser", value_name = "NAME=KEY")]
    pub organisers: Vec<String>,
    /// Also trust the demo maker, whose key anyone can derive: for demos and tests only
    #[arg(long)]
    pub trust_demo_maker: bool,
    /// The log's origin when the ledger is created [default: crypto-horizon.valley/<random>]
    #[arg(long, value_name = "ORIGIN")]
    pub origin: Option<String>,
}

impl ServeTrust {
    fn trust(&self) -> Result<ServerTrust> {
        let mut trust = if self.trust_demo_maker { ServerTrust::demo() } else { ServerTrust::default() };
        trust.origin = self.origin.clone();
        let named = |flag: &str, m: &str| -> Result<(horizon::ledger::PublicKey, String)> {
            let Some((name, key)) = m.split_once('=') else { bail!("--{flag} {m:?}: expected NAME=KEY") };
            let key = horizon::ledger::PublicKey::from_hex(key).filter(|k| k.verifying_key().is_some()).with_context(|| format!("--{flag} {m:?}: the key is not an Ed25519 public key (64 hex digits)"))?;
            Ok((key, name.trim().to_string()))
        };
        for m in &self.makers {
            trust.trusted.makers.push(named("maker", m)?);
        }
        for m in &self.organisers {
            trust.trusted.organisers.push(named("organiser", m)?);
        }
        Ok(trust)
    }
}

pub fn serve(data: &DataDir, addr: &str, limits: &ServeLimits, trust: &ServeTrust) -> Result<ExitCode> {
    let options = limits.options()?;
    let server = ValleyServer::open(data, system_clock, &trust.trust()?)?;
    let makers = &server.valley().ledger().state().makers;
    if makers.is_empty() {
        eprintln!("warning: no car maker is trusted (--maker NAME=KEY): no trip can mint stones here");
    }
    for (key, name) in makers {
        eprintln!("trusted car maker: {name} ({key})");
    }
    eprintln!("valley server: ledger {} with {} entries, verifier key {}", data.ledger().display(), server.valley().ledger().size(), server.valley().ledger().verifier_key().text);
    if limits.web.join("index.html").is_file() {
        eprintln!("browser game: {} at /", limits.web.display());
    } else {
        eprintln!("no browser game in {} (build it with scripts/web.sh, or pass --web DIR): / says so", limits.web.display());
    }
    runtime().block_on(serve_http(addr, server, options))?;
    Ok(ExitCode::SUCCESS)
}

/// Sends the queue; when the server asks to wait (rate limit), waits as long as it says
/// (up to a minute in all) and goes on.
async fn flush_waiting_when_busy(valley: &mut HttpValley) -> Result<horizon::client::http::FlushReport, ValleyError> {
    let mut all = horizon::client::http::FlushReport::default();
    let mut waited = 0;
    loop {
        match valley.flush().await {
            Ok(report) => {
                all.sent += report.sent;
                all.refused.extend(report.refused);
                all.answers.extend(report.answers);
                all.imports.extend(report.imports);
                return Ok(all);
            }
            Err(ValleyError::Busy { retry_after_s, .. }) if waited + retry_after_s <= 60 => {
                eprintln!("the server asks to wait {retry_after_s} s; then sending the rest of the queue");
                tokio::time::sleep(std::time::Duration::from_secs(retry_after_s)).await;
                waited += retry_after_s;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The connected client of this profile, when it has a server.
pub(super) fn client(data: &DataDir, server: Option<&str>) -> Result<Option<HttpValley>> {
    let Some(url) = server.map(str::to_string).or_else(|| saved_server(data)) else { return Ok(None) };
    let (key, _) = load_or_create_key(&data.player_key(), "player")?;
    Ok(Some(HttpValley::open(data, &url, key, system_clock)?))
}

pub struct SyncArgs {
    pub server: Option<String>,
    pub server_key: Option<String>,
    pub name: String,
    pub vehicle: Option<String>,
}

pub fn sync(data: &DataDir, args: SyncArgs) -> Result<ExitCode> {
    let Some(mut valley) = client(data, args.server.as_deref())? else {
        bail!("this profile has no server yet: run `horizon sync --server URL` (for example http://127.0.0.1:8080)")
    };
    let pinned = args.server_key.as_deref().map(|k| VerifierKey::parse(k).with_context(|| format!("--server-key {k:?}"))).transpose()?;
    let rt = runtime();
    let result: Result<(), ValleyError> = rt.block_on(async {
        valley.trust_server(pinned).await?;
        valley.sync_replica().await?;
        let me = valley.player_key();
        let enrol_queued = valley.queue.items().iter().any(|q| matches!(q.intent, Intent::Enrol(_)));
        if valley.replica.state().player(&me).is_none() && !enrol_queued {
            valley.enqueue(Intent::Enrol(EnrolRequest { name: args.name.clone(), vehicle: args.vehicle.clone() }))?;
        }
        let report = flush_waiting_when_busy(&mut valley).await?;
        for a in &report.answers {
            println!("  {a}");
        }
        for (id, reason) in &report.refused {
            println!("  refused ({id}): {reason}");
        }
        let synced = valley.sync_replica().await?;
        println!("synced with {}: {} entries verified ({} new), {} intents sent", valley.base(), synced.size, synced.new_entries, report.sent);
        if let Ok(view) = valley.view(&me) {
            print_player(&view);
        }
        Ok(())
    });
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.is_retryable() => {
            println!("{e}");
            println!("{} intents are queued in {} and will be sent by the next `horizon sync`", valley.queue.items().len(), sync_dir(data).display());
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_player(view: &horizon::valley::PlayerView) {
    let s = &view.state;
    let role = match &s.role {
        Role::Owner { vehicle } => format!("owner of {}", horizon::ledger::entry::printable(vehicle)),
        Role::Guest => "guest".into(),
    };
    println!(
        "player {} ({}, {role}): {} stones, {} waiting in the valley, {} crystals, {} fragments, level {}",
        horizon::ledger::entry::printable(&s.name),
        view.key.fingerprint(),
        horizon::economy::format_stones(s.stones_milli),
        horizon::economy::format_stones(s.unmined_milli()),
        s.crystals,
        s.fragments,
        view.stats.level
    );
}

#[derive(Subcommand, Clone)]
pub enum ConsentCommand {
    /// Grant a scope: mileage (trip distances and odometers) or behaviour (hard braking and acceleration counts)
    Grant { scope: ScopeArg },
    /// Revoke a scope: nothing that needs it is imported or sent from now on
    Revoke { scope: ScopeArg },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ScopeArg {
    Mileage,
    Behaviour,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Self {
        match s {
            ScopeArg::Mileage => Scope::Mileage,
            ScopeArg::Behaviour => Scope::Behaviour,
        }
    }
}

const SCOPES: [(Scope, &str); 2] = [
    (Scope::Mileage, "trip start and end, odometer readings and energy, by the car's pseudonym (earns stones)"),
    (Scope::Behaviour, "counts of hard braking and acceleration per trip (shapes the handling stat)"),
];

fn print_scopes(granted: impl Fn(Scope) -> bool) {
    for (scope, what) in SCOPES {
        println!("{:<10} {:<8} {what}", format!("{scope:?}").to_lowercase(), if granted(scope) { "granted" } else { "off" });
    }
}

pub fn consent(data: &DataDir, command: Option<ConsentCommand>) -> Result<ExitCode> {
    let change = command.map(|c| match c {
        ConsentCommand::Grant { scope } => (Scope::from(scope), true),
        ConsentCommand::Revoke { scope } => (Scope::from(scope), false),
    });
    if let Some(mut valley) = client(data, None)? {
        if let Some((scope, granted)) = change {
            let entry = valley.sign(Body::Consent { scope, granted })?;
            valley.enqueue(Intent::Submit(SubmitRequest::new(&entry)))?;
            println!("{} {scope:?}: signed and queued for {}", if granted { "granted" } else { "revoked" }, valley.base());
            match runtime().block_on(async {
                valley.flush().await?;
                valley.sync_replica().await
            }) {
                Ok(_) => println!("sent"),
                Err(e) if e.is_retryable() => println!("{e}; it will be sent by the next `horizon sync`"),
                Err(e) => return Err(e.into()),
            }
        }
        print_scopes(|scope| valley.consented(scope));
        return Ok(ExitCode::SUCCESS);
    }
    let (mut valley, player) = EmbeddedValley::open_with_player(data, system_clock)?;
    let key = player.public_key();
    if let Some((scope, granted)) = change {
        let entry = valley.sign_for(&player, Body::Consent { scope, granted })?;
        let index = block_on_ready(valley.submit(entry))?;
        println!("{} {scope:?}: ledger entry {index}", if granted { "granted" } else { "revoked" });
    }
    let view = block_on_ready(valley.player(&key))?;
    print_scopes(|scope| view.state.consented(scope));
    Ok(ExitCode::SUCCESS)
}

/// Whether `voucher` can be redeemed by `state`'s player, or why not.
fn redeemable(state: Option<&horizon::ledger::PlayerState>, voucher: &str) -> Result<()> {
    match state.and_then(|p| p.vouchers.iter().find(|v| v.id == voucher)) {
        None => bail!("you hold no voucher {voucher:?} (see `horizon sync` or the garage for yours)"),
        Some(v) if v.redeemed.is_some() => bail!("voucher {voucher} was already redeemed (entry {})", v.redeemed.unwrap_or_default()),
        Some(_) => Ok(()),
    }
}

/// `horizon redeem VOUCHER`: the owner signs the redemption; the valley records it once.
pub fn redeem(data: &DataDir, voucher: &str) -> Result<ExitCode> {
    let voucher = voucher.trim();
    if let Some(mut valley) = client(data, None)? {
        let rt = runtime();
        let _ = rt.block_on(valley.sync_replica());
        redeemable(valley.replica.state().player(&valley.player_key()), voucher)?;
        let entry = valley.sign(Body::Redeem { voucher: voucher.into() })?;
        valley.enqueue(Intent::Submit(SubmitRequest::new(&entry)))?;
        return match rt.block_on(async {
            let report = valley.flush().await?;
            valley.sync_replica().await?;
            Ok::<_, ValleyError>(report)
        }) {
            Ok(report) if report.refused.is_empty() => {
                println!("voucher {voucher} redeemed: signed by you and recorded at {}", valley.base());
                Ok(ExitCode::SUCCESS)
            }
            Ok(report) => bail!("the valley refused: {}", report.refused.iter().map(|(_, r)| r.as_str()).collect::<Vec<_>>().join("; ")),
            Err(e) if e.is_retryable() => {
                println!("{e}; the redemption is queued and sent by the next `horizon sync`");
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(e.into()),
        };
    }
    let (mut valley, player) = EmbeddedValley::open_with_player(data, system_clock)?;
    redeemable(valley.ledger().state().player(&player.public_key()), voucher)?;
    let entry = valley.sign_for(&player, Body::Redeem { voucher: voucher.into() })?;
    let index = block_on_ready(valley.submit(entry))?;
    println!("voucher {voucher} redeemed: ledger entry {index}");
    Ok(ExitCode::SUCCESS)
}

fn print_report(file: &Path, report: &ImportReport) {
    println!("{}: {}", file.display(), describe_import(report));
    print_checked(&report.checked);
}

/// A line per checked trip: when, how far, and what counts of it or why not.
fn print_checked(checked: &[horizon::telemetry::CheckedTrip]) {
    for c in checked {
        let when = format_time(c.trip.start).replace('T', " ");
        let when = &when[..16.min(when.len())];
        match &c.verdict {
            Verdict::Accepted { minable_km, note } => {
                println!("  accepted  {when}  {:>7.1} km  {minable_km} km minable{}", c.trip.distance_km(), note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default())
            }
            Verdict::Rejected { reason } => println!("  REJECTED  {when}  {:>7.1} km  {reason}", c.trip.distance_km()),
        }
    }
}

/// A self-reported file read for the car `vehicle` whose accepted trips are `accepted`: what
/// was read and assumed is printed; a made-up odometer continues the accepted trips and is
/// advanced only by the trips the checks accept.
fn read_self_reported(file: &Path, bytes: &[u8], vehicle: &str, accepted: &[TripSummary], zone: &LocalZone) -> Result<Vec<TripSummary>> {
    let read = read_and_say(file, bytes, vehicle, accepted, zone)?;
    Ok(read.trips)
}

fn read_and_say(file: &Path, bytes: &[u8], vehicle: &str, accepted: &[TripSummary], zone: &LocalZone) -> Result<TripsRead> {
    let odometer = horizon::telemetry::last_odometer_km(accepted);
    let mut read = read_trip_file(&file.display().to_string(), bytes, vehicle, odometer, zone)?;
    chain_over_accepted(accepted, vehicle, &mut read);
    let n = read.trips.len();
    println!("{}: read as {}: {n} {}", file.display(), read.family, if n == 1 { "trip" } else { "trips" });
    for note in &read.notes {
        println!("  note: {note}");
    }
    Ok(read)
}

/// `horizon import --dry-run FILE`: what would be read and what the checks would say, per
/// trip, against this profile's accepted trips; nothing is written or sent.
fn dry_run_import(data: &DataDir, file: &Path, content: ImportFile, zone: &LocalZone) -> Result<ExitCode> {
    let ImportFile::SelfReported(bytes) = content else {
        println!("{}: a car's or an organiser's signed file; a dry run shows self-reported trip files only", file.display());
        return Ok(ExitCode::SUCCESS);
    };
    // What this device knows of the car, read without opening (or creating) anything.
    let car_of = |player: Option<&horizon::ledger::PlayerState>| match player.map(|p| &p.role) {
        Some(Role::Owner { vehicle }) => vehicle.clone(),
        _ => "your car".to_string(),
    };
    let (vehicle, accepted) = match client(data, None)? {
        Some(valley) => (car_of(valley.replica.state().player(&valley.player_key())), valley.accepted_trips().to_vec()),
        None if data.ledger().join(horizon::ledger::store::LOG_FILE).exists() => {
            let (key, _) = load_or_create_key(&data.player_key(), "player")?;
            let valley = EmbeddedValley::open(data, system_clock)?;
            (car_of(valley.ledger().state().player(&key.public_key())), valley.accepted_trips(&key.public_key()).to_vec())
        }
        None => ("your car".to_string(), Vec::new()),
    };
    let read = read_and_say(file, &bytes, &vehicle, &accepted, zone)?;
    let checked = check_trips(&mut TripHistory::of(&accepted), &vehicle, read.trips);
    let accepted = checked.iter().filter(|c| matches!(c.verdict, Verdict::Accepted { .. })).count();
    println!("{}: {accepted} of {} would be accepted:", file.display(), checked.len());
    print_checked(&checked);
    println!("(a dry run: nothing was imported; the checks are this device's, the valley's own decide)");
    Ok(ExitCode::SUCCESS)
}

/// What a file given to `horizon import` holds.
enum ImportFile {
    Grant(horizon::ledger::grant::Grant),
    Pairing(horizon::telemetry::car_signed::Pairing),
    CarTrips(Vec<horizon::ledger::car::SignedTrip>),
    SelfReported(Vec<u8>),
}

fn read_import_file(file: &Path) -> Result<ImportFile> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.display().to_string();
    let head = &bytes[..bytes.len().min(512)];
    let grant_format = super::organiser::GRANT_FORMAT.as_bytes();
    if head.windows(grant_format.len()).any(|w| w == grant_format) {
        return Ok(ImportFile::Grant(super::organiser::parse_grant_file(file, &String::from_utf8_lossy(&bytes))?));
    }
    if head.windows(CAR_PAIRING_FORMAT.len()).any(|w| w == CAR_PAIRING_FORMAT.as_bytes()) {
        return Ok(ImportFile::Pairing(parse_pairing(&name, &String::from_utf8_lossy(&bytes))?));
    }
    if is_car_trips_file(&bytes) {
        return Ok(ImportFile::CarTrips(parse_car_trips(&name, &String::from_utf8_lossy(&bytes))?.1));
    }
    Ok(ImportFile::SelfReported(bytes))
}

/// Sends the queue and prints what the server said of each intent.
fn flush_and_report(valley: &mut HttpValley, file: &Path, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    match rt.block_on(async {
        let report = flush_waiting_when_busy(valley).await?;
        valley.sync_replica().await?;
        Ok::<_, ValleyError>(report)
    }) {
        Ok(report) => {
            for r in &report.imports {
                print_report(file, r);
            }
            for a in report.answers.iter().filter(|a| a.starts_with("paired") || a.starts_with("granted")) {
                println!("{a}");
            }
            for (_, reason) in &report.refused {
                println!("  refused: {reason}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_retryable() => {
            println!("{e}; it stays queued and is sent by the next `horizon sync`");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn refuse_counts_without_consent(trips: &[horizon::ledger::car::SignedTrip], behaviour: bool) -> Result<()> {
    if !behaviour && trips.iter().any(|t| t.details.hard_brakes != 0 || t.details.hard_accelerations != 0) {
        bail!("the car signed hard-event counts, but the behaviour scope is off: grant it (`horizon consent grant behaviour`) or have the car sign the trips without them");
    }
    Ok(())
}

/// `horizon import FILE`: a car's pairing, car-signed trips, or self-reported trips (JSON
/// summaries, GPX tracks, CSV exports); into the local valley or (for a profile with a
/// server) queued and sent.
pub fn import(data: &DataDir, file: &Path, timezone: Option<&str>, dry_run: bool) -> Result<ExitCode> {
    let zone = match timezone {
        Some(name) => LocalZone::named(name).map_err(anyhow::Error::msg)?,
        None => LocalZone::system(),
    };
    let content = read_import_file(file)?;
    if dry_run {
        return dry_run_import(data, file, content, &zone);
    }
    if let Some(mut valley) = client(data, None)? {
        let me = valley.player_key();
        let rt = runtime();
        let _ = rt.block_on(valley.sync_replica());
        let role = match valley.replica.state().player(&me).map(|p| p.role.clone()) {
            Some(role) => role,
            None => bail!("this profile is not enrolled at {} yet: run `horizon sync` first", valley.base()),
        };
        let queued = match content {
            ImportFile::Grant(grant) => {
                let event = grant.event.clone();
                valley.enqueue(Intent::Grant(horizon::valley::wire::GrantRequest::new(&grant)))?;
                format!("the grant for event {event}")
            }
            ImportFile::Pairing(pairing) => {
                let vehicle = pairing.binding.vehicle.clone();
                valley.enqueue(Intent::Pair(PairRequest::new(&pairing)))?;
                format!("the pairing with car {vehicle}")
            }
            ImportFile::CarTrips(trips) => {
                if !valley.consented(Scope::Mileage) {
                    bail!("importing trips needs the mileage consent; grant it with `horizon consent grant mileage`");
                }
                refuse_counts_without_consent(&trips, valley.consented(Scope::Behaviour))?;
                let n = trips.len();
                valley.enqueue(Intent::CarTrips(CarTripsRequest::new(&trips)))?;
                format!("{n} car-signed trips")
            }
            ImportFile::SelfReported(bytes) => {
                let Role::Owner { vehicle } = role else { bail!("guests have no car: pair a car first (`horizon import PAIRING.json`)") };
                if !valley.consented(Scope::Mileage) {
                    bail!("importing trips needs the mileage consent; grant it with `horizon consent grant mileage`");
                }
                let mut trips = read_self_reported(file, &bytes, &vehicle, valley.accepted_trips(), &zone)?;
                if !valley.consented(Scope::Behaviour) {
                    // Without the behaviour scope the counts never leave the device.
                    for t in &mut trips {
                        t.hard_brakes = 0;
                        t.hard_accelerations = 0;
                    }
                }
                let n = trips.len();
                valley.enqueue(Intent::Trips(TripsRequest { trips }))?;
                format!("{n} self-reported trip summaries")
            }
        };
        println!("{queued} from {} queued for {}", file.display(), valley.base());
        return flush_and_report(&mut valley, file, &rt);
    }
    let (mut valley, player) = EmbeddedValley::open_with_player(data, system_clock)?;
    let key = player.public_key();
    let report = match content {
        ImportFile::Grant(grant) => {
            let event = grant.event.clone();
            let crystals = block_on_ready(valley.claim_grant(&key, grant))?;
            println!("granted: {crystals} crystals for event {event}");
            return Ok(ExitCode::SUCCESS);
        }
        ImportFile::Pairing(pairing) => {
            let vehicle = pairing.binding.vehicle.clone();
            let index = valley.pair(&key, pairing)?;
            println!("paired with car {vehicle}: you are its owner (ledger entry {index})");
            return Ok(ExitCode::SUCCESS);
        }
        ImportFile::CarTrips(trips) => {
            let behaviour = valley.ledger().state().player(&key).is_some_and(|p| p.consented(Scope::Behaviour));
            refuse_counts_without_consent(&trips, behaviour)?;
            block_on_ready(valley.import_car_trips(&key, trips))?
        }
        ImportFile::SelfReported(bytes) => {
            let vehicle = match valley.ledger().state().player(&key).map(|p| p.role.clone()) {
                Some(Role::Owner { vehicle }) => vehicle,
                _ => bail!("guests have no car: pair a car first (`horizon import PAIRING.json`)"),
            };
            let trips = read_self_reported(file, &bytes, &vehicle, valley.accepted_trips(&key), &zone)?;
            block_on_ready(valley.import_trips(&key, trips))?
        }
    };
    print_report(file, &report);
    Ok(ExitCode::SUCCESS)
}

/// `horizon export`: everything this device holds about the player, as one JSON file.
pub fn export(data: &DataDir, out: Option<PathBuf>) -> Result<ExitCode> {
    let (key, _) = load_or_create_key(&data.player_key(), "player")?;
    let me = key.public_key();
    let mut doc = serde_json::json!({
        "format": "crypto-horizon/export@1",
        "exported_at": format_time((system_clock() / 1000) as i64),
        "player": { "public_key": me.to_hex(), "fingerprint": me.fingerprint() },
        "note": "The ledger is public and keeps only pseudonyms; the entries below are this player's.",
    });
    let describe = |entries: Vec<horizon::ledger::Entry>| -> Vec<serde_json::Value> {
        entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.actor == me || e.body.subject() == Some(me))
            .map(|(i, e)| serde_json::json!({ "index": i, "time": format_time((e.time_ms / 1000) as i64), "kind": e.kind().name(), "summary": e.summary(), "bytes": hex::encode(e.to_bytes()) }))
            .collect()
    };
    if data.ledger().join(horizon::ledger::store::LOG_FILE).exists() {
        let valley = EmbeddedValley::open(data, system_clock)?;
        if let Some(p) = valley.ledger().state().player(&me) {
            let mut local = player_json(&me, p);
            local["trips"] = serde_json::to_value(valley.accepted_trips(&me))?;
            local["entries"] = describe(valley.ledger().entries()?).into();
            doc["local"] = local;
        }
    }
    if let Some(valley) = client(data, None)? {
        let state = valley.view(&me).ok().map(|v| player_json(&me, &v.state));
        doc["server"] = serde_json::json!({
            "url": valley.base(),
            "state_in_verified_replica": state,
            "trips": valley.accepted_trips(),
            "queued": valley.queue.items(),
            "entries_verified": valley.replica.size(),
        });
    }
    for (name, path) in [("task_progress", data.0.join("game").join("progress.json")), ("shipping_address", data.0.join("merch").join("address.json"))] {
        if let Ok(bytes) = std::fs::read(&path) {
            doc[name] = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        }
    }
    let text = serde_json::to_string_pretty(&doc)?;
    match out {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote everything held about player {} to {}", me.fingerprint(), path.display());
        }
        _ => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `horizon forget --yes`: deletes the personal data on this device. Ledger entries stay (by
/// design: they name only pseudonyms and keep everyone's balances verifiable).
pub fn forget(data: &DataDir, yes: bool) -> Result<ExitCode> {
    let targets = [
        data.player_key(),
        data.0.join("valley").join("trips.json"),
        data.0.join("valley").join("trips"),
        data.0.join("game"),
        data.0.join("receipts"),
        data.0.join("merch"),
        horizon::valley::embedded::fulfilment_path(data),
        sync_dir(data),
    ];
    if !yes {
        println!("this deletes the player's key and personal data on this device:");
        for t in &targets {
            println!("  {}", t.display());
        }
        println!("the ledger keeps its entries (pseudonyms only). Run again with --yes to delete.");
        return Ok(ExitCode::from(2));
    }
    for t in &targets {
        let removed = if t.is_dir() { std::fs::remove_dir_all(t) } else { std::fs::remove_file(t) };
        match removed {
            Ok(()) => println!("deleted {}", t.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("could not delete {}: {e}", t.display()),
        }
    }
    println!("forgotten; the ledger's entries stay and name only pseudonyms");
    Ok(ExitCode::SUCCESS)
}
