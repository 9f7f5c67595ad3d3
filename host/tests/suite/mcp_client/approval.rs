//! `--approval untrusted` asks before every MCP tool the server does not
//! mark `readOnlyHint` (in `quire exec`, where no one answers, it is
//! refused as a shell command is); read-only tools run, and the other
//! policies run every tool.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stdio MCP server in Python: `touch` creates the file it is given,
/// `look` (readOnlyHint) says whether it exists.
const SERVER: &str = r#"import json, os, sys
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
schema = {"type": "object", "properties": {"path": {"type": "string"}}}
tools = [
    {"name": "touch", "inputSchema": schema, "annotations": {"destructiveHint": False}},
    {"name": "look", "inputSchema": schema, "annotations": {"readOnlyHint": True}},
]
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg["method"]
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "protocolVersion": msg["params"]["protocolVersion"],
            "capabilities": {"tools": {}}, "serverInfo": {"name": "files", "version": "1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": tools}})
    elif method == "tools/call":
        p = msg["params"]["arguments"]["path"]
        if msg["params"]["name"] == "touch":
            open(p, "w").close()
            text = "created"
        else:
            text = "exists" if os.path.exists(p) else "missing"
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"content": [{"type": "text", "text": text}]}})
    else:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"#;

fn env_with_server() -> TestEnv {
    let env = TestEnv::new("chat");
    let script = env.home.path().join("files_server.py");
    std::fs::write(&script, SERVER).unwrap();
    let config = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[mcp_servers.files]\ncommand = \"python3\"\nargs = [{:?}]\n",
        script.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    env
}

fn outputs(run: &super::support::quire::Run) -> Vec<(String, String)> {
    run.of_type("tool_completed")
        .iter()
        .map(|e| {
            (
                e["status"].as_str().unwrap_or_default().to_string(),
                e["output"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn untrusted_refuses_an_mcp_tool_not_marked_read_only_in_exec() {
    let env = env_with_server();
    let target = env.repo.path().join("new.txt");
    let path = target.display().to_string();
    env.server.push_all([
        Reply::tool_call("t", "mcp__files__touch", json!({"path": path})),
        Reply::tool_call("l", "mcp__files__look", json!({"path": path})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("make it", &["--approval", "untrusted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = outputs(&run);
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[0].0, "denied", "{out:?}");
    assert!(
        out[0]
            .1
            .contains("the MCP tool `mcp__files__touch` was not run")
            && out[0].1.contains("it needs the user's approval"),
        "{out:?}"
    );
    assert!(!target.exists(), "the tool ran");
    assert_eq!(out[1].1, "missing", "the read-only tool runs: {out:?}");

    // on-request (the default) does not ask.
    env.server.push_all([
        Reply::tool_call("t", "mcp__files__touch", json!({"path": path})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("make it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(outputs(&run)[0].1, "created");
    assert!(target.exists());
}
