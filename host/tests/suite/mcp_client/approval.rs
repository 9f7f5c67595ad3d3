//! `--approval untrusted` asks before every MCP tool the server does not
//! mark `readOnlyHint` (in `quire exec`, where no one answers, it is
//! refused as a shell command is); read-only tools run, and the other
//! policies run every tool.

use serde_json::json;

use super::py_server;
use super::runs::outputs;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stdio MCP server in Python: `touch` creates the file it is given,
/// `look` (readOnlyHint) says whether it exists.
const TOOLS: &str = r#"schema = {"type": "object", "properties": {"path": {"type": "string"}}}
tools = [
    {"name": "touch", "inputSchema": schema, "annotations": {"destructiveHint": False}},
    {"name": "look", "inputSchema": schema, "annotations": {"readOnlyHint": True}},
]"#;

const CALL: &str = r#"p = args["path"]
if name == "touch":
    open(p, "w").close()
    return text("created")
return text("exists" if os.path.exists(p) else "missing")"#;

fn env_with_server() -> TestEnv {
    let env = TestEnv::new("chat");
    py_server::add(&env, "files", TOOLS, CALL, "");
    env
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
