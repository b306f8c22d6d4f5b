//! Durable-file helpers shared by the ledger's storage and by the other stores of the game
//! (profiles, trip files, queues, answers): a whole file replaced atomically, and a file of
//! one record per line that a crash may have left with a torn last line.

use crate::platform::files::{self as fs, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// An I/O error and the file it happened to. Displays as `path: error`.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct FileError {
    pub path: PathBuf,
    pub source: io::Error,
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> FileError + '_ {
    move |source| FileError { path: path.to_path_buf(), source }
}

/// Writes `bytes` to `path` durably: temporary file, fsync, rename, fsync of the directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).map_err(at(&tmp))?;
    f.write_all(bytes).map_err(at(&tmp))?;
    f.sync_all().map_err(at(&tmp))?;
    drop(f);
    fs::rename(&tmp, path).map_err(at(path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Fsyncs a directory, so that a file created or renamed in it survives a power cut.
pub fn sync_dir(dir: &Path) -> Result<(), FileError> {
    fs::sync_dir(dir).map_err(at(dir))
}

/// Opens a file of one record per line for appending. A last line a crash left torn is ended
/// first, so that the next record starts on a line of its own (readers skip the torn one).
pub fn open_lines_for_append(path: &Path) -> io::Result<File> {
    let mut f = OpenOptions::new().create(true).read(true).append(true).open(path)?;
    let len = f.metadata()?.len();
    if len > 0 {
        let mut last = [0u8];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            f.write_all(b"\n")?;
            f.sync_data()?;
        }
    }
    Ok(f)
}
