//! The runs of one child, in the background: it waits for a free slot
//! (`agents.max_parallel`), is announced when it gets one (its duration
//! counts from there), runs its task, then each follow-up message
//! `send_agent` queued while it ran, in order, and publishes its last
//! result. A follow-up to a finished child waits for a slot the same way.
//! A cancelled child (close, Ctrl-C, its message dropped) takes no queued
//! message; a run dropped while it waited never starts ([`Slot`]).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::child::{self, BuiltChild, ChildResult};
use super::hook_events;
use super::slot::{NotStarted, Slot};
use crate::agent::{Event, EventSink, MAX_STOP_BLOCKS};
use crate::hooks::Hooks;
use crate::protocol::interrupt::Stop;

/// What a child's runs share with its manager.
pub(super) struct Lane {
    pub built: tokio::sync::Mutex<Option<BuiltChild>>,
    /// The result of its last run; `None` while it runs or waits to.
    pub result: watch::Sender<Option<ChildResult>>,
    /// Stops its runs (the child's session ends its task with its reason).
    pub cancel: Stop,
    /// Follow-up messages sent while it runs, taken after its current run.
    pub pending: Mutex<VecDeque<String>>,
    /// Whether its run has its slot (see [`Slot`]).
    pub slot: Slot,
}

impl Lane {
    /// Queues `message` when the child runs (or waits to) and returns
    /// how many messages wait now; `None` when it is idle, marked running
    /// from now on: the caller starts its run.
    pub fn queue_or_claim(&self, message: &str) -> Option<usize> {
        let mut q = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if self.result.borrow().is_none() {
            q.push_back(message.to_string());
            return Some(q.len());
        }
        self.result.send_replace(None);
        None
    }

    /// The next queued message with `result` given back, or `None` after
    /// publishing `result`: both under the queue's lock, so a message
    /// sent meanwhile is either taken now or starts a run of its own.
    fn next_or_publish(&self, result: ChildResult) -> Option<(String, ChildResult)> {
        let mut q = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if self.cancel.is_stopped() {
            q.clear();
        }
        match q.pop_front() {
            Some(text) => Some((text, result)),
            None => {
                self.result.send_replace(Some(result));
                None
            }
        }
    }
}

/// What a run needs from the session that started the child.
pub(super) struct RunParts {
    pub permits: Arc<Semaphore>,
    /// A slot taken when the child was spawned (`None`: wait for one).
    pub permit: Option<OwnedSemaphorePermit>,
    pub hooks: Option<Arc<Hooks>>,
    pub events: EventSink,
    pub parent_id: String,
    pub usage_log: Box<dyn Fn(&ChildResult) + Send + Sync>,
    /// `agent_spawned`, sent once the child has a slot (its first run).
    pub announce: Option<Event>,
}

/// Runs `text` on the child of `lane` in the background (a first task
/// when `first`, else a follow-up), then the messages queued meanwhile.
pub(super) fn start(lane: Arc<Lane>, mut parts: RunParts, text: String, first: bool) {
    tokio::spawn(async move {
        // A run waiting for a slot stops waiting when it is dropped or
        // the child is stopped (the parent's end, Ctrl-C, close): never
        // started.
        let dropped = lane.slot.dropped_signal();
        let _permit = match parts.permit.take() {
            Some(p) => Some(p),
            None => tokio::select! {
                biased;
                _ = lane.cancel.token().cancelled() => None,
                _ = dropped.cancelled() => None,
                p = parts.permits.clone().acquire_owned() => p.ok(),
            },
        };
        let mut guard = lane.built.lock().await;
        let Some(built) = guard.as_mut() else {
            return;
        };
        let announce = parts.announce.take();
        // Its session is announced when it first runs, never while it waits.
        let session_start = built.unannounced.take();
        let events = &parts.events;
        let session = &built.session;
        let took = lane.slot.take(&lane.cancel, || {
            if let Some(resumed) = session_start {
                session.announce(resumed);
            }
            if let Some(ev) = announce {
                events.send(ev);
            }
        });
        if let Err(not) = took {
            if not.first {
                built.session.record_not_started(&not.why);
                // Its `agent_queued` said it waits: the views learn it
                // never will run.
                events.send(Event::AgentCompleted {
                    agent_id: built.tag.agent_id.clone(),
                    parent_id: parts.parent_id.clone(),
                    agent_name: built.tag.agent_name.clone(),
                    status: "not_started".into(),
                    usage: Default::default(),
                    duration_ms: 0,
                    branch: None,
                });
            } else {
                built.unannounced = session_start;
            }
            never_started(&lane, built, not);
            return;
        }
        let mut text = text;
        let mut first = first;
        let mut earlier = Vec::new();
        loop {
            // Its interrupted calls and task say why it stopped.
            let run = once(built, &parts, text, first, &lane.cancel);
            let mut result = crate::protocol::interrupt::stopping(lane.cancel.clone(), run).await;
            result.earlier_answers = std::mem::take(&mut earlier);
            let Some((next, result)) = lane.next_or_publish(result) else {
                break;
            };
            earlier = result.earlier_answers;
            earlier.push(result.answer);
            text = next;
            first = false;
        }
    });
}

