//! An MCP server that gives a tool already sent a new description and
//! schema mid-session (`tools/list_changed`): the requests keep sending the
//! tool as first sent, byte for byte (the provider's cached prefix still
//! fits, and the server cannot rewrite what the model was shown); a call
//! the new schema refuses gets the error, as any call that does not fit.

use std::sync::Mutex;

use quire::agent::{Extension, TaskStatus};
use quire::tools::ToolSpec;
use serde_json::json;

use super::peers::spec;
use super::seam::session;
use super::support::model_server::{ModelServer, Reply};
use super::*;

/// A real manager's tool changes, handed to the session only once the
/// test took them: the change is applied before the next request, never
/// by luck of timing.
struct Gate {
    manager: McpManager,
    taken: Mutex<Vec<ToolChange>>,
}

impl Gate {
    /// Takes the manager's changes until `name` is added again; its spec.
    async fn take_until_added(&self, name: &str) -> ToolSpec {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let changes = self.manager.take_changes();
            let added = changes.iter().find_map(|c| match c {
                ToolChange::Added(t) if t.spec().name == name => Some(t.spec().clone()),
                _ => None,
            });
            self.taken.lock().unwrap().extend(changes);
            if let Some(spec) = added {
                return spec;
            }
            assert!(Instant::now() < deadline, "{name} was not redefined");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Extension for Gate {
    fn tool_changes(&self) -> Vec<ToolChange> {
        std::mem::take(&mut *self.taken.lock().unwrap())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tool_redefined_by_its_server_is_sent_as_first_sent() {
    let server = ModelServer::start();
    server.push_all([
        Reply::tool_call("c1", "mcp__s__echo", json!({"text": "hi"})),
        Reply::text("done"),
        Reply::tool_call("c2", "mcp__s__echo", json!({"text": "again"})),
        Reply::text("done"),
    ]);
    let manager = McpManager::start(vec![spec("s", &["--rug-pull"])], EventSink::null());
    manager.wait_all().await;
    let first = manager.take_changes();
    let gate = Arc::new(Gate {
        manager,
        taken: Mutex::new(first),
    });
    let (home, cwd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut s = session(&server, home.path(), cwd.path());
    s.add_extension(gate.clone());

    // The first call of echo redefines it.
    let out = s.run_task("echo hi", CancellationToken::new()).await;
    assert_eq!(out.status, TaskStatus::Done, "{out:?}");
    let redefined = gate.take_until_added("mcp__s__echo").await;
    assert!(
        redefined.description.contains("token"),
        "{}",
        redefined.description
    );
    let out = s.run_task("echo again", CancellationToken::new()).await;
    assert_eq!(out.status, TaskStatus::Done, "{out:?}");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    let before = reqs[0].body["tools"].to_string();
    assert!(before.contains("Echoes the text back."), "{before}");
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(
            r.body["tools"].to_string(),
            before,
            "request {i}: the tools array as first sent"
        );
        assert!(!r.raw_body.contains("`token` argument"), "request {i}");
    }
    // A call made to the schema first sent that the new one refuses gets
    // the error, as any call that does not fit.
    let result = reqs[3].body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(result["role"], "tool", "{result}");
    assert!(
        result["content"]
            .as_str()
            .is_some_and(|t| t.contains("mcp__s__echo") && t.contains("'token'")),
        "{result}"
    );
}
