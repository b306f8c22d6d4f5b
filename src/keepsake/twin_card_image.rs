//! The twin card as a picture (900×1260, a trading card's proportions): the twin's
//! picture from the game (or a drawn profile of the car when there is none), the player's
//! pseudonym, level and the ledger's facts, the upgrades, and the receipt as a QR code. The
//! PNG carries the same receipt in a text chunk (see `png_text`), so what counts is the
//! signed entry, never the pixels.

use super::canvas::{Canvas, Fonts, Rgba};
use crate::economy::{EconomyTables, format_stones_grouped, group_thousands};
use crate::ledger::twin_card::TwinCard;

pub const CARD_WIDTH: u32 = 900;
pub const CARD_HEIGHT: u32 = 1260;

/// The picture box on the card: where the twin's picture goes (x, y, width, height).
pub const PICTURE_BOX: (u32, u32, u32, u32) = (50, 122, 800, 420);
/// The stats region (x, y, width, height): the four figures.
pub const STATS_BOX: (u32, u32, u32, u32) = (50, 680, 800, 180);

pub const GOLD: Rgba = Rgba::rgb(226, 186, 104);
pub const NIGHT: Rgba = Rgba::rgb(11, 16, 32);
pub const DUSK: Rgba = Rgba::rgb(30, 40, 72);
pub const PANEL: Rgba = Rgba::rgb(24, 32, 58);
pub const INK: Rgba = Rgba::rgb(240, 242, 248);
pub const MUTED: Rgba = Rgba::rgb(150, 160, 188);
pub const CRYSTAL: Rgba = Rgba::rgb(120, 210, 255);

/// A picture to put on a keepsake: RGBA rows.
#[derive(Clone, Copy)]
pub struct Picture<'a> {
    pub rgba: &'a [u8],
    pub width: u32,
    pub height: u32,
}

/// Everything a twin card shows.
pub struct TwinCardView<'a> {
    pub card: &'a TwinCard,
    /// The card's ledger entry and when it was recorded.
    pub index: u64,
    pub issued_ms: u64,
    /// The log's origin (which valley).
    pub origin: &'a str,
    /// The card's receipt (C2SP tlog-proof): the QR code's content when it fits.
    pub receipt: &'a str,
    pub picture: Option<Picture<'a>>,
}

/// "中文 English" when Chinese can be drawn, else the English alone.
pub fn label(fonts: &Fonts, zh: &str, en: &str) -> String {
    if fonts.has_cjk() { format!("{zh} {en}") } else { en.to_string() }
}

/// A UTC date, YYYY-MM-DD.
pub fn date_of(ms: u64) -> String {
    jiff::Timestamp::from_millisecond(ms as i64).map_or_else(|_| "?".into(), |t| t.strftime("%Y-%m-%d").to_string())
}

