//! A stdio server's stdout on its way to rmcp, which skips lines that are
//! not JSON-RPC without a word. Until the first JSON-RPC message arrives
//! the lines are looked at, so a server that never starts can be told
//! apart from one that prints its logs where its messages belong. After
//! that first message nothing is looked at (no cost while serving).

use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};

/// Characters of the first stray line quoted in errors.
const QUOTE_CHARS: usize = 120;
/// Bytes of a line kept for the quote.
const KEEP_BYTES: usize = 512;
const NEEDLE: &[u8] = b"\"jsonrpc\"";

/// What a server wrote to stdout that is not JSON-RPC, before its first
/// JSON-RPC message.
#[derive(Debug, Default)]
pub struct StdoutNoise {
    first: Mutex<Option<String>>,
    lines: AtomicUsize,
}

impl StdoutNoise {
    fn record(&self, line: &[u8], cut: bool) {
        self.lines.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut first) = self.first.lock()
            && first.is_none()
        {
            let text = String::from_utf8_lossy(line);
            let mut quote: String = text.trim().chars().take(QUOTE_CHARS).collect();
            if cut || text.trim().chars().count() > QUOTE_CHARS {
                quote.push('…');
            }
            *first = Some(quote);
        }
    }

    /// `what`, followed by what the server printed on stdout that is not
    /// JSON-RPC, when it did.
    pub fn explain(&self, what: &str) -> String {
        let first = self.first.lock().ok().and_then(|f| f.clone());
        let Some(first) = first else {
            return what.to_string();
        };
        let n = self.lines.load(Ordering::SeqCst);
        format!(
            "{what}; it wrote {n} line(s) to stdout that are not JSON-RPC, the first: {first:?} \
             (a stdio MCP server may write only JSON-RPC messages to stdout; its logs belong on stderr)"
        )
    }
}

/// `inner` with its lines looked at until the first JSON-RPC message.
pub struct Watched<R> {
    inner: R,
    noise: std::sync::Arc<StdoutNoise>,
    /// The start of the current line.
    line: Vec<u8>,
    /// The current line was longer than [`KEEP_BYTES`].
    cut: bool,
    /// The last bytes of the current line, for a needle across reads.
    tail: Vec<u8>,
    has_needle: bool,
    done: bool,
}

impl<R> Watched<R> {
    pub fn new(inner: R, noise: std::sync::Arc<StdoutNoise>) -> Watched<R> {
        Watched {
            inner,
            noise,
            line: Vec::new(),
            cut: false,
            tail: Vec::new(),
            has_needle: false,
            done: false,
        }
    }

    fn look(&mut self, mut bytes: &[u8]) {
        while !self.done && !bytes.is_empty() {
            let (part, rest, ended) = match bytes.iter().position(|b| *b == b'\n') {
                Some(i) => (&bytes[..i], &bytes[i + 1..], true),
                None => (bytes, &bytes[bytes.len()..], false),
            };
            self.take(part);
            if ended {
                self.end_line();
            }
            bytes = rest;
        }
    }

    fn take(&mut self, part: &[u8]) {
        let room = KEEP_BYTES.saturating_sub(self.line.len());
        self.line.extend_from_slice(&part[..part.len().min(room)]);
        self.cut |= part.len() > room;
        if !self.has_needle {
            let mut joined = std::mem::take(&mut self.tail);
            joined.extend_from_slice(part);
            self.has_needle = joined.windows(NEEDLE.len()).any(|w| w == NEEDLE);
            let keep = joined.len().saturating_sub(NEEDLE.len() - 1);
            self.tail = joined.split_off(keep);
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let text = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        let start = text.iter().position(|b| !b.is_ascii_whitespace());
        match start {
            None => {}
            Some(i) if text[i] == b'{' && self.has_needle => {
                self.done = true;
                self.tail = Vec::new();
            }
            Some(_) => self.noise.record(text, self.cut),
        }
        self.cut = false;
        self.has_needle = false;
        self.tail.clear();
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Watched<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if !self.done && matches!(polled, Poll::Ready(Ok(()))) {
            let fresh = buf.filled()[before..].to_vec();
            self.look(&fresh);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::io::AsyncReadExt;

    use super::*;

    async fn noise_of(chunks: &[&[u8]]) -> (Arc<StdoutNoise>, Vec<u8>) {
        let mut all = Vec::new();
        for c in chunks {
            all.extend_from_slice(c);
        }
        let noise = Arc::new(StdoutNoise::default());
        // One byte at a time: lines and the needle split across reads.
        let reader = tokio_test_reader(all.clone());
        let mut w = Watched::new(reader, noise.clone());
        let mut out = Vec::new();
        w.read_to_end(&mut out).await.unwrap();
        assert_eq!(out, all, "bytes pass through unchanged");
        (noise, out)
    }

    fn tokio_test_reader(bytes: Vec<u8>) -> impl AsyncRead + Unpin {
        struct OneByte(std::collections::VecDeque<u8>);
        impl AsyncRead for OneByte {
            fn poll_read(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<std::io::Result<()>> {
                if let Some(b) = self.0.pop_front() {
                    buf.put_slice(&[b]);
                }
                Poll::Ready(Ok(()))
            }
        }
        OneByte(bytes.into())
    }

    #[tokio::test]
    async fn the_first_stray_line_is_quoted_until_a_message_arrives() {
        let (noise, _) = noise_of(&[
            b"\n",
            b"Server v1.0 starting\r\n",
            b"{\"level\":\"info\"}\n",
            b"{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}\n",
            b"after the first message: not looked at\n",
        ])
        .await;
        let e = noise.explain("it did not start");
        assert!(
            e.starts_with("it did not start; it wrote 2 line(s) to stdout that are not JSON-RPC, the first: \"Server v1.0 starting\""),
            "{e}"
        );
    }

    #[tokio::test]
    async fn long_lines_are_cut_and_clean_output_adds_nothing() {
        let long = format!("{}\n", "x".repeat(2000));
        let (noise, _) = noise_of(&[long.as_bytes()]).await;
        let e = noise.explain("w");
        assert!(
            e.contains(&format!("\"{}…\"", "x".repeat(QUOTE_CHARS))),
            "{e}"
        );
        let (noise, _) = noise_of(&[b"{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}\n"]).await;
        assert_eq!(noise.explain("w"), "w");
    }
}
