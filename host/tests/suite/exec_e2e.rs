//! End-to-end: the real binary against the scripted model server.
use crate::support;

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, WIRES};

fn patch(old: &str, new: &str) -> String {
    format!("*** Begin Patch\n*** Update File: notes.txt\n@@\n-{old}\n+{new}\n*** End Patch\n")
}

/// list → read → patch → run a command → finish, on every wire API.
#[test]
fn multi_step_task_on_every_wire_api() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.write("notes.txt", "hello world\n");
        env.server.push_all([
            Reply::tool_call("call_1", "list_dir", json!({"path": "."})),
            Reply::tool_call("call_2", "read_file", json!({"path": "notes.txt"})),
            Reply::tool_call(
                "call_3",
                "apply_patch",
                json!({"patch": patch("hello world", "hello quire")}),
            ),
            Reply::tool_call(
                "call_4",
                "shell",
                json!({"command": "cat notes.txt && echo ran-ok"}),
            ),
            Reply::text("Done: notes.txt now greets quire."),
        ]);
        let run = env.exec_json("change the greeting to quire", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert_eq!(env.read("notes.txt"), "hello quire\n", "{wire}");
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 5, "{wire}");
        let key = if wire == "anthropic" {
            reqs[0].header("x-api-key").map(str::to_string)
        } else {
            reqs[0].header("authorization").map(str::to_string)
        };
        assert!(
            key.is_some_and(|k| k.ends_with("test-key")),
            "{wire}: api key sent"
        );
        assert!(
            reqs[1].raw_body.contains("notes.txt"),
            "{wire}: list_dir output reached the model"
        );
        assert!(
            reqs[2].raw_body.contains("hello world"),
            "{wire}: read_file output reached the model"
        );
        assert!(
            reqs[3].raw_body.contains("M notes.txt"),
            "{wire}: patch result reached the model"
        );
        assert!(
            reqs[4].raw_body.contains("ran-ok"),
            "{wire}: shell output reached the model"
        );
        assert!(reqs[4].raw_body.contains("hello quire"), "{wire}");
        let done = run.of_type("tool_completed");
        assert_eq!(done.len(), 4, "{wire}");
        assert!(
            done.iter().all(|e| e["is_error"] == false),
            "{wire}: {done:?}"
        );
        let msgs = run.of_type("message_completed");
        assert_eq!(
            msgs.last().unwrap()["text"],
            "Done: notes.txt now greets quire."
        );
        let end = run.of_type("task_completed");
        assert_eq!(end[0]["status"], "done");
        assert_eq!(end[0]["turns"], 5);
    }
}

/// Every event type of a plain task appears, each line is JSON, and the
/// text deltas add up to the message.
#[test]
fn json_events_describe_the_task() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::steps(vec![
            Step::text("Looking."),
            Step::tool_call("c1", "list_dir", json!({})),
            Step::Usage {
                input: 1234,
                output: 56,
            },
        ]),
        Reply::text("All good here."),
    ]);
    let run = env.exec_json("look around", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.events.len(),
        run.stdout.lines().count(),
        "every line is JSON"
    );
    let types = run.types();
    for t in [
        "session_started",
        "turn_started",
        "text_delta",
        "message_completed",
        "tool_started",
        "tool_completed",
        "turn_completed",
        "task_completed",
    ] {
        assert!(types.contains(&t.to_string()), "missing {t}: {types:?}");
    }
    assert_eq!(types.first().map(String::as_str), Some("session_started"));
    assert_eq!(types.last().map(String::as_str), Some("task_completed"));
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["wire_api"], "chat");
    assert_eq!(started["sandbox"], "workspace-write");
    let first_turn = &run.of_type("turn_completed")[0];
    assert_eq!(first_turn["usage"]["input_tokens"], 1234);
    assert_eq!(first_turn["usage"]["output_tokens"], 56);
    let tool = &run.of_type("tool_completed")[0];
    assert_eq!(tool["name"], "list_dir");
    assert!(tool["duration_ms"].is_u64());
    assert_eq!(tool["truncated_bytes"], 0);
    let text: String = run
        .of_type("text_delta")
        .iter()
        .map(|e| e["delta"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(text, "Looking.All good here.");
}

/// Human mode: the model's text on stdout, tool lines on stderr.
#[test]
fn human_output_streams_text_and_one_line_per_tool() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::text("The command printed hi."),
    ]);
    let run = env.run(&["exec", "say hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "The command printed hi.");
    let tool_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("shell: echo hi"))
        .collect();
    assert_eq!(tool_lines.len(), 1, "{}", run.stderr);
    assert!(tool_lines[0].starts_with('✓'));
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no colour without a terminal / with NO_COLOR"
    );
}

