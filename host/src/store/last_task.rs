//! How the task of a session file's last message ended, read from its
//! records: a resumed session says "stopped: turn limit after 100 tool
//! calls" rather than nothing when that task gave no answer.

use serde_json::Value;

use crate::protocol::Item;

/// The end of the last message's task (its `task_completed` event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastTask {
    /// The event's status word: `done`, `max_turns`, `failed`, ….
    pub status: String,
    /// Round trips to the model it made.
    pub requests: u64,
    /// Tool calls recorded for the message.
    pub tool_calls: usize,
    /// Why an interrupted task stopped, when recorded.
    pub reason: Option<String>,
}

/// Follows a session file's records to its last message's task.
#[derive(Debug, Default)]
pub(super) struct Follow {
    tool_calls: usize,
    ended: Option<LastTask>,
}

impl Follow {
    pub(super) fn see_item(&mut self, item: &Item) {
        match item {
            // A new message starts a new task.
            Item::User { .. } => *self = Follow::default(),
            Item::ToolCall { .. } => self.tool_calls += 1,
            _ => {}
        }
    }

    pub(super) fn see_event(&mut self, event: &Value) {
        if let Some(why) = super::not_started::seen(event) {
            self.ended = Some(LastTask {
                status: super::NOT_STARTED.to_string(),
                requests: 0,
                tool_calls: 0,
                reason: Some(why.to_string()).filter(|w| !w.is_empty()),
            });
            return;
        }
        if event.get("type").and_then(Value::as_str) != Some("task_completed") {
            return;
        }
        let text = |key: &str| event.get(key).and_then(Value::as_str).map(str::to_string);
        self.ended = Some(LastTask {
            status: text("status").unwrap_or_default(),
            requests: event.get("turns").and_then(Value::as_u64).unwrap_or(0),
            tool_calls: self.tool_calls,
            reason: text("reason"),
        });
    }

    /// The last message's task, when it ended.
    pub(super) fn last(self) -> Option<LastTask> {
        self.ended
    }
}
