//! The one `Tool` trait every tool source implements (builtin tools, the
//! skill tool, WASM plugins, MCP servers), the registry that names, checks,
//! runs and caps them, and the builtin coding tools.

pub mod apply_patch;
pub mod approval;
pub mod call_tool;
pub mod grep;
mod hooked;
pub mod list_dir;
pub mod netfilter;
pub mod read_file;
pub mod registry;
pub mod sandbox;
pub mod schema;
pub mod select;
pub mod shell;
pub mod update_plan;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use approval::{ApprovalDecision, ApprovalPolicy, ApprovalRequest, Approver};
pub use registry::ToolRegistry;
pub use sandbox::SandboxMode;

use crate::agent::EventSink;

/// What the model is told about a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
    /// The tool only reads; calls of read-only tools from one response run
    /// concurrently.
    #[serde(default)]
    pub read_only: bool,
    /// The tool may destroy data (a hint for approval and UIs).
    #[serde(default)]
    pub destructive: bool,
}

/// A tool's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolOutput {
    /// Text for the model.
    pub text: String,
    /// Optional structured result (sent as JSON where a wire API supports
    /// it, shown to JSON consumers).
    pub structured: Option<Value>,
    /// The call failed in a way the model should see as an error (a
    /// command that exited non-zero, a patch that did not apply).
    pub is_error: bool,
}

impl ToolOutput {
    pub fn text(text: impl Into<String>) -> Self {
        ToolOutput {
            text: text.into(),
            ..Default::default()
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        ToolOutput {
            text: text.into(),
            structured: None,
            is_error: true,
        }
    }
}

/// Why a tool call failed. The registry turns every variant into an error
/// result the model can read; none of them ends the turn.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    #[error("denied: {0}")]
    Denied(String),
    #[error("timed out after {0} ms")]
    Timeout(u64),
    #[error("interrupted by the user")]
    Interrupted,
    #[error("{0}")]
    Failed(String),
}

/// Everything a tool call may need from the session.
#[derive(Clone)]
pub struct ToolContext {
    /// The directory the session runs in.
    pub cwd: PathBuf,
    /// The workspace root (the repository root, else the cwd): the writable
    /// area under `workspace-write`.
    pub workspace: PathBuf,
    pub sandbox: SandboxMode,
    /// Whether sandboxed commands may use the network.
    pub network: bool,
    pub approval_policy: ApprovalPolicy,
    pub approver: Arc<dyn Approver>,
    /// Cancelled when the user interrupts the turn.
    pub cancel: CancellationToken,
    pub events: EventSink,
}

impl ToolContext {
    /// A context for using tools on their own (no session, no one to ask):
    /// `dir` as cwd and workspace, read-only sandbox, approval `never`,
    /// events dropped.
    pub fn standalone(dir: &Path) -> ToolContext {
        ToolContext {
            cwd: dir.to_path_buf(),
            workspace: dir.to_path_buf(),
            sandbox: SandboxMode::ReadOnly,
            network: false,
            approval_policy: ApprovalPolicy::Never,
            approver: Arc::new(approval::DenyAll),
            cancel: CancellationToken::new(),
            events: EventSink::null(),
        }
    }

    /// Resolves a path argument against the cwd.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        }
    }
}

/// A tool the model can call.
#[async_trait::async_trait]
pub trait Tool: Send + Sync {
    fn spec(&self) -> &ToolSpec;

    /// Where the tool comes from, for hooks' `tool_source`: `builtin`,
    /// `skill`, `plugin`, `mcp` or `tool_search`.
    fn source(&self) -> &'static str {
        "builtin"
    }

    /// Runs one call. `args` has already been checked against the spec's
    /// schema by the registry.
    async fn call(&self, args: Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError>;
}

/// The builtin coding tools, in the order they are offered to the model.
/// `shell_timeout_ms` is the default timeout of a shell command.
pub fn builtin_tools(shell_timeout_ms: u64) -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(shell::ShellTool::with_default_timeout(shell_timeout_ms)),
        Arc::new(apply_patch::ApplyPatchTool::new()),
        Arc::new(read_file::ReadFileTool::new()),
        Arc::new(list_dir::ListDirTool::new()),
        Arc::new(grep::GrepTool::new()),
        Arc::new(update_plan::UpdatePlanTool::new()),
    ]
}
