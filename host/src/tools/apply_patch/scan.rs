//! A file read once, in chunks (a file a patch deletes may be larger than
//! memory): its size, SHA-256, number of lines, whether it is text, and
//! its first bytes for the diff. Memory stays at one chunk plus the head
//! kept, whatever the file's size.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

use super::swap::stopped;

/// The bytes read at a time.
const CHUNK: usize = 1 << 20;

/// What one pass over a file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub len: u64,
    pub digest: [u8; 32],
    /// Lines, the last one counted without a final newline too (text
    /// only: not counted past the first sign of a binary file).
    pub lines: usize,
    /// Not UTF-8, or holding a NUL byte.
    pub binary: bool,
    /// The first bytes, at most the limit the scan was given.
    pub head: Vec<u8>,
}

/// Scans as the bytes come.
struct Scanner {
    hash: Sha256,
    len: u64,
    newlines: usize,
    last: Option<u8>,
    binary: bool,
    /// The start of a UTF-8 sequence cut by the end of a chunk.
    pending: Vec<u8>,
    head: Vec<u8>,
    head_limit: usize,
}

impl Scanner {
    fn new(head_limit: usize) -> Scanner {
        Scanner {
            hash: Sha256::new(),
            len: 0,
            newlines: 0,
            last: None,
            binary: false,
            pending: Vec::new(),
            head: Vec::new(),
            head_limit,
        }
    }

    fn feed(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        self.hash.update(chunk);
        self.len += chunk.len() as u64;
        self.last = chunk.last().copied();
        let room = self.head_limit.saturating_sub(self.head.len());
        self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        // A binary file's lines are not counted (nor shown).
        if self.binary {
            return;
        }
        if chunk.contains(&0) {
            self.binary = true;
            return;
        }
        self.newlines += memchr::memchr_iter(b'\n', chunk).count();
        let joined;
        let data = if self.pending.is_empty() {
            chunk
        } else {
            joined = [self.pending.as_slice(), chunk].concat();
            &joined
        };
        self.pending = match std::str::from_utf8(data) {
            Ok(_) => Vec::new(),
            // A sequence cut at the end: completed by the next chunk.
            Err(e) if e.error_len().is_none() => data[e.valid_up_to()..].to_vec(),
            Err(_) => {
                self.binary = true;
                Vec::new()
            }
        };
    }

    fn finish(self) -> Scan {
        let cut_line = self.last.is_some_and(|b| b != b'\n');
        Scan {
            len: self.len,
            digest: self.hash.finalize().into(),
            lines: self.newlines + usize::from(cut_line),
            binary: self.binary || !self.pending.is_empty(),
            head: self.head,
        }
    }
}

impl Scan {
    /// The scan of bytes already in memory.
    pub fn of(bytes: &[u8], head_limit: usize) -> Scan {
        let mut s = Scanner::new(head_limit);
        for chunk in bytes.chunks(CHUNK) {
            s.feed(chunk);
        }
        s.finish()
    }

    /// Reads `r` to its end, keeping at most `head_limit` bytes; stops
    /// early (the error is [`stopped`]) when `stop` says so.
    pub fn read(mut r: impl Read, head_limit: usize, stop: &dyn Fn() -> bool) -> io::Result<Scan> {
        let mut s = Scanner::new(head_limit);
        let mut buf = vec![0u8; CHUNK];
        loop {
            if stop() {
                return Err(stopped());
            }
            match r.read(&mut buf) {
                Ok(0) => return Ok(s.finish()),
                Ok(n) => s.feed(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// The SHA-256 of the regular file at `path` (opened without blocking;
/// a FIFO or device is refused), read in chunks.
pub fn file_sha256(path: &std::path::Path) -> io::Result<[u8; 32]> {
    Scan::read(crate::file_kind::open_regular(path)?, 0, &|| false).map(|s| s.digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_and_bytes_in_memory_scan_alike() {
        // A two-byte character cut by the chunk boundary is still text.
        let mut text = "a".repeat(CHUNK - 1).into_bytes();
        text.extend_from_slice("é\nlast line".as_bytes());
        let streamed = Scan::read(&text[..], 4, &|| false).unwrap();
        assert_eq!(streamed, Scan::of(&text, 4));
        assert!(!streamed.binary);
        assert_eq!(streamed.lines, 2);
        assert_eq!(streamed.head, b"aaaa");
        assert_eq!(streamed.len, text.len() as u64);
        assert_eq!(streamed.digest, super::super::originals::digest(&text));
    }

    #[test]
    fn nul_bytes_and_bad_utf8_are_binary() {
        assert!(Scan::of(b"a\0b", 0).binary);
        assert!(Scan::of(b"caf\xe9\n", 0).binary);
        // Cut at the very end: not text either.
        assert!(Scan::of("é".as_bytes().split_at(1).0, 0).binary);
        let empty = Scan::of(b"", 0);
        assert_eq!((empty.lines, empty.binary), (0, false));
    }
}
