//! A reply cut at the output-token limit in the middle of a tool call:
//! the call is not run, the model is told it hit the limit and to make
//! the call smaller, and the user sees the same.

use crate::support;

use serde_json::{Value, json};
use support::model_server::{Reply, Step};
use support::quire::{Run, TestEnv, WIRES};

use super::truncated::{CUT_AT_LIMIT, framed, sse};

/// The arguments of an `apply_patch` call adding `big.txt`, cut halfway.
fn cut_arguments() -> String {
    let patch = format!(
        "*** Begin Patch\n*** Add File: big.txt\n+{}\n*** End Patch\n",
        "z".repeat(200)
    );
    let args = json!({ "patch": patch }).to_string();
    args[..args.len() / 2].to_string()
}

/// A reply whose `apply_patch` call the output-token limit cuts halfway.
fn cut_call_stream(wire: &str) -> Reply {
    let args = cut_arguments();
    let (head, tail) = args.split_at(args.len() / 2);
    call_stream(wire, "apply_patch", &[head, tail])
}

/// A reply with one call to `tool` whose arguments come in `pieces`, cut
/// there by the output-token limit, the way `wire` streams it: Chat
/// `finish_reason: "length"`, Anthropic `stop_reason: "max_tokens"` (the
/// block closed, as the API does), Responses `response.incomplete` for
/// `max_output_tokens` (the call never done).
fn call_stream(wire: &str, tool: &str, pieces: &[&str]) -> Reply {
    let mut body = Vec::new();
    match wire {
        "chat" => {
            let piece = |p: Value| {
                sse(
                    None,
                    json!({"object": "chat.completion.chunk", "choices": [{"index": 0,
                        "delta": {"tool_calls": [p]}, "finish_reason": null}]}),
                )
            };
            body.push(piece(
                json!({"index": 0, "id": "call_cut", "type": "function",
                "function": {"name": tool, "arguments": ""}}),
            ));
            for p in pieces {
                body.push(piece(json!({"index": 0, "function": {"arguments": p}})));
            }
        }
        "anthropic" => {
            body.push(sse(
                Some("content_block_start"),
                json!({"type": "content_block_start", "index": 0, "content_block":
                    {"type": "tool_use", "id": "toolu_cut", "name": tool, "input": {}}}),
            ));
            for p in pieces {
                body.push(sse(
                    Some("content_block_delta"),
                    json!({"type": "content_block_delta", "index": 0,
                        "delta": {"type": "input_json_delta", "partial_json": p}}),
                ));
            }
            body.push(sse(
                Some("content_block_stop"),
                json!({"type": "content_block_stop", "index": 0}),
            ));
        }
        _ => {
            body.push(sse(
                Some("response.output_item.added"),
                json!({"type": "response.output_item.added", "output_index": 0, "item":
                    {"type": "function_call", "id": "fc_1", "call_id": "call_cut",
                     "name": tool, "arguments": ""}}),
            ));
            for p in pieces {
                body.push(sse(
                    Some("response.function_call_arguments.delta"),
                    json!({"type": "response.function_call_arguments.delta",
                        "item_id": "fc_1", "output_index": 0, "delta": p}),
                ));
            }
        }
    }
    framed(wire, body, CUT_AT_LIMIT)
}

/// Every `arguments` string in a request body (Chat's `function`, the
/// Responses API's `function_call`; Anthropic sends `input` objects).
fn arguments_in(body: &Value, out: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(s) if key == "arguments" => out.push(s.clone()),
                    _ => arguments_in(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| arguments_in(v, out)),
        _ => {}
    }
}

/// The one warning of `run` and the output of its one tool call, which
/// failed.
fn refused_call(run: &Run, wire: &str) -> (String, String) {
    let warnings = run.of_type("warning");
    assert_eq!(warnings.len(), 1, "{wire}: {:?}", run.types());
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{wire}: {:?}", run.types());
    assert_eq!(done[0]["status"], "failed", "{wire}");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (text(&warnings[0]["message"]), text(&done[0]["output"]))
}

