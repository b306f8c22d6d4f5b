//! Receipts: offline-verifiable proofs that an entry is in the log, in the C2SP `tlog-proof`
//! format. The `extra` line carries the entry's canonical bytes, so a receipt is whole on
//! its own: with the log's verifier key, anyone can check it with no ledger at hand.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 entry>
//! index <n>
//! <base64 hash>        (one line per inclusion-proof hash)
//!
//! <signed checkpoint note>
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use tlog_tiles::Hash;

use super::checkpoint::{CheckpointError, SignedCheckpoint, VerifierKey, verify_checkpoint};
use super::codec::DecodeError;
use super::entry::Entry;
use super::merkle::leaf_hash;

const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A parsed receipt (not yet verified).
#[derive(Clone, Debug, PartialEq)]
pub struct Receipt {
    pub entry_bytes: Vec<u8>,
    pub index: u64,
    pub proof: Vec<Hash>,
    pub checkpoint_note: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("line {line}: {what}")]
    Format { line: usize, what: String },
    #[error("{0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("entry {index} is not in the checkpointed tree of size {size}: the inclusion proof does not verify")]
    NotIncluded { index: u64, size: u64 },
    #[error("the receipt's entry is malformed: {0}")]
    Entry(DecodeError),
    #[error("the receipt's entry has an invalid signature by {0}")]
    EntrySignature(super::entry::PublicKey),
}

/// A receipt that verified: the entry, and the checkpoint it is proven against.
#[derive(Debug)]
pub struct VerifiedReceipt {
    pub entry: Entry,
    pub index: u64,
    pub checkpoint: SignedCheckpoint,
}

impl Receipt {
    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\nextra {}\nindex {}\n", BASE64.encode(&self.entry_bytes), self.index);
        for h in &self.proof {
            out.push_str(&BASE64.encode(h.0));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(&self.checkpoint_note));
        out
    }

    pub fn parse(text: &str) -> Result<Receipt, ReceiptError> {
        let err = |line: usize, what: &str| ReceiptError::Format { line, what: what.into() };
        let (head, note) = text.split_once("\n\n").ok_or_else(|| err(1, "a blank line before the checkpoint"))?;
        let mut lines = head.lines().enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, HEADER)) => {}
            _ => return Err(err(1, "the header \"c2sp.org/tlog-proof@v1\"")),
        }
        let (n, extra) = lines.next().ok_or_else(|| err(2, "\"extra <base64 entry>\""))?;
        let entry_bytes = extra
            .strip_prefix("extra ")
            .and_then(|b| BASE64.decode(b).ok())
            .ok_or_else(|| err(n, "\"extra <base64 entry>\" (this kind of receipt carries its entry)"))?;
        let (n, index) = lines.next().ok_or_else(|| err(3, "\"index <n>\""))?;
        let index = index
            .strip_prefix("index ")
            .and_then(|i| i.parse::<u64>().ok())
            .ok_or_else(|| err(n, "\"index <decimal number>\""))?;
        let proof = lines
            .map(|(n, l)| {
                BASE64
                    .decode(l)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .map(Hash)
                    .ok_or_else(|| err(n, "a base64 SHA-256 hash"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Receipt { entry_bytes, index, proof, checkpoint_note: note.as_bytes().to_vec() })
    }

    /// Checks the checkpoint's signature with the log's key, the inclusion proof against the
    /// checkpoint's root, and the entry's own signature.
    pub fn verify(&self, key: &VerifierKey) -> Result<VerifiedReceipt, ReceiptError> {
        let checkpoint = verify_checkpoint(&self.checkpoint_note, key)?;
        tlog_tiles::check_record(&self.proof, checkpoint.size, checkpoint.root, self.index, leaf_hash(&self.entry_bytes))
            .map_err(|_| ReceiptError::NotIncluded { index: self.index, size: checkpoint.size })?;
        let entry = Entry::from_bytes(&self.entry_bytes).map_err(ReceiptError::Entry)?;
        if !entry.signature_is_valid() {
            return Err(ReceiptError::EntrySignature(entry.actor));
        }
        Ok(VerifiedReceipt { entry, index: self.index, checkpoint })
    }
}

impl super::store::Ledger {
    /// A receipt for committed entry `index` against the current checkpoint.
    pub fn receipt(&self, index: u64) -> Result<Receipt, super::store::LedgerError> {
        let (_, entry_bytes) = self.read_entry(index)?;
        Ok(Receipt { entry_bytes, index, proof: self.inclusion_proof(index)?, checkpoint_note: self.checkpoint().note.clone() })
    }
}
