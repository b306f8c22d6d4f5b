//! Checking a keepsake PNG offline: its proof chunk is a C2SP tlog-proof, checked with the
//! valley's verifier key alone (the checkpoint's signature, the inclusion proof, the entry's
//! signature). The facts that count are the signed entry's; the pixels only show them. With
//! a newer copy of the log (a ledger or a verified replica), whether a twin card still
//! stands: a newer card of the player supersedes it, a car bound to another owner ends it.

use super::png_text::{PngError, read_proof};
use crate::ledger::receipt::{ReceiptError, VerifiedReceipt};
use crate::ledger::twin_card::{CardEnd, TwinCard};
use crate::ledger::{Body, Kind, LedgerState, PublicKey, Receipt, VerifierKey};

#[derive(Debug, thiserror::Error)]
pub enum KeepsakeError {
    #[error(transparent)]
    Png(#[from] PngError),
    #[error("its proof: {0}")]
    Receipt(#[from] ReceiptError),
    #[error("its entry is signed by {found}, not by the valley's authority {expected}")]
    NotByAuthority { expected: PublicKey, found: PublicKey },
    #[error("it proves a {0} entry, not a twin card")]
    NotACard(Kind),
}

/// A keepsake whose proof verified: the entry it proves and, for a twin card, the card.
#[derive(Debug)]
pub struct CheckedKeepsake {
    pub receipt: Receipt,
    pub verified: VerifiedReceipt,
    pub card: Option<TwinCard>,
}

/// Checks a keepsake PNG's proof with the valley's key. A twin card's entry must be the
/// authority's own (the key's); a share card may prove any entry.
pub fn check_png(bytes: &[u8], key: &VerifierKey) -> Result<CheckedKeepsake, KeepsakeError> {
    let decoded = read_proof(bytes)?;
    let receipt = Receipt::parse(&decoded.proof)?;
    let verified = receipt.verify(key)?;
    let card = match &verified.entry.body {
        Body::TwinCard(card) => {
            if verified.entry.actor != key.public_key {
                return Err(KeepsakeError::NotByAuthority { expected: key.public_key, found: verified.entry.actor });
            }
            Some(card.clone())
        }
        _ => None,
    };
    Ok(CheckedKeepsake { receipt, verified, card })
}

/// Checks a twin card PNG: as [`check_png`], and it must be a card.
pub fn check_card_png(bytes: &[u8], key: &VerifierKey) -> Result<(CheckedKeepsake, TwinCard), KeepsakeError> {
    let checked = check_png(bytes, key)?;
    match checked.card.clone() {
        Some(card) => Ok((checked, card)),
        None => Err(KeepsakeError::NotACard(checked.verified.entry.kind())),
    }
}

/// What a newer log says of a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardStanding {
    Stands,
    Superseded { by: u64 },
    CarTransferred { at: u64 },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StandingError {
    #[error("the newer log has {size} entries, fewer than the card's checkpoint ({card_size}): it is not newer")]
    NotNewer { size: u64, card_size: u64 },
    #[error("the newer log's tree at size {size} is not the one the card's checkpoint signed: the logs disagree")]
    Inconsistent { size: u64 },
    #[error("the newer log has no twin card at entry {0}")]
    NoSuchCard(u64),
}

/// Whether the card still stands in a newer log: `state` replayed from it, `root_at` its
/// tree root at a size (to prove it extends the log the card's checkpoint signed).
pub fn standing(checked: &CheckedKeepsake, size: u64, state: &LedgerState, root_at: impl Fn(u64) -> Option<tlog_tiles::Hash>) -> Result<CardStanding, StandingError> {
    let card_size = checked.verified.checkpoint.size;
    if size < card_size {
        return Err(StandingError::NotNewer { size, card_size });
    }
    if root_at(card_size) != Some(checked.verified.checkpoint.root) {
        return Err(StandingError::Inconsistent { size: card_size });
    }
    match state.card_status(checked.verified.index) {
        None => Err(StandingError::NoSuchCard(checked.verified.index)),
        Some(Ok(())) => Ok(CardStanding::Stands),
        Some(Err(CardEnd::Superseded { by })) => Ok(CardStanding::Superseded { by }),
        Some(Err(CardEnd::CarTransferred { at })) => Ok(CardStanding::CarTransferred { at }),
    }
}
