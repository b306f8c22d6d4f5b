//! A visitor's keepsake: the receipt of their drive's newest mint (or, without one, of their
//! newest entry), as a QR code on the result card. The receipt is the ledger's own
//! (C2SP tlog-proof, its entry inside): scanned at the stand, saved as a file at home, it is
//! checked with `horizon ledger check-receipt FILE --key KEY` and the show's verifier key,
//! with no ledger and no network.

use crate::ledger::{Body, Entry, PublicKey};

/// Which of a visitor's entries their receipt proves: the newest that minted them stones,
/// else the newest about them or signed by them. `entries` are (index, entry), in order.
pub fn receipt_entry<'a>(visitor: &PublicKey, entries: impl IntoIterator<Item = (u64, &'a Entry)>) -> Option<u64> {
    let mut newest = None;
    let mut newest_mint = None;
    for (index, entry) in entries {
        let theirs = entry.actor == *visitor || entry.body.subject() == Some(*visitor);
        if !theirs {
            continue;
        }
        newest = Some(index);
        if matches!(entry.body, Body::Mint { .. }) {
            newest_mint = Some(index);
        }
    }
    newest_mint.or(newest)
}

/// A QR code's modules, row by row (true: dark), `width` a side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrModules {
    pub width: usize,
    pub dark: Vec<bool>,
}

/// The text as a QR code, with the lowest error correction (L): a receipt is one to two
/// kilobytes and a screen shows it sharp, so the fewest, biggest modules scan best. None
/// when it is too long for any QR code (about 2.9 kB).
pub fn qr_code(text: &str) -> Option<QrModules> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L).ok()?;
    let width = code.width();
    let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Some(QrModules { width, dark })
}
