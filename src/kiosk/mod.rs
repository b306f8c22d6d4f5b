//! The show floor's pure parts (no Bevy, no I/O but reading the configuration): the
//! kiosk's configuration, the rhythm of attract mode and visitors' drives, the valley's
//! live figures it shows and the board of the day's best laps. The game's
//! `game::kiosk` is their view.

pub mod best_laps;
pub mod config;
pub mod figures;
pub mod keepsake;
pub mod stream;
pub mod timeline;

pub use config::{ConfigError, KioskConfig};
pub use figures::ValleyFigures;
pub use stream::{StreamConfig, StreamOverlay, StreamTo};
pub use timeline::{Change, DriveEnd, Phase, Timeline, Timeouts};
