//! An event organiser's grant: co-creation crystals are paid only for a grant signed by an
//! organiser's key the valley trusts (recorded on the ledger), never on a player's say.
//!
//! ```text
//! grant  "CHG1" organiser:[32] valley:string event:string player:[32] day:u32 signature:[64]
//! ```
//!
//! `valley` is the origin of the valley's log, so that a grant pays in that valley only
//! (another deployment trusting the same organiser refuses it).
//!
//! ```text
//! ```

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use super::codec::{DecodeError, Reader, StringTooLong, Writer};
pub use super::statement::Statement;
use super::public_key::PublicKey;

pub const GRANT_MAGIC: &[u8; 4] = b"CHG1";
/// Days after its event day within which a grant is claimed.
pub const GRANT_CLAIM_DAYS: u32 = 7;

/// "`player` took part in `event` on `day`, in the valley `valley`", signed by the organiser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub organiser: PublicKey,
    /// The origin of the valley the grant pays in.
    pub valley: String,
    pub event: String,
    pub player: PublicKey,
    /// UTC day of the event (days since the Unix epoch).
    pub day: u32,
    pub signature: [u8; 64],
}

impl Grant {
    pub fn sign(organiser: &SigningKey, valley: &str, event: &str, player: PublicKey, day: u32) -> Result<Grant, StringTooLong> {
        let g = Grant { organiser: PublicKey::from_signing_key(organiser), valley: valley.into(), event: event.into(), player, day, signature: [0; 64] };
        g.signed(organiser, &[valley, event])
    }

    /// Whether the organiser named in it signed it (strict Ed25519).
    pub fn signature_is_valid(&self) -> bool {
        self.signed_by(&self.organiser)
    }

    /// What names the grant once it is used: its signed bytes' SHA-256.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.to_bytes()).into()
    }
}

impl Statement for Grant {
    const MAGIC: &'static [u8; 4] = GRANT_MAGIC;
    const WHAT: &'static str = "grant magic \"CHG1\"";

    fn fields(&self, w: &mut Writer) {
        w.bytes32(&self.organiser.0);
        w.string(&self.valley);
        w.string(&self.event);
        w.bytes32(&self.player.0);
        w.u32(self.day);
    }

    fn decode_signed(r: &mut Reader) -> Result<Grant, DecodeError> {
        Ok(Grant {
            organiser: PublicKey(r.bytes32("organiser key")?),
            valley: r.string("valley origin")?,
            event: r.string("event id")?,
            player: PublicKey(r.bytes32("player key")?),
            day: r.u32("event day")?,
            signature: r.bytes64("organiser signature")?,
        })
    }

    fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    fn signature_mut(&mut self) -> &mut [u8; 64] {
        &mut self.signature
    }
}
