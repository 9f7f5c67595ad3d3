//! Tool hooks fire for MCP tools too (the registry is the one dispatch
//! point): a PostToolUse hook sees the call and adds context.

use serde_json::{Value, json};

use super::exec::server_toml;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn a_post_tool_use_hook_fires_for_an_mcp_tool() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("post.json");
    let hook = dir.path().join("post.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/bash\ncat > {seen:?}\necho '{{\"hookSpecificOutput\": {{\"hookEventName\": \"PostToolUse\", \"additionalContext\": \"audited by the mcp hook\"}}}}'\n"
        ),
    )
    .unwrap();
    let table = format!(
        "{}\n[[hooks.PostToolUse]]\nmatcher = \"mcp__.*\"\ncommand = {:?}\n",
        server_toml("s", &[], "required = true"),
        format!("bash {}", hook.display())
    );
    let env = TestEnv::with_config("responses", &table);
    env.server.push_all([
        Reply::tool_call("c1", "mcp__s__echo", json!({"text": "over mcp"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(input["hook_event_name"], "PostToolUse");
    assert_eq!(input["tool_name"], "mcp__s__echo");
    assert_eq!(input["tool_source"], "mcp");
    assert_eq!(input["tool_input"]["text"], "over mcp");
    assert!(
        input["tool_response"]["output"]
            .as_str()
            .unwrap()
            .contains("over mcp"),
        "{input}"
    );
    let reqs = env.server.requests();
    assert!(reqs[1].raw_body.contains("audited by the mcp hook"));
}

/// A PostToolUse hook's `updatedMCPToolOutput` (Claude Code's redaction of
/// an MCP tool's result) is what the model gets; for a tool that is not
/// an MCP tool it is ignored with a warning.
#[test]
fn a_post_tool_use_hook_replaces_an_mcp_tools_output() {
    let dir = tempfile::tempdir().unwrap();
    let hook = dir.path().join("redact.sh");
    std::fs::write(
        &hook,
        "#!/bin/bash\ncat >/dev/null\necho '{\"hookSpecificOutput\": {\"hookEventName\": \"PostToolUse\", \"updatedMCPToolOutput\": [{\"type\": \"text\", \"text\": \"REDACTED-BY-HOOK\"}]}}'\n",
    )
    .unwrap();
    let table = format!(
        "{}\n[[hooks.PostToolUse]]\nmatcher = \"mcp__.*|shell\"\ncommand = {:?}\n",
        server_toml("s", &[], "required = true"),
        format!("bash {}", hook.display())
    );
    let env = TestEnv::with_config("responses", &table);
    env.server.push_all([
        Reply::tool_call("c1", "mcp__s__echo", json!({"text": "SECRET-TOKEN-123"})),
        Reply::tool_call("c2", "shell", json!({"command": "echo PLAIN-SHELL-OUT"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["output"], "REDACTED-BY-HOOK", "{:?}", done[0]);
    let reqs = env.server.requests();
    // The model's own call names the text; the server's answer does not
    // reach it.
    assert!(
        reqs.iter()
            .all(|r| !r.raw_body.contains("echo: SECRET-TOKEN-123")),
        "the secret reached the model"
    );
    assert!(reqs[1].raw_body.contains("REDACTED-BY-HOOK"));
    // Not an MCP tool: the result stays, and the user is told why.
    assert!(
        done[1]["output"]
            .as_str()
            .unwrap_or("")
            .contains("PLAIN-SHELL-OUT"),
        "{:?}",
        done[1]
    );
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"].as_str().is_some_and(|m| {
            m.contains("updatedMCPToolOutput for `shell`") && m.contains("MCP tools only")
        })
    });
    assert!(warned, "{:?}", run.events);
}
