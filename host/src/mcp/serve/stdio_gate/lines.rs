//! Bounded line reading for the stdio gate: a line longer than the limit
//! is never held whole. Once it passes the limit it is counted and
//! dropped up to its newline, and reported with its size and first bytes
//! (where its id usually is).

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// Bytes of an oversized line kept to find its id.
pub const HEAD: usize = 4096;

/// One line of input, without its newline.
#[derive(Debug, PartialEq)]
pub enum Line {
    Text(Vec<u8>),
    /// Longer than the limit: its length and its first [`HEAD`] bytes.
    TooLong {
        bytes: u64,
        head: Vec<u8>,
    },
}

/// Reads lines of at most `limit` bytes from `R`.
pub struct Lines<R> {
    inner: BufReader<R>,
    limit: usize,
    buf: Vec<u8>,
    /// The oversized line being dropped: bytes so far and its head.
    over: Option<(u64, Vec<u8>)>,
}

impl<R: AsyncRead + Unpin> Lines<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        Lines {
            inner: BufReader::new(reader),
            limit,
            buf: Vec::new(),
            over: None,
        }
    }

    /// The next non-empty line; `None` at end of input (a last line
    /// without a newline is returned first).
    pub async fn next(&mut self) -> io::Result<Option<Line>> {
        loop {
            let available = self.inner.fill_buf().await?;
            if available.is_empty() {
                return Ok(self.take_line());
            }
            let newline = available.iter().position(|b| *b == b'\n');
            let part = &available[..newline.unwrap_or(available.len())];
            let consumed = newline.map_or(available.len(), |i| i + 1);
            match &mut self.over {
                Some((bytes, _)) => *bytes += part.len() as u64,
                None if self.buf.len() + part.len() > self.limit => {
                    let mut head = std::mem::take(&mut self.buf);
                    let total = (head.len() + part.len()) as u64;
                    let room = HEAD.saturating_sub(head.len()).min(part.len());
                    head.extend_from_slice(&part[..room]);
                    head.truncate(HEAD);
                    self.over = Some((total, head));
                }
                None => self.buf.extend_from_slice(part),
            }
            self.inner.consume(consumed);
            if newline.is_some()
                && let Some(line) = self.take_line()
            {
                return Ok(Some(line));
            }
        }
    }

    fn take_line(&mut self) -> Option<Line> {
        if let Some((bytes, head)) = self.over.take() {
            return Some(Line::TooLong { bytes, head });
        }
        if self.buf.is_empty() {
            return None;
        }
        Some(Line::Text(std::mem::take(&mut self.buf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(input: &[u8], limit: usize) -> Vec<Line> {
        let mut lines = Lines::new(input, limit);
        let mut out = Vec::new();
        while let Some(l) = lines.next().await.unwrap() {
            out.push(l);
        }
        out
    }

    #[tokio::test]
    async fn long_lines_are_counted_and_dropped_short_ones_pass() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10_000));
        input.extend_from_slice(b"\n\nafter\ntail");
        let lines = read_all(&input, 16).await;
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[0], Line::Text(b"short".to_vec()));
        match &lines[1] {
            Line::TooLong { bytes, head } => {
                assert_eq!(*bytes, 10_000);
                assert_eq!(head.len(), HEAD);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(lines[2], Line::Text(b"after".to_vec()));
        assert_eq!(lines[3], Line::Text(b"tail".to_vec()));
    }

    #[tokio::test]
    async fn a_line_of_exactly_the_limit_passes() {
        let lines = read_all(b"0123456789abcdef\n0123456789abcdefg", 16).await;
        assert_eq!(lines[0], Line::Text(b"0123456789abcdef".to_vec()));
        assert!(matches!(lines[1], Line::TooLong { bytes: 17, .. }));
    }
}
