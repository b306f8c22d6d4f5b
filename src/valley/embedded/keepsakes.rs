//! Keepsakes at the authority: twin cards recorded from the ledger's own facts, and merch
//! vouchers redeemed with a shipping address that goes to the fulfilment list, never to the
//! ledger.
//!
//! ```text
//! DATA/valley/fulfilment.jsonl   one line per merch redemption: voucher, item, player, address
//! ```
//! The line is made durable before the redemption's entry, so a recorded redemption always
//! has its address; a line whose entry never made it (a crash between the two) names a
//! voucher the ledger shows unredeemed, and the list leaves it out.

use std::io::Write;
use std::path::PathBuf;

use super::EmbeddedValley;
use crate::ledger::keepsake_rules::card_of;
use crate::ledger::{Body, Entry, PublicKey};
use crate::valley::ValleyError;
use crate::valley::shipping::{FulfilmentRecord, ShippingAddress};

/// The fulfilment list of the valley whose data directory is `data`.
pub fn fulfilment_path(data: &crate::profile::DataDir) -> PathBuf {
    data.0.join("valley").join("fulfilment.jsonl")
}

/// A merch redemption the ledger has recorded, with where it ships.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shipment {
    pub record: FulfilmentRecord,
    /// The redemption's ledger entry.
    pub entry: u64,
}

impl EmbeddedValley {
    /// Records the player's twin card from the ledger's facts, or answers the standing card
    /// when none of them changed since (a card is recorded only for a change).
    pub fn issue_card_now(&mut self, key: &PublicKey) -> Result<u64, ValleyError> {
        let p = self.enrolled(key)?;
        let card = card_of(*key, p);
        if let Some((index, standing)) = self.ledger.state().standing_card(key)
            && standing.same_facts(&card)
        {
            return Ok(index);
        }
        self.authority(Body::TwinCard(card))
    }

    /// Redeems the player's merch voucher: checks the signed redemption and the address,
    /// writes the address to the fulfilment list, then records the redemption.
    pub fn redeem_merch_now(&mut self, entry: Entry, address: ShippingAddress) -> Result<u64, ValleyError> {
        let Body::Redeem { voucher } = &entry.body else {
            return Err(ValleyError::BadInput("a merch redemption carries a signed redeem entry".into()));
        };
        let p = self.enrolled(&entry.actor)?;
        let Some(v) = p.vouchers.iter().find(|v| v.id == *voucher) else {
            return Err(ValleyError::BadInput(format!("voucher {voucher} is not one of yours")));
        };
        if self.tables.merch_item(&v.item).is_none() {
            return Err(ValleyError::BadInput(format!("voucher {voucher} is for {}, not merchandise: redeem it with `horizon redeem`", v.item)));
        }
        if let Some(at) = v.redeemed {
            return Err(ValleyError::BadInput(format!("voucher {voucher} was already redeemed (entry {at})")));
        }
        if let Some(problem) = address.problem() {
            return Err(ValleyError::BadInput(problem));
        }
        let record = FulfilmentRecord { voucher: voucher.clone(), item: v.item.clone(), player: entry.actor.to_hex(), address, time_ms: self.now() };
        let path = fulfilment_path(&self.data);
        let mut line = serde_json::to_vec(&record).expect("plain data serialises");
        line.push(b'\n');
        let written = path
            .parent()
            .map_or(Ok(()), crate::platform::files::create_dir_all)
            .and_then(|()| crate::ledger::files::open_lines_for_append(&path))
            .and_then(|mut f| f.write_all(&line).and_then(|()| f.sync_data()));
        written.map_err(|e| super::store_error(&path, e))?;
        self.record(entry)
    }

}

/// The merch redemptions the ledger (`state`) has recorded, each with its address from the
/// fulfilment list of the valley under `data`: the operator's shipping list, oldest first.
/// Reads only (a server may be running on the same directory).
pub fn shipments(data: &crate::profile::DataDir, state: &crate::ledger::LedgerState) -> Result<Vec<Shipment>, ValleyError> {
    let path = fulfilment_path(data);
    let text = match crate::platform::files::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(super::store_error(&path, e)),
    };
    let mut out: Vec<Shipment> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let record: FulfilmentRecord = serde_json::from_str(line).map_err(|e| ValleyError::Store { path: format!("{}:{}", path.display(), n + 1), message: e.to_string() })?;
        let Some(&entry) = state.redeemed.get(&record.voucher) else { continue };
        // A redemption asked again after a lost answer wrote its line twice: the last wins.
        out.retain(|s| s.record.voucher != record.voucher);
        out.push(Shipment { record, entry });
    }
    out.sort_by_key(|s| s.entry);
    Ok(out)
}
