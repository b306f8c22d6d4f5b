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
use horizon::t;
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
            if s.is_finite() && s > 0.0 && s <= 3600.0 { Ok(std::time::Duration::from_secs_f64(s)) } else { bail!(t!("cli-serve-bad-seconds", flag = what)) }
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
            let Some((name, key)) = m.split_once('=') else { bail!(t!("cli-serve-expected-name-key", flag = flag, value = format!("{m:?}"))) };
            let key = horizon::ledger::PublicKey::from_hex(key).filter(|k| k.verifying_key().is_some()).with_context(|| t!("cli-serve-bad-key", flag = flag, value = format!("{m:?}")))?;
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
        eprintln!("{}", t!("cli-serve-no-maker"));
    }
    for (key, name) in makers {
        eprintln!("{}", t!("cli-serve-trusted-maker", name = name.as_str(), key = key.to_string()));
    }
    let ledger = server.valley().ledger();
    eprintln!(
        "{}",
        t!("cli-serve-ledger", path = data.ledger().display().to_string(), entries = ledger.size().to_string(), key = ledger.verifier_key().text.as_str())
    );
    if limits.web.join("index.html").is_file() {
        eprintln!("{}", t!("cli-serve-web", dir = limits.web.display().to_string()));
    } else {
        eprintln!("{}", t!("cli-serve-no-web", dir = limits.web.display().to_string()));
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
                eprintln!("{}", t!("cli-sync-busy", seconds = retry_after_s.to_string()));
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
        bail!(t!("cli-sync-no-server"))
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
            println!("  {}", t!("cli-sync-refused-intent", id = id.to_string(), reason = reason.to_string()));
        }
        let synced = valley.sync_replica().await?;
        println!(
            "{}",
            t!(
                "cli-sync-synced",
                server = valley.base(),
                entries = synced.size.to_string(),
                new = synced.new_entries.to_string(),
                sent = report.sent.to_string()
            )
        );
        if let Ok(view) = valley.view(&me) {
            print_player(&view);
        }
        Ok(())
    });
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.is_retryable() => {
            println!("{e}");
            println!("{}", t!("cli-sync-queued", intents = valley.queue.items().len().to_string(), dir = sync_dir(data).display().to_string()));
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_player(view: &horizon::valley::PlayerView) {
    let s = &view.state;
    let role = match &s.role {
        Role::Owner { vehicle } => t!("cli-player-owner", vehicle = horizon::ledger::entry::printable(vehicle)),
        Role::Guest => t!("cli-player-guest"),
    };
    println!(
        "{}",
        t!(
            "cli-player",
            name = horizon::ledger::entry::printable(&s.name),
            key = view.key.fingerprint(),
            role = role,
            stones = horizon::economy::format_stones(s.stones_milli),
            waiting = horizon::economy::format_stones(s.unmined_milli()),
            crystals = s.crystals.to_string(),
            fragments = s.fragments.to_string(),
            level = view.stats.level.to_string()
        )
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

fn print_scopes(granted: impl Fn(Scope) -> bool) {
    for (scope, what) in [(Scope::Mileage, t!("cli-scope-mileage")), (Scope::Behaviour, t!("cli-scope-behaviour"))] {
        let state = if granted(scope) { t!("cli-scope-granted") } else { t!("cli-scope-off") };
        println!("{:<10} {state:<8} {what}", format!("{scope:?}").to_lowercase());
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
            let scope_name = format!("{scope:?}");
            if granted {
                println!("{}", t!("cli-consent-granted-queued", scope = scope_name, server = valley.base()));
            } else {
                println!("{}", t!("cli-consent-revoked-queued", scope = scope_name, server = valley.base()));
            }
            match runtime().block_on(async {
                valley.flush().await?;
                valley.sync_replica().await
            }) {
                Ok(_) => println!("{}", t!("cli-consent-sent")),
                Err(e) if e.is_retryable() => println!("{}", t!("cli-consent-retry", error = e.to_string())),
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
        let (scope_name, entry) = (format!("{scope:?}"), index.to_string());
        if granted {
            println!("{}", t!("cli-consent-granted-entry", scope = scope_name, entry = entry));
        } else {
            println!("{}", t!("cli-consent-revoked-entry", scope = scope_name, entry = entry));
        }
    }
    let view = block_on_ready(valley.player(&key))?;
    print_scopes(|scope| view.state.consented(scope));
    Ok(ExitCode::SUCCESS)
}

/// Whether `voucher` can be redeemed by `state`'s player, or why not.
fn redeemable(state: Option<&horizon::ledger::PlayerState>, voucher: &str) -> Result<()> {
    match state.and_then(|p| p.vouchers.iter().find(|v| v.id == voucher)) {
        None => bail!(t!("cli-redeem-no-such-voucher", voucher = format!("{voucher:?}"))),
        Some(v) if v.redeemed.is_some() => bail!(t!("cli-voucher-already-redeemed", voucher = voucher, entry = v.redeemed.unwrap_or_default().to_string())),
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
                println!("{}", t!("cli-redeem-recorded-at", voucher = voucher, server = valley.base()));
                Ok(ExitCode::SUCCESS)
            }
            Ok(report) => bail!(t!("cli-redeem-refused", reasons = report.refused.iter().map(|(_, r)| r.as_str()).collect::<Vec<_>>().join("; "))),
            Err(e) if e.is_retryable() => {
                println!("{}", t!("cli-redeem-retry", error = e.to_string()));
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(e.into()),
        };
    }
    let (mut valley, player) = EmbeddedValley::open_with_player(data, system_clock)?;
    redeemable(valley.ledger().state().player(&player.public_key()), voucher)?;
    let entry = valley.sign_for(&player, Body::Redeem { voucher: voucher.into() })?;
    let index = block_on_ready(valley.submit(entry))?;
    println!("{}", t!("cli-redeem-recorded", voucher = voucher, entry = index.to_string()));
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
                let km = format!("{:>7.1}", c.trip.distance_km());
                let line = match note {
                    Some(note) => t!("cli-trip-accepted-note", when = when, km = km, minable = minable_km.to_string(), note = note.as_str()),
                    None => t!("cli-trip-accepted", when = when, km = km, minable = minable_km.to_string()),
                };
                println!("  {line}");
            }
            Verdict::Rejected { reason } => {
                println!("  {}", t!("cli-trip-rejected", when = when, km = format!("{:>7.1}", c.trip.distance_km()), reason = reason.as_str()))
            }
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
    println!("{}", t!("cli-import-read-as", file = file.display().to_string(), family = read.family.as_str(), count = n));
    for note in &read.notes {
        println!("  {}", t!("cli-note", note = note.as_str()));
    }
    Ok(read)
}

/// `horizon import --dry-run FILE`: what would be read and what the checks would say, per
/// trip, against this profile's accepted trips; nothing is written or sent.
fn dry_run_import(data: &DataDir, file: &Path, content: ImportFile, zone: &LocalZone) -> Result<ExitCode> {
    let ImportFile::SelfReported(bytes) = content else {
        println!("{}", t!("cli-dry-run-signed-file", file = file.display().to_string()));
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
    println!("{}", t!("cli-dry-run-would-accept", file = file.display().to_string(), accepted = accepted.to_string(), trips = checked.len().to_string()));
    print_checked(&checked);
    println!("{}", t!("cli-dry-run-note"));
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
    let bytes = std::fs::read(file).with_context(|| t!("cli-reading", path = file.display().to_string()))?;
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
                println!("  {}", t!("cli-import-refused", reason = reason.to_string()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_retryable() => {
            println!("{}", t!("cli-import-retry", error = e.to_string()));
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn refuse_counts_without_consent(trips: &[horizon::ledger::car::SignedTrip], behaviour: bool) -> Result<()> {
    if !behaviour && trips.iter().any(|t| t.details.hard_brakes != 0 || t.details.hard_accelerations != 0) {
        bail!(t!("cli-import-counts-without-consent"));
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
            None => bail!(t!("cli-import-not-enrolled", server = valley.base())),
        };
        let queued = match content {
            ImportFile::Grant(grant) => {
                let event = grant.event.clone();
                valley.enqueue(Intent::Grant(horizon::valley::wire::GrantRequest::new(&grant)))?;
                t!("cli-import-queued-grant", event = event)
            }
            ImportFile::Pairing(pairing) => {
                let vehicle = pairing.binding.vehicle.clone();
                valley.enqueue(Intent::Pair(PairRequest::new(&pairing)))?;
                t!("cli-import-queued-pairing", vehicle = vehicle)
            }
            ImportFile::CarTrips(trips) => {
                if !valley.consented(Scope::Mileage) {
                    bail!(t!("cli-import-needs-mileage-consent"));
                }
                refuse_counts_without_consent(&trips, valley.consented(Scope::Behaviour))?;
                let n = trips.len();
                valley.enqueue(Intent::CarTrips(CarTripsRequest::new(&trips)))?;
                t!("cli-import-queued-car-trips", trips = n.to_string())
            }
            ImportFile::SelfReported(bytes) => {
                let Role::Owner { vehicle } = role else { bail!(t!("cli-import-guest-has-no-car")) };
                if !valley.consented(Scope::Mileage) {
                    bail!(t!("cli-import-needs-mileage-consent"));
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
                t!("cli-import-queued-self-reported", trips = n.to_string())
            }
        };
        println!("{}", t!("cli-import-queued", what = queued, file = file.display().to_string(), server = valley.base()));
        return flush_and_report(&mut valley, file, &rt);
    }
    let (mut valley, player) = EmbeddedValley::open_with_player(data, system_clock)?;
    let key = player.public_key();
    let report = match content {
        ImportFile::Grant(grant) => {
            let event = grant.event.clone();
            let crystals = block_on_ready(valley.claim_grant(&key, grant))?;
            println!("{}", t!("cli-import-granted", crystals = crystals.to_string(), event = event));
            return Ok(ExitCode::SUCCESS);
        }
        ImportFile::Pairing(pairing) => {
            let vehicle = pairing.binding.vehicle.clone();
            let index = valley.pair(&key, pairing)?;
            println!("{}", t!("cli-import-paired", vehicle = vehicle, entry = index.to_string()));
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
                _ => bail!(t!("cli-import-guest-has-no-car")),
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
            std::fs::write(&path, text).with_context(|| t!("cli-writing", path = path.display().to_string()))?;
            println!("{}", t!("cli-export-wrote", player = me.fingerprint(), path = path.display().to_string()));
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
        println!("{}", t!("cli-forget-will-delete"));
        for t in &targets {
            println!("  {}", t.display());
        }
        println!("{}", t!("cli-forget-ask-yes"));
        return Ok(ExitCode::from(2));
    }
    for t in &targets {
        let removed = if t.is_dir() { std::fs::remove_dir_all(t) } else { std::fs::remove_file(t) };
        match removed {
            Ok(()) => println!("{}", t!("cli-forget-deleted", path = t.display().to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!(t!("cli-forget-could-not-delete", path = t.display().to_string(), error = e.to_string())),
        }
    }
    println!("{}", t!("cli-forget-done"));
    Ok(ExitCode::SUCCESS)
}