/// Several read-only calls in one response all run and come back in order.
#[test]
fn parallel_read_only_calls_all_return() {
    let env = TestEnv::new("anthropic");
    env.write("a.txt", "alpha-content\n");
    env.write("b.txt", "beta-content\n");
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call("r1", "read_file", json!({"path": "a.txt"})),
            Step::tool_call("r2", "read_file", json!({"path": "b.txt"})),
            Step::tool_call("r3", "grep", json!({"pattern": "beta-c"})),
        ]),
        Reply::text("read both"),
    ]);
    let run = env.exec_json("read a and b", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: Vec<&str> = run
        .of_type("tool_completed")
        .iter()
        .map(|e| e["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let body = &env.server.requests()[1].raw_body;
    let a = body.find("alpha-content").unwrap();
    let b = body.find("beta-content").unwrap();
    let g = body.find("b.txt:1:beta-content").unwrap();
    assert!(a < b && b < g, "results are sent in call order");
}

/// Unknown tool, invalid JSON and schema mismatch come back as errors the
/// model reads; the task goes on.
#[test]
fn malformed_tool_calls_become_error_results() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push_all([
            Reply::tool_calls(vec![
                Step::tool_call("m1", "no_such_tool", json!({})),
                Step::ToolCall {
                    id: "m2".into(),
                    name: "read_file".into(),
                    arguments: "{\"path\": \"x".into(),
                },
                Step::tool_call("m3", "read_file", json!({"path": 42})),
            ]),
            Reply::text("recovered"),
        ]);
        let run = env.exec_json("try things", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let done = run.of_type("tool_completed");
        assert_eq!(done.len(), 3, "{wire}");
        assert!(done.iter().all(|e| e["is_error"] == true), "{wire}");
        let body = &env.server.requests()[1].raw_body;
        assert!(
            body.contains("unknown tool 'no_such_tool'"),
            "{wire}: {body}"
        );
        // The tools named are those the request offered: no
        // `tool_search` while selection is off.
        let offered = &env.server.requests()[0].body["tools"];
        assert!(!offered.to_string().contains("tool_search"), "{wire}");
        let error = done[0]["output"].as_str().unwrap_or_default();
        assert!(error.contains("Available tools: shell"), "{wire}: {error}");
        assert!(!error.contains("tool_search"), "{wire}: {error}");
        assert!(body.contains("not valid JSON"), "{wire}");
        assert!(
            body.contains("arguments.path must be of type string"),
            "{wire}"
        );
        assert_eq!(run.of_type("task_completed")[0]["status"], "done");
    }
}

/// `--max-turns` stops a model that never finishes, with exit code 1.
#[test]
fn max_turns_stops_the_loop() {
    let env = TestEnv::new("responses");
    for i in 0..3 {
        env.server
            .push(Reply::tool_call(format!("c{i}"), "list_dir", json!({})));
    }
    let run = env.exec_json("loop forever", &["--max-turns", "2"]);
    assert_eq!(run.code, 1);
    assert_eq!(env.server.requests().len(), 2);
    assert_eq!(run.of_type("task_completed")[0]["status"], "max_turns");
}

/// Usage and configuration errors exit 2 with a message saying what to fix.
#[test]
fn usage_errors_exit_2_with_a_fix() {
    let env = TestEnv::new("chat");
    let run = env.run(&["exec", "--provider", "nope", "hi"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown provider 'nope'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--provider"), "{}", run.stderr);

    let run = env.run(&["exec", "-c", "max_turns", "hi"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("key=value"), "{}", run.stderr);

    let run = env.run(&["exec"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("needs a task"), "{}", run.stderr);

    let run = env.run(&["exec", "--sandbox", "loose", "hi"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
    assert!(env.server.requests().is_empty());
}

/// A missing API key is a configuration error naming the variable.
#[test]
fn missing_api_key_names_the_variable() {
    let env = TestEnv::new("responses");
    let mut cmd = env.command(&["exec", "hi"]);
    cmd.env_remove("QUIRE_TEST_API_KEY");
    let run = support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("QUIRE_TEST_API_KEY"), "{}", run.stderr);
    assert!(env.server.requests().is_empty());
}

/// Big tool output is capped for the model, head and tail kept, and says
/// how much was cut.
#[test]
fn tool_output_is_capped_with_head_and_tail() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("big", "shell", json!({"command": "seq 1 100000"})),
        Reply::text("that was long"),
    ]);
    let run = env.exec_json("count", &["-c", "tool_output_limit=4096"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = &run.of_type("tool_completed")[0];
    let cut = done["truncated_bytes"].as_u64().unwrap();
    assert!(cut > 500_000, "{cut}");
    let output = done["output"].as_str().unwrap();
    assert!(output.len() < 4096 + 200);
    assert!(output.contains("Exit code: 0"), "head kept");
    assert!(output.contains("99999\n100000"), "tail kept");
    assert!(output.contains(&format!("{cut} bytes cut")));
    let body = &env.server.requests()[1].raw_body;
    assert!(body.contains("bytes cut from the middle"));
    assert!(!body.contains("\\n50000\\n"), "the middle is not sent");
}

/// A command's output bigger than the shell keeps in memory is cut twice
/// (the shell's head and tail, then the output cap): `truncated_bytes`
/// counts both, all that did not reach the model.
#[test]
fn truncated_bytes_counts_every_byte_not_shown() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("big", "shell", json!({"command": "seq 1 1000000"})),
        Reply::text("that was long"),
    ]);
    let run = env.exec_json("count", &["-c", "tool_output_limit=4096"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = &run.of_type("tool_completed")[0];
    let cut = done["truncated_bytes"].as_u64().unwrap();
    let output = done["output"].as_str().unwrap();
    let number_before = |marker: &str, after: bool| -> u64 {
        let at = output.find(marker).unwrap_or_else(|| panic!("{output}"));
        let text = if after {
            &output[at + marker.len()..]
        } else {
            output[..at]
                .rsplit(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
        };
        text.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let by_shell = number_before("Output truncated: ", true);
    let by_cap = number_before(" bytes cut from the middle", false);
    assert!(by_shell > 5_000_000, "{output}");
    assert_eq!(cut, by_shell + by_cap, "{output}");
}

mod answer;
mod codex_json;
mod effort;
mod environment;
mod escapes;
mod gentle_stop;
mod images;
mod killed;
mod mentions;
mod notify;
mod odd_inputs;
mod orphans;
mod outcomes;
mod output_schema;
mod patch_diff;
mod patch_paths;
mod patch_seek;
mod reasoning;
mod thinking;
mod view_image;
