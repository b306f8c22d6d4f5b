//! The signed, tamper-evident stone ledger (DESIGN 4): canonical entries signed by their
//! actors, an RFC 6962 Merkle log, C2SP checkpoints and receipts, crash-safe storage, and a
//! replay that recomputes every balance and checks every invariant.
//!
//! Lowest first: `codec`, `public_key`, `statement` (what outsiders sign), `car` (what cars and makers sign), `grant` (what event organisers sign), `twin_card` (the certificate of a twin) and `entry` (the canonical entry), `merkle`, `checkpoint`,
//! `signatures`; `state`, `rules`, `car_rules`, `grant_rules` and `keepsake_rules` (what the log replays to, one rule per entry kind);
//! `error`; `replay` (the one replay core); `framing`, `files`, `storage` (bytes on disk);
//! `store` (the ledger's life cycle) and `verify` (streaming verification); `receipt`,
//! `simulate`.

pub mod car;
pub mod car_rules;
pub mod checkpoint;
pub mod codec;
pub mod entry;
pub mod error;
pub mod files;
pub mod framing;
pub mod grant;
pub mod grant_rules;
pub mod keepsake_rules;
pub mod merkle;
pub mod public_key;
pub mod receipt;
pub mod replay;
pub mod rules;
pub mod signatures;
pub mod simulate;
pub mod state;
pub mod statement;
pub mod storage;
pub mod store;
pub mod twin_card;
pub mod verify;

pub use checkpoint::{NamedKey, SignedCheckpoint, VerifierKey};
pub use entry::{Body, Entry, Kind, Pool, Prize, PublicKey, Role, Scope};
pub use receipt::Receipt;
pub use replay::{Replay, Signatures};
pub use state::{LedgerState, PlayerState, Supply, Violation};
pub use store::{Ledger, LedgerError, OpenReport};
