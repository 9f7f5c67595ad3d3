//! A stdio server's messages checked on their way to rmcp, which drops a
//! line over its limit (16 MiB) or a reply it cannot parse without a word:
//! the call waiting for that reply would then wait its whole
//! `tool_timeout_sec` and be told the server "did not answer". Each
//! message line is checked here (its size, and that it parses as a
//! JSON-RPC message); a bad one is a fault the waiting calls hear of at
//! once ([`StdoutFaults::after`]). Lines that are not JSON objects at all
//! (logs on stdout) are not faults: [`super::stdout_watch`] names them.

use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::watch;

/// The longest message line rmcp reads
/// (`rmcp::transport::async_rw::DEFAULT_MAX_LINE_LENGTH`).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// Characters of a bad message quoted.
const QUOTE_CHARS: usize = 200;

/// Faults seen on a server's stdout, counted; the last one in words.
#[derive(Debug)]
pub struct StdoutFaults {
    count: watch::Sender<u64>,
    last: Mutex<Option<String>>,
    /// The first message over the size limit, in words: the connection
    /// cannot go on after it (rmcp drops the rest of the line).
    oversized: watch::Sender<Option<String>>,
    /// Why the last `tools/call` result rmcp could not read is no tool
    /// result (`content: invalid type …`).
    bad_result: Mutex<Option<String>>,
}

impl Default for StdoutFaults {
    fn default() -> Self {
        StdoutFaults {
            count: watch::Sender::new(0),
            last: Mutex::new(None),
            oversized: watch::Sender::new(None),
            bad_result: Mutex::new(None),
        }
    }
}

impl StdoutFaults {
    /// How many faults were seen so far (pass to [`Self::after`]).
    pub fn seen(&self) -> u64 {
        *self.count.borrow()
    }

    /// Waits for a fault after the first `seen` ones and says what it was
    /// (`the server …` with the subject left to the caller).
    pub async fn after(&self, seen: u64) -> String {
        let mut rx = self.count.subscribe();
        if rx.wait_for(|n| *n > seen).await.is_err() {
            std::future::pending::<()>().await;
        }
        self.last
            .lock()
            .ok()
            .and_then(|l| l.clone())
            .unwrap_or_else(|| "wrote a message quire could not read".into())
    }

    /// Waits for a message over the size limit and says what it was.
    pub async fn oversized(&self) -> String {
        let mut rx = self.oversized.subscribe();
        let what = rx
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|w| w.clone());
        match what {
            Some(what) => what,
            None => std::future::pending().await,
        }
    }

    /// Keeps why a `tools/call` result cannot be read.
    pub(crate) fn explain_result(&self, why: String) {
        if let Ok(mut b) = self.bad_result.lock() {
            *b = Some(why);
        }
    }

    /// Why the last unreadable `tools/call` result was so (taken once).
    pub fn take_bad_result(&self) -> Option<String> {
        self.bad_result.lock().ok().and_then(|mut b| b.take())
    }

    pub(crate) fn record(&self, what: String) {
        tracing::warn!("MCP server stdout: {what}");
        if let Ok(mut last) = self.last.lock() {
            *last = Some(what);
        }
        self.count.send_modify(|n| *n += 1);
    }
}

/// What a JSON-RPC message must hold to be one.
#[derive(Deserialize)]
struct Probe {
    jsonrpc: IgnoredAny,
    id: Option<IgnoredAny>,
    method: Option<IgnoredAny>,
    result: Option<IgnoredAny>,
    error: Option<IgnoredAny>,
}

impl Probe {
    fn is_message(&self) -> bool {
        let _ = &self.jsonrpc;
        self.method.is_some()
            || (self.id.is_some() && (self.result.is_some() != self.error.is_some()))
    }
}

/// `inner` with each line checked (see the module's text).
pub struct Guarded<R> {
    inner: R,
    faults: std::sync::Arc<StdoutFaults>,
    /// The current line, up to [`MAX_MESSAGE_BYTES`].
    line: Vec<u8>,
    /// Bytes of the current line.
    len: usize,
}

impl<R> Guarded<R> {
    pub fn new(inner: R, faults: std::sync::Arc<StdoutFaults>) -> Guarded<R> {
        Guarded {
            inner,
            faults,
            line: Vec::new(),
            len: 0,
        }
    }

