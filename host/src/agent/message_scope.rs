//! What the user messages of the conversation started that outlives
//! their task (a subagent spawned in the background): each user message
//! recorded gets a cancellation token, handed to the extensions before
//! the tool calls answering it run ([`Extension::message_scope`]). When
//! the message leaves the conversation — going back to it or to an
//! earlier one (Esc Esc, `/rewind N`), an unanswered message withdrawn —
//! its token is cancelled: the subagents it started stop, their commands
//! with them, and their results are not reported to the model. Another
//! conversation (`/new`, `/resume`) drops them all, and so does the end of
//! a one-shot task (`quire exec`), and of each run of a subagent (its
//! answer ends it: nothing can collect what it left running). Each stop
//! says its cause: the subagent's `task_completed` reason.
//!
//! [`Extension::message_scope`]: super::Extension::message_scope

use tokio_util::sync::CancellationToken;

use super::{Event, Session};
use crate::model::Item;
use crate::protocol::interrupt::{AGENT_ANSWERED, DROPPED, LEFT, Stop, TASK_ENDED};

/// The tokens of the user messages recorded by this process, each with
/// its place in the history (a resumed session's older messages have
/// none: nothing they started runs any more).
#[derive(Default)]
pub(crate) struct MessageScopes {
    scopes: Vec<(usize, Stop)>,
    /// A one-shot task (`quire exec`) or a subagent: its background work
    /// stops when the task ends, counted in its usage, for this cause (see
    /// [`Session::stop_background_at_end`]).
    one_shot: Option<&'static str>,
}

impl MessageScopes {
    /// A user message was recorded at `at`.
    fn opened(&mut self, at: usize) {
        self.scopes.push((at, Stop::default()));
    }

    /// The token of the newest user message.
    fn current(&self) -> Option<&Stop> {
        self.scopes.last().map(|(_, t)| t)
    }

    /// The history was cut to `len` items: the messages past it are gone.
    fn cut(&mut self, len: usize) {
        while let Some((at, token)) = self.scopes.last() {
            if *at < len {
                break;
            }
            token.stop(DROPPED);
            self.scopes.pop();
        }
    }

    /// A compaction replaced the history: it keeps the newest user
    /// messages, in order, so the newest tokens move to their new places.
    /// The messages it let go can no longer be gone back to: what they
    /// started runs on.
    fn compacted(&mut self, history: &[Item]) {
        let places: Vec<usize> = history
            .iter()
            .enumerate()
            .filter(|(_, i)| matches!(i, Item::User { .. }))
            .map(|(at, _)| at)
            .collect();
        let keep = places.len().min(self.scopes.len());
        self.scopes.drain(..self.scopes.len() - keep);
        for ((at, _), place) in self.scopes.iter_mut().zip(&places[places.len() - keep..]) {
            *at = *place;
        }
    }

    /// Another conversation (`/new`, `/resume`): what this one started
    /// stops — the next conversation cannot name it, and a `wait_agents`
    /// for all would bring its results into a conversation that never
    /// asked for them.
    fn forget(&mut self, why: &str) {
        for (_, token) in self.scopes.drain(..) {
            token.stop(why);
        }
    }
}

impl Session {
    /// Called as `item` is recorded at the end of the history.
    pub(crate) fn scope_recorded(&mut self, item: &Item) {
        if matches!(item, Item::User { .. }) {
            self.scopes.opened(self.history.len());
        }
    }

    /// Before a round of tool calls: the extensions learn the token of
    /// the message the calls answer.
    pub(crate) fn hand_out_scope(&self) {
        if let Some(scope) = self.scopes.current() {
            for ext in &self.extensions {
                ext.message_scope(scope);
            }
        }
    }

    /// The history was cut to its current length: what the messages
    /// past it started stops.
    pub(crate) fn scopes_cut(&mut self) {
        self.scopes.cut(self.history.len());
    }

    pub(crate) fn scopes_compacted(&mut self) {
        self.scopes.compacted(&self.history);
    }

    /// Another conversation: `why` is
    /// [`crate::protocol::interrupt::NEW_CONVERSATION`] or
    /// [`crate::protocol::interrupt::OTHER_CONVERSATION`].
    pub(crate) fn scopes_forgotten(&mut self, why: &str) {
        self.scopes.forget(why);
    }

    /// Makes each task a one-shot one (`quire exec`): what it left running
    /// in the background stops when it ends, before its `task_completed`,
    /// whose usage (and the session's total) counts what that work used.
    pub fn stop_background_at_end(&mut self) {
        self.scopes.one_shot = Some(TASK_ENDED);
    }

