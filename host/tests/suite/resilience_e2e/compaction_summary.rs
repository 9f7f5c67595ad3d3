//! A hand-off summary longer than its allowance (an eighth of the window)
//! is cut, not pasted whole into every later request: the request after
//! the compaction stays smaller than the hand-off it replaced and fits
//! the window, the hand-off is asked for with a bounded output limit, and
//! a warning names the summary.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

#[test]
fn a_huge_hand_off_summary_is_cut_to_its_allowance() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("answer one"));
    let first = env.exec_json("turn one MSG", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let window = 10000;
    let setting = format!("model_context_window={window}");
    let long = "lorem ipsum dolor sit amet ".repeat(window / 27 / 3);
    for n in ["two", "three"] {
        env.server.push(Reply::text(format!("answer {n}: {long}")));
        let run = env.exec_json(&format!("turn {n} MSG"), &["--resume", "last"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // The model answers the hand-off with 200,000 characters.
    let huge = "HUGE-SUMMARY-LINE the goal and every detail again\n".repeat(4000);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "seq 1 20000"})),
        Reply::text(huge),
        Reply::text("the numbers went up to 20000"),
    ]);
    let run = env.exec_json(
        "count with seq NEWEST-MSG",
        &[
            "-c",
            &setting,
            "-c",
            "max_output_tokens=100000",
            "--resume",
            "last",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = run.of_type("warning");
    assert_eq!(run.of_type("compaction").len(), 1, "{warnings:?}");
    let said = warnings.iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("hand-off summary was about"))
    });
    assert!(said, "no warning names the summary: {warnings:?}");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 6, "no other request");
    // The hand-off asks for at most an eighth of the window; the other
    // requests keep the configured limit.
    assert_eq!(reqs[4].body["max_tokens"], window / 8, "{}", reqs[4].body);
    assert_eq!(reqs[5].body["max_tokens"], 100000);
    let after = &reqs[5].raw_body;
    assert!(
        after.contains("the hand-off summary was cut here"),
        "{}",
        &after[..after.len().min(3000)]
    );
    assert!(after.contains("HUGE-SUMMARY-LINE"), "the head is kept");
    assert!(
        after.len() < reqs[4].raw_body.len(),
        "the request after the compaction ({}) is larger than the hand-off ({})",
        after.len(),
        reqs[4].raw_body.len()
    );
    assert!(after.len() / 4 < window, "{} bytes", after.len());
    let last = reqs[5].body["messages"].as_array().expect("messages");
    let text = last
        .iter()
        .filter(|m| m["role"] == "user")
        .filter_map(|m| m["content"].as_str())
        .collect::<String>();
    assert!(text.trim_end().ends_with("NEWEST-MSG"), "{text}");
}
