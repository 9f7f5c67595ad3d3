//! Claude Code's handler-level `"async": true` (and `asyncRewake`): a
//! command hook that runs in the background from its start. The event
//! goes on at once, as if the hook had answered nothing: its decisions
//! (`decision`, `permissionDecision`, `continue`, exit code 2) come too
//! late to act on and are only logged. It is killed at its `timeout`
//! (the same default as any hook) or at quire's exit, with all it
//! started ([`super::runner`]). When it ends, its `additionalContext`
//! and `systemMessage` (or, where the event takes plain text, its
//! stdout) are kept and given to the model as context with the next
//! message; a failure or timeout is a warning then.

use std::sync::{Arc, Mutex};

use super::HookEvent;
use super::contract;
use super::runner::RunOutput;
use crate::protocol::{Event, EventSink};

/// What background hooks left for the model's next turn.
#[derive(Default)]
pub struct Later {
    texts: Mutex<Vec<(HookEvent, String)>>,
}

impl Later {
    /// Reads the output of `label`'s background run for `event`: its
    /// context kept for the next turn, a warning said on `events`.
    pub fn ended(
        self: &Arc<Self>,
        (event, label, timeout_sec): (HookEvent, &str, u64),
        out: &RunOutput,
        events: &EventSink,
    ) {
        let mut r = contract::interpret(event, label, out, timeout_sec);
        if r.block.is_some() || r.permission.is_some() || r.stop.is_some() {
            tracing::debug!(
                "hook `{label}` ({event}) ran in the background: its decision came too late and was ignored"
            );
        }
        let text: Vec<String> = [r.system_message.take(), r.context.take()]
            .into_iter()
            .flatten()
            .filter(|t| !t.trim().is_empty())
            .collect();
        r.context = (!text.is_empty()).then(|| text.join("\n"));
        super::context_cap::cap(&mut r, label, event);
        if let Some(message) = r.warning {
            tracing::warn!("{message}");
            events.send(Event::Warning { message });
        }
        if let Some(text) = r.context
            && let Ok(mut texts) = self.texts.lock()
        {
            texts.push((event, text));
        }
    }

    /// What was kept, in the order the hooks ended; none is kept after.
    pub fn take(&self) -> Vec<(HookEvent, String)> {
        self.texts
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default()
    }
}