#[test]
fn a_call_cut_at_the_output_token_limit_is_not_run_and_the_model_is_told_why() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server
            .push_all([cut_call_stream(wire), Reply::text("I will split it")]);
        let run = env.exec_json("write big.txt", &["-c", "max_output_tokens=50"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert!(
            !env.repo_path().join("big.txt").exists(),
            "{wire}: the cut call ran"
        );

        let (message, output) = refused_call(&run, wire);
        assert!(
            message.contains("cut at the output-token limit (max_output_tokens=50) in the middle of a call to apply_patch: the call was not run")
                && message.contains("-c max_output_tokens=100"),
            "{wire}: {message}"
        );
        assert!(
            output.contains(
                "hit the output token limit (max_output_tokens=50) in the middle of this call"
            ) && output.contains("split a large patch"),
            "{wire}: {output}"
        );

        // The model reads the same, not a complaint about its JSON.
        let requests = env.server.requests();
        assert_eq!(requests.len(), 2, "{wire}");
        let second = &requests[1].raw_body;
        assert!(
            second.contains("hit the output token limit"),
            "{wire}: {second}"
        );
        assert!(!second.contains("not valid JSON"), "{wire}: {second}");
        // The cut call goes back with `{}` for arguments: strict servers
        // (vLLM's chat templates) refuse arguments that are not JSON.
        let mut sent = Vec::new();
        arguments_in(&requests[1].body, &mut sent);
        let expected: &[&str] = if wire == "anthropic" { &[] } else { &["{}"] };
        assert_eq!(sent, expected, "{wire}: {second}");
        assert_eq!(run.of_type("task_completed")[0]["status"], "done", "{wire}");
    }
}

#[test]
fn the_terminal_says_the_cut_call_was_not_run() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([cut_call_stream("chat"), Reply::text("I will split it")]);
    let run = env.run(&["exec", "-c", "max_output_tokens=50", "write big.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo_path().join("big.txt").exists());
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("output-token limit"))
        .unwrap_or_else(|| panic!("no warning on stderr: {}", run.stderr));
    assert!(
        line.starts_with("warning: the answer was cut at the output-token limit (max_output_tokens=50) in the middle of a call to apply_patch: the call was not run"),
        "{line}"
    );
    assert!(
        run.stderr.contains("in the middle of this call"),
        "{}",
        run.stderr
    );
}

/// The limit cut the answer before any of the call's arguments: the call
/// is not run (empty arguments are not taken for `{}`).
#[test]
fn a_call_cut_before_its_arguments_is_not_run() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        std::fs::write(env.repo_path().join("marker.txt"), "x").unwrap();
        env.server
            .push_all([call_stream(wire, "list_dir", &[]), Reply::text("again")]);
        let run = env.exec_json("list the files", &["-c", "max_output_tokens=50"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let (message, output) = refused_call(&run, wire);
        assert!(
            message.contains("in the middle of a call to list_dir: the call was not run"),
            "{wire}: {message}"
        );
        assert!(
            output.contains("list_dir was not run") && !output.contains("marker.txt"),
            "{wire}: {output}"
        );
        let second = &env.server.requests()[1].raw_body;
        assert!(second.contains("list_dir was not run"), "{wire}: {second}");
    }
}

/// A whole answer with a call that has no arguments at all runs it with
/// `{}`: only a cut answer's empty arguments are taken for a cut call.
#[test]
fn a_call_without_arguments_in_a_whole_answer_runs() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        std::fs::write(env.repo_path().join("marker.txt"), "x").unwrap();
        env.server.push_all([
            Reply::Stream(vec![Step::ToolCall {
                id: "call_1".into(),
                name: "list_dir".into(),
                arguments: String::new(),
            }]),
            Reply::text("done"),
        ]);
        let run = env.exec_json("list the files", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert!(
            run.of_type("warning").is_empty(),
            "{wire}: {:?}",
            run.types()
        );
        let done = run.of_type("tool_completed");
        assert_eq!(done.len(), 1, "{wire}: {:?}", run.types());
        assert_eq!(done[0]["status"], "ok", "{wire}: {}", done[0]);
        let output = done[0]["output"].as_str().unwrap_or_default();
        assert!(output.contains("marker.txt"), "{wire}: {output}");
    }
}
