//! The tool-list cache and lazy servers through the real binary: the first
//! session waits for a server and keeps its tool list; later sessions send
//! those tools without waiting (a call waits for the server), and with
//! `mcp.lazy` a server whose tools are not needed never starts.

use serde_json::json;

use super::exec::{server_toml, tool_names};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn starts(log: &std::path::Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("start "))
        .count()
}

#[test]
fn a_cached_tool_list_spares_the_wait_and_a_lazy_server_starts_at_its_first_call() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let log_s = log.to_str().unwrap();
    let config = server_toml(
        "big",
        &["--slow-start", "500", "--tools", "200", "--log", log_s],
        "",
    );
    let env = TestEnv::with_config("responses", &config);

    // No cache yet: the first request waits, and the list is kept.
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("echo the text back", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("mcp_waiting").len(), 1, "{}", run.stdout);
    let sent = tool_names(&env.server.requests()[0].body);
    assert!(sent.contains(&"mcp__big__echo".to_string()), "{sent:?}");
    let cached: Vec<_> = std::fs::read_dir(env.home.path().join("cache/mcp-tools"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(cached.len(), 1, "one file for the server");
    assert_eq!(starts(&log), 1);

    // Cached: no wait, the same tools, and the call waits for the server.
    env.server.push_all([
        Reply::tool_call("c1", "mcp__big__echo", json!({"text": "hi"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("echo the text back", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("mcp_waiting").is_empty(), "{}", run.stdout);
    // (`mcp_resources` joins once the server is up: the cache keeps tools.)
    let without = |v: Vec<String>| -> Vec<String> {
        v.into_iter().filter(|t| t != "mcp_resources").collect()
    };
    assert_eq!(
        without(tool_names(&env.server.requests()[1].body)),
        without(sent)
    );
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["output"], "echo: hi", "{}", done[0]);
    assert_eq!(starts(&log), 2);

    // Lazy, and nothing of the server is needed: it never starts.
    env.server.push(Reply::text("hello to you"));
    let run = env.exec_json("hello", &["-c", "mcp.lazy=true"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent = tool_names(&env.server.requests()[3].body);
    assert!(
        !sent.iter().any(|t| t.starts_with("mcp__big__")),
        "{sent:?}"
    );
    assert_eq!(starts(&log), 2, "a lazy server whose tools are not sent");

    // Lazy, and the model calls one of its tools: it starts then.
    env.server.push_all([
        Reply::tool_call("c2", "mcp__big__add", json!({"a": 2, "b": 3})),
        Reply::text("five"),
    ]);
    let run = env.exec_json("hello again", &["-c", "mcp.lazy=true"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{}", done[0]);
    assert_eq!(starts(&log), 3);
}

/// With a cached list `mcp_resources` is offered before the server is up:
/// a list or read then waits for it, as a tool call does, instead of
/// answering "No resources." or refusing the server.
#[test]
fn resources_wait_for_a_server_still_starting() {
    let config = server_toml("slow", &["--slow-start", "1500"], "");
    let env = TestEnv::with_config("responses", &config);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    env.server.push_all([
        Reply::tool_call("c1", "mcp_resources", json!({"action": "list"})),
        Reply::tool_call(
            "c2",
            "mcp_resources",
            json!({"action": "read", "server": "slow", "uri": "mem://greeting"}),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("list the resources", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("mcp_waiting").is_empty(), "{}", run.stdout);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{}", done[0]);
    let list = done[0]["output"].as_str().unwrap_or_default();
    assert!(list.contains("slow mem://greeting"), "{list}");
    assert_eq!(done[1]["is_error"], false, "{}", done[1]);
    let read = done[1]["output"].as_str().unwrap_or_default();
    assert!(read.ends_with("hello from a resource"), "{read}");
}
