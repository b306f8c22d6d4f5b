//! The files the game keeps (profile, keys, ledger, trips, queue, replica), the same calls on
//! the desktop and in the browser. Natively these are `std::fs` itself; in the browser, where
//! `std::fs` answers "unsupported" to everything, they are files kept in the page's
//! `localStorage` (see `browser_files`). Only what the game path uses is here; the command
//! line and the server keep using `std::fs`.

use std::io;
use std::path::{Path, PathBuf};

#[cfg(not(target_arch = "wasm32"))]
pub use std::fs::{File, OpenOptions, create_dir_all, read, read_to_string, remove_file, rename, write};

#[cfg(target_arch = "wasm32")]
pub use super::browser_files::{File, OpenOptions, create_dir_all, read, read_to_string, remove_file, rename, write};

/// Whether a file (or, natively, a directory) is at `path`.
pub fn exists(path: &Path) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    return path.exists();
    #[cfg(target_arch = "wasm32")]
    return super::browser_files::exists(path);
}

/// The paths of the files directly in `dir` (`NotFound` when there is no such directory).
pub fn list_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    #[cfg(not(target_arch = "wasm32"))]
    return std::fs::read_dir(dir)?.map(|entry| entry.map(|e| e.path())).collect();
    #[cfg(target_arch = "wasm32")]
    return super::browser_files::list_dir(dir);
}

/// Fsyncs a directory, so that a file created or renamed in it survives a power cut (the
/// browser's storage has no directories to sync).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(not(target_arch = "wasm32"))]
    return File::open(dir).and_then(|d| d.sync_all());
    #[cfg(target_arch = "wasm32")]
    {
        let _ = dir;
        Ok(())
    }
}
