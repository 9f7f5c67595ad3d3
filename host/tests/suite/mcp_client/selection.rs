//! Tool selection for large tool sets through the real binary: an MCP
//! server with 212 tools (225 with the built-in and subagent ones), the first request carries only the built-in
//! tools, the best-ranked ones and `tool_search`; a search enables a tool
//! that is then sent and called.

use serde_json::{Value, json};

use super::exec::{notes, server_toml, tool_names};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

const BUILTIN: &[&str] = &[
    "shell",
    "apply_patch",
    "read_file",
    "list_dir",
    "grep",
    "update_plan",
    "view_image",
    "skill",
];

fn has(names: &[String], name: &str) -> bool {
    names.iter().any(|n| n == name)
}

/// A session over the `big` server (212 tools) whose model first searches
/// for tool 137 (`limit` hits), then calls it through `call_tool` (not in
/// the list: the list stays).
fn search_then_call(limit: usize) -> TestEnv {
    let config = server_toml("big", &["--tools", "200"], "required = true");
    let env = TestEnv::with_config("responses", &config);
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "tool_search",
            json!({"query": "extra tool number 137", "limit": limit}),
        ),
        Reply::tool_call(
            "c2",
            "call_tool",
            json!({"name": "mcp__big__tool_0137", "arguments": {}}),
        ),
    ]);
    env
}

#[test]
fn a_large_tool_set_is_cut_to_the_turn_and_tool_search_enables_the_rest() {
    let env = search_then_call(1);
    env.server.push_all([
        Reply::tool_call("c3", "mcp__big__echo", json!({"text": "hi"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("echo the text back to me", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);

    let first = tool_names(&reqs[0].body);
    // At most 20 tools plus tool_search, the built-in ones among them.
    assert!(first.len() <= 21, "{} tools: {first:?}", first.len());
    for b in BUILTIN {
        assert!(has(&first, b), "{b} missing: {first:?}");
    }
    assert!(has(&first, "mcp__big__echo"), "{first:?}");
    assert!(has(&first, "tool_search"), "{first:?}");
    assert!(!has(&first, "mcp__big__tool_0137"), "{first:?}");
    let note = notes(&reqs[0].body);
    assert!(
        note.contains("This session has 225 tools") && note.contains("MCP servers big (212)"),
        "{note}"
    );

    // The search result names and describes the tool for `call_tool`;
    // the tool list (the start of every prompt) never changes.
    let done = run.of_type("tool_completed");
    let found = done.iter().find(|e| e["call_id"] == "c1").unwrap();
    assert_eq!(found["is_error"], false, "{found}");
    let text = found["output"].as_str().unwrap();
    assert!(
        text.contains("- mcp__big__tool_0137: Extra tool number 137.")
            && text.contains("## mcp__big__tool_0137\n")
            && text.contains("`call_tool`"),
        "{text}"
    );
    assert!(has(&first, "call_tool"), "{first:?}");
    for r in &reqs[1..] {
        assert_eq!(tool_names(&r.body), first);
    }
    // The call runs as the tool it names: events and the result say so.
    let called = done.iter().find(|e| e["call_id"] == "c2").unwrap();
    assert_eq!(called["name"], "mcp__big__tool_0137");
    assert_eq!(called["output"], "tool_0137 called");
    let started = run.of_type("tool_started");
    let c2 = started.iter().find(|e| e["call_id"] == "c2").unwrap();
    assert_eq!(c2["name"], "mcp__big__tool_0137");
}

#[test]
fn the_threshold_and_the_switch_come_from_config() {
    let server = server_toml("big", &["--tools", "200"], "required = true");
    let off = format!("{server}\n[tool_selection]\nenabled = false\n");
    let env = TestEnv::with_config("chat", &off);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = tool_names(&env.server.requests()[0].body);
    assert_eq!(all.len(), 225, "{all:?}");
    assert!(!has(&all, "tool_search"));

    let small = server_toml("small", &[], "required = true");
    let low = format!("{small}\n[tool_selection]\nthreshold = 5\nmax_tools = 10\n");
    let env = TestEnv::with_config("anthropic", &low);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("add two numbers", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body: &Value = &env.server.requests()[0].body;
    let sent = tool_names(body);
    assert!(
        has(&sent, "mcp__small__add") && has(&sent, "tool_search"),
        "{sent:?}"
    );
    // `max_tools`, then `tool_search` and `call_tool`.
    assert!(sent.len() <= 12, "{sent:?}");

    let bad = format!("{small}\n[tool_selection]\nthreshhold = 5\n");
    let env = TestEnv::with_config("responses", &bad);
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("threshhold"), "{}", run.stderr);
}

/// Learning from the session: of the tools a search found, only the one
/// the model then called is remembered for the message, with the message's
/// words but not its numbers or stop words; the next similar message in a
/// new session offers that tool on its first request.
#[test]
fn only_a_found_tool_the_model_called_is_learned_and_offered_next_time() {
    let env = search_then_call(3);
    env.server.push(Reply::text("done"));
    let message = "frobnicate the quasar ledger 42 times";
    let run = env.exec_json(message, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let found = done.iter().find(|e| e["call_id"] == "c1").unwrap();
    let text = found["output"].as_str().unwrap();
    assert_eq!(text.matches("\n- mcp__big__tool_").count(), 3, "{text}");

    let store = env.home.path().join("cache/learned-selection.json");
    let learned: Value =
        serde_json::from_str(&std::fs::read_to_string(&store).expect("store written")).unwrap();
    let items = learned["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().filter_map(|i| i["name"].as_str()).collect();
    assert_eq!(names, ["mcp__big__tool_0137"], "{learned}");
    let terms: Vec<&String> = items[0]["terms"].as_object().unwrap().keys().collect();
    assert!(terms.iter().any(|t| t.starts_with("quasar")), "{terms:?}");
    assert!(
        !terms.iter().any(|t| *t == "42" || *t == "the"),
        "{terms:?}"
    );

    // A new session with a similar message offers the tool at once.
    let before = env.server.requests().len();
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("frobnicate that quasar ledger", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = &env.server.requests()[before].body;
    assert!(
        has(&tool_names(first), "mcp__big__tool_0137")
            || first.to_string().contains("## mcp__big__tool_0137"),
        "{first}"
    );
}