/// A run dropped while it waited for a slot: no announcement, no run, no
/// queued message; its result says it was never started (for
/// `wait_agents`): the child itself, or the follow-up message.
fn never_started(lane: &Lane, built: &BuiltChild, not: NotStarted) {
    lane.pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    let name = &built.tag.agent_name;
    let NotStarted { why, first } = not;
    let why = if first {
        format!(
            "agent {name} was never started (it was still waiting for a free slot, agents.max_parallel): {why}"
        )
    } else {
        format!(
            "agent {name} did not get the follow-up message, which was never started (it was still waiting for a free slot, agents.max_parallel): {why}; its earlier answers stand"
        )
    };
    let mut result = child::error_result(&built.tag.agent_id, name, why, Instant::now());
    result.status = "not_started".into();
    if !first {
        result.session_file = built.session.file().display().to_string();
    }
    lane.result.send_replace(Some(result));
}

/// One run: the worktree back, `SubagentStart` (first run), the task,
/// `SubagentStop`, the result and its `agent_completed`.
async fn once(
    built: &mut BuiltChild,
    parts: &RunParts,
    text: String,
    first: bool,
    cancel: &Stop,
) -> ChildResult {
    let started = Instant::now();
    // A later run works in the worktree its first one committed and
    // removed, never elsewhere.
    if let Some(Err(e)) = built.worktree.as_mut().map(|w| w.restore()) {
        let name = built.tag.agent_name.clone();
        let why = format!("agent {name} was not run: {e}; start a new one with spawn_agent");
        return child::error_result(&built.tag.agent_id, &name, why, started);
    }
    let mut text = text;
    if first && let Some(extra) = hook_events::start(parts.hooks.as_deref(), &built.tag).await {
        text =
            format!("{text}\n\n<hook_context event=\"SubagentStart\">\n{extra}\n</hook_context>");
    }
    let before = built.session.total_usage();
    let mut outcome = built.session.run_task(&text, cancel.token().clone()).await;
    // As with `Stop`: asked again (`stop_hook_active: true`) after each
    // block, at most MAX_STOP_BLOCKS times in a row (a tool call between
    // two blocks starts the count again).
    let mut blocks = 0;
    let mut asked_again = false;
    loop {
        if blocks >= MAX_STOP_BLOCKS {
            parts.events.send(Event::Warning {
                message: format!(
                    "SubagentStop hooks kept agent \"{}\" going {MAX_STOP_BLOCKS} times in a row; it ends here without asking them again (`quire hooks list` shows them)",
                    built.tag.agent_name
                ),
            });
            break;
        }
        let Some(reason) = hook_events::stop(
            parts.hooks.as_deref(),
            &built.tag,
            built.session.file(),
            &outcome.final_text,
            asked_again,
        )
        .await
        else {
            break;
        };
        if cancel.is_stopped() {
            break;
        }
        blocks += 1;
        asked_again = true;
        let again = format!("Do not stop yet: {reason}");
        outcome = built.session.run_task(&again, cancel.token().clone()).await;
        if outcome.called_tools {
            blocks = 0;
        }
    }
    let mut result = child::finish(built, outcome, started, &parts.events);
    result.usage = result.usage.since(&before);
    (parts.usage_log)(&result);
    parts.events.send(Event::AgentCompleted {
        agent_id: result.agent_id.clone(),
        parent_id: parts.parent_id.clone(),
        agent_name: result.agent_name.clone(),
        status: result.status.clone(),
        usage: result.usage,
        duration_ms: result.duration_ms,
        branch: result.branch.clone(),
    });
    result
}
