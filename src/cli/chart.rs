//! The PNG chart of `horizon economy simulate`: supply per pool over time, with the caps.

use std::path::Path;

use anyhow::Result;
use horizon::economy::simulate::{DayRow, FleetOptions};
use horizon::economy::{CULTIVATION_POOL_CAP_MILLI, MILEAGE_POOL_CAP_MILLI, MILLI_PER_STONE};
use plotters::prelude::*;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn millions(milli: u64) -> f64 {
    milli as f64 / MILLI_PER_STONE as f64 / 1e6
}

pub fn draw_supply(path: &Path, rows: &[DayRow], opts: &FleetOptions) -> Result<()> {
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    let root = BitMapBackend::new(path, (1200, 700)).into_drawing_area();
    root.fill(&WHITE)?;
    let days = rows.len().max(1) as f64;
    let last = rows.last();
    let caption = format!(
        "Stone supply: {} cars for {} days, each standing for {} (early cars {:.3} stones/km, late {:.3})",
        opts.cars,
        opts.days,
        opts.fleet_scale,
        last.map_or(0.0, |r| r.early_milli_per_km / 1000.0),
        last.map_or(0.0, |r| r.late_milli_per_km / 1000.0)
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..days, 0f64..320f64)?;
    chart.configure_mesh().x_desc("day").y_desc("million stones").label_style(("sans-serif", 16)).draw()?;
    let series: [(&str, RGBColor, fn(&DayRow) -> u64); 3] = [
        ("mileage pool", RGBColor(30, 110, 200), |r| r.mileage_milli),
        ("cultivation pool", RGBColor(40, 160, 90), |r| r.cultivation_milli),
        ("total", RGBColor(60, 60, 60), |r| r.mileage_milli + r.cultivation_milli),
    ];
    for (name, color, value) in series {
        chart
            .draw_series(LineSeries::new(rows.iter().map(|r| (r.day as f64, millions(value(r)))), color.stroke_width(3)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
    }
    for (name, cap, color) in [
        ("mileage cap 210 M", MILEAGE_POOL_CAP_MILLI, RGBColor(30, 110, 200)),
        ("cultivation cap 90 M", CULTIVATION_POOL_CAP_MILLI, RGBColor(40, 160, 90)),
        ("total cap 300 M", MILEAGE_POOL_CAP_MILLI + CULTIVATION_POOL_CAP_MILLI, RGBColor(60, 60, 60)),
    ] {
        let y = millions(cap);
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, y), (days, y)], 8, 6, color.mix(0.6).stroke_width(1)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.mix(0.6).stroke_width(1)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .draw()?;
    root.present()?;
    Ok(())
}
