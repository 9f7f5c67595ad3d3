//! A reply quire cannot read fails the call at once, saying why, instead
//! of waiting out `tool_timeout_sec` for an answer that never comes: one
//! over the 16 MiB message limit (rmcp drops it), and one that is not
//! JSON-RPC (quoted, bounded, its controls escaped).

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stdio MCP server in Python: `big` answers with a 17 MiB line,
/// `garbled` with a broken reply, `fine` properly.
const SERVER: &str = r#"import json, sys
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
schema = {"type": "object", "properties": {}}
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg["method"]
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "protocolVersion": msg["params"]["protocolVersion"],
            "capabilities": {"tools": {}}, "serverInfo": {"name": "faulty", "version": "1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": [
            {"name": n, "inputSchema": schema} for n in ("big", "garbled", "fine")]}})
    elif method == "tools/call":
        name = msg["params"]["name"]
        if name == "big":
            text = "x" * (17 * 1024 * 1024)
            send({"jsonrpc": "2.0", "id": msg["id"], "result": {"content": [{"type": "text", "text": text}]}})
        elif name == "garbled":
            sys.stdout.write('{"jsonrpc": "2.0", "id": %s, "result": {"content": \x1b[2J oops\n' % json.dumps(msg["id"]))
            sys.stdout.flush()
        else:
            send({"jsonrpc": "2.0", "id": msg["id"], "result": {"content": [{"type": "text", "text": "fine"}]}})
    else:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"#;

#[test]
fn an_oversized_or_broken_reply_fails_the_call_at_once_saying_why() {
    let env = TestEnv::new("chat");
    let script = env.home.path().join("faulty_server.py");
    std::fs::write(&script, SERVER).unwrap();
    let config = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    // Long enough that a call waiting it out would end the run first.
    text.push_str(&format!(
        "\n[mcp_servers.faulty]\ncommand = \"python3\"\nargs = [{:?}]\ntool_timeout_sec = 300\n",
        script.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    env.server.push_all([
        Reply::tool_call("b", "mcp__faulty__big", json!({})),
        Reply::tool_call("g", "mcp__faulty__garbled", json!({})),
        Reply::tool_call("f", "mcp__faulty__fine", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("call them", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let output = |id: &str| {
        done.iter()
            .find(|e| e["call_id"] == id)
            .and_then(|e| e["output"].as_str())
            .unwrap_or_else(|| panic!("no output for {id}: {done:?}"))
            .to_string()
    };
    let big = output("b");
    assert!(
        big.contains("the MCP server 'faulty' sent a message over the limit of 16 MiB"),
        "{big}"
    );
    let garbled = output("g");
    assert!(
        garbled.contains("the MCP server 'faulty' wrote something that is not JSON-RPC"),
        "{garbled}"
    );
    assert!(garbled.contains("oops"), "{garbled}");
    assert!(!garbled.contains('\u{1b}'), "{garbled:?}");
    // The connection still serves.
    assert_eq!(output("f"), "fine");
}

/// A server that answers `initialize` with a line that never ends.
const ENDLESS: &str = r#"import sys, time
sys.stdin.readline()
chunk = "x" * (1024 * 1024)
for _ in range(40):
    sys.stdout.write(chunk)
    sys.stdout.flush()
time.sleep(600)
"#;

#[test]
fn a_line_that_never_ends_fails_the_start_at_once_saying_why() {
    let env = TestEnv::new("chat");
    let script = env.home.path().join("endless_server.py");
    std::fs::write(&script, ENDLESS).unwrap();
    let config = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    // Waiting it out would take longer than the test harness allows.
    text.push_str(&format!(
        "\n[mcp_servers.endless]\ncommand = \"python3\"\nargs = [{:?}]\nstartup_timeout_sec = 900\n",
        script.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    env.server.push(Reply::text("done"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("MCP server 'endless' is not available")
                && w.contains("sent a message over the limit of 16 MiB")),
        "{warnings:?}"
    );
}

/// `notlist` answers with `content` that is not a list, `stray` under an
/// id quire never sent, `fine` properly.
const MALFORMED: &str = r#"import json, sys
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
schema = {"type": "object", "properties": {}}
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg["method"]
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "protocolVersion": msg["params"]["protocolVersion"],
            "capabilities": {"tools": {}}, "serverInfo": {"name": "bad2", "version": "1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": [
            {"name": n, "inputSchema": schema} for n in ("notlist", "stray", "fine")]}})
    elif method == "tools/call":
        name = msg["params"]["name"]
        if name == "notlist":
            send({"jsonrpc": "2.0", "id": msg["id"], "result": {"content": "just text"}})
        elif name == "stray":
            send({"jsonrpc": "2.0", "id": 987654, "result": {"content": [{"type": "text", "text": "lost"}]}})
        else:
            send({"jsonrpc": "2.0", "id": msg["id"], "result": {"content": [{"type": "text", "text": "fine"}]}})
    else:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"#;

#[test]
fn a_malformed_result_or_a_reply_under_a_stray_id_is_explained_at_once() {
    let env = TestEnv::new("chat");
    let script = env.home.path().join("bad2_server.py");
    std::fs::write(&script, MALFORMED).unwrap();
    let config = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    // Long enough that a call waiting it out would end the run first.
    text.push_str(&format!(
        "\n[mcp_servers.bad2]\ncommand = \"python3\"\nargs = [{:?}]\ntool_timeout_sec = 900\n",
        script.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    env.server.push_all([
        Reply::tool_call("n", "mcp__bad2__notlist", json!({})),
        Reply::tool_call("s", "mcp__bad2__stray", json!({})),
        Reply::tool_call("f", "mcp__bad2__fine", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("call them", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let output = |id: &str| {
        done.iter()
            .find(|e| e["call_id"] == id)
            .and_then(|e| e["output"].as_str())
            .unwrap_or_else(|| panic!("no output for {id}: {done:?}"))
            .to_string()
    };
    let notlist = output("n");
    assert!(
        notlist.contains(
            "the MCP server 'bad2' answered tools/call with something that is not a tool result ("
        ) && notlist.contains("a result needs `content`, a list"),
        "{notlist}"
    );
    let stray = output("s");
    assert!(
        stray.contains(
            "the MCP server 'bad2' answered under the id 987654, which no request of quire's had"
        ),
        "{stray}"
    );
    assert_eq!(output("f"), "fine");
}
