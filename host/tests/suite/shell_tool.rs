//! The `shell` tool with real processes and the real Landlock sandbox.
mod approval;
mod bash_syntax;
mod process;
mod sandbox;
mod unix_sockets;

use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use quire::agent::EventSink;
use quire::tools::approval::{DenyAll, NON_INTERACTIVE_DENIAL};
use quire::tools::sandbox::check_support;
use quire::tools::shell::{KEPT_BYTES, ShellTool};
use quire::tools::{
    ApprovalDecision, ApprovalPolicy, ApprovalRequest, Approver, SandboxMode, Tool, ToolContext,
    ToolError, ToolOutput,
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// Answers every request with one decision and records the requests.
struct Recorder {
    decision: ApprovalDecision,
    asked: Mutex<Vec<ApprovalRequest>>,
}

impl Recorder {
    fn new(decision: ApprovalDecision) -> Arc<Self> {
        Arc::new(Recorder {
            decision,
            asked: Mutex::new(Vec::new()),
        })
    }

    fn asked(&self) -> Vec<ApprovalRequest> {
        self.asked.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Approver for Recorder {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        self.asked.lock().unwrap().push(request);
        self.decision
    }
}

fn ctx(workspace: &Path, sandbox: SandboxMode) -> ToolContext {
    ToolContext {
        cwd: workspace.to_path_buf(),
        workspace: workspace.to_path_buf(),
        sandbox,
        network: false,
        unix_sockets: false,
        writable_roots: Vec::new(),
        plugin_data: Vec::new(),
        approval_policy: ApprovalPolicy::OnRequest,
        sandbox_fixed: false,
        approver: Arc::new(DenyAll),
        cancel: CancellationToken::new(),
        events: EventSink::null(),
        call_id: None,
        shell_env: Default::default(),
    }
}

async fn run(ctx: &ToolContext, args: Value) -> Result<ToolOutput, ToolError> {
    ShellTool::new().call(args, ctx).await
}

async fn run_ok(ctx: &ToolContext, command: &str) -> String {
    let out = run(ctx, json!({ "command": command })).await.unwrap();
    // Honest outcomes: an error exactly when the command did not exit 0,
    // and the exit code in the structured result.
    let ok = out.text.starts_with("Exit code: 0\n");
    assert_eq!(out.is_error, !ok, "{}", out.text);
    let code = out
        .structured
        .as_ref()
        .and_then(|v| v["exit_code"].as_i64());
    if let Some(rest) = out.text.strip_prefix("Exit code: ") {
        let shown = rest.split('\n').next().and_then(|c| c.parse::<i64>().ok());
        assert_eq!(code, shown, "{}", out.text);
    } else {
        assert_eq!(code, None, "killed by a signal: no exit code; {}", out.text);
    }
    out.text
}

use crate::support::outside;
use outside::outside_dir;

/// A process that exists and is not a zombie.
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        }
    }
}

/// Waits (a bounded number of polls) for a process to die.
async fn gone(pid: i32) -> bool {
    for _ in 0..400 {
        if !alive(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// Waits for the command to report the pid of its background child.
async fn read_pid(file: &Path) -> i32 {
    for _ in 0..400 {
        if let Ok(text) = std::fs::read_to_string(file)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the command never wrote {}", file.display());
}

/// Starts a grandchild that sleeps, records its pid, and waits for it.
fn sleeper(pid_file: &Path) -> String {
    format!(
        "sleep 300 & echo $! > {0}.tmp && mv {0}.tmp {0}; wait",
        pid_file.display()
    )
}
