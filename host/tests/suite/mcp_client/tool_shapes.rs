//! A server's tools the provider would refuse or the user cannot reach:
//! a tool whose input schema is not an object schema is left out, named
//! (as a plugin's is), and `enabled_tools` / `disabled_tools` entries that
//! match none of its tools are named with what to write instead.

use super::py_server;
use super::runs::{exec_ok, mcp_tools, warnings};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

const TOOLS: &str = r#"tools = [
    {"name": "arr", "description": "array schema", "inputSchema": {"type": "array", "items": {"type": "string"}}},
    {"name": "str", "description": "string schema", "inputSchema": {"type": "string"}},
    {"name": "echo", "description": "fine", "inputSchema": {"type": "object"}},
]"#;

#[test]
fn a_tool_whose_schema_is_not_an_object_schema_is_left_out_named() {
    {
        let wire = "chat";
        let env = TestEnv::new(wire);
        py_server::append_config(&env, "\n[tool_selection]\nenabled = false\n");
        py_server::add(&env, "sch", TOOLS, py_server::CALLED, "");
        let run = exec_ok(&env, "hi", [Reply::text("done")]);
        let requests = env.server.requests();
        let names = mcp_tools(&requests[0].body);
        assert_eq!(names, ["mcp__sch__echo"], "{wire}: {names:?}");
        let all = warnings(&run).join("\n");
        for tool in ["arr", "str"] {
            let want = format!("MCP server 'sch': tool '{tool}' is left out");
            assert!(all.contains(&want), "{want}\n{all}");
        }
        assert!(all.contains("not an object schema"), "{all}");
        let list = env.run(&["mcp", "list"]);
        assert!(
            list.stdout
                .contains("skipped: MCP server 'sch': tool 'str' is left out"),
            "{}",
            list.stdout
        );
    }
}

#[test]
fn filter_entries_naming_no_tool_are_named_with_the_right_name() {
    let env = TestEnv::new("chat");
    py_server::add(
        &env,
        "h",
        TOOLS,
        py_server::CALLED,
        "enabled_tools = [\"mcp__h__echo\"]\ndisabled_tools = [\"nosuch\"]",
    );
    let run = exec_ok(&env, "hi", [Reply::text("done")]);
    let all = warnings(&run).join("\n");
    assert!(
        all.contains("enabled_tools entry 'mcp__h__echo' matches none of its tools; write the server's own name 'echo'"),
        "{all}"
    );
    assert!(
        all.contains("disabled_tools entry 'nosuch' matches none of its tools"),
        "{all}"
    );
    let list = env.run(&["mcp", "list"]);
    assert!(
        list.stdout
            .contains("warning: MCP server 'h': enabled_tools entry 'mcp__h__echo'"),
        "{}",
        list.stdout
    );
    let tools = env.run(&["mcp", "tools", "h"]);
    assert!(
        tools
            .stdout
            .contains("'h' offers 3 tools, all hidden by enabled_tools/disabled_tools"),
        "{}\n{}",
        tools.stdout,
        tools.stderr
    );
    assert!(tools.stderr.contains("own name 'echo'"), "{}", tools.stderr);
}
