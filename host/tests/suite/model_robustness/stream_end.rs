//! How a Chat Completions stream ends: llama.cpp's `error:` line is the
//! server's error (a context-size one handled as the window's), and
//! `[DONE]` before any `finish_reason` is a cut stream, tried again.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

use super::truncated::sse;

fn chunk(delta: Value, finish_reason: Option<&str>) -> Vec<u8> {
    sse(
        None,
        json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}),
    )
}

/// Some text, then llama.cpp's `error: {json}` line ending the stream.
fn llama_error(message: &str) -> Reply {
    let error = json!({"code": 500, "message": message, "type": "exceed_context_size_error"});
    Reply::Raw(vec![
        chunk(json!({"role": "assistant", "content": "partial"}), None),
        format!("error: {error}\n\n").into_bytes(),
    ])
}

const TOO_BIG: &str = "the request exceeds the available context size, try increasing it";

/// A context-size `error:` line is the window's error: not retried as a
/// cut stream, the conversation is compacted, and when that does not
/// help either the server's message is what the user reads.
#[test]
fn a_llama_cpp_context_error_line_is_the_windows_error() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        llama_error(TOO_BIG),
        Reply::text("SUMMARY"),
        llama_error(TOO_BIG),
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("too big", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    assert_eq!(env.server.requests().len(), 3);
    assert_eq!(run.of_type("compaction")[0]["reason"], "context_window");
    let message = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains(TOO_BIG), "{message}");
}

/// Any other `error:` line is the provider's error, its message told.
#[test]
fn a_llama_cpp_error_line_is_told() {
    let env = TestEnv::new("chat");
    let error = json!({"code": 500, "message": "slot 0 crashed", "type": "server_error"});
    env.server.push_all([
        Reply::Raw(vec![format!("error: {error}\n\n").into_bytes()]),
        Reply::text("recovered"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retry = run.of_type("retry");
    let reason = retry[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("slot 0 crashed"), "{reason}");
}

/// `[DONE]` before a `finish_reason`: the half answer is not the answer,
/// and a half tool call is not run; the request is sent again.
#[test]
fn done_before_a_finish_reason_is_a_cut_stream() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"role": "assistant", "content": "The answer is"}),
                None,
            ),
            b"data: [DONE]\n\n".to_vec(),
            chunk(json!({"content": " 42."}), None),
            chunk(json!({}), Some("stop")),
        ]),
        Reply::text("The answer is 42."),
    ]);
    let run = env.exec_json("what is it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("retry").len(), 1, "{:?}", run.types());
    let answer = &run.of_type("message_completed")[0]["text"];
    assert_eq!(answer, "The answer is 42.");

    let env = TestEnv::new("chat");
    let piece = |arguments: &str| {
        json!({"tool_calls": [{"index": 0, "id": "call_e", "type": "function",
            "function": {"name": "shell", "arguments": arguments}}]})
    };
    env.server.push_all([
        Reply::Raw(vec![
            chunk(piece("{\"command\":\"echo ea"), None),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::tool_call("call_e", "shell", json!({"command": "echo early"})),
        Reply::text("ran it"),
    ]);
    let run = env.exec_json("run it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let calls = run.of_type("tool_completed");
    assert_eq!(calls.len(), 1, "{:?}", run.types());
    assert_eq!(calls[0]["is_error"], false, "{}", calls[0]);
}
