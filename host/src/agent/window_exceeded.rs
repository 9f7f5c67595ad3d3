//! The server says the context window is exceeded in a turn: it refused
//! the request as too long (HTTP 400 "prompt is too long",
//! `context_length_exceeded`, llama.cpp's `n_ctx`), or the answer stopped
//! because the conversation and the answer filled the window (Anthropic
//! `stop_reason: "model_context_window_exceeded"`). The window this shows
//! is learned for the session, and once per task the conversation is
//! compacted and the request asked again — unless what a compaction leaves
//! (the system prompt and the tool definitions first) would not fit the
//! window (the configured one, or a smaller one the error states): then
//! nothing is compacted, and the small-window warning says why and what
//! to do (compact_room.rs); nor when the conversation is the task's
//! message alone (task_too_long.rs). An answer that filled the window stands as a
//! cut answer when compacting would not free room.

use tokio_util::sync::CancellationToken;

use super::task_error::agent_status;
use super::turn::TaskStatus;
use super::{Event, Session};
use crate::model::ModelError;
use crate::model::retry::Response;
use crate::protocol::CompactReason;
use crate::tools::ToolSpec;

/// Where a window stated in a server's error comes from, as the user is
/// told.
pub(super) const STATED_BY_ERROR: &str = "its error says so";

/// Where a window shown by an answer that filled it comes from.
const STATED_BY_ANSWER: &str =
    "the model's answer stopped there: stop_reason model_context_window_exceeded";

/// A window the server stated, smaller than the one quire assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Learned {
    pub window: u64,
    pub before: u64,
}

impl Session {
    /// The server refused the turn's request (carrying `tools`) as too
    /// long with `message`. `Ok` once the conversation is compacted (the
    /// request is asked again); `Err`: the status the task ends with.
    pub(super) async fn compact_for_refused(
        &mut self,
        message: &str,
        tools: &[ToolSpec],
        cancel: &CancellationToken,
    ) -> Result<(), TaskStatus> {
        // Counted as quire counts (its thresholds compare such counts).
        let refused = self.estimated_tokens(tools);
        let room = self.compaction_room(tools);
        let learned = self.learn_window_from(message, refused);
        // A window the error states is checked as a configured one: one
        // the fixed part does not fit is as hopeless. (The refused
        // request's size, learned when none is stated, is only a bound.)
        let room = match learned {
            Some(_) => self.compaction_room(tools),
            None => room,
        };
        if !room.could_fit() {
            // Compacting would throw the conversation away and be refused
            // again: the server's error stands.
            self.warn_small_window(&room);
            let refused = ModelError::ContextWindow(message.to_string()).to_string();
            return Err(TaskStatus::Failed(format!(
                "{}. {}",
                refused.trim_end().trim_end_matches('.'),
                room.cannot_fit()
            )));
        }
        if let Some(learned) = learned {
            self.tell_learned_window(learned, STATED_BY_ERROR);
        }
        // The task's message alone: a hand-off would carry it whole and
        // be refused as well (task_too_long.rs).
        if let Some(too_long) = self.task_alone(message, room.fixed()) {
            let refused = ModelError::ContextWindow(message.to_string()).to_string();
            return Err(TaskStatus::Failed(format!(
                "{}. {}",
                refused.trim_end().trim_end_matches('.'),
                too_long.advice()
            )));
        }
        tracing::info!(%message, "context window exceeded; compacting and retrying");
        self.compact(CompactReason::ContextWindow, cancel)
            .await
            .map_err(agent_status)
    }

    /// The answer to the turn's request (carrying `tools`) stopped because
    /// it filled the context window. When a compaction frees room (what
    /// it leaves is at most three quarters of the request), the partial
    /// answer is discarded (a `retry` event says so), the conversation
    /// compacted and `Ok(true)` returned: the request is asked again.
    /// `Ok(false)`: compacting would not help, the answer stands as cut.
    pub(super) async fn compact_for_full_answer(
        &mut self,
        response: &Response,
        tools: &[ToolSpec],
        cancel: &CancellationToken,
    ) -> Result<bool, TaskStatus> {
        // The server's count of what filled the window.
        let filled = response.usage.map(|u| u.total()).filter(|n| *n > 0);
        // Told whatever comes next: later requests compact for it.
        if let Some(learned) = filled.and_then(|n| self.learn_window(Some(n), n)) {
            self.tell_learned_window(learned, STATED_BY_ANSWER);
        }
        let room = self.compaction_room(tools);
        let request = self.estimated_tokens(tools);
        if room.after() as f64 > request as f64 * super::compact_room::LEAVES_AT_MOST {
            tracing::info!(
                ?room,
                request,
                "answer filled the window; compaction would not help"
            );
            return Ok(false);
        }
        // Paid for, though not kept.
        if let Some(u) = &response.usage {
            self.total_usage.add(u);
        }
        self.events.send(Event::Retry {
            attempt: 1,
            max_attempts: 1,
            delay_ms: 0,
            reason: "the answer filled the model's context window (stop_reason model_context_window_exceeded); compacting the conversation and asking again".into(),
            discarded_text: !response.text.is_empty(),
        });
        self.compact(CompactReason::ContextWindow, cancel)
            .await
            .map_err(agent_status)?;
        Ok(true)
    }

    /// A request of `refused` tokens (as quire counts them) was refused
    /// as too long with `message`: see [`Session::learn_window`].
    pub(super) fn learn_window_from(&mut self, message: &str, refused: u64) -> Option<Learned> {
        let stated = crate::model::context_size::stated(message);
        self.learn_window(stated, refused)
    }

    /// The context size the server `stated`, or the refused request's
    /// size when that is smaller (both are upper bounds), is the window
    /// for the rest of the session (kept in the session file), so that
    /// the compaction and the requests after it are smaller than what was
    /// refused. Returns the stated window when it is smaller than the one
    /// assumed, for [`Session::tell_learned_window`].
    fn learn_window(&mut self, stated: Option<u64>, refused: u64) -> Option<Learned> {
        let window = stated.map_or(refused, |n| n.min(refused));
        let before = self.context_window();
        if window == 0 || window >= before {
            return None;
        }
        self.server_window = Some((self.model.clone(), window));
        if let Err(e) = self.writer.append_server_window(&self.model, window) {
            self.warn(format!(
                "{e}; a resumed session will not know the server's context window is {window} tokens"
            ));
        }
        stated
            .filter(|n| *n < before)
            .map(|window| Learned { window, before })
    }

    /// Tells the user the window the server stated (`how`: where it
    /// says so) and that quire compacts for it from now on.
    pub(super) fn tell_learned_window(&mut self, learned: Learned, how: &str) {
        let Learned { window: n, before } = learned;
        self.events.send(Event::Warning {
            message: format!(
                "the server's context window is {n} tokens ({how}), smaller than the {before} quire assumed for {}: quire compacts for {n} from now on in this session. Set `model_context_window = {n}` in config.toml to start with it.",
                self.model
            ),
        });
    }
}
