//! The share card (1200×630, the size chat apps preview): a player's stones, level and best
//! lap beside the twin, with a receipt's QR code, so that a friend who scans it can check
//! the stones against the ledger with the valley's key. The PNG carries the same receipt.

use super::canvas::{Canvas, Fonts};
use super::twin_card_image::{CRYSTAL, DUSK, GOLD, INK, MUTED, NIGHT, PANEL, Picture, draw_car_profile, label, paint_of};
use crate::economy::{format_stones_grouped, group_thousands};

pub const SHARE_WIDTH: u32 = 1200;
pub const SHARE_HEIGHT: u32 = 630;

/// What a share card shows.
pub struct ShareView<'a> {
    pub name: &'a str,
    pub level: u32,
    pub stones_milli: u64,
    pub km: u64,
    pub upgrades: &'a [String],
    /// The best lap this player drove: route and milliseconds.
    pub best_lap: Option<(&'a str, u64)>,
    /// The receipt the QR code and the PNG carry (of the player's newest entry).
    pub receipt: &'a str,
    pub receipt_index: u64,
    pub picture: Option<Picture<'a>>,
}

/// A lap time as m:ss.mmm.
pub fn lap_time(ms: u64) -> String {
    format!("{}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000)
}

pub fn render(view: &ShareView, fonts: &Fonts) -> Canvas {
    let w = SHARE_WIDTH as f32;
    let mut c = Canvas::new(SHARE_WIDTH, SHARE_HEIGHT, NIGHT);
    c.vertical_gradient(NIGHT, DUSK);
    let (px, py, pw, ph) = (30u32, 30u32, 430u32, 570u32);
    c.rounded_rect(px as f32 - 3.0, py as f32 - 3.0, pw as f32 + 6.0, ph as f32 + 6.0, 24.0, GOLD);
    match view.picture {
        Some(p) => c.picture(p.rgba, p.width, p.height, px, py, pw, ph),
        None => draw_car_profile(&mut c, px as f32, py as f32, pw as f32, ph as f32, paint_of(view.upgrades)),
    }
    let (x, column) = (495.0, 345.0);
    let title = if fonts.has_cjk() { "密境时空 · 原石谷" } else { "CRYPTO HORIZON" };
    c.text(fonts, title, x, 78.0, 26.0, GOLD);
    c.text(fonts, &Canvas::fit(fonts, view.name, 46.0, column), x, 144.0, 46.0, INK);
    c.text(fonts, &format!("{} {}", label(fonts, "等级", "Level"), view.level), x, 190.0, 28.0, MUTED);

    c.rounded_rect(x, 220.0, column, 150.0, 18.0, PANEL);
    c.text(fonts, &label(fonts, "原石", "STONES"), x + 22.0, 258.0, 22.0, MUTED);
    c.text(fonts, &Canvas::fit(fonts, &format_stones_grouped(view.stones_milli), 56.0, column - 44.0), x + 22.0, 336.0, 56.0, CRYSTAL);

    let lap = view.best_lap.map_or_else(|| label(fonts, "暂无圈速", "no lap yet"), |(route, ms)| format!("{} ({route})", lap_time(ms)));
    c.text(fonts, &label(fonts, "最佳圈速", "Best lap"), x, 414.0, 20.0, MUTED);
    c.text(fonts, &Canvas::fit(fonts, &lap, 28.0, column), x, 448.0, 28.0, INK);
    c.text(fonts, &label(fonts, "真实里程", "Real km"), x, 492.0, 20.0, MUTED);
    c.text(fonts, &format!("{} km", group_thousands(view.km)), x, 526.0, 28.0, INK);
    c.text(fonts, &format!("{} #{}", label(fonts, "账本条目", "Ledger entry"), view.receipt_index), x, 580.0, 20.0, MUTED);

    // The receipt (about a kilobyte): three pixels a module or more, for a phone's camera.
    let side = 310.0;
    let (qx, qy) = (w - 30.0 - side, 120.0);
    if let Some(qr) = crate::kiosk::keepsake::qr_code(view.receipt) {
        c.qr(&qr, qx, qy, side);
    }
    c.text_centred(fonts, &label(fonts, "扫码验证", "Scan to verify"), qx + side / 2.0, qy + side + 40.0, 22.0, GOLD);
    c
}

pub fn description(view: &ShareView) -> String {
    format!("Crypto Horizon: {} at level {} with {} stones (ledger entry {})", view.name, view.level, crate::economy::format_stones(view.stones_milli), view.receipt_index)
}