    fn look(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (part, rest, ended) = match bytes.iter().position(|b| *b == b'\n') {
                Some(i) => (&bytes[..i], &bytes[i + 1..], true),
                None => (bytes, &bytes[bytes.len()..], false),
            };
            let was = self.len;
            self.len += part.len();
            if self.len < MAX_MESSAGE_BYTES {
                self.line.extend_from_slice(part);
            } else if !self.line.is_empty() {
                self.line = Vec::new();
            }
            // rmcp counts the newline too: a line of MAX bytes is over.
            let over = self.len >= MAX_MESSAGE_BYTES;
            if over && was < MAX_MESSAGE_BYTES {
                // Said as soon as the limit is passed: the line may never end.
                let what = format!(
                    "sent a message over the limit of {} MiB (no end of line in its first {} bytes; it is dropped)",
                    MAX_MESSAGE_BYTES / (1024 * 1024),
                    MAX_MESSAGE_BYTES
                );
                self.faults.oversized.send_if_modified(|o| {
                    let first = o.is_none();
                    if first {
                        *o = Some(what.clone());
                    }
                    first
                });
                self.faults.record(what);
            }
            if ended {
                self.end_line();
            }
            bytes = rest;
        }
    }

    fn end_line(&mut self) {
        let len = std::mem::take(&mut self.len);
        let line = std::mem::take(&mut self.line);
        // Named when it passed the limit (see `look`).
        if len >= MAX_MESSAGE_BYTES {
            return;
        }
        let text = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let Some(start) = text.iter().position(|b| !b.is_ascii_whitespace()) else {
            return;
        };
        // Not an object: a log line, named by stdout_watch at startup.
        if text[start] != b'{' {
            return;
        }
        let problem = match serde_json::from_slice::<Probe>(text) {
            Ok(p) if p.is_message() => return,
            Ok(_) => {
                "a JSON object that is not a JSON-RPC request, notification or response".into()
            }
            Err(e) => e.to_string(),
        };
        self.faults.record(format!(
            "wrote something that is not JSON-RPC ({problem}): {}",
            quote(text)
        ));
    }
}

/// The start of `text`, one line, its controls escaped, in quotes.
fn quote(text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    let text = text.trim();
    let mut q: String = text.chars().take(QUOTE_CHARS).collect();
    if text.chars().count() > QUOTE_CHARS {
        q.push('…');
    }
    format!("{q:?}")
}

impl<R: AsyncRead + Unpin> AsyncRead for Guarded<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            let this = &mut *self;
            let fresh = &buf.filled()[before..];
            this.look(fresh);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn faults_of(lines: &[&[u8]]) -> (u64, Option<String>) {
        let faults = Arc::new(StdoutFaults::default());
        let mut g = Guarded::new(tokio::io::empty(), faults.clone());
        for l in lines {
            g.look(l);
        }
        let last = faults.last.lock().unwrap().clone();
        (faults.seen(), last)
    }

    #[test]
    fn messages_and_log_lines_are_no_faults() {
        let (n, _) = faults_of(&[
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n",
            b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}\r\n",
            b"Server started\n\n",
            b"{\"jsonrpc\":\"2.0\",\"id\":2,",
            b"\"error\":{\"code\":1,\"message\":\"m\"}}\n",
        ]);
        assert_eq!(n, 0);
    }

    #[test]
    fn a_broken_reply_is_quoted_with_its_controls_escaped() {
        let (n, last) = faults_of(&[b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\x1b[2J\n"]);
        assert_eq!(n, 1);
        let last = last.unwrap();
        assert!(
            last.starts_with("wrote something that is not JSON-RPC ("),
            "{last}"
        );
        assert!(last.contains("\\u{1b}[2J"), "{last}");
        let (n, last) = faults_of(&[b"{\"id\":1,\"result\":{}}\n"]);
        assert_eq!(n, 1, "{last:?}");
    }

    #[test]
    fn an_oversized_line_is_a_fault_as_soon_as_it_passes_the_limit() {
        let chunk = vec![b'x'; 1024 * 1024];
        let faults = Arc::new(StdoutFaults::default());
        let mut g = Guarded::new(tokio::io::empty(), faults.clone());
        for _ in 0..17 {
            g.look(&chunk);
        }
        // Named once the limit is passed, before the line ends.
        assert_eq!(faults.seen(), 1);
        g.look(b"\n");
        assert_eq!(faults.seen(), 1);
        let last = faults.last.lock().unwrap().clone().unwrap();
        assert_eq!(
            last,
            "sent a message over the limit of 16 MiB (no end of line in its first 16777216 bytes; it is dropped)"
        );
        // A line of exactly the limit, newline included, is not over it.
        let faults = Arc::new(StdoutFaults::default());
        let mut g = Guarded::new(tokio::io::empty(), faults.clone());
        g.look(&vec![b' '; MAX_MESSAGE_BYTES - 1]);
        g.look(b"\n");
        assert_eq!(faults.seen(), 0);
    }
}
