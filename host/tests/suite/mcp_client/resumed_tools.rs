//! A resumed session sends the tool list its file recorded: `quire exec`
//! then `quire exec --resume` over an MCP server with 200 tools carry the
//! same `tools`, in the same order, on every wire API, and the
//! tool-search note is in the history once. A recorded tool whose server
//! is gone is dropped from the list, and named.

use serde_json::Value;

use super::exec::{server_toml, tool_names};
use super::support::model_server::Reply;
use super::support::quire::{TestEnv, WIRES};

const NOTE: &str = "# Tool search";

fn session_id(run: &super::support::quire::Run) -> String {
    run.of_type("session_started")[0]["session_id"]
        .as_str()
        .expect("session id")
        .to_string()
}

fn notes_in(body: &Value) -> usize {
    body.to_string().matches(NOTE).count()
}

#[test]
fn exec_resume_sends_the_recorded_tool_list_and_the_note_once() {
    for wire in WIRES {
        let env = TestEnv::with_config(wire, &server_toml("big", &["--tools", "200"], ""));
        env.server
            .push_all([Reply::text("first"), Reply::text("second")]);
        let first = env.exec_json("echo the text hello back to me", &["--approval", "never"]);
        assert_eq!(first.code, 0, "{wire}: {}", first.stderr);
        let id = session_id(&first);
        let second = env.exec_json(
            "call extra tool number 17 and add two numbers",
            &["--approval", "never", "--resume", &id],
        );
        assert_eq!(second.code, 0, "{wire}: {}", second.stderr);
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 2, "{wire}");
        let (a, b) = (tool_names(&reqs[0].body), tool_names(&reqs[1].body));
        assert!(a.len() < 200, "{wire}: selection is on: {}", a.len());
        assert_eq!(a, b, "{wire}: the resumed run sends the same tools");
        assert_eq!(reqs[0].body["tools"], reqs[1].body["tools"], "{wire}");
        assert_eq!(notes_in(&reqs[0].body), 1, "{wire}");
        assert_eq!(
            notes_in(&reqs[1].body),
            1,
            "{wire}: the note is not added again: {}",
            reqs[1].body
        );
        let recorded: Vec<Value> = env
            .session_records()
            .into_iter()
            .filter(|r| r["record"] == "tools")
            .collect();
        assert_eq!(recorded.len(), 1, "{wire}: written once, unchanged since");
    }
}

#[test]
fn a_recorded_tool_whose_server_is_gone_is_dropped_and_named() {
    let table = server_toml("big", &["--tools", "200"], "");
    let env = TestEnv::with_config("responses", &table);
    env.server
        .push_all([Reply::text("first"), Reply::text("second")]);
    let first = env.exec_json("echo the text hello back to me", &["--approval", "never"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = session_id(&first);
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace(&table, "")).unwrap();
    let second = env.exec_json(
        "echo it once more",
        &["--approval", "never", "--resume", &id],
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    let reqs = env.server.requests();
    let (a, b) = (tool_names(&reqs[0].body), tool_names(&reqs[1].body));
    assert!(a.iter().any(|t| t == "mcp__big__echo"), "{a:?}");
    assert!(!b.iter().any(|t| t.starts_with("mcp__")), "{b:?}");
    let kept: Vec<&String> = a.iter().filter(|t| b.contains(t)).collect();
    assert_eq!(
        b[..kept.len()].iter().collect::<Vec<_>>(),
        kept,
        "the rest keeps its order"
    );
    let warnings: Vec<String> = second
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("no longer exist") && w.contains("mcp__big__echo")),
        "{warnings:?}"
    );
}
