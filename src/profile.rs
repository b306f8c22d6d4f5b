//! Where a player's things live on this machine (`--data-dir`): keys, the embedded
//! authority and its ledger. It compiles for the browser too (std's files fail there at
//! run time with "unsupported"), where the game will use its server instead (DESIGN 7).

use crate::platform::files as fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ledger::NamedKey;

/// The platform's data directory for the game, e.g. `~/.local/share/crypto-horizon`.
#[cfg(not(target_arch = "wasm32"))]
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("org", "Crypto Horizon", "crypto-horizon")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".crypto-horizon"))
}

/// Paths inside a data directory.
#[derive(Clone, Debug)]
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn player_key(&self) -> PathBuf {
        self.0.join("keys").join("player.key")
    }
    pub fn authority_key(&self) -> PathBuf {
        self.0.join("authority").join("log.key")
    }
    pub fn ledger(&self) -> PathBuf {
        self.0.join("ledger")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Key { path: PathBuf, source: crate::ledger::checkpoint::KeyError },
    #[error("{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: PathBuf, mode: u32 },
}

/// Loads the key at `path`, or creates one named `name` there (readable by the owner only).
/// Returns the key and whether it was created now.
pub fn load_or_create_key(path: &Path, name: &str) -> Result<(NamedKey, bool), KeyFileError> {
    let io = |source| KeyFileError::Io { path: path.into(), source };
    match fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            let key = NamedKey::from_signer_string(&text).map_err(|source| KeyFileError::Key { path: path.into(), source })?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = NamedKey::generate(name).map_err(|source| KeyFileError::Key { path: path.into(), source })?;
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io)?;
            }
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(path).map_err(io)?;
            f.write_all(format!("{}\n", key.to_signer_string()).as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
            Ok((key, true))
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg_attr(not(unix), allow(unused_variables))]
fn check_private(path: &Path) -> Result<(), KeyFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|source| KeyFileError::Io { path: path.into(), source })?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(KeyFileError::TooOpen { path: path.into(), mode: mode & 0o777 });
        }
    }
    Ok(())
}

impl DataDir {
    /// The language the player chose in the settings (one tag: zh-CN or en).
    pub fn language(&self) -> PathBuf {
        self.0.join("language")
    }
}

/// The language the player chose, if they chose one (an unreadable choice is no choice).
pub fn saved_language(data: &DataDir) -> Option<crate::i18n::Lang> {
    fs::read_to_string(data.language()).ok().and_then(|s| s.trim().parse().ok())
}

/// The language to speak: the one asked for (`--lang`, `?lang=`), else the player's saved
/// choice, else the system's.
pub fn language_for(data: &DataDir, asked: Option<crate::i18n::Lang>) -> crate::i18n::Lang {
    asked.or_else(|| saved_language(data)).unwrap_or_else(crate::i18n::system_lang)
}

/// Remembers the player's choice of language for the next start.
pub fn save_language(data: &DataDir, lang: crate::i18n::Lang) -> std::io::Result<()> {
    fs::create_dir_all(&data.0)?;
    fs::write(data.language(), lang.tag())
}
