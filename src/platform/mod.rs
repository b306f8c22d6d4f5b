//! What differs between the desktop and the browser, in one place (DESIGN 7): the clock, the
//! files, and handing a file to the player. `std::time::Instant::now` and `SystemTime::now`
//! panic in `wasm32-unknown-unknown` and `std::fs` is unsupported there; `web-time` is std's
//! own types natively and `performance.now()` / `Date.now()` in the browser, and [`files`]
//! is `std::fs` natively and the page's storage in the browser. (The authority's worker
//! thread is `game::authority_link`.)

#[cfg(target_arch = "wasm32")]
mod browser_files;
#[cfg(not(target_arch = "wasm32"))]
pub mod cjk_font;
pub mod files;
mod save;

pub use save::save_for_player;
pub use web_time::{Instant, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, by the wall clock (0 if it is set before 1970).
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
