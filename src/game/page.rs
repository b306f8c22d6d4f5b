//! The game in its web page: hides the page's loading bar once the game draws, and keeps a
//! text copy of what the HUD shows in the page (`#game-status`, a polite live region), for
//! screen readers, which cannot read a canvas, and for the browser tests, which read the
//! same figures a player sees.

use bevy::prelude::*;

use super::authority_link::AuthorityLink;
use super::car::{Car, CarSpeed, PlayerDriven};
use super::screens::{Profile, Screen};
use crate::economy::format_stones_grouped;
use crate::t;

/// How often the page's copy is brought up to date, in seconds.
const STATUS_PERIOD_S: f32 = 0.25;

pub fn plugin(app: &mut App) {
    app.add_systems(Update, (hide_page_loader, show_status).chain());
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The page's bar covers the download; from the game's first frame on, the game shows its
/// own progress (the terrain being built).
fn hide_page_loader(mut hidden: Local<bool>) {
    if *hidden {
        return;
    }
    if let Some(loader) = document().and_then(|d| d.get_element_by_id("loader")) {
        loader.remove();
    }
    *hidden = true;
}

fn show_status(
    time: Res<Time>,
    mut since: Local<f32>,
    screen: Option<Res<State<Screen>>>,
    profile: Option<Res<Profile>>,
    link: Option<Res<AuthorityLink>>,
    car: Query<(&Transform, &CarSpeed), (With<Car>, With<PlayerDriven>)>,
) {
    *since += time.delta_secs();
    if *since < STATUS_PERIOD_S {
        return;
    }
    *since = 0.0;
    // A selector, not the bare id: a quoted `game-…` in the sources reads as a catalogue key.
    let Some(status) = document().and_then(|d| d.query_selector("#game-status").ok().flatten()) else { return };
    let screen = screen.map_or("loading".to_string(), |s| format!("{:?}", s.get()).to_lowercase());
    let _ = status.set_attribute("data-screen", &screen);
    let mut text = match screen.as_str() {
        "loading" => t!("game-page-building"),
        "title" => t!("game-page-title"),
        _ => String::new(),
    };
    if let Some(p) = profile {
        let state = &p.player.state;
        let _ = status.set_attribute("data-stones-milli", &state.stones_milli.to_string());
        let _ = status.set_attribute("data-crystals", &state.crystals.to_string());
        let _ = status.set_attribute("data-level", &p.player.stats.level.to_string());
        let _ = status.set_attribute("data-deposits", &state.deposits.len().to_string());
        let _ = status.set_attribute("data-player", &p.player.key.to_hex());
        let figures = t!("game-page-figures", level = p.player.stats.level.to_string(), stones = format_stones_grouped(state.stones_milli), crystals = state.crystals.to_string());
        text = format!("{text} {figures}");
    }
    if let Some(link) = link {
        let _ = status.set_attribute("data-ledger-size", &link.ledger.size.to_string());
        let _ = status.set_attribute("data-ledger-origin", &link.ledger.origin);
        let _ = status.set_attribute("data-server", link.server.as_deref().unwrap_or(""));
    }
    if let Ok((transform, speed)) = car.single() {
        let at = transform.translation;
        let _ = status.set_attribute("data-car", &format!("{:.2},{:.2},{:.2}", at.x, at.y, at.z));
        text = format!("{text} {}", t!("game-page-speed", speed = format!("{:.0}", speed.0.abs() * 3.6)));
    }
    if status.text_content().as_deref() != Some(text.trim()) {
        status.set_text_content(Some(text.trim()));
    }
}
