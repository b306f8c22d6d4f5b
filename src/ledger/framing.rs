//! The record framing of the ledger's log (and of the client's replica): a 16-byte header,
//! then each record as `len:u32 crc32:u32 bytes[len]`, big-endian. A reader tells a complete
//! record from a torn one (the file ends inside it) and from a damaged one (impossible length
//! or checksum mismatch).

use std::io::{self, Read};
use std::path::Path;

use super::error::{LedgerError, Result};

pub const LOG_HEADER: &[u8; 16] = b"CH-LEDGER-LOG-1\n";
/// Frame of each record: length and CRC-32 of the entry bytes.
pub const FRAME_LEN: usize = 8;
/// No entry comes near this; a larger length is a damaged frame.
pub const MAX_RECORD_LEN: u32 = 64 * 1024;

/// Appends the frame and bytes of one entry to `out`.
pub fn frame_record(entry_bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(entry_bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(&crc32fast::hash(entry_bytes).to_be_bytes());
    out.extend_from_slice(entry_bytes);
}

/// Bytes a framed record of `entry_len` bytes takes.
pub fn framed_len(entry_len: usize) -> u64 {
    (FRAME_LEN + entry_len) as u64
}

/// Reads framed records, one at a time.
pub struct RecordReader<R> {
    reader: R,
    offset: u64,
    buf: Vec<u8>,
}

/// One step of reading a log.
pub enum Record<'a> {
    Entry { offset: u64, bytes: &'a [u8] },
    /// The file ends inside a frame or a record.
    Torn { offset: u64 },
    /// A complete frame whose length or checksum is wrong.
    Damaged { offset: u64, what: String },
    End,
}

impl<R: Read> RecordReader<R> {
    /// Checks the header and positions at the first record (`path` names the file in errors).
    pub fn new(mut reader: R, path: &Path) -> Result<Self> {
        let mut header = [0u8; 16];
        reader.read_exact(&mut header).map_err(|_| LedgerError::BadHeader { path: path.into() })?;
        if &header != LOG_HEADER {
            return Err(LedgerError::BadHeader { path: path.into() });
        }
        Ok(RecordReader::at(reader, LOG_HEADER.len() as u64))
    }

    /// Reads records from a reader positioned at byte `offset` of the log, with no header.
    pub fn at(reader: R, offset: u64) -> Self {
        RecordReader { reader, offset, buf: Vec::with_capacity(512) }
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn fill(&mut self, n: usize) -> io::Result<usize> {
        self.buf.resize(n, 0);
        let mut got = 0;
        while got < n {
            match self.reader.read(&mut self.buf[got..])? {
                0 => break,
                k => got += k,
            }
        }
        Ok(got)
    }

    pub fn next_record(&mut self) -> io::Result<Record<'_>> {
        let offset = self.offset;
        let got = self.fill(FRAME_LEN)?;
        if got == 0 {
            return Ok(Record::End);
        }
        if got < FRAME_LEN {
            return Ok(Record::Torn { offset });
        }
        let len = u32::from_be_bytes(self.buf[0..4].try_into().unwrap());
        let crc = u32::from_be_bytes(self.buf[4..8].try_into().unwrap());
        if len > MAX_RECORD_LEN || len == 0 {
            return Ok(Record::Damaged { offset, what: format!("impossible record length {len}") });
        }
        let got = self.fill(len as usize)?;
        if got < len as usize {
            return Ok(Record::Torn { offset });
        }
        if crc32fast::hash(&self.buf) != crc {
            return Ok(Record::Damaged { offset, what: "checksum mismatch".into() });
        }
        self.offset += framed_len(len as usize);
        Ok(Record::Entry { offset, bytes: &self.buf })
    }
}
