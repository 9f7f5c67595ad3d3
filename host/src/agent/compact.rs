//! Compaction: when the conversation nears the context window, the same
//! model summarises it, and the summary plus the most recent user messages
//! replace the history.

use tokio_util::sync::CancellationToken;

use super::compact_keep::{self, Kept};
use super::{AgentError, Event, Session, estimate, fold, handoff};
use crate::model::retry::CompleteError;
use crate::model::{Item, ModelError, ModelRequest};
use crate::protocol::CompactReason;
use crate::tools::ToolSpec;

/// The hand-off prompt sent as the last user message.
pub const HANDOFF_PROMPT: &str = "The conversation is about to be compacted: everything above will be replaced by what you write now. Write a hand-off summary for yourself to continue the work without the history. Include: the user's goal and every requirement they stated; what has been done so far (files changed and how, commands run and their results); what you learned about the code that still matters (paths, names, conventions, pitfalls); the current state (what works, what fails, with error messages); and the exact next steps. Be specific and complete but concise. Do not call any tools; answer with the summary only.";

/// What a hand-off request brought.
enum HandOff {
    Summary(String),
    /// Refused as too long for the model's window: the server's error.
    Refused(String),
}

/// Bytes of conversation (per-message context left out) below which a
/// hand-off summary would be about as long as what it replaces.
pub(super) const LITTLE_TO_COMPACT: usize = 2048;

impl Session {
    /// Whether the conversation is too short for compaction to free
    /// anything (`/compact` then says so instead of asking the model).
    pub fn little_to_compact(&self) -> bool {
        let bytes: u64 = self
            .history
            .iter()
            .filter(|i| !matches!(i, Item::Context { .. } | Item::SkillActivation { .. }))
            .map(estimate::bytes_of_item)
            .sum::<u64>();
        bytes < LITTLE_TO_COMPACT as u64
    }

