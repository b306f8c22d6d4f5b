//! `horizon car`: a simulated car for development, demos and tests. It holds a vehicle key
//! provisioned by a maker key (the demo maker's unless `--maker-key` names one), pairs with
//! the profile's player, and signs trip files as a telematics unit would. What it writes,
//! `horizon import` takes: a pairing file, then car-trips files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use horizon::ledger::NamedKey;
use horizon::ledger::car::demo_maker_key;
use horizon::profile::{DataDir, load_or_create_key};
use horizon::simulated_car::SimulatedCar;
use horizon::t;
use horizon::telemetry::car_signed::{to_car_trips_json, to_pairing_json};
use horizon::telemetry::{LocalZone, format_time, read_trip_file};

#[derive(Subcommand)]
pub enum CarCommand {
    /// Build a simulated car: a new car key for the pseudonym, provisioned by the maker
    New {
        /// The car's folder (its key and counter live there)
        #[arg(long, value_name = "DIR")]
        car: PathBuf,
        #[arg(long, value_name = "PSEUDONYM")]
        vehicle: String,
        /// The maker's signer key file (PRIVATE+KEY+…) [default: the demo maker, which only
        /// valleys started with --trust-demo-maker accept]
        #[arg(long, value_name = "FILE")]
        maker_key: Option<PathBuf>,
    },
    /// Pair the car with this profile's player: writes a pairing file for `horizon import`
    Pair {
        #[arg(long, value_name = "DIR")]
        car: PathBuf,
        /// Where to write it [default: DIR/pairing.json]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Sign a trip file (JSON, GPX or CSV) as the car: writes a car-trips file for `horizon import`
    Drive {
        #[arg(long, value_name = "DIR")]
        car: PathBuf,
        file: PathBuf,
        /// Include the counts of hard braking and acceleration (the behaviour scope, granted in the car)
        #[arg(long)]
        behaviour: bool,
        /// Sign the trips as if just driven: moved in time so that the last ends now (a
        /// valley records a car's trips within 7 days of their end)
        #[arg(long)]
        now: bool,
        /// The time zone of times written without an offset (an IANA name); by default this machine's
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// Where to write it [default: DIR/trips-<first counter>.json]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Show the car: pseudonym, key, maker, counter and odometer
    Show {
        #[arg(long, value_name = "DIR")]
        car: PathBuf,
    },
}

fn maker(path: Option<&Path>) -> Result<ed25519_dalek::SigningKey> {
    let Some(path) = path else { return Ok(demo_maker_key()) };
    let text = std::fs::read_to_string(path).with_context(|| t!("cli-reading", path = path.display().to_string()))?;
    Ok(NamedKey::from_signer_string(&text).with_context(|| t!("cli-not-a-signer-key", path = path.display().to_string()))?.signing_key)
}

fn write(path: &Path, text: &str) -> Result<()> {
    horizon::ledger::files::write_atomically(path, text.as_bytes()).with_context(|| t!("cli-writing", path = path.display().to_string()))
}

fn show(car: &SimulatedCar) {
    let demo = horizon::ledger::PublicKey::from_signing_key(&demo_maker_key());
    let maker = if car.provision.maker == demo { t!("cli-car-demo-maker", maker = car.provision.maker.to_string()) } else { car.provision.maker.to_string() };
    println!("{}", t!("cli-car-vehicle", vehicle = car.vehicle().to_string()));
    println!("{}", t!("cli-car-key", key = car.public_key().to_hex()));
    println!("{}", t!("cli-car-maker", maker = maker));
    println!("{}", t!("cli-car-counter", counter = car.counter.to_string()));
    println!("{}", t!("cli-car-odometer", km = format!("{:.1}", car.odometer_m as f64 / 1000.0)));
}

pub fn run(command: CarCommand, data: &DataDir) -> Result<ExitCode> {
    let now = super::now_ms();
    match command {
        CarCommand::New { car, vehicle, maker_key } => {
            if car.join("car.json").exists() {
                bail!(t!("cli-car-exists", dir = car.display().to_string()));
            }
            let provisioned = now.saturating_sub(horizon::simulated_car::SIMULATED_HISTORY_MS);
            let made = SimulatedCar::open_or_create(&car, &vehicle, &maker(maker_key.as_deref())?, provisioned)?;
            println!("{}", t!("cli-car-built", vehicle = made.vehicle().to_string(), dir = car.display().to_string()));
            show(&made);
        }
        CarCommand::Pair { car: dir, out } => {
            let mut car = SimulatedCar::open(&dir)?;
            let (player, _) = load_or_create_key(&data.player_key(), "player")?;
            let pairing = car.pair(player.public_key(), now)?;
            let out = out.unwrap_or_else(|| dir.join("pairing.json"));
            write(&out, &to_pairing_json(&pairing))?;
            println!(
                "{}",
                t!(
                    "cli-car-paired",
                    vehicle = car.vehicle().to_string(),
                    player = player.public_key().fingerprint().to_string(),
                    counter = car.counter.to_string(),
                    path = out.display().to_string()
                )
            );
            println!("{}", t!("cli-next-import", path = out.display().to_string()));
        }
        CarCommand::Drive { car: dir, file, behaviour, now: as_if_now, timezone, out } => {
            let mut car = SimulatedCar::open(&dir)?;
            let bytes = std::fs::read(&file).with_context(|| t!("cli-reading", path = file.display().to_string()))?;
            let vehicle = car.vehicle().to_string();
            let zone = match timezone.as_deref() {
                Some(name) => LocalZone::named(name).map_err(anyhow::Error::msg)?,
                None => LocalZone::system(),
            };
            let read = read_trip_file(&file.display().to_string(), &bytes, &vehicle, car.odometer_m as f64 / 1000.0, &zone)?;
            for note in &read.notes {
                println!("{}", t!("cli-note", note = note.to_string()));
            }
            let mut trips = read.trips;
            if as_if_now {
                let shift = (now / 1000) as i64 - 60 - trips.iter().map(|t| t.end).max().unwrap_or(0);
                for t in &mut trips {
                    t.start += shift;
                    t.end += shift;
                }
            }
            if trips.is_empty() {
                bail!(t!("cli-car-no-trips", file = file.display().to_string()));
            }
            let first = car.counter + 1;
            let signed = car.sign_trips(&trips, behaviour)?;
            let out = out.unwrap_or_else(|| dir.join(format!("trips-{first}.json")));
            write(&out, &to_car_trips_json(&car.provision, &signed))?;
            let (start, end) = (signed.first().map_or(0, |t| t.details.start_s), signed.last().map_or(0, |t| t.details.end_s));
            println!(
                "{}",
                t!(
                    "cli-car-signed",
                    vehicle = car.vehicle().to_string(),
                    count = signed.len().to_string(),
                    start = format_time(start as i64),
                    end = format_time(end as i64),
                    first = first.to_string(),
                    last = car.counter.to_string(),
                    path = out.display().to_string()
                )
            );
            println!("{}", t!("cli-next-import", path = out.display().to_string()));
        }
        CarCommand::Show { car } => show(&SimulatedCar::open(&car)?),
    }
    Ok(ExitCode::SUCCESS)
}
