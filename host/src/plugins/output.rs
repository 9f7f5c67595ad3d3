//! A guest's stdout or stderr: kept in memory up to a bound, the rest
//! counted and dropped. Writing never fails or blocks, so a flood neither
//! traps the guest nor grows the host.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// How much a guest may write in one `write` call (it asks first).
const PERMIT: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Inner {
    kept: Vec<u8>,
    dropped: u64,
}

/// One captured stream; clones share the buffer.
#[derive(Debug, Clone)]
pub struct BoundedOutput {
    limit: usize,
    inner: Arc<Mutex<Inner>>,
}

/// What a stream captured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub text: String,
    /// Bytes written past the bound.
    pub dropped: u64,
}

impl BoundedOutput {
    pub fn new(limit: usize) -> BoundedOutput {
        BoundedOutput {
            limit,
            inner: Arc::default(),
        }
    }

    fn push(&self, bytes: &[u8]) {
        let mut inner = match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let room = self.limit.saturating_sub(inner.kept.len());
        let take = room.min(bytes.len());
        inner.kept.extend_from_slice(&bytes[..take]);
        inner.dropped += (bytes.len() - take) as u64;
    }

    pub fn captured(&self) -> Captured {
        let inner = match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        Captured {
            text: String::from_utf8_lossy(&inner.kept).into_owned(),
            dropped: inner.dropped,
        }
    }
}

impl IsTerminal for BoundedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Pollable for BoundedOutput {
    async fn ready(&mut self) {}
}

#[async_trait::async_trait]
impl OutputStream for BoundedOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(PERMIT)
    }
}

impl AsyncWrite for BoundedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_up_to_the_bound_and_counts_the_rest() {
        let out = BoundedOutput::new(5);
        let mut s = out.p2_stream();
        s.write(Bytes::from_static(b"abc")).unwrap();
        s.write(Bytes::from_static(b"defgh")).unwrap();
        assert!(s.check_write().unwrap() > 0);
        let c = out.captured();
        assert_eq!(c.text, "abcde");
        assert_eq!(c.dropped, 3);
    }
}
