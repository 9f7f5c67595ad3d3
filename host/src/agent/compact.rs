//! Compaction: when the conversation nears the context window, the same
//! model summarises it, and the summary plus the most recent user messages
//! replace the history.

use tokio_util::sync::CancellationToken;

use super::{AgentError, Event, Session, handoff};
use crate::model::retry::CompleteError;
use crate::model::{Item, ModelError, ModelRequest};
use crate::protocol::CompactReason;

/// The hand-off prompt sent as the last user message.
pub const HANDOFF_PROMPT: &str = "The conversation is about to be compacted: everything above will be replaced by what you write now. Write a hand-off summary for yourself to continue the work without the history. Include: the user's goal and every requirement they stated; what has been done so far (files changed and how, commands run and their results); what you learned about the code that still matters (paths, names, conventions, pitfalls); the current state (what works, what fails, with error messages); and the exact next steps. Be specific and complete but concise. Do not call any tools; answer with the summary only.";

/// How many of the latest user messages survive compaction.
const KEEP_USER_MESSAGES: usize = 3;
/// Characters kept of each surviving user message.
const KEEP_USER_CHARS: usize = 4000;

/// Bytes of conversation (per-message context left out) below which a
/// hand-off summary would be about as long as what it replaces.
const LITTLE_TO_COMPACT: usize = 2048;

impl Session {
    /// Whether the conversation is too short for compaction to free
    /// anything (`/compact` then says so instead of asking the model).
    pub fn little_to_compact(&self) -> bool {
        let bytes: usize = self
            .history
            .iter()
            .filter(|i| !matches!(i, Item::Context { .. } | Item::SkillActivation { .. }))
            .map(|i| serde_json::to_string(i).map(|s| s.len()).unwrap_or(0))
            .sum();
        bytes < LITTLE_TO_COMPACT
    }

    /// Estimated tokens of the conversation: the last reported usage plus
    /// about a token per four bytes added since; without usage, bytes / 4.
    pub fn estimated_tokens(&self) -> u64 {
        let bytes_of = |items: &[Item]| -> u64 {
            items
                .iter()
                .map(|i| serde_json::to_string(i).map(|s| s.len()).unwrap_or(0) as u64)
                .sum()
        };
        match self.last_usage {
            Some((u, len)) if len <= self.history.len() => {
                u.total() + bytes_of(&self.history[len..]) / 4
            }
            _ => (bytes_of(&self.history) + self.instructions().len() as u64) / 4,
        }
    }

    /// Whether the conversation passed the threshold and there is more
    /// than one message to compact (the items added after a message for
    /// it, context and skill bodies, do not count).
    pub(crate) fn needs_compaction(&self) -> bool {
        let window = self.config.context_window(&self.model) as f64;
        let exchanged = self
            .history
            .iter()
            .filter(|i| !matches!(i, Item::Context { .. } | Item::SkillActivation { .. }))
            .count();
        exchanged > 1 && self.estimated_tokens() as f64 > window * self.config.compact_threshold
    }

