//! The canonical byte encoding of ledger entries: fixed-width big-endian integers, one-byte
//! tags, length-prefixed UTF-8 strings. Every value has exactly one encoding, and the reader
//! rejects anything else (trailing bytes, bad tags, booleans other than 0 or 1), so that the
//! bytes that are hashed and signed are the only representation of an entry.

use std::fmt;

/// Longest string an entry may carry (names, item ids, reasons).
pub const MAX_STRING_LEN: usize = 256;

/// Why a byte string is not a canonical entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset where decoding failed.
    pub offset: usize,
    /// What was expected there.
    pub expected: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: expected {}", self.offset, self.expected)
    }
}

impl std::error::Error for DecodeError {}

/// Appends canonical values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }
    pub fn bool(&mut self, v: bool) {
        self.bytes.push(u8::from(v));
    }
    pub fn bytes32(&mut self, v: &[u8; 32]) {
        self.bytes.extend_from_slice(v);
    }
    pub fn raw(&mut self, v: &[u8]) {
        self.bytes.extend_from_slice(v);
    }
    /// Strings longer than [`MAX_STRING_LEN`] are a programming error: constructors check it.
    pub fn string(&mut self, v: &str) {
        assert!(v.len() <= MAX_STRING_LEN, "string too long for a ledger entry");
        self.bytes.extend_from_slice(&(v.len() as u16).to_be_bytes());
        self.bytes.extend_from_slice(v.as_bytes());
    }
}

/// Reads canonical values from a byte slice, tracking the offset for error messages.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn error(&self, expected: impl Into<String>) -> DecodeError {
        DecodeError { offset: self.pos, expected: expected.into() }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() - self.pos < n {
            return Err(self.error(format!("{what} ({n} bytes), found end of entry")));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }
    pub fn u32(&mut self, what: &str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    pub fn u64(&mut self, what: &str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.take(8, what)?.try_into().unwrap()))
    }
    pub fn bool(&mut self, what: &str) -> Result<bool, DecodeError> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => {
                self.pos -= 1;
                Err(self.error(format!("{what} as 0 or 1")))
            }
        }
    }
    pub fn bytes16(&mut self, what: &str) -> Result<[u8; 16], DecodeError> {
        Ok(self.take(16, what)?.try_into().unwrap())
    }
    pub fn bytes32(&mut self, what: &str) -> Result<[u8; 32], DecodeError> {
        Ok(self.take(32, what)?.try_into().unwrap())
    }
    pub fn bytes64(&mut self, what: &str) -> Result<[u8; 64], DecodeError> {
        Ok(self.take(64, what)?.try_into().unwrap())
    }
    pub fn string(&mut self, what: &str) -> Result<String, DecodeError> {
        let start = self.pos;
        let len = u16::from_be_bytes(self.take(2, what)?.try_into().unwrap()) as usize;
        if len > MAX_STRING_LEN {
            self.pos = start;
            return Err(self.error(format!("{what} of at most {MAX_STRING_LEN} bytes, found {len}")));
        }
        let body = self.take(len, what)?;
        std::str::from_utf8(body).map(str::to_owned).map_err(|_| {
            self.pos = start;
            self.error(format!("{what} as UTF-8"))
        })
    }

    /// Succeeds only if every byte was consumed.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error(format!("end of entry, found {} more bytes", self.bytes.len() - self.pos)))
        }
    }
}

/// A string field too long to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringTooLong(pub usize);

impl fmt::Display for StringTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a text field of {} bytes is longer than the {MAX_STRING_LEN} an entry allows", self.0)
    }
}

impl std::error::Error for StringTooLong {}
