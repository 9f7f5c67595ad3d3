//! The MCP client against real servers: the Rust test server with its fault
//! modes, and the npm `@modelcontextprotocol/server-everything` over stdio
//! and streamable HTTP. Library-level tests drive `McpManager` directly;
//! end-to-end tests run the real `quire` binary.
use crate::support;

mod approval;
mod cached;
mod claude_switches;
mod cli;
mod everything;
mod exec;
mod faulty_replies;
mod hidden_text;
mod hooks;
mod http_faults;
mod http_limits;
mod lifecycle;
mod names;
mod oauth;
mod orphans;
mod oversized_tools;
pub(super) mod peers;
mod prompt;
mod py_server;
mod redefined_tools;
mod resumed_tools;
mod runs;
mod sandbox;
mod seam;
mod secrets;
mod selection;
mod stable_tools;
mod tool_shapes;
mod tools;
mod turn_list;
mod warm_cache;
mod web_py;

use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::agent::{EventSink, ToolChange};
use quire::mcp::{McpManager, Server, ServerSpec, Status};
use quire::model::ToolCall;
use quire::tools::approval::DenyAll;
use quire::tools::registry::CallResult;
use quire::tools::{ApprovalPolicy, SandboxMode, Tool, ToolContext, ToolRegistry};
use tokio_util::sync::CancellationToken;

/// Bytes of one output, as in the default config.
const LIMIT: usize = 16 * 1024;

fn ctx() -> ToolContext {
    ToolContext {
        cwd: std::env::temp_dir(),
        workspace: std::env::temp_dir(),
        sandbox: SandboxMode::WorkspaceWrite,
        network: false,
        unix_sockets: false,
        writable_roots: Vec::new(),
        plugin_data: Vec::new(),
        approval_policy: ApprovalPolicy::Never,
        sandbox_fixed: false,
        approver: Arc::new(DenyAll),
        cancel: CancellationToken::new(),
        events: EventSink::null(),
        call_id: None,
        shell_env: Default::default(),
    }
}

/// A manager and the registry its tools go into, as in a session.
struct Harness {
    manager: McpManager,
    registry: ToolRegistry,
}

impl Harness {
    fn start(specs: Vec<ServerSpec>) -> Harness {
        Harness {
            manager: McpManager::start(specs, EventSink::null()),
            registry: ToolRegistry::new(LIMIT),
        }
    }

    fn server(&self, name: &str) -> Arc<Server> {
        self.manager
            .servers()
            .iter()
            .find(|s| s.name() == name)
            .cloned()
            .expect("a server with that name")
    }

    /// Waits for every server to settle, then takes the tool changes.
    async fn settle(&mut self) {
        self.manager.wait_all().await;
        self.apply();
    }

    /// Applies pending tool changes; returns them as `+name` / `-name`.
    fn apply(&mut self) -> Vec<String> {
        let mut seen = Vec::new();
        for c in self.manager.take_changes() {
            match c {
                ToolChange::Added(t) => {
                    seen.push(format!("+{}", t.spec().name));
                    self.registry.register(t);
                }
                ToolChange::Removed(n) => {
                    seen.push(format!("-{n}"));
                    self.registry.unregister(&n);
                }
            }
        }
        seen
    }

    /// Polls tool changes until `pred` holds for what was applied (20 s).
    async fn apply_until(&mut self, pred: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut all = Vec::new();
        loop {
            all.extend(self.apply());
            if pred(&all) {
                return all;
            }
            assert!(Instant::now() < deadline, "tool changes so far: {all:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn call(&self, name: &str, args: serde_json::Value) -> CallResult {
        let call = ToolCall {
            call_id: "c1".into(),
            name: name.into(),
            arguments: args.to_string(),
        };
        self.registry
            .run_calls(&[call], &ctx(), &mut |_| {})
            .await
            .remove(0)
    }

    fn status(&self, name: &str) -> Status {
        self.server(name).status()
    }
}

/// Reads a log file the test server appends to.
fn read_log(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Waits up to 20 s until the log holds `needle`.
async fn wait_log(path: &std::path::Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = read_log(path);
        if log.contains(needle) {
            return log;
        }
        assert!(Instant::now() < deadline, "{needle:?} never logged: {log}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
