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

/// One piece of a call at `index`, with an `id` on its first piece.
fn indexed(index: u64, id: Option<&str>, name: Option<&str>, arguments: &str) -> Value {
    let mut function = json!({"arguments": arguments});
    if let Some(n) = name {
        function["name"] = json!(n);
    }
    let mut piece = json!({"index": index, "type": "function", "function": function});
    if let Some(id) = id {
        piece["id"] = json!(id);
    }
    piece
}

/// Ollama streams `index: 0` for every call of a parallel batch, each
/// with an id of its own: a new id at a taken index is another call, and
/// the pieces after it (no id) continue that call.
#[test]
fn calls_sharing_index_zero_with_ids_of_their_own_are_two_calls() {
    let env = TestEnv::new("chat");
    let first = json!({"command": "echo one > one.txt"}).to_string();
    let second = json!({"command": "echo two > two.txt"}).to_string();
    let (a1, a2) = first.split_at(9);
    let (b1, b2) = second.split_at(9);
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"tool_calls": [indexed(0, Some("a"), Some("shell"), a1)]}),
                None,
            ),
            chunk(json!({"tool_calls": [indexed(0, None, None, a2)]}), None),
            chunk(
                json!({"tool_calls": [indexed(0, Some("b"), Some("shell"), b1)]}),
                None,
            ),
            chunk(json!({"tool_calls": [indexed(0, None, None, b2)]}), None),
            chunk(json!({}), Some("tool_calls")),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("do it", &[]);
    check_both_ran(&env, &run);
    let started = run.of_type("tool_started");
    assert_eq!(started[0]["call_id"], "a", "{started:?}");
    assert_eq!(started[1]["call_id"], "b", "{started:?}");
}

/// A server that repeats the call's id in every piece of one index sends
/// one call.
#[test]
fn pieces_repeating_the_id_at_one_index_are_one_call() {
    let env = TestEnv::new("chat");
    let args = json!({"command": "echo one > one.txt"}).to_string();
    let (a, b) = args.split_at(9);
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"tool_calls": [indexed(0, Some("c1"), Some("shell"), a)]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [indexed(0, Some("c1"), None, b)]}),
                None,
            ),
            chunk(json!({}), Some("tool_calls")),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("do it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("tool_started").len(), 1);
    assert_eq!(env.read("one.txt"), "one\n");
}
