//! What a server lists is not sent as is: a tool's long description and
//! long parameter descriptions are cut (2,000 and 1,000 characters), a
//! tool whose schema is still over 32 KiB or that has no name is left out,
//! and each is named in a warning.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stdio MCP server in Python listing `big` (a 2 MB description and a
/// 1 MB parameter description), `wide` (5,000 parameters), a tool with an
/// empty name, and `fine`.
const SERVER: &str = r#"import json, sys
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
tools = [
    {"name": "big", "description": "D" * 2000000, "inputSchema": {"type": "object",
        "properties": {"q": {"type": "string", "description": "P" * 1000000}}}},
    {"name": "wide", "inputSchema": {"type": "object",
        "properties": {("p%d" % i): {"type": "string"} for i in range(5000)}}},
    {"name": "", "inputSchema": {"type": "object"}},
    {"name": "fine", "description": "fine", "inputSchema": {"type": "object"}},
]
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg["method"]
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "protocolVersion": msg["params"]["protocolVersion"],
            "capabilities": {"tools": {}}, "serverInfo": {"name": "odd", "version": "1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": tools}})
    elif method == "tools/call":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"content": [{"type": "text", "text": "called " + msg["params"]["name"]}]}})
    else:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"#;

#[test]
fn long_descriptions_are_cut_and_unusable_tools_left_out_with_warnings() {
    let env = TestEnv::new("chat");
    let script = env.home.path().join("odd_server.py");
    std::fs::write(&script, SERVER).unwrap();
    let config = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[tool_selection]\nenabled = false\n\n[mcp_servers.odd]\ncommand = \"python3\"\nargs = [{:?}]\n",
        script.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    env.server.push_all([
        Reply::tool_call("e", "mcp__odd__", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the tools", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    let first = &requests[0];
    assert!(
        first.raw_body.len() < 60_000,
        "the request carries {} bytes",
        first.raw_body.len()
    );
    let names: Vec<&str> = first.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .filter(|n| n.starts_with("mcp__"))
        .collect();
    assert_eq!(names, ["mcp__odd__big", "mcp__odd__fine"], "{names:?}");
    assert!(first.raw_body.contains("[cut at 2000 characters]"));
    assert!(first.raw_body.contains("[cut at 1000 characters]"));
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect();
    let all = warnings.join("\n");
    for want in [
        "MCP server 'odd': the description of tool 'big' is 2000000 characters; only the first 2000 are sent",
        "MCP server 'odd': tool 'big' has 1 parameter description(s) over 1000 characters",
        "MCP server 'odd': tool 'wide' is left out: its input schema is",
        "MCP server 'odd': a tool with the name \"\" is left out",
    ] {
        assert!(all.contains(want), "{want}\n{all}");
    }
    // The model calling the nameless tool reaches nothing.
    let done = run.of_type("tool_completed");
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(!out.contains("called"), "{out}");
    // `quire mcp list` names the tools left out.
    let list = env.run(&["mcp", "list", "--json"]);
    assert!(
        list.stdout.contains("'wide' is left out"),
        "{}",
        list.stdout
    );
}
