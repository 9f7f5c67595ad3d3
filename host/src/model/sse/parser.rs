//! A line-based `text/event-stream` parser (the WHATWG rules quire needs),
//! linear in its input: each byte is looked at a bounded number of times,
//! however the body is split into chunks and however long an event is.
//!
//! Line ends are `\n`, `\r\n` or `\r` (a `\r` ending one chunk may pair
//! with a `\n` starting the next); a UTF-8 byte-order mark before the
//! first line is skipped; lines are read as bytes and decoded once whole,
//! so chunks may split UTF-8 sequences. `data:` lines are joined with
//! `\n`, `event:` names the event, lines starting with `:` are comments,
//! `id:`, `retry:` and unknown fields are ignored, except llama.cpp's
//! `error:` line, read as an `error` event with that data. One event (its data
//! so far plus the line being read) may hold at most `limit` bytes: past
//! that [`Parser::feed`] fails instead of buffering without end.

use super::SseEvent;

/// The size one event may reach by default: 16 MiB.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One event grew past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("one event of the stream exceeds {limit} bytes")]
pub struct TooLarge {
    pub limit: usize,
}

/// The parser's state between chunks.
#[derive(Debug)]
pub struct Parser {
    limit: usize,
    /// The bytes of the line not yet ended.
    line: Vec<u8>,
    /// The `data:` values so far, each followed by `\n`.
    data: String,
    /// Whether a `data` field was seen in this event.
    has_data: bool,
    event: String,
    /// The previous chunk ended with `\r`: a `\n` first in the next one
    /// belongs to that line end.
    after_cr: bool,
    /// No line has ended yet (a BOM may still come first).
    first_line: bool,
    /// Comment lines read so far (`: ping` keep-alives).
    comments: u64,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new(MAX_EVENT_BYTES)
    }
}

impl Parser {
    /// A parser whose events may hold at most `limit` bytes.
    pub fn new(limit: usize) -> Parser {
        Parser {
            limit,
            line: Vec::new(),
            data: String::new(),
            has_data: false,
            event: String::new(),
            after_cr: false,
            first_line: true,
            comments: 0,
        }
    }

    /// How many comment lines (`: ping`) were read so far.
    pub fn comments(&self) -> u64 {
        self.comments
    }

    /// Whether part of an event is read and not yet ended: its fields, or
    /// a line of one not yet ended (a comment line, a keep-alive, is not).
    pub fn in_event(&self) -> bool {
        let keep_alive = matches!(self.event.as_str(), "ping" | "keepalive");
        ((self.has_data || !self.event.is_empty()) && !keep_alive)
            || self.line.first().is_some_and(|b| *b != b':')
    }

    /// Reads one chunk; complete events are pushed onto `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), TooLarge> {
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            let (head, tail) = chunk.split_at(end);
            self.check(head.len())?;
            if self.line.is_empty() {
                self.line_ended(head, out);
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(head);
                self.line_ended(&line, out);
                // Keep the allocation for the next long line.
                line.clear();
                self.line = line;
            }
            self.check(0)?;
            // `tail` starts with the line end.
            chunk = match tail {
                [b'\r', b'\n', rest @ ..] => rest,
                [b'\r'] => {
                    self.after_cr = true;
                    &[]
                }
                [_, rest @ ..] => rest,
                [] => &[],
            };
        }
        self.check(chunk.len())?;
        self.line.extend_from_slice(chunk);
        Ok(())
    }

    /// The body ended: the pending event, when all its lines ended. A last
    /// line without a line end is incomplete and dropped.
    pub fn finish(mut self) -> Option<SseEvent> {
        if !self.line.is_empty() {
            tracing::debug!(
                bytes = self.line.len(),
                "event stream ended inside a line; dropping it"
            );
            return None;
        }
        self.dispatch()
    }

    /// Fails when the event, with `more` bytes added to the open line,
    /// would pass the limit.
    fn check(&self, more: usize) -> Result<(), TooLarge> {
        let size = self
            .data
            .len()
            .saturating_add(self.line.len())
            .saturating_add(more);
        if size > self.limit {
            return Err(TooLarge { limit: self.limit });
        }
        Ok(())
    }

    fn line_ended(&mut self, mut line: &[u8], out: &mut Vec<SseEvent>) {
        if self.first_line {
            self.first_line = false;
            if let Some(rest) = line.strip_prefix(BOM) {
                line = rest;
            }
        }
        if line.is_empty() {
            out.extend(self.dispatch());
            return;
        }
        if line.first() == Some(&b':') {
            self.comments += 1;
            return;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match name {
            b"data" => {
                self.has_data = true;
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            b"event" => self.event = String::from_utf8_lossy(value).into_owned(),
            // Not a field of the standard: llama.cpp's server reports a
            // failure mid-stream as `error: {json}`. Read as `event: error`
            // with that data, so the decoder sees the server's error
            // rather than a stream that ended without its end.
            b"error" => {
                self.event = "error".to_string();
                self.has_data = true;
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            _ => {}
        }
    }

    /// Ends the current event; `None` when it had no data.
    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        let mut data = std::mem::take(&mut self.data);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        data.pop();
        Some(SseEvent {
            // An event without `event:` is a "message".
            event: Some(event).filter(|e| !e.is_empty() && e != "message"),
            data,
        })
    }
}
