//! Tests of the event-stream decoding and its parser.

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
    let body: Vec<Result<Vec<u8>, String>> = chunks.into_iter().map(|c| Ok(c.to_vec())).collect();
    let items: Vec<_> = futures::executor::block_on(decode(futures::stream::iter(body)).collect());
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

/// Runs the parser alone over `chunks` with `limit`.
fn parse(chunks: &[&[u8]], limit: usize) -> Result<Vec<SseEvent>, TooLarge> {
    let mut parser = Parser::new(limit);
    let mut out = Vec::new();
    for c in chunks {
        parser.feed(c, &mut out)?;
    }
    out.extend(parser.finish());
    Ok(out)
}

#[test]
fn a_byte_order_mark_before_the_first_line_is_skipped_even_when_split() {
    let body = b"\xEF\xBB\xBFevent: e\ndata: 1\n\n";
    for cut in 0..body.len() {
        let (a, b) = body.split_at(cut);
        assert_eq!(
            parse(&[a, b], 1024),
            Ok(vec![ev(Some("e"), "1")]),
            "cut at {cut}"
        );
    }
    // Only before the first line.
    assert_eq!(
        parse(&[b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"], 1024),
        Ok(vec![ev(None, "a")])
    );
}

#[test]
fn utf8_sequences_split_between_chunks_decode_whole() {
    let body = "data: h\u{e9}llo \u{1F600} \u{4E2D}\n\n".as_bytes();
    for cut in 0..body.len() {
        let (a, b) = body.split_at(cut);
        assert_eq!(
            parse(&[a, b], 1024),
            Ok(vec![ev(None, "h\u{e9}llo \u{1F600} \u{4E2D}")]),
            "cut at {cut}"
        );
    }
}

#[test]
fn fields_comments_and_the_message_type() {
    let body = b": comment\nevent: message\ndata\nid: 3\nretry: 5\nunknown: x\ndata:a:b\n\nevent: only\n\n";
    assert_eq!(parse(&[body], 1024), Ok(vec![ev(None, "\na:b")]));
}

#[test]
fn data_lines_join_with_newlines_and_the_event_type_resets() {
    let body = b"event: a\ndata: 1\ndata: 2\n\ndata: 3\n\n";
    assert_eq!(
        parse(&[body], 1024),
        Ok(vec![ev(Some("a"), "1\n2"), ev(None, "3")])
    );
}

#[test]
fn an_endless_line_fails_at_the_limit() {
    let mut parser = Parser::new(100);
    let mut out = Vec::new();
    let piece = [b'x'; 30];
    let mut fed = 0;
    let err = loop {
        match parser.feed(&piece, &mut out) {
            Ok(()) => fed += piece.len(),
            Err(e) => break e,
        }
        assert!(fed <= 100, "fed {fed} bytes without an error");
    };
    assert_eq!(err, TooLarge { limit: 100 });
    assert!(out.is_empty());
}

#[test]
fn many_data_lines_count_toward_one_events_limit() {
    let line = b"data: 0123456789\n";
    let chunks: Vec<&[u8]> = std::iter::repeat_n(&line[..], 20).collect();
    assert_eq!(parse(&chunks, 100), Err(TooLarge { limit: 100 }));
    // The same lines as separate events stay under it.
    let line = b"data: 0123456789\n\n";
    let chunks: Vec<&[u8]> = std::iter::repeat_n(&line[..], 20).collect();
    assert_eq!(parse(&chunks, 100).map(|v| v.len()), Ok(20));
}

#[test]
fn an_event_at_the_limit_passes() {
    // "data: " + 10 bytes is 16 bytes of line, 11 of data: under 16.
    assert_eq!(
        parse(&[b"data: 0123456789\n\n"], 16),
        Ok(vec![ev(None, "0123456789")])
    );
    assert_eq!(
        parse(&[b"data: 0123456789\n\n"], 15),
        Err(TooLarge { limit: 15 })
    );
}

#[test]
fn a_large_event_in_small_chunks_parses_whole() {
    let payload = "y".repeat(200_000);
    let body = format!("event: big\ndata: {payload}\n\n");
    let chunks: Vec<&[u8]> = body.as_bytes().chunks(7).collect();
    assert_eq!(
        parse(&chunks, MAX_EVENT_BYTES),
        Ok(vec![ev(Some("big"), &payload)])
    );
}

#[tokio::test]
async fn an_event_past_the_limit_ends_the_stream_with_an_error_naming_it() {
    let limit = 2 * 1024 * 1024;
    let big = vec![b'z'; 1024 * 1024];
    let mut chunks: Vec<Result<Vec<u8>, String>> = vec![Ok(b"data: first\n\ndata: ".to_vec())];
    chunks.extend(std::iter::repeat_n(Ok(big), 4));
    chunks.push(Ok(b"\n\ndata: never\n\n".to_vec()));
    let items: Vec<_> = decode_limited(
        futures::stream::iter(chunks),
        limit,
        |e: String| ModelError::StreamCut(e),
        Default::default(),
    )
    .collect()
    .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().ok(), Some(&ev(None, "first")));
    match &items[1] {
        Err(e @ ModelError::Decode(m)) => {
            assert!(m.contains("exceeds 2 MiB"), "{m}");
            assert!(!e.is_transient());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}
