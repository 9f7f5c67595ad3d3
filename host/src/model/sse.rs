//! Server-sent events: turns a response body (a stream of byte chunks) into
//! events with our own line-based parser ([`parser`]: WHATWG
//! `text/event-stream` rules, linear in the body, one event capped at
//! [`MAX_EVENT_BYTES`]).
//!
//! The end of the body ends a pending event whose lines all ended (some
//! servers omit the last blank line), while a last line cut off mid-way is
//! dropped; the first transport error ends the stream as
//! [`ModelError::StreamCut`], an event past the cap as
//! [`ModelError::Decode`] naming the limit.

mod parser;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::fmt::Display;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::ModelError;
pub use parser::{MAX_EVENT_BYTES, Parser, TooLarge};

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if the event had one.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// A stream of decoded events; a transport error ends it with
/// [`ModelError::StreamCut`].
pub type SseStream = Pin<Box<dyn Stream<Item = Result<SseEvent, ModelError>> + Send>>;

/// Decodes a response body into events. An error from the body (a broken
/// connection, a read timeout) yields [`ModelError::StreamCut`] and ends
/// the stream. (Public for `benches/sse_decode.rs`.)
pub fn decode<S, B, E>(body: S) -> SseStream
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
    E: Display + Send + 'static,
{
    decode_with(body, |e| {
        ModelError::StreamCut(format!("reading the response body failed: {e}"))
    })
}

/// [`decode`] with the error a transport failure becomes.
fn decode_with<S, B, E>(body: S, transport: impl Fn(E) -> ModelError + Send + 'static) -> SseStream
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
    E: Display + Send + 'static,
{
    decode_limited(body, MAX_EVENT_BYTES, transport, Arc::default())
}

/// What the body brought besides whole events, for [`idle_limited`].
#[derive(Debug, Default)]
struct Progress {
    /// Comment lines (`: ping`) read so far.
    comments: AtomicU64,
    /// Chunks after which part of an event of the answer was read and
    /// not yet ended (a big event arriving slowly).
    reading: AtomicU64,
}

/// [`decode_with`] with events of at most `limit` bytes; `progress`
/// counts the comment lines read and the chunks of unfinished events.
fn decode_limited<S, B, E>(
    body: S,
    limit: usize,
    transport: impl Fn(E) -> ModelError + Send + 'static,
    progress: Arc<Progress>,
) -> SseStream
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
    E: Display + Send + 'static,
{
    struct State<S, F> {
        body: Pin<Box<S>>,
        parser: Option<Parser>,
        ready: VecDeque<SseEvent>,
        scratch: Vec<SseEvent>,
        transport: F,
        progress: Arc<Progress>,
    }
    let state = State {
        body: Box::pin(body),
        parser: Some(Parser::new(limit)),
        ready: VecDeque::new(),
        scratch: Vec::new(),
        transport,
        progress,
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(ev) = st.ready.pop_front() {
                return Some((Ok(ev), st));
            }
            // `None` once the stream ended or failed: nothing follows.
            let parser = st.parser.as_mut()?;
            match st.body.next().await {
                Some(Ok(chunk)) => {
                    if let Err(e) = parser.feed(chunk.as_ref(), &mut st.scratch) {
                        st.parser = None;
                        st.ready.clear();
                        return Some((Err(too_large(e)), st));
                    }
                    st.ready.extend(st.scratch.drain(..));
                    st.progress
                        .comments
                        .store(parser.comments(), Ordering::Relaxed);
                    if parser.in_event() {
                        st.progress.reading.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Some(Err(e)) => {
                    st.parser = None;
                    return Some((Err((st.transport)(e)), st));
                }
                None => {
                    let last = st.parser.take().and_then(Parser::finish);
                    st.ready.extend(last);
                }
            }
        }
    }))
}

/// The error of an event past the cap: names the limit, not retried (the
/// same request would get the same answer).
fn too_large(e: TooLarge) -> ModelError {
    ModelError::Decode(format!(
        "one server-sent event of the response exceeds {} MiB (quire's limit for one event); the server sent a runaway line or event, the answer was dropped",
        e.limit / (1024 * 1024)
    ))
}