/// The car in profile, drawn when the game gave no picture: body, glass, wheels, light bar.
pub fn draw_car_profile(c: &mut Canvas, x: f32, y: f32, w: f32, h: f32, paint: Rgba) {
    // A horizon: sky to valley.
    for row in 0..h as u32 {
        let t = row as f32 / h;
        let sky = if t < 0.62 { Rgba::rgb(38, 58, 110).with_alpha(255) } else { Rgba::rgb(26, 44, 52) };
        let glow = (1.0 - ((t - 0.62).abs() * 5.0)).clamp(0.0, 1.0);
        c.rounded_rect(x, y + row as f32, w, 1.0, 0.0, sky);
        if glow > 0.0 {
            c.rounded_rect(x, y + row as f32, w, 1.0, 0.0, GOLD.with_alpha((glow * 90.0) as u8));
        }
    }
    let (cx, ground) = (x + w / 2.0, y + h * 0.78);
    let len = w * 0.72;
    let left = cx - len / 2.0;
    // Shadow, body, cabin, glass.
    c.rounded_rect(left - 10.0, ground - 8.0, len + 20.0, 22.0, 11.0, Rgba::rgb(0, 0, 0).with_alpha(120));
    c.rounded_rect(left, ground - h * 0.26, len, h * 0.2, h * 0.08, paint);
    c.rounded_rect(left + len * 0.22, ground - h * 0.42, len * 0.5, h * 0.22, h * 0.1, paint);
    c.rounded_rect(left + len * 0.26, ground - h * 0.39, len * 0.2, h * 0.14, h * 0.05, Rgba::rgb(20, 28, 44).with_alpha(235));
    c.rounded_rect(left + len * 0.48, ground - h * 0.39, len * 0.2, h * 0.14, h * 0.05, Rgba::rgb(20, 28, 44).with_alpha(235));
    // Light bars (front white, rear red) and the charge port.
    c.rounded_rect(left + len - 14.0, ground - h * 0.22, 12.0, h * 0.035, 3.0, Rgba::rgb(235, 245, 255));
    c.rounded_rect(left + 2.0, ground - h * 0.22, 12.0, h * 0.035, 3.0, Rgba::rgb(255, 60, 70));
    c.rounded_rect(left + len * 0.16, ground - h * 0.2, 16.0, 10.0, 3.0, CRYSTAL.with_alpha(200));
    // Wheels: tyre, rim, hub.
    for wx in [left + len * 0.2, left + len * 0.8] {
        c.circle(wx, ground - h * 0.06, h * 0.1, Rgba::rgb(16, 16, 20));
        c.circle(wx, ground - h * 0.06, h * 0.065, Rgba::rgb(170, 176, 190));
        c.circle(wx, ground - h * 0.06, h * 0.02, Rgba::rgb(60, 64, 74));
    }
}

/// The paint of a twin: the owned paint cosmetic's colour, else the twin's own silver-blue.
pub fn paint_of(upgrades: &[String]) -> Rgba {
    if upgrades.iter().any(|u| u == "paint-celestial") {
        Rgba::rgb(120, 90, 220)
    } else if upgrades.iter().any(|u| u == "paint-jade") {
        Rgba::rgb(60, 170, 130)
    } else if upgrades.iter().any(|u| u == "paint-aurora") {
        Rgba::rgb(90, 200, 230)
    } else {
        Rgba::rgb(176, 190, 214)
    }
}

