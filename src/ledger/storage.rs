//! Where a ledger keeps its files, behind a small trait: the log (read, written at an
//! offset, fsynced, cut back) and small files replaced whole (the checkpoint, the verifier
//! key, torn tails). [`FsStorage`] is a directory on disk; tests put a model of a power cut
//! behind the same trait (writes not yet fsynced are lost) and run the real append path
//! through it.

use crate::platform::files::{self as fs, File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::error::{LOG_FILE, LedgerError, Result, io_err};
use super::files::{sync_dir, write_atomically};

/// A ledger's storage. Errors are plain I/O errors; the ledger names the file.
pub trait Storage: Send + Sync {
    /// The directory (or what stands for it), to name files in messages.
    fn dir(&self) -> &Path;
    /// Reads the log from byte `offset` on.
    fn read_log(&self, offset: u64) -> io::Result<Box<dyn Read + '_>>;
    fn log_len(&self) -> io::Result<u64>;
    /// Writes `bytes` at byte `offset` of the log (not durable until [`Storage::sync_log`]).
    fn write_log(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()>;
    /// Makes every write to the log so far durable.
    fn sync_log(&mut self) -> io::Result<()>;
    /// Cuts the log to `len` bytes, durably.
    fn truncate_log(&mut self, len: u64) -> io::Result<()>;
    /// Reads a small file whole (`NotFound` if there is none).
    fn read_file(&self, name: &str) -> io::Result<Vec<u8>>;
    /// Replaces a small file whole, atomically and durably: after a crash it holds either
    /// the old bytes or the new ones.
    fn replace_file(&mut self, name: &str, bytes: &[u8]) -> io::Result<()>;
}

/// A ledger directory on disk.
pub struct FsStorage {
    dir: PathBuf,
    log: File,
}

impl FsStorage {
    /// Creates the directory (if need be) and an empty log in it.
    pub fn create(dir: &Path) -> Result<FsStorage> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.join(LOG_FILE);
        if fs::exists(&path) {
            return Err(LedgerError::AlreadyExists(dir.into()));
        }
        let log = OpenOptions::new().read(true).write(true).create_new(true).open(&path).map_err(io_err(&path))?;
        sync_dir(dir)?;
        Ok(FsStorage { dir: dir.into(), log })
    }

    /// Opens the ledger directory `dir`; `writable` takes the one-writer lock.
    pub fn open(dir: &Path, writable: bool) -> Result<FsStorage> {
        let path = dir.join(LOG_FILE);
        if !fs::exists(&path) {
            return Err(LedgerError::NotALedger(dir.into()));
        }
        let log = OpenOptions::new().read(true).write(writable).open(&path).map_err(io_err(&path))?;
        if writable {
            // One writer at a time; the lock goes with the file handle.
            log.try_lock().map_err(|e| LedgerError::Io {
                path: path.clone(),
                source: io::Error::other(format!("the ledger is in use by another process ({e})")),
            })?;
        }
        Ok(FsStorage { dir: dir.into(), log })
    }
}

impl Storage for FsStorage {
    fn dir(&self) -> &Path {
        &self.dir
    }

    fn read_log(&self, offset: u64) -> io::Result<Box<dyn Read + '_>> {
        let mut f = File::open(self.dir.join(LOG_FILE))?;
        f.seek(SeekFrom::Start(offset))?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
    }

    fn log_len(&self) -> io::Result<u64> {
        Ok(self.log.metadata()?.len())
    }

    fn write_log(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        self.log.seek(SeekFrom::Start(offset))?;
        self.log.write_all(bytes)
    }

    fn sync_log(&mut self) -> io::Result<()> {
        self.log.sync_data()
    }

    fn truncate_log(&mut self, len: u64) -> io::Result<()> {
        self.log.set_len(len)?;
        self.log.sync_all()
    }

    fn read_file(&self, name: &str) -> io::Result<Vec<u8>> {
        fs::read(self.dir.join(name))
    }

    fn replace_file(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        write_atomically(&self.dir.join(name), bytes).map_err(|e| e.source)
    }
}
