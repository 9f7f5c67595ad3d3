//! A compaction inside a turn keeps the turn's work: a tool output bigger
//! than the window is cut, not dropped, so the model sees it and does not
//! run the tool again; and the newest message comes after the summary.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

const SUMMARY: &str = "SUMMARY-OF-EARLIER-TURNS";

/// A small window, earlier turns to summarise, then a command whose output
/// alone passes the threshold: one compaction, the output (cut) reaches
/// the model, the tool runs once; the request after the compaction has
/// the summary first and the newest message last of the user text.
#[test]
fn a_big_tool_output_is_kept_through_compaction() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("answer one"));
    let first = env.exec_json("turn one MSG", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // The window of the report: the fixed part of the request takes
    // about a third of it; the command's output alone passes it.
    let window = 10000;
    let fixed = env.server.requests()[0].raw_body.len() / 4;
    assert!(fixed < window / 2, "fixed part {fixed}");
    let setting = format!("model_context_window={window}");
    let long = "lorem ipsum dolor sit amet ".repeat(window / 27 / 3);
    for n in ["two", "three"] {
        env.server.push(Reply::text(format!("answer {n}: {long}")));
        let run = env.exec_json(&format!("turn {n} MSG"), &["--resume", "last"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "seq 1 20000"})),
        Reply::text(SUMMARY),
        Reply::text("the numbers went up to 20000"),
    ]);
    let run = env.exec_json(
        "count with seq NEWEST-MSG",
        &["-c", &setting, "--resume", "last"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.of_type("compaction").len(),
        1,
        "{:?} {:?}",
        run.types(),
        run.of_type("warning")
    );
    assert_eq!(run.of_type("tool_started").len(), 1, "the tool ran once");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 6, "no other request");
    let last = &reqs[5].body;
    let messages = last["messages"].as_array().expect("messages");
    // The tool call and its (cut) output reach the model.
    let tool = messages
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("the tool result is sent after the compaction");
    let output = tool["content"].as_str().unwrap_or_default();
    assert!(output.contains("cut at compaction"), "{output}");
    assert!(output.contains("\n1\n2\n3\n"), "{output}");
    assert!(
        reqs[5].raw_body.len() / 4 < window,
        "the request fits the window"
    );
    // One user message: the summary first, the newest message last.
    let users: Vec<&str> = messages
        .iter()
        .filter(|m| m["role"] == "user")
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(users.len(), 1, "{users:?}");
    let text = users[0];
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} in {text}"));
    assert!(at(SUMMARY) < at("turn three MSG"), "{text}");
    assert!(at("turn three MSG") < at("NEWEST-MSG"), "{text}");
    assert!(text.trim_end().ends_with("NEWEST-MSG"), "{text}");
}
