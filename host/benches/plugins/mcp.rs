//! The MCP side of the plugin benchmark: the Rust MCP test server
//! (`examples/mcp_test_server.rs`) over stdio, reached through quire's own
//! MCP client (`quire::mcp`), its `echo` tool called as a session calls it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quire::agent::{EventSink, ToolChange};
use quire::mcp::{McpManager, McpServerConfig, ServerSpec, Source, Status};
use quire::tools::approval::DenyAll;
use quire::tools::{ApprovalPolicy, SandboxMode, Tool, ToolContext};
use tokio_util::sync::CancellationToken;

/// The server's name in quire, so its echo is `mcp__bench__echo`.
const SERVER: &str = "bench";

/// The test server, built in the bench's (release) profile.
pub fn test_server() -> PathBuf {
    let mut cargo = super::shell_cargo::cargo();
    cargo
        .args(["build", "-q", "--profile", "bench", "-p", "quire"])
        .args(["--example", "mcp_test_server"]);
    let status = cargo
        .status()
        .expect("run cargo to build the MCP test server");
    assert!(
        status.success(),
        "building examples/mcp_test_server.rs failed"
    );
    // target/release/deps/<this bench> -> target/release/examples/
    let exe = std::env::current_exe().expect("bench executable path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/release");
    let p = profile_dir.join("examples").join("mcp_test_server");
    assert!(p.exists(), "{} was not built", p.display());
    p
}

/// Starts the server and waits until its tools are listed; returns the
/// manager (dropping it stops the server) and the echo tool.
pub async fn start(server: &Path) -> (McpManager, Arc<dyn Tool>) {
    let config = McpServerConfig::stdio(server.display().to_string(), Vec::new());
    let spec = ServerSpec::new(SERVER, Source::Config, &config, &std::env::temp_dir());
    let manager = McpManager::start(vec![spec], EventSink::null());
    manager.wait_all().await;
    let status = manager.servers()[0].status();
    assert_eq!(status, Status::Ready, "the MCP test server did not start");
    let name = format!("mcp__{SERVER}__echo");
    let echo = manager
        .take_changes()
        .into_iter()
        .find_map(|c| match c {
            ToolChange::Added(t) if t.spec().name == name => Some(t),
            _ => None,
        })
        .expect("the server's echo tool");
    (manager, echo)
}

/// A tool context like a session's (the echo tools ignore it).
pub fn context() -> ToolContext {
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
