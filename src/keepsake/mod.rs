//! Keepsakes (DESIGN 4's receipts, made to keep and share): the twin card — a certificate
//! of a player's twin recorded on the ledger — and the share card, each a PNG that carries
//! its own C2SP tlog-proof, so anyone checks it offline with the valley's key. Pure: the
//! callers bring the fonts, the picture and the receipt, and write the bytes.
//!
//! Lowest first: `canvas` (drawing), `png_text` (the proof in a PNG chunk),
//! `twin_card_image` and `share_card` (the layouts), `verify` (checking a PNG).

pub mod canvas;
pub mod png_text;
pub mod share_card;
pub mod twin_card_image;
pub mod verify;

pub use canvas::Fonts;
pub use twin_card_image::Picture;
