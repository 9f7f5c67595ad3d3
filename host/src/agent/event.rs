//! The one output channel: everything the agent does is an [`Event`].
//! The human renderer, `--json` JSONL and any server mode render this
//! stream.

use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::model::Usage;

/// One entry of a plan kept by the `update_plan` tool.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlanStep {
    pub step: String,
    /// `pending`, `in_progress` or `completed`.
    pub status: String,
}

/// Everything that happens in a session. Serialised with a `type` tag in
/// snake_case; the README documents every variant and field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    SessionStarted {
        session_id: String,
        session_file: String,
        cwd: String,
        provider: String,
        model: String,
        wire_api: String,
        sandbox: String,
        approval: String,
        resumed: bool,
    },
    /// One model round trip begins (`turn` counts from 1 in a task).
    TurnStarted {
        turn: u32,
    },
    TextDelta {
        delta: String,
    },
    /// A piece of the model's reasoning summary, when the provider sends
    /// one (shown while waiting; not part of the message or the history).
    ReasoningDelta {
        delta: String,
    },
    /// The assistant's full message text of one response.
    MessageCompleted {
        text: String,
    },
    ToolStarted {
        call_id: String,
        name: String,
        arguments: Value,
    },
    ToolCompleted {
        call_id: String,
        name: String,
        /// Wall time, the wait for the user's approval not counted.
        duration_ms: u64,
        /// True for a failed call, a non-zero exit included.
        is_error: bool,
        /// `ok`, `failed`, `denied`, `timed_out` or `interrupted`.
        status: String,
        /// A shell command's exit code (absent when a signal killed it).
        #[serde(skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        /// A patch's files: `status`, `path`, `added`, `removed`, `diff`.
        #[serde(skip_serializing_if = "Option::is_none")]
        files: Option<Value>,
        /// What the model receives (capped, head and tail kept).
        output: String,
        /// How many bytes of the tool's output were cut.
        truncated_bytes: usize,
    },
    PlanUpdated {
        explanation: Option<String>,
        plan: Vec<PlanStep>,
    },
    /// A request failed and is retried after `delay_ms`.
    Retry {
        attempt: u32,
        max_attempts: u32,
        delay_ms: u64,
        reason: String,
    },
    /// History was summarised. `reason` is `auto`, `manual` or
    /// `context_window`.
    Compaction {
        reason: String,
        items_before: usize,
        items_after: usize,
        tokens_before: u64,
    },
    TurnCompleted {
        turn: u32,
        usage: Usage,
        total_usage: Usage,
    },
    /// A task (one user message) ended. `status` is `done`, `failed`,
    /// `interrupted` or `max_turns`.
    TaskCompleted {
        status: String,
        turns: u32,
        usage: Usage,
    },
    /// A skill's instructions were added to the conversation for this
    /// message (named with `$name` or `/name`, or a clear match).
    SkillActivated {
        name: String,
    },
    /// Before the session's first request, quire waits for these MCP
    /// servers to start (each at most its `startup_timeout_sec`).
    McpWaiting {
        servers: Vec<String>,
    },
    /// A hook started (`event` is the hook event, `name` the hook).
    HookStarted {
        name: String,
        event: String,
    },
    /// A hook finished. `outcome` is `ok`, `blocked`, `error` or
    /// `timeout`; `message` is the block reason or the warning.
    HookCompleted {
        name: String,
        event: String,
        duration_ms: u64,
        outcome: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    Warning {
        message: String,
    },
    Error {
        message: String,
    },
}

/// Where events go. Cloning is cheap; sending never blocks and never fails
/// the caller (a closed receiver just drops events).
#[derive(Clone, Debug)]
pub struct EventSink {
    tx: Option<mpsc::UnboundedSender<Event>>,
}

impl EventSink {
    pub fn channel() -> (EventSink, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (EventSink { tx: Some(tx) }, rx)
    }

    /// A sink that drops everything (tests, tools used standalone).
    pub fn null() -> EventSink {
        EventSink { tx: None }
    }

    pub fn send(&self, event: Event) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(event);
        }
    }
}
