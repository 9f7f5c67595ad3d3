//! A 10-message session over an MCP server with 200 tools (212 of its own):
//! the tool list, the first part of every prompt, changes only when a
//! message needs a tool it does not have yet, and then only by growing at
//! its end; the system prompt never changes and every request extends the
//! previous one. The first request waits for the server, so its tools are
//! there from the start.

use quire::agent::{Session, SessionOptions, TaskStatus};
use quire::config::{Config, ProviderEntry};
use quire::model::WireApi;
use quire::tools::select::Join;
use quire::tools::select::pick::JOIN_PER_MESSAGE;
use serde_json::{Value, json};

use super::exec::tool_names;
use super::peers::config as server_config;
use super::support::model_server::{ModelServer, Reply};
use super::*;

/// Each message and the tool the model calls for it (`None`: it answers).
const SCRIPT: [(&str, Option<(&str, &str)>); 10] = [
    (
        "echo the text hello back to me",
        Some(("mcp__big__echo", r#"{"text":"hello"}"#)),
    ),
    (
        "echo it back once more",
        Some(("mcp__big__echo", r#"{"text":"again"}"#)),
    ),
    (
        "call extra tool number 17",
        Some(("mcp__big__tool_0017", "{}")),
    ),
    (
        "extra tool number 17 again please",
        Some(("mcp__big__tool_0017", "{}")),
    ),
    (
        "add the two numbers together",
        Some(("mcp__big__add", r#"{"a":2,"b":3}"#)),
    ),
    (
        "call extra tool number 123",
        Some(("mcp__big__tool_0123", "{}")),
    ),
    (
        "and extra tool number 17 once more",
        Some(("mcp__big__tool_0017", "{}")),
    ),
    (
        "return every kind of content",
        Some(("mcp__big__rich", "{}")),
    ),
    ("thanks, that is all for now", None),
    (
        "echo goodbye",
        Some(("mcp__big__echo", r#"{"text":"bye"}"#)),
    ),
];

fn session(
    server: &ModelServer,
    home: &std::path::Path,
    cwd: &std::path::Path,
    join: Join,
) -> Session {
    let mut config = Config {
        provider: "test".into(),
        model: "m".into(),
        ..Config::default()
    };
    config.tool_selection.join = join;
    config.providers.insert(
        "test".into(),
        ProviderEntry {
            wire_api: Some(WireApi::Responses),
            base_url: Some(server.base_url_openai()),
            ..Default::default()
        },
    );
    config
        .mcp_servers
        .0
        .insert("big".into(), server_config(&["--tools", "200"]));
    Session::start(SessionOptions {
        config,
        home: home.into(),
        cwd: cwd.into(),
        resume: None,
        approver: Arc::new(DenyAll),
        events: EventSink::null(),
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn in_list_mode_ten_messages_over_200_mcp_tools_change_the_tool_list_only_when_a_tool_is_needed()
 {
    let server = ModelServer::start();
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    // Per message: its tool, then a built-in one, then the answer.
    let mut per_message = Vec::new();
    for (_, call) in SCRIPT {
        let mut replies = Vec::new();
        if let Some((name, args)) = call {
            let args: Value = serde_json::from_str(args).unwrap();
            replies.push(Reply::tool_call("c1", name, args));
            replies.push(Reply::tool_call("c2", "list_dir", json!({})));
        }
        replies.push(Reply::text("done"));
        per_message.push(replies.len());
        server.push_all(replies);
    }
    let mut session = session(&server, home.path(), cwd.path(), Join::List);
    for (text, _) in SCRIPT {
        let out = session
            .run_task(text, tokio_util::sync::CancellationToken::new())
            .await;
        assert_eq!(out.status, TaskStatus::Done, "{text}: {out:?}");
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), per_message.iter().sum::<usize>());

    let lists: Vec<Vec<String>> = reqs.iter().map(|r| tool_names(&r.body)).collect();
    assert!(lists[0].len() <= 21, "{:?}", lists[0]);
    assert!(
        lists[0].contains(&"mcp__big__echo".to_string()),
        "{:?}",
        lists[0]
    );
    for (i, pair) in reqs.windows(2).enumerate() {
        let (a, b) = (&pair[0].body, &pair[1].body);
        assert_eq!(a["instructions"], b["instructions"], "request {}", i + 1);
        let (ta, tb) = (&lists[i], &lists[i + 1]);
        assert!(tb.starts_with(ta), "request {}: {ta:?} → {tb:?}", i + 1);
        let (ia, ib) = (
            a["input"].as_array().unwrap(),
            b["input"].as_array().unwrap(),
        );
        assert!(ib.starts_with(ia), "request {}: the items only grow", i + 1);
    }

    let mut at = 0;
    let mut changes = 0;
    for (m, (text, call)) in SCRIPT.iter().enumerate() {
        let first = &lists[at];
        if m > 0 {
            let before = &lists[at - 1];
            let needed = call.is_some_and(|(name, _)| !before.iter().any(|t| t == name));
            let joined = &first[before.len()..];
            assert_eq!(
                !joined.is_empty(),
                needed,
                "{text:?}: joined {joined:?}, needed {call:?}"
            );
            if needed {
                changes += 1;
                assert!(joined.len() <= JOIN_PER_MESSAGE, "{text:?}: {joined:?}");
            }
        }
        if let Some((name, _)) = call {
            assert!(first.iter().any(|t| t == name), "{text:?}: {first:?}");
        }
        for later in &lists[at..at + per_message[m]] {
            assert_eq!(later, first, "{text:?}: the same list for every round trip");
        }
        at += per_message[m];
    }
    assert!(changes >= 2, "tools 17 and 123 had to join: {changes}");
}

/// The same session with tools joining through the history (the default):
/// one tool list for all requests, every request extends the previous one,
/// and a tool the list lacks is described after the message that needs it
/// and called through `call_tool`.
#[tokio::test(flavor = "multi_thread")]
async fn ten_messages_over_200_mcp_tools_never_change_the_tool_list_in_context_mode() {
    let server = ModelServer::start();
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let mut per_message = Vec::new();
    for (_, call) in SCRIPT {
        let mut replies = Vec::new();
        if let Some((name, args)) = call {
            let args: Value = serde_json::from_str(args).unwrap();
            replies.push(Reply::tool_call(
                "c1",
                "call_tool",
                json!({"name": name, "arguments": args}),
            ));
        }
        replies.push(Reply::text("done"));
        per_message.push(replies.len());
        server.push_all(replies);
    }
    let mut session = session(&server, home.path(), cwd.path(), Join::Context);
    for (text, _) in SCRIPT {
        let out = session
            .run_task(text, tokio_util::sync::CancellationToken::new())
            .await;
        assert_eq!(out.status, TaskStatus::Done, "{text}: {out:?}");
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), per_message.iter().sum::<usize>());
    let first = tool_names(&reqs[0].body);
    assert!(first.contains(&"call_tool".to_string()), "{first:?}");
    for (i, pair) in reqs.windows(2).enumerate() {
        let (a, b) = (&pair[0].body, &pair[1].body);
        assert_eq!(tool_names(b), first, "request {}", i + 1);
        assert_eq!(a["instructions"], b["instructions"], "request {}", i + 1);
        let (ia, ib) = (
            a["input"].as_array().unwrap(),
            b["input"].as_array().unwrap(),
        );
        assert!(ib.starts_with(ia), "request {}: the items only grow", i + 1);
    }
    // Each needed tool the list lacks was described before it was called,
    // and each call ran the tool it named.
    let last = reqs.last().unwrap().body["input"].to_string();
    for (text, call) in SCRIPT {
        let Some((name, _)) = call else { continue };
        if !first.iter().any(|t| t == name) {
            assert!(
                last.contains(&format!("## {name}\\n")),
                "{text:?}: {name} was not described"
            );
        }
    }
    for answer in ["tool_0017 called", "tool_0123 called", "echo: hello", "5"] {
        assert!(last.contains(answer), "{answer} missing in {last}");
    }
}
