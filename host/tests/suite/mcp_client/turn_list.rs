//! The tool list within a turn: without tool selection, a tool an MCP
//! server adds mid-turn (`tools/list_changed`) joins the list at the next
//! message, not in the middle of the turn; with selection, a server that
//! fails and brings the session under the threshold does not switch
//! selection off (`tool_search` and `call_tool` stay), in that turn or
//! the next.

use serde_json::json;

use super::exec::{server_toml, tool_names};
use super::peers::test_server;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn lists(env: &TestEnv) -> Vec<Vec<String>> {
    env.server
        .model_requests()
        .into_iter()
        .map(|r| tool_names(&r.body))
        .collect()
}

#[test]
fn without_selection_a_tool_added_mid_turn_joins_at_the_next_message() {
    let env = TestEnv::with_config("chat", &server_toml("s", &[], ""));
    env.server.push_all([
        Reply::tool_call("c1", "mcp__s__add_tool", json!({"text": "fresh"})),
        // Time for the server's `tools/list_changed` to arrive.
        Reply::tool_call("c2", "shell", json!({"command": "sleep 1"})),
        Reply::text("added"),
        Reply::text("second"),
    ]);
    let r = env.run_with_input(&[], "add a tool\nand now?\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lists = lists(&env);
    assert_eq!(lists.len(), 4, "{lists:?}");
    assert!(!lists[0].iter().any(|t| t == "tool_search"), "no selection");
    for (i, l) in lists[..3].iter().enumerate() {
        assert_eq!(*l, lists[0], "request {i} of the first turn");
    }
    assert_eq!(
        lists[3].last().map(String::as_str),
        Some("mcp__s__fresh"),
        "{:?}",
        lists[3]
    );
    assert_eq!(lists[3][..lists[0].len()], lists[0][..], "appended");
}

#[test]
fn a_failing_server_does_not_switch_selection_off() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    // The same configuration (so the cached tool list holds) whose server
    // fails once `broken` exists.
    let script = format!(
        "if [ -e '{}' ]; then sleep 1; echo 'the token expired' >&2; exit 3; fi; exec '{}' --tools 40",
        broken.display(),
        test_server().display()
    );
    let config = format!("\n[mcp_servers.big]\ncommand = \"sh\"\nargs = [\"-c\", {script:?}]\n");
    let env = TestEnv::with_config("chat", &config);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    std::fs::write(&broken, "").unwrap();
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "sleep 3"})),
        Reply::tool_call("c2", "shell", json!({"command": "true"})),
        Reply::text("done"),
        Reply::text("and again"),
    ]);
    let run = env.exec_json("run a few commands", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.exec_json("more", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let lists = lists(&env);
    assert_eq!(lists.len(), 5, "{lists:?}");
    let second = &lists[1];
    assert!(
        second.iter().any(|t| t == "tool_search") && second.iter().any(|t| t == "call_tool"),
        "selecting with the cached list: {second:?}"
    );
    for (i, l) in lists[2..].iter().enumerate() {
        assert_eq!(l, second, "request {} keeps the list", i + 2);
    }
}
