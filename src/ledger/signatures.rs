//! Ed25519 checks of entries: one at a time (strict), or many as one batch, with the
//! decompressed public keys cached. Used by the store (appends and opening) and by
//! `verify`, so it sits below both.

use ed25519_dalek::{Signature, VerifyingKey};

use super::entry::{Entry, PublicKey, SIGNATURE_LEN};

/// The first entry of a batch whose signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSignature {
    pub index: u64,
    pub actor: PublicKey,
}

/// Checks one entry's signature from its stored bytes (the message is all but the last 64).
pub fn signature_is_valid(entry: &Entry, bytes: &[u8], key_cache: &mut KeyCache) -> bool {
    let Some(key) = key_cache.get(&entry.actor) else { return false };
    let (msg, sig) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
    key.verify_strict(msg, &Signature::from_bytes(sig.try_into().unwrap())).is_ok()
}

/// Decompressed public keys by their bytes: actors sign many entries, and decompressing a
/// point costs about as much as a third of a verification.
#[derive(Default)]
pub struct KeyCache(std::collections::HashMap<PublicKey, Option<VerifyingKey>>);

impl KeyCache {
    pub fn get(&mut self, key: &PublicKey) -> Option<VerifyingKey> {
        *self.0.entry(*key).or_insert_with(|| key.verifying_key())
    }
}

/// Signatures waiting to be checked as one batch.
#[derive(Default)]
pub struct PendingSignatures {
    first_index: u64,
    messages: Vec<u8>,
    ends: Vec<usize>,
    signatures: Vec<Signature>,
    keys: Vec<VerifyingKey>,
    actors: Vec<PublicKey>,
}

impl PendingSignatures {
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    pub fn push(&mut self, index: u64, actor: PublicKey, bytes: &[u8], key: VerifyingKey) {
        if self.signatures.is_empty() {
            self.first_index = index;
        }
        let (msg, sig) = bytes.split_at(bytes.len() - SIGNATURE_LEN);
        self.messages.extend_from_slice(msg);
        self.ends.push(self.messages.len());
        self.signatures.push(Signature::from_bytes(sig.try_into().expect("64 bytes")));
        self.keys.push(key);
        self.actors.push(actor);
    }

    /// Verifies the batch; on failure finds the first bad entry one by one.
    pub fn check(&mut self) -> Result<(), BadSignature> {
        if self.signatures.is_empty() {
            return Ok(());
        }
        let mut start = 0;
        let messages: Vec<&[u8]> = self
            .ends
            .iter()
            .map(|&end| {
                let m = &self.messages[start..end];
                start = end;
                m
            })
            .collect();
        if ed25519_dalek::verify_batch(&messages, &self.signatures, &self.keys).is_err() {
            for (i, actor) in self.actors.iter().enumerate() {
                if self.keys[i].verify_strict(messages[i], &self.signatures[i]).is_err() {
                    return Err(BadSignature { index: self.first_index + i as u64, actor: *actor });
                }
            }
        }
        self.messages.clear();
        self.ends.clear();
        self.signatures.clear();
        self.keys.clear();
        self.actors.clear();
        Ok(())
    }
}

