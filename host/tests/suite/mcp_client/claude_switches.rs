//! Claude Code's `disabledMcpjsonServers` in a settings file: the named
//! server of the project's `.mcp.json` is not started, trusted or not.

use serde_json::json;

use super::peers::{marker, processes_with, test_server};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn a_server_of_disabled_mcpjson_servers_is_not_started() {
    let env = TestEnv::new("responses");
    let m = marker();
    let (k, v) = m.split_once('=').unwrap();
    env.write(
        ".mcp.json",
        &json!({"mcpServers": {"proj": {
            "command": test_server().display().to_string(),
            "env": {k: v}
        }}})
        .to_string(),
    );
    env.write(
        ".claude/settings.local.json",
        &json!({"disabledMcpjsonServers": ["proj"]}).to_string(),
    );
    let run = env.run(&["trust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.server.push_all([
        Reply::tool_call("c", "mcp__proj__echo", json!({"text": "x"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("echo", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"].as_str().is_some_and(|m| {
            m.contains("'proj' of .mcp.json is not started: disabledMcpjsonServers")
        })
    });
    assert!(warned, "{:?}", run.events);
    let done = run.of_type("tool_completed");
    assert_ne!(done[0]["output"], "echo: x", "{done:?}");
    assert!(processes_with(&m).is_empty());
}
