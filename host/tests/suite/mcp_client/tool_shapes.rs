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

/// Four tools: one the provider would refuse (`str`), one hidden by
/// `disabled_tools` (`ok2`), two offered.
const FOUR: &str = r#"tools = [
    {"name": "echo", "description": "fine", "inputSchema": {"type": "object"}},
    {"name": "str", "description": "string schema", "inputSchema": {"type": "string"}},
    {"name": "ok2", "description": "fine too", "inputSchema": {"type": "object"}},
    {"name": "arr", "description": "fine as well", "inputSchema": {"type": "object"}},
]"#;

#[test]
fn a_cached_tool_list_checks_the_filters_against_every_tool_as_a_fresh_one() {
    let env = TestEnv::new("chat");
    py_server::append_config(&env, "\n[tool_selection]\nenabled = false\n");
    py_server::add(
        &env,
        "h",
        FOUR,
        py_server::CALLED,
        "disabled_tools = [\"str\", \"ok2\", \"nosuch\"]",
    );
    let misses = |run: &super::support::quire::Run| -> Vec<String> {
        let all = warnings(run);
        all.into_iter()
            .filter(|w| w.contains("matches none"))
            .collect()
    };
    let first = exec_ok(&env, "hi", [Reply::text("done")]);
    let cache = env.home.path().join("cache").join("mcp-tools");
    let cached = std::fs::read_dir(&cache).map(|d| d.count()).unwrap_or(0);
    assert_eq!(cached, 1, "the first run keeps the list in {cache:?}");
    let second = exec_ok(&env, "hi", [Reply::text("done")]);
    for (n, run) in [(1, &first), (2, &second)] {
        let got = misses(run);
        assert_eq!(got.len(), 1, "run {n}: {got:#?}");
        assert!(
            got[0].contains("disabled_tools entry 'nosuch' matches none of its tools"),
            "run {n}: {}",
            got[0]
        );
        let body = &env.server.requests()[n - 1].body;
        assert_eq!(mcp_tools(body), ["mcp__h__arr", "mcp__h__echo"], "run {n}");
    }
    // The same from the CLI, which asks the server itself.
    let list = env.run(&["mcp", "list"]);
    assert!(list.stdout.contains("entry 'nosuch'"), "{}", list.stdout);
    assert!(!list.stdout.contains("entry 'ok2'"), "{}", list.stdout);
    let tools = env.run(&["mcp", "tools", "h"]);
    assert!(tools.stderr.contains("entry 'nosuch'"), "{}", tools.stderr);
    assert!(
        !tools.stderr.contains("entry 'str'") && !tools.stderr.contains("entry 'ok2'"),
        "{}",
        tools.stderr
    );
}