/// [`decode`] for a `reqwest` body: a read that timed out (nothing for
/// the client's read timeout, `idle_secs`) is [`ModelError::Idle`], other
/// failures name their causes.
pub fn decode_response(stream: super::http::EventStream, idle_secs: u64) -> SseStream {
    let super::http::EventStream { response, head } = stream;
    let url = crate::config::shown_url::shown_url(response.url().as_str()).into_owned();
    let idle_url = url.clone();
    let body = futures::stream::iter(head.map(Ok)).chain(response.bytes_stream());
    let progress = Arc::new(Progress::default());
    let transport = move |e: reqwest::Error| {
        if e.is_timeout() {
            // Not a byte for the read timeout: no keep-alive either.
            ModelError::Idle {
                url: url.clone(),
                secs: idle_secs,
                pinged: false,
            }
        } else {
            ModelError::StreamCut(format!(
                "reading the response body failed: {}",
                super::http::error_chain(&e)
            ))
        }
    };
    let events = decode_limited::<_, Bytes, _>(body, MAX_EVENT_BYTES, transport, progress.clone());
    idle_limited(
        events,
        std::time::Duration::from_secs(idle_secs),
        progress,
        move |pinged| ModelError::Idle {
            url: idle_url.clone(),
            secs: idle_secs,
            pinged,
        },
    )
}

/// Whether `ev` only keeps the connection alive (Anthropic `event: ping`,
/// a `keepalive` event, an event without data): it is no part of the
/// answer. (Comments, `: ping`, never become events: [`Progress`]
/// counts them.)
fn keep_alive(ev: &SseEvent) -> bool {
    matches!(ev.event.as_deref(), Some("ping" | "keepalive")) || ev.data.trim().is_empty()
}

/// `events` ended with `on_idle(pinged)` when nothing of the answer came
/// for `idle`: neither an event nor a piece of one (a big event arriving
/// slowly is progress, counted in `progress.reading`). A server that
/// sends only pings (bytes that reset the read timeout) is as stalled as
/// one that sends nothing. `pinged` says whether keep-alives (ping
/// events, or comment lines counted in `progress.comments`) came since
/// the last event of the answer.
fn idle_limited(
    events: SseStream,
    idle: std::time::Duration,
    progress: Arc<Progress>,
    on_idle: impl Fn(bool) -> ModelError + Send + Sync + 'static,
) -> SseStream {
    struct Idle {
        events: SseStream,
        deadline: tokio::time::Instant,
        done: bool,
        /// Comment lines read up to the last event of the answer.
        comments_then: u64,
        /// `progress.reading` when the deadline was last set.
        reading_then: u64,
        /// A keep-alive event came since the last event of the answer.
        pinged: bool,
    }
    let on_idle = Arc::new(on_idle);
    let state = Idle {
        events,
        deadline: tokio::time::Instant::now() + idle,
        done: false,
        comments_then: 0,
        reading_then: 0,
        pinged: false,
    };
    Box::pin(futures::stream::unfold(state, move |mut st| {
        let on_idle = on_idle.clone();
        let progress = progress.clone();
        async move {
            if st.done {
                return None;
            }
            loop {
                tokio::select! {
                    next = st.events.next() => match next {
                        Some(Ok(ev)) if keep_alive(&ev) => st.pinged = true,
                        Some(Ok(ev)) => {
                            st.deadline = tokio::time::Instant::now() + idle;
                            st.pinged = false;
                            st.comments_then = progress.comments.load(Ordering::Relaxed);
                            st.reading_then = progress.reading.load(Ordering::Relaxed);
                            return Some((Ok(ev), st));
                        }
                        Some(Err(e)) => {
                            st.done = true;
                            return Some((Err(e), st));
                        }
                        None => return None,
                    },
                    _ = tokio::time::sleep_until(st.deadline) => {
                        let reading = progress.reading.load(Ordering::Relaxed);
                        if reading > st.reading_then {
                            // Part of an event came: the server is sending.
                            st.reading_then = reading;
                            st.deadline = tokio::time::Instant::now() + idle;
                            continue;
                        }
                        let comments = &progress.comments;
                        let pinged =
                            st.pinged || comments.load(Ordering::Relaxed) > st.comments_then;
                        st.done = true;
                        return Some((Err(on_idle(pinged)), st));
                    }
                }
            }
        }
    }))
}
