//! Where a merch order is shipped. The address stays on the player's device
//! (`DATA/merch/address.json`, covered by `horizon export` and `forget`) until a voucher is
//! redeemed; then it travels with the signed redemption to the valley's fulfilment list and
//! never into the ledger, which records only the voucher's id.

use serde::{Deserialize, Serialize};

use crate::ledger::entry::is_unprintable;

/// A shipping address, as a courier in China asks for it (any country's fits).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// The recipient (收件人).
    pub name: String,
    /// A phone number for the courier.
    pub phone: String,
    /// Province, city, district (省/市/区).
    pub region: String,
    /// Street, building, flat.
    pub street: String,
    #[serde(default)]
    pub postcode: String,
}

/// Most characters of each field.
const LIMITS: [(&str, usize); 5] = [("name", 40), ("phone", 24), ("region", 80), ("street", 160), ("postcode", 12)];

impl ShippingAddress {
    fn fields(&self) -> [&str; 5] {
        [&self.name, &self.phone, &self.region, &self.street, &self.postcode]
    }

    /// What is wrong with the address, naming the field, if anything.
    pub fn problem(&self) -> Option<String> {
        for ((field, limit), text) in LIMITS.iter().zip(self.fields()) {
            let chars = text.chars().count();
            let optional = *field == "postcode";
            if text.trim().is_empty() && !optional {
                return Some(format!("the address's {field} is empty"));
            }
            if chars > *limit {
                return Some(format!("the address's {field} has {chars} characters; at most {limit}"));
            }
            if let Some(c) = text.chars().find(|&c| is_unprintable(c)) {
                return Some(format!("the address's {field} holds the unprintable character U+{:04X}", c as u32));
            }
        }
        let digits = self.phone.chars().filter(char::is_ascii_digit).count();
        if digits < 5 || !self.phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
            return Some(format!("the address's phone {:?} is not a phone number (digits, spaces, + - ( ))", self.phone));
        }
        None
    }

    /// The address on one line, for the operator's list.
    pub fn one_line(&self) -> String {
        let mut out = format!("{}, {}, {} {}", self.name, self.phone, self.region, self.street);
        if !self.postcode.is_empty() {
            out.push_str(&format!(", {}", self.postcode));
        }
        out
    }
}

/// One line of the fulfilment list: a redeemed merch voucher and where it goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfilmentRecord {
    pub voucher: String,
    pub item: String,
    /// The player's public key (hex).
    pub player: String,
    pub address: ShippingAddress,
    /// When the redemption was asked for (ms since the epoch, the authority's clock).
    pub time_ms: u64,
}

/// Where the player's address is kept on their device.
pub fn address_path(data: &crate::profile::DataDir) -> std::path::PathBuf {
    data.0.join("merch").join("address.json")
}

impl ShippingAddress {
    /// The address saved on this device, if any.
    pub fn load(data: &crate::profile::DataDir) -> Result<Option<ShippingAddress>, String> {
        let path = address_path(data);
        match crate::platform::files::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("{} is not an address: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Keeps the address on this device (owner-only natively), once it is valid.
    pub fn save(&self, data: &crate::profile::DataDir) -> Result<std::path::PathBuf, String> {
        if let Some(problem) = self.problem() {
            return Err(problem);
        }
        let path = address_path(data);
        let fail = |e: std::io::Error| format!("{}: {e}", path.display());
        if let Some(dir) = path.parent() {
            crate::platform::files::create_dir_all(dir).map_err(fail)?;
        }
        let bytes = serde_json::to_vec_pretty(self).expect("plain data serialises");
        crate::ledger::files::write_atomically(&path, &bytes).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        }
        Ok(path)
    }
}