    /// Whether the next request, carrying `tools`, passes the threshold
    /// and there is more than one message to compact since the last
    /// compaction (the items added after a message for it, context and
    /// skill bodies, do not count; nor do the messages a compaction kept,
    /// so a window that the tool list alone nearly fills does not compact
    /// at every round trip), and a compaction would free enough to matter
    /// (`compact_room.rs`; when it would not, a warning says so once).
    pub(crate) fn needs_compaction(&mut self, tools: &[ToolSpec]) -> bool {
        let window = self.context_window() as f64;
        if self.estimated_tokens(tools) as f64 <= window * self.config.compact_threshold {
            return false;
        }
        // This turn's compaction could not make it fit: another would
        // not either (said once, when it happened).
        if self.compaction_stuck {
            return false;
        }
        let room = self.compaction_room(tools);
        if !room.worth_compacting() {
            self.warn_small_window(&room);
            return false;
        }
        let since = self
            .history
            .iter()
            .rposition(|i| matches!(i, Item::CompactionSummary { .. }))
            .map_or(0, |at| at + 1)
            .max(self.compaction_kept.min(self.history.len()));
        let exchanged = self.history[since..]
            .iter()
            .filter(|i| !matches!(i, Item::Context { .. } | Item::SkillActivation { .. }))
            .filter(|i| !i.is_thinking())
            .count();
        exchanged > 1
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
        let tools = self.turn_tools("");
        let tokens_before = self.estimated_tokens(&tools);
        let items_before = self.history.len();
        // Automatic compactions run inside a turn: its work is kept.
        let in_turn = reason != CompactReason::Manual;
        let (summary, mut kept) = if reason == CompactReason::ContextWindow {
            // The server refused the request: its latest round is kept,
            // everything before it summarised (not both), and the hand-off
            // is cut into parts before it is sent when it would not fit.
            let from = compact_keep::latest_round_at(&self.history);
            let upto = from.unwrap_or(self.history.len());
            let limit = self.context_window() as f64
                * self.config.compact_threshold
                * estimate::BYTES_PER_TOKEN as f64;
            let summary = self.summarise(&tools, upto, Some(limit as u64), cancel);
            (summary.await?, compact_keep::kept_from(&self.history, from))
        } else {
            // A hand-off that would not fit the window is cut into parts
            // before it is sent, not refused first: once the server
            // refused a request (its window learned), one over it; else
            // one over twice the configured or assumed window (quire's
            // count is an estimate, and a window only assumed may be
            // larger) — a resumed session of thousands of turns is not
            // sent whole either way.
            let learned = self
                .server_window
                .as_ref()
                .is_some_and(|(model, _)| *model == self.model);
            let windows = if learned { 1 } else { 2 };
            let limit = (windows * estimate::BYTES_PER_TOKEN).saturating_mul(self.context_window());
            let summary = self.summarise(&tools, self.history.len(), Some(limit), cancel);
            (summary.await?, compact_keep::kept(&self.history, in_turn))
        };
        let summary = Item::CompactionSummary {
            text: summary.trim().to_string(),
        };
        let restored: Vec<Item> = self
            .extensions
            .iter()
            .flat_map(|e| e.after_compaction())
            .collect();
        self.fit_kept_turn(&tools, &summary, &restored, &mut kept);
        let new_history = compact_keep::assemble(summary, restored, kept);
        if let Err(e) = self.writer.append_compacted(&new_history) {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        self.history = new_history;
        self.scopes_compacted();
        self.compaction_kept = self.history.len();
        self.last_usage = None;
        self.emit_recorded(Event::Compaction {
            reason,
            items_before,
            items_after: self.history.len(),
            tokens_before,
        });
        if in_turn {
            // The turn goes on: `SessionStart` (compact) restores its
            // context now, not at the next message.
            let context = self.hooks_session_start().await;
            self.record_start_context(context);
            self.check_compaction_fits(&tools);
        }
        Ok(())
    }

    /// Shrinks the kept turn's work so that the first request after the
    /// compaction leaves room below the threshold (see
    /// [`compact_keep::fit_turn`]).
    fn fit_kept_turn(
        &self,
        tools: &[ToolSpec],
        summary: &Item,
        restored: &[Item],
        kept: &mut Kept,
    ) {
        let window = self.context_window() as f64;
        let target = window * self.config.compact_threshold * super::compact_room::LEAVES_AT_MOST;
        let fixed = self.instructions().len() as u64
            + estimate::bytes_of_tools(tools)
            + estimate::bytes_of_items(std::slice::from_ref(summary))
            + estimate::bytes_of_items(restored)
            + estimate::bytes_of_items(&kept.messages);
        let budget = ((target as u64) * estimate::BYTES_PER_TOKEN).saturating_sub(fixed);
        let (cut, dropped) = compact_keep::fit_turn(&mut kept.turn, budget as usize);
        if cut + dropped > 0 {
            tracing::info!(cut, dropped, budget, "compaction shrank the current turn");
        }
    }

    /// After a compaction inside a turn: when the next request is still
    /// over the threshold (the fixed part and the turn's latest work
    /// alone pass it), no other compaction runs in this turn, and the
    /// user is told once why and what to do.
    fn check_compaction_fits(&mut self, tools: &[ToolSpec]) {
        let window = self.context_window();
        let threshold = (window as f64 * self.config.compact_threshold) as u64;
        let now = self.estimated_tokens(tools);
        if now <= threshold {
            return;
        }
        self.compaction_stuck = true;
        if self.compaction_stuck_warned {
            return;
        }
        self.compaction_stuck_warned = true;
        let room = self.compaction_room(tools);
        let summary = self
            .history
            .iter()
            .find(|i| matches!(i, Item::CompactionSummary { .. }))
            .map_or(0, estimate::bytes_of_item)
            / estimate::BYTES_PER_TOKEN;
        self.events.send(Event::Warning {
            message: format!(
                "compaction could not bring the context under the threshold: the next request still takes about {now} tokens, over the {threshold} where compaction starts (`compact_threshold` of `model_context_window` = {window}). The fixed part (system prompt and {} tool definitions, about {} tokens), the hand-off summary (about {summary} tokens) and the current turn's latest work (tool outputs already cut) are over it, so quire does not compact again until the next message; a request longer than the server's window is refused with its error. Raise `model_context_window` to the window the server really runs with (and start it with a larger one: `llama-server -c 16384`, Ollama's `num_ctx`), or ask for smaller tool outputs (`| head`, narrower searches), or send fewer tools.",
                room.tool_count,
                room.fixed(),
            ),
        });
    }

    /// The hand-off summary of the history up to `upto`. A request the
    /// model refuses as too long, or one over `limit` bytes, is cut:
    /// the older part is summarised first and its summary goes at the
    /// head of the rest ([`fold`]). A refusal lowers `limit` (to the
    /// window its error states, else below the refused request's size),
    /// so the parts after it are cut before they are sent. A part that
    /// cannot be cut and still does not fit is left out, with a warning
    /// naming it.
    async fn summarise(
        &mut self,
        tools: &[ToolSpec],
        upto: usize,
        limit: Option<u64>,
        cancel: &CancellationToken,
    ) -> Result<String, AgentError> {
        let history = self.history[..upto.min(self.history.len())].to_vec();
        let len = history.len();
        let (mut start, mut end) = (0usize, len);
        let mut carry: Option<String> = None;
        let mut left_out: Vec<String> = Vec::new();
        let mut sent = 0usize;
        let mut limit = limit;
        loop {
            let last = end == len;
            let items = fold::part_items(carry.as_deref(), &history[start..end]);
            let split = fold::split_point(&history, start, end);
            // Over `limit` (bytes): cut before asking, as if refused.
            let too_big =
                split.is_some() && limit.is_some_and(|max| self.handoff_bytes(&items, tools) > max);
            let reply = if too_big {
                None
            } else if sent >= fold::MAX_REQUESTS {
                tracing::warn!(sent, "hand-off requests used up; leaving the rest out");
                left_out.push(fold::describe(&history[start..]));
                start = len;
                None
            } else {
                sent += 1;
                let prompt = if last {
                    HANDOFF_PROMPT
                } else {
                    fold::PART_PROMPT
                };
                let bytes = self.handoff_bytes(&items, tools);
                match self.hand_off(items, prompt, tools, cancel).await? {
                    HandOff::Summary(text) => Some(text),
                    HandOff::Refused(message) => {
                        let bound = self.refused_hand_off(&message, bytes);
                        limit = Some(limit.map_or(bound, |l| l.min(bound)));
                        None
                    }
                }
            };
            match reply {
                Some(text) if last => {
                    carry = Some(text);
                    break;
                }
                Some(text) => {
                    carry = Some(text);
                    (start, end) = (end, len);
                }
                None if start == len => break,
                None => match split {
                    Some(cut) => end = cut,
                    // Nothing to cut and nothing summarised: the history
                    // cannot be compacted (the caller says what to do).
                    None if start == 0 && last => {
                        return Err(AgentError::Model(ModelError::ContextWindow(
                            "the hand-off summary request is too long for the model's context window".into(),
                        )));
                    }
                    None => {
                        left_out.push(fold::describe(&history[start..end]));
                        (start, end) = (end, len);
                        if start == len {
                            break;
                        }
                    }
                },
            }
        }
        if !left_out.is_empty() {
            self.events.send(Event::Warning {
                message: format!(
                    "compaction: the conversation was too long for the model to summarise even in parts; left out of the summary: {}. Repeat what still matters from it in your next message, or set `model_context_window` to the model's real window.",
                    left_out.join("; ")
                ),
            });
        }
        Ok(carry.unwrap_or_default())
    }

    /// A hand-off request of about `bytes` was refused as too long with
    /// `message`: the window it states is learned for the session, and
    /// the bytes a later hand-off request may take are returned — those
    /// of that window, else three quarters of what was refused.
    fn refused_hand_off(&mut self, message: &str, bytes: u64) -> u64 {
        let refused_tokens = bytes / estimate::BYTES_PER_TOKEN;
        if let Some(learned) = self.learn_window_from(message, refused_tokens) {
            self.tell_learned_window(learned, super::window_exceeded::STATED_BY_ERROR);
        }
        let stated = crate::model::context_size::stated(message)
            .map(|n| n.saturating_mul(estimate::BYTES_PER_TOKEN))
            .filter(|b| *b < bytes);
        stated.unwrap_or(bytes / 4 * 3)
    }

    /// About how many bytes a hand-off request over `items` takes.
    fn handoff_bytes(&self, items: &[Item], tools: &[ToolSpec]) -> u64 {
        self.instructions().len() as u64
            + estimate::bytes_of_tools(tools)
            + estimate::bytes_of_items(items)
            + HANDOFF_PROMPT.len() as u64
    }

    /// One hand-off request over `source` (with `prompt` last); a reply
    /// with no summary is asked for once more, then quire's record of
    /// `source` stands in.
    async fn hand_off(
        &mut self,
        source: Vec<Item>,
        prompt: &'static str,
        tools: &[ToolSpec],
        cancel: &CancellationToken,
    ) -> Result<HandOff, AgentError> {
        let mut prompt = prompt;
        let mut asked_again = false;
        loop {
            // The hand-off goes without image data: a note names each.
            let mut items: Vec<Item> = source.iter().map(super::images::without_data).collect();
            items.push(Item::user(prompt));
            let request = ModelRequest {
                model: self.model.clone(),
                instructions: self.instructions(),
                items,
                tools: tools.to_vec(),
                max_output_tokens: self.handoff_output_limit(),
                cache_key: Some(self.id().to_string()),
                reasoning: self.config.reasoning_for(&self.model),
                output_schema: None,
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
                    None => return Ok(HandOff::Summary(self.bounded_summary(r.text, &source))),
                    Some(why) if !asked_again => {
                        tracing::warn!(why, "hand-off reply is no summary; asking again");
                        prompt = handoff::RETRY_PROMPT;
                        asked_again = true;
                    }
                    Some(why) => {
                        // Twice no summary: quire's own record of the
                        // history stands in, so no work is lost.
                        let max = self.summary_max_bytes(&source);
                        self.events.send(Event::Warning {
                            message: format!(
                                "compaction: the model's hand-off summary {why} (twice); the history was replaced by quire's record of it instead (the newest entries, clipped). A model that follows the hand-off prompt summarises better."
                            ),
                        });
                        return Ok(HandOff::Summary(handoff::record_within(&source, max)));
                    }
                },
                Err(CompleteError::Model(ModelError::ContextWindow(message))) => {
                    return Ok(HandOff::Refused(message));
                }
                Err(CompleteError::Interrupted) => return Err(AgentError::Interrupted),
                Err(CompleteError::Model(e)) => return Err(AgentError::Model(e)),
            }
        }
    }
}
