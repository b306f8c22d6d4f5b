//! Files in the browser: held in memory and written through to the page's `localStorage`, so
//! that what a call wrote is stored when it returns, as `std::fs` after an fsync.
//!
//! Why `localStorage` and not IndexedDB: the ledger's durability contract is synchronous
//! (an entry is answered only once it is stored), and IndexedDB can only be awaited, which a
//! frame must never do; `localStorage` is synchronous and holds about 5 MB a site, which is
//! some 10,000 ledger entries, years of one player's play. A full store is an error that
//! says so, and nothing already stored is lost.
//!
//! Layout (one site, one profile): `horizon-file:PATH` holds a file's length in bytes and
//! `horizon-chunk:N:PATH` its N-th 48 KiB as base64, so that appending to the ledger rewrites
//! one chunk, not the whole log. Chunks are written before the length, so a page closed
//! half-way leaves the old length over whole chunks (the ledger cuts a torn tail anyway).
//! One tab at a time owns the profile: the page holds a Web Lock for it (web/index.html).

use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

const FILE_PREFIX: &str = "horizon-file:";
const CHUNK_PREFIX: &str = "horizon-chunk:";
const CHUNK: usize = 48 * 1024;

static FILES: Mutex<Option<BTreeMap<String, Vec<u8>>>> = Mutex::new(None);

fn key_of(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn storage() -> io::Result<web_sys::Storage> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| io::Error::other("this page has no browser storage (localStorage is turned off or blocked), so nothing can be kept"))
}

fn js_error(e: wasm_bindgen::JsValue, what: &str) -> io::Error {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    if name == "QuotaExceededError" {
        io::Error::new(io::ErrorKind::StorageFull, format!("the browser's storage for this site is full (localStorage keeps about 5 MB) while writing {what}"))
    } else {
        io::Error::other(format!("the browser's storage refused to write {what}: {e:?}"))
    }
}

/// Every file, read from `localStorage` at first use.
fn files() -> MutexGuard<'static, Option<BTreeMap<String, Vec<u8>>>> {
    let mut guard = FILES.lock().unwrap_or_else(|p| p.into_inner());
    if guard.is_none() {
        *guard = Some(load().unwrap_or_default());
    }
    guard
}

fn with_files<R>(f: impl FnOnce(&mut BTreeMap<String, Vec<u8>>) -> R) -> R {
    let mut guard = files();
    f(guard.as_mut().expect("loaded by files()"))
}

fn load() -> io::Result<BTreeMap<String, Vec<u8>>> {
    let storage = storage()?;
    let mut lengths = Vec::new();
    for i in 0..storage.length().unwrap_or(0) {
        if let Some(key) = storage.key(i).ok().flatten()
            && let Some(path) = key.strip_prefix(FILE_PREFIX)
            && let Some(len) = storage.get_item(&key).ok().flatten().and_then(|v| v.parse::<usize>().ok())
        {
            lengths.push((path.to_string(), len));
        }
    }
    let mut files = BTreeMap::new();
    for (path, len) in lengths {
        let mut bytes = Vec::with_capacity(len);
        for n in 0..len.div_ceil(CHUNK) {
            match storage.get_item(&chunk_key(&path, n)).ok().flatten().and_then(|c| B64.decode(c).ok()) {
                Some(chunk) => bytes.extend_from_slice(&chunk),
                None => break, // a chunk never stored: the file ends before it
            }
        }
        bytes.truncate(len);
        files.insert(path, bytes);
    }
    Ok(files)
}

fn chunk_key(path: &str, n: usize) -> String {
    format!("{CHUNK_PREFIX}{n}:{path}")
}

/// Stores the chunks of `bytes` from byte `from` on, then its length, then removes the
/// chunks past its end that a longer file (`old_len`) had.
fn persist(path: &str, bytes: &[u8], from: usize, old_len: usize) -> io::Result<()> {
    let storage = storage()?;
    let first = from / CHUNK;
    for n in first..bytes.len().div_ceil(CHUNK) {
        let chunk = &bytes[n * CHUNK..bytes.len().min((n + 1) * CHUNK)];
        storage.set_item(&chunk_key(path, n), &B64.encode(chunk)).map_err(|e| js_error(e, path))?;
    }
    storage.set_item(&format!("{FILE_PREFIX}{path}"), &bytes.len().to_string()).map_err(|e| js_error(e, path))?;
    for n in bytes.len().div_ceil(CHUNK)..old_len.div_ceil(CHUNK) {
        let _ = storage.remove_item(&chunk_key(path, n));
    }
    Ok(())
}

fn unpersist(path: &str, len: usize) -> io::Result<()> {
    let storage = storage()?;
    storage.remove_item(&format!("{FILE_PREFIX}{path}")).map_err(|e| js_error(e, path))?;
    for n in 0..len.div_ceil(CHUNK) {
        let _ = storage.remove_item(&chunk_key(path, n));
    }
    Ok(())
}

fn not_found(path: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{path}: no such file in the browser's storage"))
}

/// Writes `buf` at `offset` of the file at `path` (which must exist), storing it; on a
/// storage error the file is left as it was.
fn write_at(path: &str, offset: usize, buf: &[u8]) -> io::Result<()> {
    with_files(|files| {
        let data = files.get_mut(path).ok_or_else(|| not_found(path))?;
        let old_len = data.len();
        let end = offset + buf.len();
        let overwritten: Vec<u8> = data.get(offset.min(old_len)..end.min(old_len)).unwrap_or_default().to_vec();
        if data.len() < end {
            data.resize(end, 0);
        }
        data[offset..end].copy_from_slice(buf);
        let stored = persist(path, data, offset.min(old_len), old_len);
        if stored.is_err() {
            let at = offset.min(old_len);
            data[at..at + overwritten.len()].copy_from_slice(&overwritten);
            data.truncate(old_len);
        }
        stored
    })
}

