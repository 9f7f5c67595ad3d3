//! Server-sent events: turns a response body (a stream of byte chunks) into
//! events, following the WHATWG `text/event-stream` parsing rules.
//!
//! Chunk boundaries may fall anywhere: inside a UTF-8 character, inside a
//! field name, or between the `\r` and `\n` of a CRLF. Lines end with
//! `\n`, `\r\n` or `\r`; a blank line dispatches the event. Comments
//! (lines starting with `:`), `id` and `retry` fields are ignored.

use std::collections::VecDeque;
use std::fmt::Display;
use std::pin::Pin;

use bytes::Bytes;
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

/// Incremental parser. Feed it chunks with [`SseParser::push`] and call
/// [`SseParser::finish`] when the body ends.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the current, not yet terminated line.
    line: Vec<u8>,
    /// The previous chunk ended with `\r`: a leading `\n` belongs to it.
    after_cr: bool,
    event: Option<String>,
    data: String,
    /// At least one `data` field was seen for the pending event.
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one chunk; returns the events it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(pos) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&rest[..pos]);
            let terminator = rest[pos];
            rest = &rest[pos + 1..];
            if terminator == b'\r' {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            let line = std::mem::take(&mut self.line);
            if let Some(ev) = self.process_line(&line) {
                out.push(ev);
            }
        }
        self.line.extend_from_slice(rest);
        out
    }

    /// The body ended. A pending event whose lines were all terminated is
    /// dispatched even without the closing blank line; an unterminated last
    /// line is dropped, since the body may have been cut inside it.
    pub fn finish(&mut self) -> Option<SseEvent> {
        if !self.line.is_empty() {
            tracing::debug!(
                bytes = self.line.len(),
                "event stream ended inside a line; dropping it"
            );
            self.line.clear();
        }
        self.dispatch()
    }

    fn process_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            return None;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (&line[..], ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_string()),
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take().filter(|e| !e.is_empty());
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
        })
    }
}

/// Decodes a response body into events. An error from the body (a broken
/// connection, a read timeout) yields [`ModelError::StreamCut`] and ends
/// the stream.
pub fn decode<S, B, E>(body: S) -> SseStream
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
    E: Display + Send + 'static,
{
    struct State<S> {
        body: Pin<Box<S>>,
        parser: SseParser,
        queue: VecDeque<SseEvent>,
        done: bool,
    }
    let state = State {
        body: Box::pin(body),
        parser: SseParser::new(),
        queue: VecDeque::new(),
        done: false,
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(ev) = st.queue.pop_front() {
                return Some((Ok(ev), st));
            }
            if st.done {
                return None;
            }
            match st.body.next().await {
                Some(Ok(chunk)) => st.queue.extend(st.parser.push(chunk.as_ref())),
                Some(Err(e)) => {
                    st.done = true;
                    st.queue.clear();
                    return Some((
                        Err(ModelError::StreamCut(format!(
                            "reading the response body failed: {e}"
                        ))),
                        st,
                    ));
                }
                None => {
                    st.done = true;
                    st.queue.extend(st.parser.finish());
                }
            }
        }
    }))
}

/// [`decode`] for a `reqwest` body.
pub fn decode_response(response: reqwest::Response) -> SseStream {
    decode::<_, Bytes, _>(response.bytes_stream())
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

    fn parse_in_chunks(input: &[u8], size: usize) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for c in input.chunks(size) {
            out.extend(p.push(c));
        }
        out.extend(p.finish());
        out
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
        let mut p = SseParser::new();
        assert!(p.push(b"data: a\r").is_empty());
        assert!(p.push(b"").is_empty());
        // Were this `\n` a line end of its own, it would be a blank line
        // dispatching "a" alone.
        assert!(p.push(b"\ndata: b\r").is_empty());
        assert_eq!(p.push(b"\n\r\n"), vec![ev(None, "a\nb")]);
    }

    #[test]
    fn finish_dispatches_terminated_lines_and_drops_a_cut_line() {
        let mut p = SseParser::new();
        assert!(p.push(b"data: [DONE]\n").is_empty());
        assert_eq!(p.finish(), Some(ev(None, "[DONE]")));

        let mut p = SseParser::new();
        assert!(p.push(b"data: {\"type\":\"resp").is_empty());
        assert_eq!(p.finish(), None);
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
