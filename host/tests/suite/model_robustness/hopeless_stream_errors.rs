//! An error inside the stream that no retry of the same request can fix
//! (a used-up quota, a prompt refused by policy, an invalid request) is
//! not retried: it fails the task at once with what the server said, as
//! the same error sent as an HTTP status does.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

use super::truncated::sse;

fn responses_failed(code: &str, message: &str) -> Reply {
    Reply::Raw(vec![
        sse(
            Some("response.created"),
            json!({"type": "response.created", "response": {"id": "resp_1", "status": "in_progress"}}),
        ),
        sse(
            Some("response.failed"),
            json!({"type": "response.failed", "response": {"id": "resp_1", "status": "failed",
                "error": {"code": code, "message": message}}}),
        ),
    ])
}

/// Runs one task against `reply` (queued twice, so a retry would get an
/// answer) and returns the error's message; checks that one request was
/// made and the task failed.
fn fails_at_once(wire: &'static str, reply: Reply) -> String {
    let env = TestEnv::new(wire);
    env.server.push_all([reply, Reply::text("never asked for")]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "{wire}: retried");
    assert!(run.of_type("retry").is_empty(), "{wire}");
    run.of_type("error")
        .first()
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_used_up_quota_in_the_stream_is_not_retried() {
    let msg = fails_at_once(
        "responses",
        responses_failed(
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
        ),
    );
    assert!(
        msg.contains("quota is used up") && msg.contains("You exceeded your current quota"),
        "{msg}"
    );
    assert!(msg.contains("retrying will not help"), "{msg}");
}

#[test]
fn a_refused_prompt_or_invalid_request_in_the_stream_is_not_retried() {
    let flagged =
        "Invalid prompt: your prompt was flagged as potentially violating our usage policy.";
    let msg = fails_at_once("responses", responses_failed("invalid_prompt", flagged));
    assert!(
        msg.contains(flagged) && msg.contains("will not help"),
        "{msg}"
    );

    let too_long_id = "Invalid 'input[2].call_id': string too long.";
    let error_event = Reply::Raw(vec![sse(
        Some("error"),
        json!({"type": "error", "code": "invalid_request_error", "message": too_long_id,
            "param": "input[2].call_id"}),
    )]);
    let msg = fails_at_once("responses", error_event);
    assert!(msg.contains(too_long_id), "{msg}");

    let unexpected = "messages.1.content.0: unexpected tool_use_id";
    let anthropic = Reply::Raw(vec![
        sse(
            Some("message_start"),
            json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
                "role": "assistant", "content": [], "stop_reason": Value::Null,
                "usage": {"input_tokens": 10, "output_tokens": 1}}}),
        ),
        sse(
            Some("error"),
            json!({"type": "error", "error": {"type": "invalid_request_error", "message": unexpected}}),
        ),
    ]);
    let msg = fails_at_once("anthropic", anthropic);
    assert!(msg.contains(unexpected), "{msg}");
}
