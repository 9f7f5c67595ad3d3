//! Server-sent events: turns a response body (a stream of byte chunks) into
//! events with the `eventsource-stream` crate (WHATWG `text/event-stream`
//! parsing: chunk boundaries anywhere, `\n`, `\r\n` or `\r` line ends,
//! comments, `id` and `retry` ignored here).
//!
//! What quire adds: the end of the body ends a pending event whose lines
//! all ended (some servers omit the last blank line), while a last line cut
//! off mid-way is dropped; the first transport error ends the stream as
//! [`ModelError::StreamCut`].

use std::fmt::Display;
use std::pin::Pin;

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures::{Stream, StreamExt};

use super::ModelError;

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
/// the stream.
#[cfg(test)]
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
    let events = closed(body).eventsource().map(move |item| match item {
        Ok(ev) => Ok(SseEvent {
            // The crate names an event without `event:` "message".
            event: Some(ev.event).filter(|e| !e.is_empty() && e != "message"),
            data: ev.data,
        }),
        Err(EventStreamError::Transport(e)) => Err(transport(e)),
        Err(e) => Err(ModelError::StreamCut(format!(
            "the response body is not a valid event stream: {e}"
        ))),
    });
    // Nothing after the first error.
    Box::pin(events.scan(false, |failed, item| {
        let next = (!*failed).then(|| {
            *failed = item.is_err();
            item
        });
        futures::future::ready(next)
    }))
}

/// [`decode`] for a `reqwest` body: a read that timed out (nothing for
/// the client's read timeout, `idle_secs`) is [`ModelError::Idle`], other
/// failures name their causes.
pub fn decode_response(response: reqwest::Response, idle_secs: u64) -> SseStream {
    let url = response.url().to_string();
    decode_with::<_, Bytes, _>(response.bytes_stream(), move |e: reqwest::Error| {
        if e.is_timeout() {
            ModelError::Idle {
                url: url.clone(),
                secs: idle_secs,
            }
        } else {
            ModelError::StreamCut(format!(
                "reading the response body failed: {}",
                super::http::error_chain(&e)
            ))
        }
    })
}

/// The body, then (when it ended normally after a line end) a blank line,
/// so a pending event whose lines all ended is dispatched. A body that ends
/// inside a line gets nothing: that line stays incomplete and is dropped.
fn closed<S, B, E>(body: S) -> impl Stream<Item = Result<Bytes, E>> + Send + 'static
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
    E: Send + 'static,
{
    struct State<S> {
        body: Pin<Box<S>>,
        last: Option<u8>,
        done: bool,
    }
    let state = State {
        body: Box::pin(body),
        last: None,
        done: false,
    };
    futures::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        match st.body.next().await {
            Some(Ok(chunk)) => {
                let chunk = chunk.as_ref();
                st.last = chunk.last().copied().or(st.last);
                Some((Ok(Bytes::copy_from_slice(chunk)), st))
            }
            Some(Err(e)) => {
                st.done = true;
                Some((Err(e), st))
            }
            None => {
                st.done = true;
                let pad: &'static [u8] = match st.last {
                    // `\r` may still be the first half of `\r\n`.
                    Some(b'\r') => b"\n\n",
                    Some(b'\n') => b"\n",
                    _ => {
                        if st.last.is_some() {
                            tracing::debug!("event stream ended inside a line; dropping it");
                        }
                        b""
                    }
                };
                Some((Ok(Bytes::from_static(pad)), st))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent {
            event: event.map(str::to_string),
            data: data.to_string(),
        }
    }

    /// Decodes `chunks` as one body and returns its events (panics on an
    /// error item: none of these bodies fails).
    fn events_of(chunks: Vec<&[u8]>) -> Vec<SseEvent> {
        let body: Vec<Result<Vec<u8>, String>> =
            chunks.into_iter().map(|c| Ok(c.to_vec())).collect();
        let items: Vec<_> =
            futures::executor::block_on(decode(futures::stream::iter(body)).collect());
        items
            .into_iter()
            .map(|i| i.unwrap_or_else(|e| panic!("unexpected error {e}")))
            .collect()
    }

    fn parse_in_chunks(input: &[u8], size: usize) -> Vec<SseEvent> {
        events_of(input.chunks(size).collect())
    }

    const SAMPLE: &str = ": keep-alive comment\r\n\
        event: first\r\n\
        data: {\"a\":\"h\u{e9}llo \u{1F600}\"}\r\n\
        \r\n\
        data:no-space\n\
        data:  two spaces\n\
        \n\
        event:second\r\
        data\r\
        data: x\r\
        \r\
        id: 7\n\
        retry: 100\n\
        \n\
        data: [DONE]\n\n";

    fn expected() -> Vec<SseEvent> {
        vec![
            ev(Some("first"), "{\"a\":\"h\u{e9}llo \u{1F600}\"}"),
            ev(None, "no-space\n two spaces"),
            ev(Some("second"), "\nx"),
            ev(None, "[DONE]"),
        ]
    }

    #[test]
    fn every_chunk_size_gives_the_same_events() {
        for size in 1..=SAMPLE.len() {
            assert_eq!(
                parse_in_chunks(SAMPLE.as_bytes(), size),
                expected(),
                "chunk size {size}"
            );
        }
    }

    #[test]
    fn crlf_split_between_cr_and_lf_is_one_line_end() {
        // Were the `\n` after a chunk's last `\r` a line end of its own, it
        // would be a blank line dispatching "a" alone.
        let chunks: Vec<&[u8]> = vec![b"data: a\r", b"", b"\ndata: b\r", b"\n\r\n"];
        assert_eq!(events_of(chunks), vec![ev(None, "a\nb")]);
    }

    #[test]
    fn the_end_dispatches_terminated_lines_and_drops_a_cut_line() {
        assert_eq!(events_of(vec![b"data: [DONE]\n"]), vec![ev(None, "[DONE]")]);
        assert_eq!(events_of(vec![b"data: [DONE]\r"]), vec![ev(None, "[DONE]")]);
        assert_eq!(
            events_of(vec![b"data: one\n\n", b"data: {\"type\":\"resp"]),
            vec![ev(None, "one")]
        );
        assert_eq!(events_of(vec![]), vec![]);
    }

    #[test]
    fn event_without_data_is_not_dispatched() {
        assert_eq!(parse_in_chunks(b"event: ping\n\n: c\n\n", 3), vec![]);
    }

    #[tokio::test]
    async fn decode_stream_maps_body_error_to_stream_cut() {
        let chunks: Vec<Result<Bytes, String>> = vec![
            Ok(Bytes::from_static(b"data: one\n\nda")),
            Ok(Bytes::from_static(b"ta: two\n\n")),
            Err("connection reset".to_string()),
            Ok(Bytes::from_static(b"data: never\n\n")),
        ];
        let items: Vec<_> = decode(futures::stream::iter(chunks)).collect().await;
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap(), &ev(None, "one"));
        assert_eq!(items[1].as_ref().unwrap(), &ev(None, "two"));
        match &items[2] {
            Err(ModelError::StreamCut(m)) => assert!(m.contains("connection reset"), "{m}"),
            other => panic!("expected StreamCut, got {other:?}"),
        }
    }
}