fn set_len(path: &str, len: usize) -> io::Result<()> {
    with_files(|files| {
        let data = files.get_mut(path).ok_or_else(|| not_found(path))?;
        let old = data.clone();
        data.resize(len, 0);
        let stored = persist(path, data, old.len().min(len), old.len());
        if stored.is_err() {
            *data = old;
        }
        stored
    })
}

fn replace(path: &str, bytes: &[u8]) -> io::Result<()> {
    with_files(|files| {
        let old_len = files.get(path).map_or(0, Vec::len);
        persist(path, bytes, 0, old_len)?;
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    })
}

pub fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = key_of(path.as_ref());
    with_files(|files| files.get(&path).cloned().ok_or_else(|| not_found(&path)))
}

pub fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

pub fn write(path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    replace(&key_of(path.as_ref()), bytes.as_ref())
}

/// Directories are implied by the paths of the files in them.
pub fn create_dir_all(_path: impl AsRef<Path>) -> io::Result<()> {
    Ok(())
}

pub fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = key_of(path.as_ref());
    with_files(|files| {
        let len = files.get(&path).map(Vec::len).ok_or_else(|| not_found(&path))?;
        unpersist(&path, len)?;
        files.remove(&path);
        Ok(())
    })
}

/// Stores the new name whole before forgetting the old one, so that a page closed half-way
/// still has the file under one of them.
pub fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (key_of(from.as_ref()), key_of(to.as_ref()));
    let bytes = with_files(|files| files.get(&from).cloned()).ok_or_else(|| not_found(&from))?;
    replace(&to, &bytes)?;
    if from != to {
        remove_file(&from)?;
    }
    Ok(())
}

pub fn exists(path: &Path) -> bool {
    let path = key_of(path);
    let dir = format!("{}/", path.trim_end_matches('/'));
    with_files(|files| files.contains_key(&path) || files.range(dir.clone()..).next().is_some_and(|(k, _)| k.starts_with(&dir)))
}

pub fn list_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let prefix = format!("{}/", key_of(dir).trim_end_matches('/'));
    let found: Vec<PathBuf> = with_files(|files| {
        files.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).filter(|(k, _)| !k[prefix.len()..].contains('/')).map(|(k, _)| PathBuf::from(k)).collect()
    });
    if found.is_empty() && !exists(dir) {
        return Err(not_found(&prefix));
    }
    Ok(found)
}

/// How a file is opened, as `std::fs::OpenOptions`.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
}

impl OpenOptions {
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }
    pub fn read(&mut self, _read: bool) -> &mut OpenOptions {
        self
    }
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.write = write;
        self
    }
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.append = append;
        self
    }
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.truncate = truncate;
        self
    }
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.create = create;
        self
    }
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.create_new = create_new;
        self
    }

    pub fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = key_of(path.as_ref());
        let present = with_files(|files| files.contains_key(&path));
        if present && self.create_new {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{path}: already in the browser's storage")));
        }
        if !present && !(self.create || self.create_new) {
            return Err(not_found(&path));
        }
        let writes = self.write || self.append;
        if !present || (self.truncate && writes) {
            replace(&path, &[])?;
        }
        Ok(File { path, position: 0, append: self.append, writes })
    }
}

/// An open file, as `std::fs::File`: reads see every write made so far.
#[derive(Debug)]
pub struct File {
    path: String,
    position: u64,
    append: bool,
    writes: bool,
}

/// What `File::metadata` tells.
pub struct Metadata {
    len: u64,
}

impl Metadata {
    pub fn len(&self) -> u64 {
        self.len
    }
}

impl File {
    pub fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path)
    }

    pub fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().write(true).create(true).truncate(true).open(path)
    }

    fn len(&self) -> u64 {
        with_files(|files| files.get(&self.path).map_or(0, |d| d.len() as u64))
    }

    pub fn metadata(&self) -> io::Result<Metadata> {
        Ok(Metadata { len: self.len() })
    }

    pub fn set_len(&self, len: u64) -> io::Result<()> {
        set_len(&self.path, len as usize)
    }

    /// Every write is stored when it returns.
    pub fn sync_all(&self) -> io::Result<()> {
        Ok(())
    }

    pub fn sync_data(&self) -> io::Result<()> {
        Ok(())
    }

    /// One tab owns the profile (the page's Web Lock), and within it one writer is the
    /// ledger's own rule.
    pub fn try_lock(&self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for File {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = with_files(|files| {
            let data = files.get(&self.path).ok_or_else(|| not_found(&self.path))?;
            let start = (self.position as usize).min(data.len());
            let n = buf.len().min(data.len() - start);
            buf[..n].copy_from_slice(&data[start..start + n]);
            Ok::<_, io::Error>(n)
        })?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Write for File {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.writes {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, format!("{}: opened for reading only", self.path)));
        }
        if self.append {
            self.position = self.len();
        }
        write_at(&self.path, self.position as usize, buf)?;
        self.position += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for File {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let position = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = position.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the file"))?;
        Ok(self.position)
    }
}
