//! Tools as every part sees them: the spec the model is told, what a tool
//! answers, why a call failed, and the outcome of one call.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::status::CallStatus;

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
    /// Timed out, with the words that say what waited and what was done
    /// about it (an MCP server's `tool_timeout_sec`).
    #[error("{0}")]
    TimedOut(String),
    /// Interrupted: by the user, or by a signal stopping quire (the words
    /// say which, [`super::interrupt::reason`]).
    #[error("{}", super::interrupt::reason())]
    Interrupted,
    #[error("{0}")]
    Failed(String),
    /// A command stopped by `cause` (a timeout, an interrupt) after it
    /// printed `output`, of which `dropped` bytes were left out of the
    /// middle (`output` says so too).
    #[error("{cause}; output so far:\n{output}")]
    WithOutput {
        cause: Box<ToolError>,
        output: String,
        dropped: u64,
    },
}

impl ToolError {
    /// The status a call that failed this way ends with.
    pub fn status(&self) -> CallStatus {
        match self {
            ToolError::Denied(_) => CallStatus::Denied,
            ToolError::Timeout(_) | ToolError::TimedOut(_) => CallStatus::TimedOut,
            ToolError::Interrupted => CallStatus::Interrupted,
            ToolError::InvalidArguments(_) | ToolError::Failed(_) => CallStatus::Failed,
            ToolError::WithOutput { cause, .. } => cause.status(),
        }
    }
}

/// The outcome of one call, as sent to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct CallResult {
    pub call_id: String,
    pub name: String,
    /// Capped output text.
    pub output: String,
    pub is_error: bool,
    /// Bytes of the tool's output that did not reach the model (see
    /// `Event::ToolCompleted`).
    pub truncated_bytes: usize,
    /// Wall time of the call, the wait for the user's approval not counted.
    pub duration_ms: u64,
    pub status: CallStatus,
    /// A shell command's exit code (none when a signal killed it).
    pub exit_code: Option<i32>,
    /// A patch's files: status, path, lines added and removed, diff.
    pub files: Option<Value>,
    /// The tool's structured result, when it gave one (MCP
    /// `structuredContent`, a plugin's JSON).
    pub structured: Option<Value>,
    /// The arguments that ran when `PreToolUse` hooks rewrote the model's.
    pub rewritten: Option<Rewritten>,
}

/// A call's arguments as `PreToolUse` hooks rewrote them.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewritten {
    /// The hooks that rewrote them (their labels).
    pub hook: String,
    pub arguments: Value,
}
