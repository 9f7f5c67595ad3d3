//! A hand-off reply that is no summary (empty, or a tool call) never
//! replaces the history with nothing.

use crate::support;

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{Run, TestEnv, WIRES};

fn first_turn() -> Reply {
    Reply::steps(vec![
        Step::tool_call("c1", "shell", json!({"command": "echo STEP-ONE-DONE"})),
        Step::Usage {
            input: 19000,
            output: 10,
        },
    ])
}

/// Empty, then a tool call: quire's own record of the history stands in
/// for the summary, with a warning; the work done survives.
#[test]
fn no_summary_twice_keeps_the_work_in_quires_record() {
    for wire in WIRES {
        let env = TestEnv::with_config(wire, "model_context_window = 20000");
        env.server.push_all([
            first_turn(),
            Reply::steps(vec![]),
            Reply::tool_call("c2", "shell", json!({"command": "echo again"})),
            Reply::text("final answer"),
        ]);
        let run = env.exec_json("run step one", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 4, "{wire}");
        assert!(reqs[1].raw_body.contains("hand-off summary"), "{wire}");
        assert!(
            reqs[2].raw_body.contains("contained no summary"),
            "{wire}: asked again"
        );
        assert!(
            reqs[3].raw_body.contains("STEP-ONE-DONE"),
            "{wire}: the tool result survives compaction: {}",
            reqs[3].raw_body
        );
        let warnings = run.of_type("warning");
        assert!(
            warnings
                .iter()
                .any(|w| w["message"].as_str().unwrap().contains("hand-off summary")),
            "{wire}: {warnings:?}"
        );
        let records = env.session_records();
        let compacted = records
            .iter()
            .find(|r| r["record"] == "compacted")
            .expect("compacted record");
        let text = compacted.to_string();
        assert!(text.contains("STEP-ONE-DONE"), "{wire}: {text}");
        assert_eq!(run.of_type("tool_started").len(), 1, "{wire}: no rerun");
    }
}

/// An empty reply, then a summary when asked again: the summary is used.
#[test]
fn an_empty_hand_off_is_asked_for_again() {
    let (env, run) = empty_hand_off_then_summary();
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);
    assert!(reqs[3].raw_body.contains("SUMMARY: step one ran"));
    assert!(
        run.of_type("warning").is_empty(),
        "{:?}",
        run.of_type("warning")
    );
}

#[test]
fn the_hand_off_requests_count_in_the_total_usage() {
    let (env, run) = empty_hand_off_then_summary();
    assert_eq!(env.server.requests().len(), 4);
    // The first turn's 950 / 10, then three responses of 100 / 20: the
    // two hand-off ones count too.
    let turns = run.of_type("turn_completed");
    let total = &turns.last().expect("a turn completed")["total_usage"];
    assert_eq!(total["input_tokens"], 19300, "{total}");
    assert_eq!(total["output_tokens"], 70, "{total}");
    // The task's usage is the same figure: its compaction was part of it.
    let task = &run.of_type("task_completed")[0]["usage"];
    assert_eq!(task["input_tokens"], 19300, "{task}");
    assert_eq!(task["output_tokens"], 70, "{task}");
}

/// Without --json the closing `tokens:` line counts the compaction too.
#[test]
fn the_tokens_line_counts_the_compaction() {
    let env = TestEnv::with_config("chat", "model_context_window = 20000");
    env.server.push_all([
        first_turn(),
        Reply::text("SUMMARY: step one ran"),
        Reply::text("final answer"),
    ]);
    let run = env.run(&["exec", "run step one"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 3);
    // 19000 / 10, then two responses of 100 / 20.
    assert!(
        run.stderr.contains("tokens: 19200 in") && run.stderr.contains("· 50 out"),
        "{}",
        run.stderr
    );
}

/// A turn that fills the window, an empty hand-off, then a summary when
/// asked again and the final answer.
fn empty_hand_off_then_summary() -> (TestEnv, Run) {
    let env = TestEnv::with_config("chat", "model_context_window = 20000");
    env.server.push_all([
        first_turn(),
        Reply::text("   "),
        Reply::text("SUMMARY: step one ran"),
        Reply::text("final answer"),
    ]);
    let run = env.exec_json("run step one", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, run)
}

/// quire's record, standing in for a summary the model did not write, is
/// held to what a summary may take (an eighth of the window: 10,000
/// bytes of a 20,000-token window), not the window itself.
#[test]
fn quires_record_is_held_to_the_summary_allowance() {
    let env = TestEnv::with_config("chat", "model_context_window = 20000");
    // Eight long tool results (each clipped to 2,000 characters in the
    // record): over 16,000 bytes of record before the allowance.
    let mut replies: Vec<Reply> = (0..8)
        .map(|i| {
            Reply::tool_call(
                format!("c{i}"),
                "shell",
                json!({"command": format!("echo RESULT{i}; yes output-line-{i} | head -n 200")}),
            )
        })
        .collect();
    replies.push(Reply::steps(vec![
        Step::tool_call("c8", "shell", json!({"command": "echo LAST-STEP"})),
        Step::Usage {
            input: 19000,
            output: 10,
        },
    ]));
    replies.extend([
        Reply::steps(vec![]),
        Reply::steps(vec![]),
        Reply::text("final answer"),
    ]);
    env.server.push_all(replies);
    let run = env.exec_json("run the steps", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = env.session_records();
    let compacted = records
        .iter()
        .find(|r| r["record"] == "compacted")
        .expect("compacted record");
    let summary = compacted["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["text"].as_str())
        .find(|t| t.contains("quire's record of the conversation"))
        .unwrap_or_else(|| panic!("no record: {compacted}"));
    assert!(summary.len() <= 10_000, "{} bytes", summary.len());
    assert!(summary.contains("LAST-STEP"), "the newest kept: {summary}");
    assert!(summary.contains("older entries omitted"), "{summary}");
}
