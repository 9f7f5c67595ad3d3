//! Parallel tool calls a Chat Completions server streams with neither
//! `index` nor `id` (some self-hosted servers and gateways) are separate
//! calls, each run, each with an id of its own.

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

/// A whole call without `index` or `id`.
fn bare_call(command: &str) -> Value {
    json!({"type": "function", "function": {"name": "shell",
        "arguments": json!({"command": command}).to_string()}})
}

fn check_both_ran(env: &TestEnv, run: &support::quire::Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = run.of_type("tool_started");
    assert_eq!(started.len(), 2, "{started:?}");
    assert_ne!(started[0]["call_id"], started[1]["call_id"], "{started:?}");
    for e in run.of_type("tool_completed") {
        assert_eq!(e["status"], "ok", "{e}");
    }
    assert_eq!(env.read("one.txt"), "one\n");
    assert_eq!(env.read("two.txt"), "two\n");
}

/// Each call whole in a chunk of its own.
#[test]
fn calls_in_chunks_of_their_own_are_two_calls() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"tool_calls": [bare_call("echo one > one.txt")]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [bare_call("echo two > two.txt")]}),
                None,
            ),
            chunk(json!({}), Some("tool_calls")),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("do it", &[]);
    check_both_ran(&env, &run);
}

/// Both calls in one `tool_calls` array; the second call's name first,
/// its arguments in later pieces.
#[test]
fn calls_in_one_array_and_in_pieces_are_two_calls() {
    let env = TestEnv::new("chat");
    let args = json!({"command": "echo two > two.txt"}).to_string();
    let (a, b) = args.split_at(7);
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"tool_calls": [bare_call("echo one > one.txt"),
                    {"type": "function", "function": {"name": "shell", "arguments": ""}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"function": {"arguments": a}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"function": {"arguments": b}}]}),
                None,
            ),
            chunk(json!({}), Some("tool_calls")),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("do it", &[]);
    check_both_ran(&env, &run);
}
