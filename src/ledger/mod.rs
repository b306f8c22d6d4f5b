//! The signed, tamper-evident stone ledger (DESIGN 4): canonical entries signed by their
//! actors, an RFC 6962 Merkle log, C2SP checkpoints and receipts, crash-safe storage, and a
//! replay that recomputes every balance and checks every invariant.

pub mod checkpoint;
pub mod codec;
pub mod entry;
pub mod merkle;
pub mod receipt;
pub mod replay;
pub mod signatures;
pub mod simulate;
pub mod store;
pub mod verify;

pub use checkpoint::{NamedKey, SignedCheckpoint, VerifierKey};
pub use entry::{Body, Entry, Kind, Pool, Prize, PublicKey, Role, Scope};
pub use receipt::Receipt;
pub use replay::{LedgerState, PlayerState, Supply, Violation};
pub use store::{Ledger, LedgerError, OpenReport};
