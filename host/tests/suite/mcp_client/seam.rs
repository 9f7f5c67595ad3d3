//! The session seam MCP uses: tools that join or leave between model round
//! trips (run when called; the list sent changes at the next message), and
//! a wait before the first request of a task.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;
use quire::agent::{Extension, Session, SessionOptions, TaskStatus};
use quire::config::{Config, ProviderEntry};
use quire::model::WireApi;
use quire::tools::{ToolError, ToolOutput, ToolSpec};
use serde_json::{Value, json};

use super::support::model_server::{ModelServer, Reply};
use super::*;

struct Echo(ToolSpec);

#[async_trait::async_trait]
impl Tool for Echo {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }
    async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text(format!("late says {}", args["text"])))
    }
}

/// Offers `late_echo` at the third poll and takes it away at the fourth
/// (the first is when the user's message arrives, before any request).
struct LateTools {
    polls: AtomicUsize,
    ready: Result<(), String>,
}

impl Extension for LateTools {
    fn tool_changes(&self) -> Vec<ToolChange> {
        match self.polls.fetch_add(1, Ordering::SeqCst) {
            2 => vec![ToolChange::Added(Arc::new(Echo(ToolSpec {
                name: "late_echo".into(),
                description: "echo".into(),
                parameters: json!({"type": "object", "properties": {"text": {"type": "string"}}}),
                read_only: true,
                destructive: false,
            })))],
            3 => vec![ToolChange::Removed("late_echo".into())],
            _ => Vec::new(),
        }
    }

    fn ready(&self) -> Option<BoxFuture<'static, Result<(), String>>> {
        let r = self.ready.clone();
        Some(Box::pin(async move { r }))
    }
}

pub(super) fn session(
    server: &ModelServer,
    home: &std::path::Path,
    cwd: &std::path::Path,
) -> Session {
    let mut config = Config {
        provider: "test".into(),
        model: "m".into(),
        ..Config::default()
    };
    config.providers.insert(
        "test".into(),
        ProviderEntry {
            wire_api: Some(WireApi::Chat),
            base_url: Some(server.base_url_openai()),
            ..Default::default()
        },
    );
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

fn tool_names(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["function"]["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn tools_that_join_between_round_trips_are_run_and_the_list_stays_within_the_turn() {
    let server = ModelServer::start();
    server.push_all([
        Reply::tool_call("c1", "list_dir", json!({"path": "."})),
        Reply::tool_call("c2", "late_echo", json!({"text": "hi"})),
        Reply::text("done"),
    ]);
    let (home, cwd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut s = session(&server, home.path(), cwd.path());
    s.add_extension(Arc::new(LateTools {
        polls: AtomicUsize::new(0),
        ready: Ok(()),
    }));
    let out = s.run_task("go", CancellationToken::new()).await;
    assert_eq!(out.status, TaskStatus::Done);
    let reqs = server.requests();
    // The list stays as first sent within the turn (a cache-stable
    // prefix): the tool that joined is not in it, but it is run.
    assert!(!tool_names(&reqs[0].body).contains(&"late_echo".to_string()));
    assert_eq!(tool_names(&reqs[1].body), tool_names(&reqs[0].body));
    assert_eq!(tool_names(&reqs[2].body), tool_names(&reqs[0].body));
    assert!(
        reqs[2].raw_body.contains("late says \\\"hi\\\""),
        "{}",
        reqs[2].raw_body
    );
}

#[tokio::test]
async fn a_source_that_is_not_ready_fails_the_task_before_any_request() {
    let server = ModelServer::start();
    server.push(Reply::text("never"));
    let (home, cwd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut s = session(&server, home.path(), cwd.path());
    s.add_extension(Arc::new(LateTools {
        polls: AtomicUsize::new(0),
        ready: Err("the MCP server 'db' is required but is not available".into()),
    }));
    let out = s.run_task("go", CancellationToken::new()).await;
    assert_eq!(
        out.status,
        TaskStatus::Failed("the MCP server 'db' is required but is not available".into())
    );
    assert!(server.requests().is_empty());
}
