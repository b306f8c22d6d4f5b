//! Crypto Horizon: drive the digital twin of your electric car around the Stone Valley.
//!
//! The pure core (`economy`, `ledger`, `telemetry`, `twin`, `valley`) has no Bevy in it and is shared by the game, the
//! command line and the server; `game` is a thin Bevy view over it.

pub mod economy;
pub mod ledger;
pub mod level;
pub mod telemetry;
pub mod twin;
pub mod valley;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;
pub mod profile;

#[cfg(feature = "game")]
pub mod game;
