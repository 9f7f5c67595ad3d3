//! The last message of a session file when the model never answered it
//! (its task failed or was interrupted before the model said or did
//! anything, or quire was killed): a resumed session treats it as the
//! running one would (see `agent/unanswered.rs`).

use serde_json::Value;

use crate::protocol::Item;

/// Why the last message of a loaded session got no answer.
#[derive(Debug, Clone, Default)]
pub struct Unanswered {
    /// How its task ended, once known: why when it failed or was
    /// interrupted, `None` when it ended otherwise (an empty answer).
    ended: Option<Option<String>>,
    /// The last error recorded (a failed task's message).
    error: Option<String>,
}

impl Unanswered {
    /// Follows the recorded events: a task's end and its error.
    pub(super) fn see_event(&mut self, event: &Value) {
        let text = |key: &str| event.get(key).and_then(Value::as_str);
        match text("type") {
            Some("error") => self.error = text("message").map(str::to_string),
            Some("task_completed") => {
                self.ended = Some(match text("status") {
                    Some("failed") => Some(match self.error.take() {
                        Some(msg) => format!("the request failed ({msg})"),
                        None => "the request failed".to_string(),
                    }),
                    Some("interrupted") => Some(format!(
                        "{} before the answer began",
                        text("reason").unwrap_or("it was interrupted")
                    )),
                    _ => None,
                });
            }
            _ => {}
        }
    }

    /// The history was cut back to an earlier message (answered, or the
    /// session's first): nothing is left unanswered.
    pub(super) fn see_rewind(&mut self) {
        self.ended = Some(None);
        self.error = None;
    }

    /// A new message started a task.
    pub(super) fn see_message(&mut self) {
        self.ended = None;
        self.error = None;
    }

    /// Why the last user message of `items` got no answer, when nothing
    /// but its images and context follow it.
    pub(super) fn why(self, items: &[Item]) -> Option<String> {
        let at = items.iter().rposition(|i| matches!(i, Item::User { .. }))?;
        let only_context = items[at + 1..].iter().all(|i| {
            matches!(
                i,
                Item::Context { .. } | Item::SkillActivation { .. } | Item::Image { .. }
            )
        });
        if !only_context {
            return None;
        }
        match self.ended {
            Some(why) => why,
            None => Some("quire stopped before the answer began".to_string()),
        }
    }
}
