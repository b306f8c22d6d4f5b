//! The ledger's rules for what event organisers sign: which organisers are trusted, and
//! which co-creation awards their grants pay.

use super::entry::PublicKey;
use super::grant::{GRANT_CLAIM_DAYS, Grant};
use super::rules::At;
use super::state::{LedgerState, Violation, trust};
use crate::economy::EconomyTables;

impl LedgerState {
    pub(super) fn trust_organiser(&mut self, organiser: PublicKey, name: &str) -> Result<(), Violation> {
        trust(&mut self.organisers, organiser, name, Violation::OrganiserAlreadyTrusted)
    }

    /// Co-creation crystals for a trusted organiser's grant: for this player, claimed within
    /// a week of the event, each grant once; then the task's own rules (reward, repeats).
    pub(super) fn grant_award(&mut self, tables: &EconomyTables, at: &At, player: &PublicKey, task: &str, amount: u64, grant: &Grant) -> Result<(), Violation> {
        let bad = |why: &str| Violation::BadGrant(grant.event.clone(), why.to_string());
        if !self.organisers.contains_key(&grant.organiser) {
            return Err(Violation::UntrustedOrganiser(grant.organiser));
        }
        if !grant.signature_is_valid() {
            return Err(bad("the organiser's signature does not verify"));
        }
        if grant.valley != self.origin {
            return Err(bad(&format!("it pays in valley {}, not in this one ({})", grant.valley, self.origin)));
        }
        if grant.player != *player {
            return Err(bad("it was granted to another player"));
        }
        if grant.day > at.day || at.day > grant.day.saturating_add(GRANT_CLAIM_DAYS) {
            return Err(bad(&format!("its event day {} is not within {} days before the claim (day {})", grant.day, GRANT_CLAIM_DAYS, at.day)));
        }
        let digest = grant.digest();
        if self.grants_used.contains(&digest) {
            return Err(bad("it was already paid"));
        }
        if tables.task(task).is_none_or(|t| t.kind != crate::economy::tables::TaskKind::CoCreation) {
            return Err(bad(&format!("{task:?} is not a co-creation task")));
        }
        self.award(tables, &At { granted: true, ..*at }, player, amount, task)?;
        self.grants_used.insert(digest);
        Ok(())
    }
}
