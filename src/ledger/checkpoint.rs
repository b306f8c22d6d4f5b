//! Keys and checkpoints in the C2SP formats: `signed-note` keys and notes, `tlog-checkpoint`
//! bodies. Any standard verifier (Go's `sumdb/note` among them) can check what we sign.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::SigningKey;
use signed_note::{Note, StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::{Checkpoint, Hash};

use super::entry::PublicKey;

/// Signature algorithm byte of Ed25519 in C2SP signed-note keys.
const ALG_ED25519: u8 = 1;

/// A named Ed25519 key: the log's (whose name is the log origin) or a player's.
/// Stored as a C2SP signer key, `PRIVATE+KEY+<name>+<id>+<base64>`.
#[derive(Clone)]
pub struct NamedKey {
    pub name: String,
    pub signing_key: SigningKey,
}

impl std::fmt::Debug for NamedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key, not even in debug output.
        write!(f, "NamedKey({}, {})", self.name, self.public_key())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the key name {0:?} is not valid (it must be non-empty, without spaces or '+')")]
    BadName(String),
    #[error("not a C2SP signer key (expected PRIVATE+KEY+<name>+<id>+<base64 Ed25519 key>)")]
    BadSignerKey,
    #[error("not a C2SP verifier key (expected <name>+<id>+<base64 Ed25519 key>): {0}")]
    BadVerifierKey(String),
}

impl NamedKey {
    pub fn generate(name: &str) -> Result<NamedKey, KeyError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(KeyError::BadName(name.into()));
        }
        let signing_key = SigningKey::generate(&mut rand_core::OsRng);
        Ok(NamedKey { name: name.into(), signing_key })
    }

    /// A key from 32 seed bytes (for reproducible simulations and tests).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<NamedKey, KeyError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(KeyError::BadName(name.into()));
        }
        Ok(NamedKey { name: name.into(), signing_key: SigningKey::from_bytes(&seed) })
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_signing_key(&self.signing_key)
    }

    /// The secret form. Write it only to a file readable by its owner.
    pub fn to_signer_string(&self) -> String {
        let public = [&[ALG_ED25519][..], &self.signing_key.verifying_key().to_bytes()].concat();
        let private = [&[ALG_ED25519][..], &self.signing_key.to_bytes()].concat();
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            signed_note::key_id(&self.name, &public),
            BASE64.encode(private)
        )
    }

    pub fn from_signer_string(s: &str) -> Result<NamedKey, KeyError> {
        let s = s.trim();
        // Let signed_note check the format and the key ID against the derived public key.
        StandardSigner::new(s).map_err(|_| KeyError::BadSignerKey)?;
        let mut parts = s.splitn(5, '+');
        let (_, _, name, _, key) = (parts.next(), parts.next(), parts.next(), parts.next(), parts.next());
        let (Some(name), Some(key)) = (name, key) else { return Err(KeyError::BadSignerKey) };
        let key = BASE64.decode(key).map_err(|_| KeyError::BadSignerKey)?;
        let seed: [u8; 32] = key.get(1..).and_then(|k| k.try_into().ok()).ok_or(KeyError::BadSignerKey)?;
        Ok(NamedKey { name: name.into(), signing_key: SigningKey::from_bytes(&seed) })
    }

    /// The public C2SP verifier key, `<name>+<id>+<base64>`, safe to print and publish.
    pub fn verifier_key(&self) -> String {
        signed_note::new_ed25519_verifier_key(&self.name, &self.signing_key.verifying_key())
    }

    fn signer(&self) -> StandardSigner {
        StandardSigner::new(&self.to_signer_string()).expect("own signer string is well formed")
    }
}

/// A parsed C2SP verifier key.
#[derive(Clone, Debug)]
pub struct VerifierKey {
    pub text: String,
    pub name: String,
    pub public_key: PublicKey,
}

impl VerifierKey {
    pub fn parse(text: &str) -> Result<VerifierKey, KeyError> {
        let text = text.trim();
        StandardVerifier::new(text).map_err(|e| KeyError::BadVerifierKey(e.to_string()))?;
        let mut parts = text.splitn(3, '+');
        let name = parts.next().unwrap_or_default();
        let key = parts.nth(1).unwrap_or_default();
        let key = BASE64.decode(key).map_err(|e| KeyError::BadVerifierKey(e.to_string()))?;
        let public: [u8; 32] = key
            .get(1..)
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| KeyError::BadVerifierKey("the key is not 32 bytes".into()))?;
        Ok(VerifierKey { text: text.into(), name: name.into(), public_key: PublicKey(public) })
    }

    fn verifiers(&self) -> VerifierList {
        VerifierList::new(vec![Box::new(StandardVerifier::new(&self.text).expect("parsed before"))])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("the checkpoint is not a well-formed signed note")]
    MalformedNote,
    #[error("the checkpoint is not signed by {0}: {1}")]
    BadSignature(String, String),
    #[error("the signed text is not a C2SP checkpoint (origin, size, base64 root)")]
    MalformedCheckpoint,
    #[error("the checkpoint is for log {found:?}, not {expected:?}")]
    WrongOrigin { expected: String, found: String },
}

/// A checkpoint whose signature has been verified.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The whole signed note, as stored and served.
    pub note: Vec<u8>,
}

/// Signs `text` (lines ending in a newline) as a C2SP signed note by `key`: the text, a blank
/// line, and `— <name> <base64(key ID ‖ Ed25519 signature)>`.
pub fn sign_note(key: &NamedKey, text: &[u8]) -> Result<Vec<u8>, signed_note::NoteError> {
    let mut note = Note::new(text, &[])?;
    note.add_sigs(&[&key.signer()])?;
    Ok(note.to_bytes())
}

/// Signs a checkpoint for `size` entries with tree root `root`.
pub fn sign_checkpoint(log_key: &NamedKey, size: u64, root: Hash) -> SignedCheckpoint {
    let body = Checkpoint::new(&log_key.name, size, root, "").expect("origin checked when the key was made");
    let note = sign_note(log_key, &body.to_bytes()).expect("a checkpoint is a valid note text and the key name was checked");
    SignedCheckpoint { origin: log_key.name.clone(), size, root, note }
}

/// Verifies a signed checkpoint against the log's verifier key.
pub fn verify_checkpoint(note_bytes: &[u8], key: &VerifierKey) -> Result<SignedCheckpoint, CheckpointError> {
    let note = Note::from_bytes(note_bytes).map_err(|_| CheckpointError::MalformedNote)?;
    note.verify(&key.verifiers()).map_err(|e| CheckpointError::BadSignature(key.text.clone(), e.to_string()))?;
    let checkpoint = Checkpoint::from_bytes(note.text()).map_err(|_| CheckpointError::MalformedCheckpoint)?;
    if checkpoint.origin() != key.name {
        return Err(CheckpointError::WrongOrigin { expected: key.name.clone(), found: checkpoint.origin().into() });
    }
    Ok(SignedCheckpoint {
        origin: checkpoint.origin().into(),
        size: checkpoint.size(),
        root: *checkpoint.hash(),
        note: note_bytes.to_vec(),
    })
}