/// Draws the card.
pub fn render(view: &TwinCardView, fonts: &Fonts, tables: &EconomyTables) -> Canvas {
    let card = view.card;
    let (w, h) = (CARD_WIDTH as f32, CARD_HEIGHT as f32);
    let mut c = Canvas::new(CARD_WIDTH, CARD_HEIGHT, NIGHT);
    c.vertical_gradient(NIGHT, DUSK);
    // The frame: a gold edge inside the card's margin.
    c.rounded_rect(18.0, 18.0, w - 36.0, h - 36.0, 28.0, GOLD);
    c.rounded_rect(21.0, 21.0, w - 42.0, h - 42.0, 26.0, NIGHT);
    c.rounded_rect(21.0, 21.0, w - 42.0, h - 42.0, 26.0, DUSK.with_alpha(120));

    let title = if fonts.has_cjk() { "密境时空 · CRYPTO HORIZON" } else { "CRYPTO HORIZON" };
    c.text(fonts, title, 50.0, 92.0, 30.0, GOLD);
    c.text_right(fonts, &label(fonts, "孪生车卡", "TWIN CARD"), w - 50.0, 92.0, 26.0, MUTED);

    let (px, py, pw, ph) = PICTURE_BOX;
    match view.picture {
        Some(p) => c.picture(p.rgba, p.width, p.height, px, py, pw, ph),
        None => draw_car_profile(&mut c, px as f32, py as f32, pw as f32, ph as f32, paint_of(&card.upgrades)),
    }
    // The level badge over the picture's corner.
    let (bx, by) = (px as f32 + pw as f32 - 90.0, py as f32 + ph as f32 - 20.0);
    c.circle(bx, by, 74.0, GOLD);
    c.circle(bx, by, 68.0, NIGHT);
    c.text_centred(fonts, &label(fonts, "等级", "LEVEL"), bx, by - 18.0, 20.0, GOLD);
    c.text_centred(fonts, &card.level.to_string(), bx, by + 40.0, 58.0, INK);

    let name = Canvas::fit(fonts, &card.name, 64.0, 640.0);
    c.text(fonts, &name, 50.0, 610.0, 60.0, INK);
    let car = match &card.vehicle {
        Some(v) => format!("{}  {v}", label(fonts, "车辆", "Car")),
        None => label(fonts, "访客 · 无车", "Guest, no car"),
    };
    c.text(fonts, &Canvas::fit(fonts, &car, 28.0, 600.0), 52.0, 656.0, 28.0, MUTED);

    let (sx, sy, sw, sh) = STATS_BOX;
    let cell = (sw as f32 - 20.0) / 2.0;
    let figures = [
        (label(fonts, "真实里程", "REAL KM"), format!("{} km", group_thousands(card.km))),
        (label(fonts, "原石", "STONES"), format_stones_grouped(card.stones_milli)),
        (label(fonts, "经验", "XP"), group_thousands(card.xp)),
        (label(fonts, "升级", "UPGRADES"), card.upgrades.len().to_string()),
    ];
    for (i, (name, value)) in figures.iter().enumerate() {
        let (col, row) = ((i % 2) as f32, (i / 2) as f32);
        let (x, y) = (sx as f32 + col * (cell + 20.0), sy as f32 + row * (sh as f32 / 2.0));
        // A 76 px panel: the label's baseline 28 px down, the figure's 66 px, so that the
        // figure's descenders stay inside.
        c.rounded_rect(x, y, cell, sh as f32 / 2.0 - 14.0, 16.0, PANEL);
        c.text(fonts, name, x + 22.0, y + 28.0, 19.0, MUTED);
        c.text(fonts, &Canvas::fit(fonts, value, 36.0, cell - 44.0), x + 22.0, y + 66.0, 36.0, if i == 1 { CRYSTAL } else { INK });
    }

    let names: Vec<String> = card
        .upgrades
        .iter()
        .map(|id| tables.upgrade(id).map_or_else(|| id.clone(), |u| u.name.clone()))
        .collect();
    let upgrades = if names.is_empty() { label(fonts, "尚无升级", "No upgrades yet") } else { names.join(" · ") };
    c.text(fonts, &Canvas::fit(fonts, &upgrades, 22.0, 800.0), 52.0, 890.0, 22.0, INK);

    // The receipt as a QR code (a kilobyte: about three pixels a module), and how to check
    // the card.
    let qr_side = 320.0;
    let (qx, qy) = (44.0, h - 36.0 - qr_side);
    if let Some(qr) = crate::kiosk::keepsake::qr_code(view.receipt) {
        c.qr(&qr, qx, qy, qr_side);
    }
    let tx = qx + qr_side + 26.0;
    let lines = [
        (format!("{}  {}", label(fonts, "签发", "Issued"), date_of(view.issued_ms)), INK, 26.0),
        (format!("{} #{}", label(fonts, "账本条目", "Ledger entry"), view.index), INK, 26.0),
        (Canvas::fit(fonts, view.origin, 20.0, w - tx - 50.0), MUTED, 20.0),
        (
            card.supersedes.map_or_else(|| label(fonts, "首张车卡", "First card"), |i| format!("{} #{i}", label(fonts, "取代", "Replaces"))),
            MUTED,
            20.0,
        ),
        ("horizon card verify CARD.png".to_string(), GOLD, 18.0),
        ("  --key VALLEY-KEY".to_string(), GOLD, 18.0),
    ];
    let mut ly = qy + 40.0;
    for (text, colour, size) in lines {
        c.text(fonts, &text, tx, ly, size, colour);
        ly += size + 20.0;
    }
    c
}

/// The card's one-line description (the PNG's Description chunk).
pub fn description(view: &TwinCardView) -> String {
    format!(
        "Crypto Horizon twin card of {}: level {}, {} km, {} stones; ledger entry {} of {}",
        view.card.name,
        view.card.level,
        view.card.km,
        crate::economy::format_stones(view.card.stones_milli),
        view.index,
        view.origin
    )
}