    /// Makes each task a subagent's run: what it started in the background
    /// and did not wait for stops when it gives its answer, as at the end
    /// of a one-shot task (its parent gets the answer and nothing could
    /// collect that work any more).
    pub fn stop_background_after_answer(&mut self) {
        self.scopes.one_shot = Some(AGENT_ANSWERED);
    }

    /// At the end of a task's turns: an interrupted task drops what it
    /// queued and waits for what its extensions are stopping (its own
    /// work: what earlier tasks started runs or waits on); a one-shot
    /// task stops its background work.
    pub(crate) async fn settle_at_end(&mut self, cancel: &CancellationToken) {
        if cancel.is_cancelled() {
            let why = crate::protocol::interrupt::reason();
            for ext in &self.extensions {
                ext.drop_interrupted(&why);
            }
            self.settle_extensions().await;
        } else if let Some(why) = self.scopes.one_shot {
            self.stop_background(why).await;
        }
    }

    /// The session is over (`reason`: that of `SessionEnd`): its
    /// background work stops, the user's leaving or a signal said as the
    /// cause, and its ends (`agent_completed`, the subagents' session
    /// files) are waited for (at most 10 s).
    pub(crate) async fn stop_at_session_end(&mut self, reason: &str) {
        let why = match reason {
            "prompt_input_exit" => LEFT.to_string(),
            _ => crate::protocol::interrupt::reason(),
        };
        let dropped = self.drop_queued(&why);
        if dropped == 0 && self.extensions.iter().all(|e| e.running() == 0) {
            return;
        }
        self.scopes.forget(&why);
        self.settle_extensions().await;
    }

    /// The task ends or stops: what waits for a slot is dropped, never
    /// started — before anything running is stopped, so no slot freed by
    /// that starts it. How many were.
    fn drop_queued(&self, why: &str) -> usize {
        self.extensions.iter().map(|e| e.drop_queued(why)).sum()
    }

    /// The end of a one-shot task (`quire exec`) or of a subagent's run:
    /// those still waiting for a slot are dropped first, never started;
    /// then the subagents it left running in the background stop (`why`),
    /// each said in a warning, and their ends (`agent_completed`,
    /// interrupted) come before the task's.
    async fn stop_background(&mut self, why: &str) {
        let dropped = self.drop_queued(why);
        // Counted after the drop: no child starts from now on.
        let running: usize = self.extensions.iter().map(|e| e.running()).sum();
        if running + dropped == 0 {
            return;
        }
        if running > 0 {
            self.events.send(Event::Warning {
                message: stopped_warning(running, why),
            });
        }
        if dropped > 0 {
            let dropped = crate::plural::counted(dropped, "subagent");
            self.events.send(Event::Warning {
                message: format!(
                    "{dropped} still waiting for a free slot (agents.max_parallel) at the end of the task: dropped, never started"
                ),
            });
        }
        self.scopes.forget(why);
        self.settle_extensions().await;
    }
}

/// The warning for `running` subagents stopped at the end of a task.
fn stopped_warning(running: usize, why: &str) -> String {
    let running = crate::plural::counted(running, "subagent");
    if why == AGENT_ANSWERED {
        format!(
            "the agent answered with {running} of its own still running in the background: stopped, their work is lost (it did not wait for them with wait_agents)"
        )
    } else {
        format!(
            "the task ended with {running} still running in the background: stopped, their work is lost (ask for wait_agents before the answer to keep it)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(t: &str) -> Item {
        Item::User {
            typed: None,
            text: t.into(),
        }
    }

    #[test]
    fn a_cut_cancels_the_messages_past_it_and_a_compaction_moves_the_rest() {
        let mut s = MessageScopes::default();
        for at in [0, 3, 6] {
            s.opened(at);
        }
        let tokens: Vec<Stop> = s.scopes.iter().map(|(_, t)| t.clone()).collect();
        s.cut(3);
        assert!(!tokens[0].is_stopped());
        assert!(tokens[1].is_stopped() && tokens[2].is_stopped());
        assert_eq!(tokens[1].why(), DROPPED);
        assert_eq!(s.scopes.len(), 1);

        s.opened(5);
        let summary = Item::CompactionSummary { text: "S".into() };
        // Only the newest message is kept, after the summary.
        s.compacted(&[summary, user("b")]);
        assert_eq!(s.scopes.len(), 1);
        assert_eq!(s.scopes[0].0, 1);
        assert!(
            !tokens[0].is_stopped(),
            "a compacted message's work runs on"
        );
        s.cut(1);
        assert!(s.current().is_none());
    }
}
