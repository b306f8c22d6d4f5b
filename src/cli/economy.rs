//! `horizon import` and `horizon economy …`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use horizon::economy::simulate::{FleetOptions, auto_fleet_scale, simulate_fleet};
use horizon::economy::{CULTIVATION_POOL_CAP_MILLI, EconomyTables, MILEAGE_POOL_CAP_MILLI, MILLI_PER_STONE, format_stones};
use horizon::t;

#[derive(Subcommand)]
pub enum EconomyCommand {
    /// Run the economy on a synthetic fleet; write supply.csv and supply.png
    Simulate {
        #[arg(long, default_value_t = 1000)]
        cars: usize,
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Real cars each simulated car stands for (drives the era clock and the pools)
        /// [default: enough to cross six eras]
        #[arg(long)]
        fleet_scale: Option<u64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory
        #[arg(long, default_value = "economy-simulation")]
        out: PathBuf,
    },
}


pub fn run(cmd: EconomyCommand) -> Result<ExitCode> {
    let EconomyCommand::Simulate { cars, days, fleet_scale, seed, out } = cmd;
    std::fs::create_dir_all(&out).with_context(|| t!("cli-creating", path = out.display().to_string()))?;
    let defaults = FleetOptions::default();
    let fleet_scale = fleet_scale.unwrap_or_else(|| auto_fleet_scale(cars, days, defaults.mean_daily_km)).max(1);
    let opts = FleetOptions { cars, days, seed, fleet_scale, ..defaults };
    let csv_path = out.join("supply.csv");
    let mut csv = std::io::BufWriter::new(std::fs::File::create(&csv_path).with_context(|| t!("cli-creating", path = csv_path.display().to_string()))?);
    writeln!(csv, "day,active_cars,network_km,era,mileage_stones,cultivation_stones,total_stones,mileage_cap,cultivation_cap,early_stones_per_km,late_stones_per_km")?;
    let mut rows = Vec::with_capacity(days as usize);
    let started = std::time::Instant::now();
    let mut io_error = None;
    simulate_fleet(EconomyTables::bundled(), &opts, |r| {
        let written = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{},{:.4},{:.4}",
            r.day,
            r.active_cars,
            r.network_km,
            r.era,
            format_stones(r.mileage_milli),
            format_stones(r.cultivation_milli),
            format_stones(r.mileage_milli + r.cultivation_milli),
            MILEAGE_POOL_CAP_MILLI / MILLI_PER_STONE,
            CULTIVATION_POOL_CAP_MILLI / MILLI_PER_STONE,
            r.early_milli_per_km / MILLI_PER_STONE as f64,
            r.late_milli_per_km / MILLI_PER_STONE as f64,
        );
        if let Err(e) = written {
            io_error.get_or_insert(e);
        }
        rows.push(r.clone());
    });
    if let Some(e) = io_error {
        return Err(e).context(t!("cli-writing", path = csv_path.display().to_string()));
    }
    csv.flush()?;
    let secs = started.elapsed().as_secs_f64();
    let png = out.join("supply.png");
    super::chart::draw_supply(&png, &rows, &opts).with_context(|| t!("cli-drawing", path = png.display().to_string()))?;
    let last = rows.last().with_context(|| t!("cli-economy-no-days"))?;
    println!(
        "{}",
        t!("cli-economy-simulated", cars = cars.to_string(), days = days.to_string(), scale = fleet_scale.to_string(), seconds = format!("{secs:.1}"))
    );
    println!("{}", t!("cli-economy-network-km", km = last.network_km.to_string(), era = last.era.to_string()));
    println!(
        "{}",
        t!("cli-economy-mileage-pool", stones = format_stones(last.mileage_milli), cap = (MILEAGE_POOL_CAP_MILLI / MILLI_PER_STONE).to_string())
    );
    println!(
        "{}",
        t!("cli-economy-cultivation-pool", stones = format_stones(last.cultivation_milli), cap = (CULTIVATION_POOL_CAP_MILLI / MILLI_PER_STONE).to_string())
    );
    println!(
        "{}",
        t!(
            "cli-economy-per-km",
            early = format!("{:.4}", last.early_milli_per_km / MILLI_PER_STONE as f64),
            late = format!("{:.4}", last.late_milli_per_km / MILLI_PER_STONE as f64)
        )
    );
    println!("{}", t!("cli-wrote-two", first = csv_path.display().to_string(), second = png.display().to_string()));
    Ok(ExitCode::SUCCESS)
}

