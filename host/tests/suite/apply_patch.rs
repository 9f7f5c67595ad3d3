//! The apply_patch tool against real temp dirs.
mod edits;
mod links;
#[cfg(unix)]
mod race;
mod safety;
mod stale_tmp;
#[cfg(unix)]
mod stop;
mod undo;
mod writable_roots;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use quire::agent::EventSink;
use quire::tools::apply_patch::ApplyPatchTool;
use quire::tools::approval::DenyAll;
use quire::tools::{
    ApprovalDecision, ApprovalPolicy, ApprovalRequest, Approver, SandboxMode, Tool, ToolContext,
    ToolError, ToolOutput,
};
use serde_json::json;
use tokio_util::sync::CancellationToken;

/// Records what it was asked and answers with a fixed decision.
pub(crate) struct Recorder {
    pub(crate) decision: ApprovalDecision,
    pub(crate) asked: Mutex<Vec<ApprovalRequest>>,
}

#[async_trait::async_trait]
impl Approver for Recorder {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        self.asked.lock().unwrap().push(request);
        self.decision
    }
}

pub(crate) struct Ws {
    _dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
}

impl Ws {
    pub(crate) fn new() -> Ws {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        Ws { _dir: dir, root }
    }

    pub(crate) fn write(&self, rel: &str, content: &str) {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap()
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).exists()
    }

    pub(crate) fn ctx(&self, sandbox: SandboxMode) -> ToolContext {
        self.ctx_with(sandbox, ApprovalPolicy::OnRequest, Arc::new(DenyAll))
    }

    pub(crate) fn ctx_with(
        &self,
        sandbox: SandboxMode,
        approval_policy: ApprovalPolicy,
        approver: Arc<dyn Approver>,
    ) -> ToolContext {
        ToolContext {
            cwd: self.root.clone(),
            workspace: self.root.clone(),
            sandbox,
            network: false,
            unix_sockets: false,
            writable_roots: Vec::new(),
            plugin_data: Vec::new(),
            approval_policy,
            sandbox_fixed: false,
            approver,
            cancel: CancellationToken::new(),
            events: EventSink::null(),
            call_id: None,
            shell_env: Default::default(),
        }
    }
}

pub(crate) async fn run(ctx: &ToolContext, patch: &str) -> Result<ToolOutput, ToolError> {
    ApplyPatchTool::new()
        .call(json!({ "patch": patch }), ctx)
        .await
}

pub(crate) async fn ok(ws: &Ws, patch: &str) -> String {
    let out = run(&ws.ctx(SandboxMode::WorkspaceWrite), patch)
        .await
        .unwrap();
    assert!(!out.is_error);
    out.text
}

pub(crate) async fn fail(ws: &Ws, patch: &str) -> String {
    run(&ws.ctx(SandboxMode::WorkspaceWrite), patch)
        .await
        .unwrap_err()
        .to_string()
}

/// Every file under `root` with its content, for "nothing changed" checks.
pub(crate) fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((p.clone(), fs::read(&p).unwrap()));
            } else {
                out.push((p, Vec::new()));
            }
        }
    }
    out.sort();
    out
}
