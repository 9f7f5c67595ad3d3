//! The MCP part of the status line and `/mcp` follow the servers' real
//! state, not every warning that names a server.

use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// A stdio MCP server whose one tool has a 5,000-character description
/// (quire cuts it at 2,000 and warns; the server is fine).
const SERVER: &str = r#"import json, sys
for line in sys.stdin:
    m = json.loads(line); i = m.get("id")
    if i is None: continue
    if m.get("method") == "initialize":
        r = {"protocolVersion": m["params"]["protocolVersion"], "capabilities": {"tools": {}}, "serverInfo": {"name": "big", "version": "1"}}
    elif m.get("method") == "tools/list":
        r = {"tools": [{"name": "big", "description": "A" * 5000, "inputSchema": {"type": "object"}}]}
    else:
        r = {}
    print(json.dumps({"jsonrpc": "2.0", "id": i, "result": r}), flush=True)
"#;

/// Tester's finding: a warning about a server that runs (a description
/// cut at 2,000 characters) showed it as `restarting` in the status line
/// and `/mcp`, for the whole session.
#[test]
fn a_warning_about_a_running_server_does_not_show_it_restarting() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("big.py");
    std::fs::write(&script, SERVER).unwrap();
    let env = TestEnv::with_config(
        "responses",
        &format!(
            "[mcp_servers.big]\ncommand = \"python3\"\nargs = [{:?}]\n",
            script.display().to_string()
        ),
    );
    let mut pty = Pty::spawn(env.command(&[]), 40, 160);
    pty.wait_text("/help for keys");
    pty.wait_text("the description of tool 'big'");
    pty.send("/mcp\r");
    let screen = pty.wait_text("MCP servers: no problems reported");
    assert!(!screen.contains("restarting"), "{screen}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
