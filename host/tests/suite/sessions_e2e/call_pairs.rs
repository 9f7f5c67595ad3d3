//! A session file edited by hand (or written by another program) whose
//! tool calls and results no provider accepts — one call id used twice,
//! two results for one call, an empty call id — is repaired on resume
//! with a warning for each, as a result without its call is.
use super::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

/// The ids of the `tool_use` blocks and of the `tool_result` blocks of
/// an Anthropic request's messages, in order.
fn ids(body: &Value) -> (Vec<String>, Vec<String>) {
    let (mut uses, mut results) = (Vec::new(), Vec::new());
    let blocks = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["content"].as_array())
        .flatten();
    for b in blocks {
        match b["type"].as_str() {
            Some("tool_use") => uses.push(b["id"].as_str().unwrap_or("?").to_string()),
            Some("tool_result") => {
                results.push(b["tool_use_id"].as_str().unwrap_or("?").to_string())
            }
            _ => {}
        }
    }
    (uses, results)
}

#[test]
fn repeated_and_empty_call_ids_and_a_second_result_are_repaired_on_resume() {
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::tool_call(
        "d1",
        "shell",
        json!({"command": "echo FIRST-RUN"}),
    ));
    env.server.push(Reply::text("done"));
    let first = env.exec_json("run it, word PELICAN", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let file = env.session_files().pop().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let line_of = |kind: &str| {
        text.lines()
            .find(|l| l.contains(&format!("\"type\":\"{kind}\"")) && l.contains("\"d1\""))
            .unwrap_or_else(|| panic!("no {kind} line in {text}"))
            .to_string()
    };
    let (call, result) = (line_of("tool_call"), line_of("tool_result"));
    let empty = |l: &str| l.replace("\"d1\"", "\"\"");
    // After the first pair: the same call id again with its result and a
    // second result, then a call and result without an id.
    let extra = [
        call.clone(),
        result.clone(),
        result.clone(),
        empty(&call),
        empty(&result),
    ]
    .join("\n");
    let edited = text.replacen(&result, &format!("{result}\n{extra}"), 1);
    std::fs::write(&file, edited).unwrap();

    env.server.push(Reply::text("resumed fine"));
    let run = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    for said in [
        "tool call id d1 is used more than once; the later call is sent as d1_2",
        "left out a second result of tool call d1",
        "a tool call without an id is sent as call_1",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(said)),
            "{said}: {warnings:?}"
        );
    }
    let body = env.server.requests().last().unwrap().body.clone();
    let (uses, results) = ids(&body);
    assert_eq!(uses, ["d1", "d1_2", "call_1"], "{body}");
    assert_eq!(results, uses, "{body}");
    assert!(body.to_string().contains("PELICAN"), "{body}");
}
