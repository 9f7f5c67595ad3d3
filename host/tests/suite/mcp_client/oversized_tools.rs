//! What a server lists is not sent as is: a tool's long description and
//! long parameter descriptions are cut (2,000 and 1,000 characters), a
//! tool whose schema is still over 32 KiB or that has no name is left out,
//! and each is named in a warning.

use serde_json::json;

use super::py_server;
use super::runs::{exec_ok, mcp_tools, warnings};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stdio MCP server in Python listing `big` (a 2 MB description and a
/// 1 MB parameter description), `wide` (5,000 parameters), a tool with an
/// empty name, and `fine`.
const TOOLS: &str = r#"tools = [
    {"name": "big", "description": "D" * 2000000, "inputSchema": {"type": "object",
        "properties": {"q": {"type": "string", "description": "P" * 1000000}}}},
    {"name": "wide", "inputSchema": {"type": "object",
        "properties": {("p%d" % i): {"type": "string"} for i in range(5000)}}},
    {"name": "", "inputSchema": {"type": "object"}},
    {"name": "fine", "description": "fine", "inputSchema": {"type": "object"}},
]"#;

#[test]
fn long_descriptions_are_cut_and_unusable_tools_left_out_with_warnings() {
    let env = TestEnv::new("chat");
    py_server::append_config(&env, "\n[tool_selection]\nenabled = false\n");
    py_server::add(&env, "odd", TOOLS, py_server::CALLED, "");
    let run = exec_ok(
        &env,
        "use the tools",
        [
            Reply::tool_call("e", "mcp__odd__", json!({})),
            Reply::text("done"),
        ],
    );
    let requests = env.server.requests();
    let first = &requests[0];
    assert!(
        first.raw_body.len() < 60_000,
        "the request carries {} bytes",
        first.raw_body.len()
    );
    let names = mcp_tools(&first.body);
    assert_eq!(names, ["mcp__odd__big", "mcp__odd__fine"], "{names:?}");
    assert!(first.raw_body.contains("[cut at 2000 characters]"));
    assert!(first.raw_body.contains("[cut at 1000 characters]"));
    let all = warnings(&run).join("\n");
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
