//! `horizon level check|preview`: for people who make levels.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use horizon::level::Level;
use horizon::t;
use plotters::prelude::*;

#[derive(Subcommand)]
pub enum LevelCommand {
    /// Check a level file and print what it holds
    Check { file: PathBuf },
    /// Draw a level's map from above: relief, water, routes, landmarks, deposit fields
    Preview {
        file: PathBuf,
        #[arg(long, default_value = "level.png")]
        out: PathBuf,
        /// Pixels per side
        #[arg(long, default_value_t = 800)]
        size: u32,
    },
}

pub fn run(cmd: LevelCommand) -> Result<ExitCode> {
    match cmd {
        LevelCommand::Check { file } => check(&file),
        LevelCommand::Preview { file, out, size } => preview(&file, &out, size),
    }
}

fn check(file: &Path) -> Result<ExitCode> {
    let level = Level::load(file)?;
    let field = level.heightfield();
    let (lo, hi) = field.min_max();
    println!(
        "{}",
        t!(
            "cli-level-summary",
            file = file.display().to_string(),
            name = level.name.as_str(),
            size = level.terrain.size_m.to_string(),
            low = format!("{lo:.1}"),
            high = format!("{hi:.1}")
        )
    );
    println!("{}", t!("cli-level-landmarks", ids = level.landmarks.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")));
    println!("{}", t!("cli-level-fields", ids = level.deposit_fields.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")));
    for r in &level.routes {
        println!("{}", t!("cli-level-route", id = r.id.as_str(), name = r.name.as_str(), length = format!("{:.0}", r.length_m())));
    }
    Ok(ExitCode::SUCCESS)
}

fn preview(file: &Path, out: &Path, size: u32) -> Result<ExitCode> {
    let level = Level::load(file)?;
    let field = level.heightfield();
    let spec = &level.terrain;
    let half = spec.size_m / 2.0;
    let to_world = |px: u32| (px as f32 + 0.5) / size as f32 * spec.size_m - half;
    let to_px = |(x, z): (f32, f32)| (((x + half) / spec.size_m * size as f32) as i32, ((z + half) / spec.size_m * size as f32) as i32);
    let root = BitMapBackend::new(out, (size, size)).into_drawing_area();
    for py in 0..size {
        for px in 0..size {
            let (x, z) = (to_world(px), to_world(py));
            let h = field.height_at(x, z);
            let (r, g, b) = if h < spec.water_level_m { (0.22, 0.45, 0.62) } else { spec.color_at(h, field.slope_at(x, z)) };
            // Light from the north-west, for relief.
            let shade = (1.0 + (field.height_at(x - 2.0, z - 2.0) - h) * 0.15).clamp(0.6, 1.3);
            let c = |v: f32| ((v * shade).clamp(0.0, 1.0) * 255.0) as u8;
            root.draw_pixel((px as i32, py as i32), &RGBColor(c(r), c(g), c(b)))?;
        }
    }
    for f in &level.deposit_fields {
        let r = (f.radius_m / spec.size_m * size as f32) as i32;
        root.draw(&Circle::new(to_px(f.center), r, RGBColor(150, 90, 220).stroke_width(2)))?;
    }
    for route in &level.routes {
        let mut points: Vec<(i32, i32)> = route.samples().into_iter().map(|(_, p)| to_px(p)).collect();
        points.push(points[0]);
        root.draw(&PathElement::new(points, RGBColor(40, 40, 40).stroke_width(2)))?;
    }
    for l in &level.landmarks {
        root.draw(&Circle::new(to_px(l.position), 5, RGBColor(220, 60, 40).filled()))?;
    }
    root.present().with_context(|| t!("cli-writing", path = out.display().to_string()))?;
    println!("{}", t!("cli-wrote", path = out.display().to_string()));
    Ok(ExitCode::SUCCESS)
}
