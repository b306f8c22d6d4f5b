//! Crypto Horizon: drive the digital twin of your electric car around the Stone Valley.
//!
//! Layers, lowest first; each imports only those below it (DESIGN 2):
//! 1. the pure core, no Bevy: `ledger`, `economy`, `twin`, `telemetry`, `level`, and
//!    `platform` (time and threads, swapped in the browser), `i18n` (the Chinese and
//!    English catalogues), `kiosk` (a show machine's configuration and rhythm);
//! 2. the authority: `valley` (the contract and the embedded rules), `profile` and
//!    `simulated_car` (a telematics unit in software);
//! 3. `client` (the HTTP authority, verified replica, queue) and `server` (`horizon serve`);
//! 4. `game`, the Bevy view; 5. the command line (`src/cli/`, in the binary).

pub mod economy;
pub mod i18n;
pub mod ledger;
pub mod level;
pub mod keepsake;
pub mod kiosk;
pub mod platform;
pub mod telemetry;
pub mod twin;
pub mod valley;
pub mod profile;
pub mod quality;
pub mod simulated_car;
pub mod client;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;

#[cfg(feature = "game")]
pub mod game;
