use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn auth_statuses_map_to_auth() {
    for status in [401, 403] {
        match status_error(status, "http://x/responses", &HeaderMap::new(), "bad key") {
            ModelError::Auth {
                status: s, body, ..
            } => {
                assert_eq!(s, status);
                assert_eq!(body, "bad key");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn context_errors_of_several_servers_map_to_context_window() {
    let bodies = [
        r#"{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#,
        r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#,
        r#"{"object":"error","message":"This model's maximum context length is 32768 tokens. However, you requested 40000 tokens","code":400}"#,
    ];
    for b in bodies {
        match status_error(400, "u", &HeaderMap::new(), b) {
            ModelError::ContextWindow(m) => assert!(!m.contains('{'), "{m}"),
            other => panic!("{b}: {other:?}"),
        }
    }
    match status_error(413, "u", &HeaderMap::new(), "Too many tokens in request") {
        ModelError::ContextWindow(m) => assert_eq!(m, "Too many tokens in request"),
        other => panic!("{other:?}"),
    }
    // The same words with another status stay an HTTP error.
    assert!(matches!(
        status_error(500, "u", &HeaderMap::new(), "prompt is too long"),
        ModelError::Http { status: 500, .. }
    ));
}

#[test]
fn other_statuses_keep_truncated_body_and_retry_after() {
    let body = "é".repeat(3000);
    match status_error(429, "http://h/v1", &headers(&[("retry-after", "7")]), &body) {
        ModelError::Http {
            status,
            url,
            body,
            retry_after,
        } => {
            assert_eq!(status, 429);
            assert_eq!(url, "http://h/v1");
            assert!(body.len() < MAX_ERROR_BODY + 40, "{}", body.len());
            assert!(body.ends_with("more bytes)"));
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn retry_after_forms() {
    assert_eq!(
        retry_after(&headers(&[
            ("retry-after-ms", "1500"),
            ("retry-after", "9")
        ])),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after", "0.5")])),
        Some(Duration::from_millis(500))
    );
    let future = chrono::Utc::now() + chrono::Duration::seconds(3600);
    let date = future.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let d = retry_after(&headers(&[("retry-after", &date)])).unwrap();
    assert!(
        d > Duration::from_secs(3000) && d <= Duration::from_secs(3600),
        "{d:?}"
    );
    assert_eq!(
        retry_after(&headers(&[(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT"
        )])),
        Some(Duration::ZERO)
    );
    assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
    // Any number is a delay, however large: at most a day, never a panic.
    let day = Some(Duration::from_secs(86_400));
    assert_eq!(retry_after(&headers(&[("retry-after", "1e30")])), day);
    assert_eq!(retry_after(&headers(&[("retry-after-ms", "1e25")])), day);
    assert_eq!(retry_after(&headers(&[("retry-after", "inf")])), None);
    assert_eq!(retry_after(&HeaderMap::new()), None);
}

#[test]
fn stream_errors_distinguish_context_window() {
    assert!(matches!(
        stream_error(
            Some("context_length_exceeded"),
            "Your input exceeds the limit"
        ),
        ModelError::ContextWindow(_)
    ));
    assert!(matches!(
        stream_error(Some("server_error"), "boom"),
        ModelError::Provider(m) if m == "boom"
    ));
    assert!(matches!(
        stream_error(Some("insufficient_quota"), "no money"),
        ModelError::StreamStatus { status: 429, body } if body.contains("insufficient_quota")
    ));
    for code in ["invalid_prompt", "invalid_request_error"] {
        let e = stream_error(Some(code), "no");
        assert!(matches!(&e, ModelError::Rejected { .. }), "{code}");
        assert!(!e.is_transient(), "{code}");
    }
    for wording in [
        "Trying to keep the first 8928 tokens when context the overflows. However, the model is loaded with context length of only 7000 tokens",
        "The number of tokens to keep from the initial prompt is greater than the context length.",
        "The decoder prompt (length 8922) is longer than the maximum model length of 7000.",
        "The input token count (1310720) exceeds the maximum number of tokens allowed (1048576).",
        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096.",
    ] {
        assert!(
            matches!(stream_error(None, wording), ModelError::ContextWindow(_)),
            "{wording}"
        );
    }
}

#[test]
fn json_body_instead_of_stream() {
    assert!(matches!(
        json_instead_of_stream("u", "application/json", r#"{"error":{"message":"overloaded"}}"#),
        ModelError::Provider(m) if m == "overloaded"
    ));
    assert!(matches!(
        json_instead_of_stream("u", "application/json", r#"{"choices":[]}"#),
        ModelError::Decode(m) if m.contains("Content-Type: application/json")
    ));
}

#[test]
fn the_start_of_an_event_stream_is_recognised() {
    for start in [
        &b"data: {\"a\":1}"[..],
        b"\xef\xbb\xbfdata:{}",
        b"\n\nevent: response.created\n",
        b": keep-alive\n",
    ] {
        assert!(looks_like_event_stream(start), "{start:?}");
    }
    for start in [&b"{\"choices\":[]}"[..], b"  [1]", b""] {
        assert!(!looks_like_event_stream(start), "{start:?}");
    }
}

#[test]
fn a_request_too_large_says_what_to_do() {
    let body = r#"{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}"#;
    let e = status_error(
        413,
        "https://api.anthropic.com/v1/messages",
        &HeaderMap::new(),
        body,
    );
    let text = e.to_string();
    assert!(
        text.contains("HTTP 413: Request exceeds the maximum allowed number of bytes.")
            && text.contains("/compact")
            && text.contains("/rewind")
            && !text.contains('{'),
        "{text}"
    );
}