    /// Summarises the history and replaces it (see the module docs).
    pub async fn compact(
        &mut self,
        reason: CompactReason,
        cancel: &CancellationToken,
    ) -> Result<(), AgentError> {
        if self.history.is_empty() {
            return Ok(());
        }
        self.hooks_pre_compact(reason).await;
        let tokens_before = self.estimated_tokens();
        let items_before = self.history.len();
        let mut source: Vec<Item> = self.history.clone();
        let mut prompt = HANDOFF_PROMPT;
        let summary = loop {
            let mut items = source.clone();
            items.push(Item::User {
                text: prompt.to_string(),
            });
            let request = ModelRequest {
                model: self.model.clone(),
                instructions: self.instructions(),
                items,
                tools: self.turn_tools(""),
                max_output_tokens: self.config.max_output_tokens_for(&self.model),
                cache_key: Some(self.id().to_string()),
            };
            let reply = self.send_request(&request, cancel, false).await;
            // The hand-off request is paid for as any other: it counts in
            // the session's total (and its budget).
            if let Ok(r) = &reply
                && let Some(u) = &r.usage
            {
                self.total_usage.add(u);
            }
            match reply {
                Ok(r) => match handoff::unusable(&r) {
                    None => break r.text,
                    Some(why) if prompt == HANDOFF_PROMPT => {
                        tracing::warn!(why, "hand-off reply is no summary; asking again");
                        prompt = handoff::RETRY_PROMPT;
                    }
                    Some(why) => {
                        // Twice no summary: quire's own record of the
                        // history stands in, so no work is lost.
                        let budget = self.config.context_window(&self.model) as usize;
                        self.events.send(Event::Warning {
                            message: format!(
                                "compaction: the model's hand-off summary {why} (twice); the history was replaced by quire's record of it instead (the newest entries, clipped). A model that follows the hand-off prompt summarises better."
                            ),
                        });
                        break handoff::record_of(&self.history, budget);
                    }
                },
                Err(CompleteError::Model(ModelError::ContextWindow(_))) if source.len() > 2 => {
                    // Even the summary request is too long: drop the older
                    // half and summarise what remains.
                    source = drop_older_half(&source);
                }
                Err(CompleteError::Interrupted) => return Err(AgentError::Interrupted),
                Err(CompleteError::Model(e)) => return Err(AgentError::Model(e)),
            }
        };
        let mut new_history = recent_user_messages(&self.history);
        new_history.push(Item::CompactionSummary {
            text: summary.trim().to_string(),
        });
        for ext in &self.extensions {
            new_history.extend(ext.after_compaction());
        }
        if let Err(e) = self.writer.append_compacted(&new_history) {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        self.history = new_history;
        self.last_usage = None;
        self.emit_recorded(Event::Compaction {
            reason,
            items_before,
            items_after: self.history.len(),
            tokens_before,
        });
        Ok(())
    }
}

fn recent_user_messages(history: &[Item]) -> Vec<Item> {
    let mut kept: Vec<Item> = history
        .iter()
        .rev()
        .filter_map(|i| match i {
            Item::User { text } => Some(Item::User {
                text: clip(text, KEEP_USER_CHARS),
            }),
            _ => None,
        })
        .take(KEEP_USER_MESSAGES)
        .collect();
    kept.reverse();
    kept
}

fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[… message cut …]", &text[..end])
}

/// The newer half of `items`, starting at a user message so that no tool
/// result loses its call.
fn drop_older_half(items: &[Item]) -> Vec<Item> {
    let mid = items.len() / 2;
    let start = (mid..items.len())
        .find(|&i| matches!(items[i], Item::User { .. }))
        .unwrap_or(mid);
    let mut rest: Vec<Item> = items[start..].to_vec();
    if !matches!(rest.first(), Some(Item::User { .. })) {
        rest.insert(
            0,
            Item::User {
                text: "(earlier conversation omitted)".into(),
            },
        );
    }
    crate::store::close_unfinished_calls(&mut rest);
    rest.retain(|i| !orphan_result(i, items, start));
    rest
}

fn orphan_result(item: &Item, all: &[Item], start: usize) -> bool {
    let Item::ToolResult { call_id, .. } = item else {
        return false;
    };
    !all[start..]
        .iter()
        .any(|i| matches!(i, Item::ToolCall { call_id: c, .. } if c == call_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_user_messages_in_order() {
        let h: Vec<Item> = (0..5)
            .flat_map(|n| {
                [
                    Item::User {
                        text: format!("u{n}"),
                    },
                    Item::Assistant {
                        text: format!("a{n}"),
                    },
                ]
            })
            .collect();
        let kept = recent_user_messages(&h);
        assert_eq!(
            kept,
            vec![
                Item::User { text: "u2".into() },
                Item::User { text: "u3".into() },
                Item::User { text: "u4".into() }
            ]
        );
    }
}
