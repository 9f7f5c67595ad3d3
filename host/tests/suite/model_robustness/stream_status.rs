//! What a server sends on a 200 instead of its event stream, or inside
//! it, when it refused the request: handled as the refusal it is, with
//! the server's words, not retried as a broken stream.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::truncated::sse;

const VLLM_NO_TOOLS: &str =
    "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set";

fn error_message(run: &support::quire::Run) -> String {
    run.of_type("error")
        .first()
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// vLLM started without tool calling refuses inside a 200 stream with
/// code 400: no retry, and the same hint as its HTTP 400 gets.
#[test]
fn an_in_stream_error_with_code_400_is_the_refusal_it_says() {
    let env = TestEnv::new("chat");
    let error = json!({"error": {"object": "error", "message": VLLM_NO_TOOLS,
        "type": "BadRequestError", "param": null, "code": 400}});
    env.server.push_all([
        Reply::Raw(vec![sse(None, error), b"data: [DONE]\n\n".to_vec()]),
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("q", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    assert_eq!(env.server.requests().len(), 1);
    let message = error_message(&run);
    assert!(message.contains(VLLM_NO_TOOLS), "{message}");
    assert!(
        message.contains("start vLLM with --enable-auto-tool-choice"),
        "{message}"
    );
}

/// A 200 `text/plain` body (a server still loading its model, a proxy)
/// is named with its text, not retried as a stream cut short.
#[test]
fn a_plain_text_body_is_shown_not_retried() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::Page {
            code: 200,
            content_type: "text/plain".into(),
            body: "model is loading, please wait".into(),
        },
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("q", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    assert_eq!(env.server.requests().len(), 1);
    let message = error_message(&run);
    assert!(
        message.contains("model is loading, please wait"),
        "{message}"
    );
    assert!(message.contains("text/plain"), "{message}");
}

/// An event stream with a content type that is not `text/event-stream`
/// is still read as the stream it is.
#[test]
fn an_event_stream_labelled_as_plain_text_is_read() {
    let env = TestEnv::new("chat");
    let chunk = |delta: serde_json::Value, finish: Option<&str>| {
        json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let body = [
        String::from_utf8_lossy(&sse(None, chunk(json!({"content": "plain"}), None))).into_owned(),
        String::from_utf8_lossy(&sse(None, chunk(json!({}), Some("stop")))).into_owned(),
        "data: [DONE]\n\n".to_string(),
    ]
    .concat();
    env.server.push(Reply::Page {
        code: 200,
        content_type: "text/plain; charset=utf-8".into(),
        body,
    });
    let run = env.exec_json("q", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("message_completed")[0]["text"], "plain");
}
