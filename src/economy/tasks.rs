//! The task rules (DESIGN 3): a task pays its published crystals and XP, once or once a day.

use super::tables::Repeat;

/// Why a task cannot be rewarded now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlreadyRewarded {
    /// A once-only task that was rewarded before.
    Once,
    /// A daily task that was rewarded today.
    Today,
}

/// Whether a task that repeats as `repeat`, last rewarded on day `last_rewarded` (if ever),
/// may be rewarded on day `today` (days are UTC days since the Unix epoch).
pub fn check_repeat(repeat: Repeat, last_rewarded: Option<u32>, today: u32) -> Result<(), AlreadyRewarded> {
    match (repeat, last_rewarded) {
        (Repeat::Once, Some(_)) => Err(AlreadyRewarded::Once),
        (Repeat::Daily, Some(day)) if day == today => Err(AlreadyRewarded::Today),
        _ => Ok(()),
    }
}
