//! The Ed25519 public key as entries and statements store it.

use std::fmt;

use ed25519_dalek::{SigningKey, VerifyingKey};

/// An Ed25519 public key as stored in entries. Players are known by their key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    pub fn from_signing_key(key: &SigningKey) -> Self {
        PublicKey(key.verifying_key().to_bytes())
    }

    /// The short form shown to people: the first 8 bytes in hex.
    pub fn fingerprint(&self) -> String {
        hex::encode(&self.0[..8])
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        Some(PublicKey(bytes.try_into().ok()?))
    }

    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        VerifyingKey::from_bytes(&self.0).ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fingerprint())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fingerprint())
    }
}
