//! The one `Tool` trait every tool source implements (builtin tools, the
//! skill tool, WASM plugins, MCP servers), the registry that names, checks,
//! runs and caps them, and the builtin coding tools.

pub mod apply_patch;
pub mod approval;
pub(crate) mod call_tool;
pub mod caps;
mod checked_call;
pub mod command_tmp;
pub(crate) mod extension;
pub(crate) mod filter;
pub(crate) mod grep;
mod hooked;
pub mod ipc_ns;
pub(crate) mod list_dir;
mod mcp_output;
pub(crate) mod naming;
mod nul_path;
pub(crate) mod object_schema;
pub mod permissions;
pub mod pinned_roots;
pub mod planted_links;
pub mod plugin_data;
pub(crate) mod quoted_path;
pub(crate) mod read_file;
pub mod registry;
pub mod sandbox;
pub(crate) mod schema;
pub(crate) mod seccomp;
pub mod select;
pub mod shell;
pub(crate) mod typed;
pub(crate) mod unreadable;
pub(crate) mod update_plan;
pub mod view_image;
pub mod writable_roots;
pub(crate) mod writing;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use approval::{ApprovalDecision, ApprovalPolicy, ApprovalRequest, Approver};
pub use extension::{Extension, ToolChange};
pub use filter::ToolFilter;
pub use registry::ToolRegistry;
pub use sandbox::SandboxMode;

use crate::protocol::EventSink;
pub use crate::protocol::{CallResult, CallStatus, ToolError, ToolOutput, ToolSpec};

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
    /// Whether sandboxed commands may create Unix sockets (`unix_sockets`).
    pub unix_sockets: bool,
    /// Folders sandboxed commands may write besides the workspace and the
    /// temp folders (`writable_roots`), under `workspace-write`.
    pub writable_roots: Vec<PathBuf>,
    /// The data folders of the session's plugins, writable too under
    /// `workspace-write` ([`plugin_data`]).
    pub plugin_data: Vec<PathBuf>,
    pub approval_policy: ApprovalPolicy,
    /// No command may leave the sandbox, whatever the approval policy
    /// (an agent defined `sandbox_mode = "read-only"`).
    pub sandbox_fixed: bool,
    pub approver: Arc<dyn Approver>,
    /// Cancelled when the user interrupts the turn.
    pub cancel: CancellationToken,
    pub events: EventSink,
    /// The id of the call running with this context (set by the registry
    /// for each call; `None` outside one): a command's live output
    /// (`Event::ToolOutputDelta`) names it.
    pub call_id: Option<String>,
    /// The environment of the commands the model runs.
    pub shell_env: Arc<shell::ShellEnvironment>,
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
            unix_sockets: false,
            writable_roots: Vec::new(),
            plugin_data: Vec::new(),
            approval_policy: ApprovalPolicy::Never,
            sandbox_fixed: false,
            approver: Arc::new(approval::DenyAll),
            cancel: CancellationToken::new(),
            events: EventSink::null(),
            call_id: None,
            shell_env: Arc::default(),
        }
    }

    /// Resolves a path argument against the cwd; a name `list_dir` or
    /// `grep` showed git-quoted (`"caf\351.txt"`) is taken back as the
    /// name it stands for when no file has the literal name
    /// ([`quoted_path::resolve`]).
    pub fn resolve(&self, path: &str) -> PathBuf {
        quoted_path::resolve(&self.cwd, path)
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

    /// Whether calls of this tool from one response may run at the same
    /// time as the other concurrent calls although it is not read-only
    /// (`spawn_agent`: children run in parallel).
    fn concurrent(&self) -> bool {
        false
    }

    /// A limit of its own on the bytes of one output, below the session's
    /// (a plugin's `limits.output_kb`). The registry caps; tools hand over
    /// raw output.
    fn output_limit(&self) -> Option<usize> {
        None
    }
}

/// The builtin coding tools, in the order they are offered to the model.
/// `shell_timeout_ms` is the default timeout of a shell command.
pub fn builtin_tools(shell_timeout_ms: u64) -> Vec<Arc<dyn Tool>> {
    session_tools(shell_timeout_ms, Default::default())
}

/// [`builtin_tools`] of a session: `view_image` checks images against
/// what the session's model takes (`images`, kept current by the session).
pub fn session_tools(shell_timeout_ms: u64, images: Arc<view_image::Intake>) -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(shell::ShellTool::with_default_timeout(shell_timeout_ms)),
        Arc::new(apply_patch::ApplyPatchTool::new()),
        Arc::new(read_file::ReadFileTool::new()),
        Arc::new(list_dir::ListDirTool::new()),
        Arc::new(grep::GrepTool::new()),
        Arc::new(view_image::ViewImage::taking(images)),
        Arc::new(update_plan::UpdatePlanTool::new()),
    ]
}
