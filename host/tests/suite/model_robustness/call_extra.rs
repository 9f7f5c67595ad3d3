//! What a Chat Completions server attaches to a tool call in
//! `extra_content` (Gemini's `google.thought_signature`, without which it
//! refuses the next request) is sent back as is on that call, in the
//! same request and in a resumed session's.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

use super::truncated::sse;

fn chunk(delta: Value, finish_reason: Option<&str>) -> Vec<u8> {
    sse(
        None,
        json!({"object": "chat.completion.chunk", "model": "gemini-3-pro-preview",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}),
    )
}

/// The calls of an assistant message in a request body.
fn sent_calls(body: &Value) -> Vec<Value> {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["tool_calls"].as_array())
        .flatten()
        .cloned()
        .collect()
}

#[test]
fn a_tool_calls_extra_content_is_sent_back() {
    let env = TestEnv::new("chat");
    let extra = json!({"google": {"thought_signature": "CiIBVKhc7oXYZ=="}});
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"role": "assistant", "tool_calls": [{"id": "function-call-1", "type": "function",
                    "function": {"name": "shell", "arguments": json!({"command": "echo hi > g.txt"}).to_string()},
                    "extra_content": extra}]}),
                None,
            ),
            chunk(json!({}), Some("stop")),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::text("done"),
        Reply::text("again"),
    ]);
    let run = env.exec_json("write it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("g.txt"), "hi\n");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2);
    let calls = sent_calls(&requests[1].body);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["id"], "function-call-1");
    assert_eq!(calls[0]["extra_content"], extra, "{}", calls[0]);
    // The session file keeps it: a resumed session sends it again.
    let next = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    let calls = sent_calls(&env.server.requests()[2].body);
    assert_eq!(calls[0]["extra_content"], extra, "{}", calls[0]);
    // Nothing of it is shown as the conversation.
    assert!(
        !next.stdout.contains("thought_signature"),
        "{}",
        next.stdout
    );
}

/// A server that gives every call the same id: quire renames the repeat
/// (`function-call-1_2`), and its signature goes with it.
#[test]
fn a_renamed_calls_extra_content_follows_its_new_id() {
    let env = TestEnv::new("chat");
    let call = |n: u32| {
        Reply::Raw(vec![
            chunk(
                json!({"role": "assistant", "tool_calls": [{"id": "function-call-1", "type": "function",
                    "function": {"name": "shell", "arguments": json!({"command": format!("echo {n}")}).to_string()},
                    "extra_content": {"google": {"thought_signature": format!("SIG{n}")}}}]}),
                None,
            ),
            chunk(json!({}), Some("stop")),
            b"data: [DONE]\n\n".to_vec(),
        ])
    };
    env.server.push_all([call(1), call(2), Reply::text("done")]);
    let run = env.exec_json("twice", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let calls = sent_calls(&env.server.requests()[2].body);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0]["id"], "function-call-1");
    assert_eq!(
        calls[0]["extra_content"]["google"]["thought_signature"],
        "SIG1"
    );
    assert_eq!(calls[1]["id"], "function-call-1_2");
    assert_eq!(
        calls[1]["extra_content"]["google"]["thought_signature"], "SIG2",
        "{}",
        calls[1]
    );
}
