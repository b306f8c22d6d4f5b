//! What differs between the desktop and the browser, in one place (DESIGN 7): the clock.
//! `std::time::Instant::now` and `SystemTime::now` panic in `wasm32-unknown-unknown`;
//! `web-time` is std's own types natively and `performance.now()` / `Date.now()` in the
//! browser. (Storage is the ledger's `Storage` trait; the authority's worker thread is
//! `game::authority_link`.)

pub use web_time::{Instant, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, by the wall clock (0 if it is set before 1970).
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
