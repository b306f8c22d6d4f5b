//! What makers, cars and event organisers sign: each statement is a magic, its fields in
//! the ledger's canonical encoding, then an Ed25519 signature over every byte before it.
//! The authority records statements inside its own entries (without the magic), so that
//! anyone replaying the ledger checks their signatures themselves.

use ed25519_dalek::{Signature, Signer, SigningKey};

use super::codec::{DecodeError, MAX_STRING_LEN, Reader, StringTooLong, Writer};
use super::public_key::PublicKey;

/// A signed statement: implement its fields, the rest comes with them.
pub trait Statement: Sized {
    /// Keeps its signatures apart from anything else the same key signs.
    const MAGIC: &'static [u8; 4];
    /// What a decoder says when the magic is not this statement's.
    const WHAT: &'static str;

    fn fields(&self, w: &mut Writer);
    /// Decodes the fields and the signature that follows them.
    fn decode_signed(r: &mut Reader) -> Result<Self, DecodeError>;
    fn signature(&self) -> &[u8; 64];
    fn signature_mut(&mut self) -> &mut [u8; 64];

    /// The bytes the signature covers.
    fn unsigned(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(Self::MAGIC);
        self.fields(&mut w);
        w.bytes
    }

    /// The statement signed by `key` (strings too long for an entry are refused).
    fn signed(mut self, key: &SigningKey, strings: &[&str]) -> Result<Self, StringTooLong> {
        if let Some(s) = strings.iter().find(|s| s.len() > MAX_STRING_LEN) {
            return Err(StringTooLong(s.len()));
        }
        *self.signature_mut() = key.sign(&self.unsigned()).to_bytes();
        Ok(self)
    }

    /// Whether `key` signed it (strict Ed25519: no small-order key, no malleable signature).
    fn signed_by(&self, key: &PublicKey) -> bool {
        key.verifying_key().is_some_and(|k| k.verify_strict(&self.unsigned(), &Signature::from_bytes(self.signature())).is_ok())
    }

    /// As an entry body holds it: the fields and the signature.
    fn encode(&self, w: &mut Writer) {
        self.fields(w);
        w.raw(self.signature());
    }

    /// The signed statement's bytes (what travels base64 in files and requests).
    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.unsigned();
        bytes.extend_from_slice(self.signature());
        bytes
    }

    /// Parses exactly one signed statement of this kind.
    fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        if r.u32(Self::WHAT)?.to_be_bytes() != *Self::MAGIC {
            return Err(DecodeError { offset: 0, expected: Self::WHAT.into() });
        }
        let statement = Self::decode_signed(&mut r)?;
        r.finish()?;
        Ok(statement)
    }
}
