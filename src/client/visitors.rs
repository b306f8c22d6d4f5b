//! A show machine's visitors in a server's valley (`horizon kiosk` with `valley:
//! Server(url)`). Each visitor is a fresh key with a folder of its own under
//! `DATA/kiosk/visitors/` holding the key, the queue and the sample car; the client's
//! verified replica of the server's ledger is shared by all (it is the valley's, not a
//! player's). What a visitor did while the server was away stays queued under their key,
//! in their folder, until the show sends it between visitors; then the folder goes, key
//! and all, so a show keeps no visitor's key longer than it needs to.

use std::path::{Path, PathBuf};

use crate::ledger::NamedKey;
use crate::profile::{DataDir, load_or_create_key};
use crate::valley::ValleyError;

use super::http::{HttpValley, sync_dir};

/// Where a show keeps the folders of its visitors on a server.
pub fn visitors_dir(data: &DataDir) -> PathBuf {
    data.0.join("kiosk").join("visitors")
}

fn store_error(path: &Path, e: impl std::fmt::Display) -> ValleyError {
    ValleyError::Store { path: path.display().to_string(), message: e.to_string() }
}

/// A new folder for the next visitor: named by the time, never reused.
fn new_visitor_dir(data: &DataDir) -> PathBuf {
    let base = visitors_dir(data);
    let now = crate::platform::now_ms();
    (0..).map(|n| base.join(format!("{now}-{n}"))).find(|dir| !crate::platform::files::exists(dir)).expect("a free name")
}

/// The next visitor: a key of their own, joined to the valley as `name` (enrolled, both
/// consents, a sample car and its week where the server trusts the demo maker). `valley`
/// acts for them when this returns; on an error it acts for the show's player again and
/// the visitor's folder stays only if something of theirs waits in its queue.
pub async fn welcome(valley: &mut HttpValley, data: &DataDir, name: &str) -> Result<(NamedKey, PathBuf), ValleyError> {
    let dir = new_visitor_dir(data);
    let visitor = DataDir(dir.clone());
    let (key, _) = load_or_create_key(&visitor.player_key(), "visitor").map_err(|e| store_error(&visitor.player_key(), e))?;
    let host = valley.switch_player(key.clone(), &sync_dir(&visitor))?;
    match super::joining::join(valley, &visitor, name).await {
        Ok(_) => Ok((key, dir)),
        Err(e) => {
            farewell(valley, data, host, Some(dir))?;
            Err(e)
        }
    }
}

/// The visitor's drive is over: `valley` acts for the show's player (`host`) again, and the
/// visitor's folder goes unless their queue still holds something for the server.
pub fn farewell(valley: &mut HttpValley, data: &DataDir, host: NamedKey, visitor_dir: Option<PathBuf>) -> Result<(), ValleyError> {
    let sent = valley.queue.is_empty();
    valley.switch_player(host, &sync_dir(data))?;
    if let (true, Some(dir)) = (sent, visitor_dir) {
        remove_visitor(&dir)?;
    }
    Ok(())
}

fn remove_visitor(dir: &Path) -> Result<(), ValleyError> {
    #[cfg(not(target_arch = "wasm32"))]
    std::fs::remove_dir_all(dir).map_err(|e| store_error(dir, e))?;
    #[cfg(target_arch = "wasm32")]
    let _ = dir;
    Ok(())
}

/// Sends the queues earlier visitors left (the server was away), each under its own key,
/// oldest first, and removes the folders emptied; stops at the first the server cannot
/// take now. `valley` acts for `host` again when this returns. Returns how many wait still.
pub async fn send_waiting(valley: &mut HttpValley, data: &DataDir, host: &NamedKey) -> Result<usize, ValleyError> {
    let mut waiting: Vec<PathBuf> = match crate::platform::files::list_dir(&visitors_dir(data)) {
        Ok(dirs) => dirs,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(store_error(&visitors_dir(data), e)),
    };
    waiting.sort();
    let mut left = waiting.len();
    for dir in waiting {
        let visitor = DataDir(dir.clone());
        // A folder without its key (a crash before it was written) has nothing to send.
        let key = match crate::platform::files::exists(&visitor.player_key()) {
            true => load_or_create_key(&visitor.player_key(), "visitor").map_err(|e| store_error(&visitor.player_key(), e))?.0,
            false => {
                remove_visitor(&dir)?;
                left -= 1;
                continue;
            }
        };
        valley.switch_player(key, &sync_dir(&visitor))?;
        let sent = valley.flush().await;
        let empty = valley.queue.is_empty();
        valley.switch_player(host.clone(), &sync_dir(data))?;
        if empty {
            remove_visitor(&dir)?;
            left -= 1;
        }
        if let Err(e) = sent {
            return if e.is_retryable() { Ok(left) } else { Err(e) };
        }
    }
    Ok(left)
}
