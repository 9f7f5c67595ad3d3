//! A hook run's `hook_started` / `hook_completed` pair. A run cut short
//! before it ends (its future dropped at an interrupt, Ctrl-C or SIGTERM;
//! its process group is killed then) still gets its `hook_completed`, with
//! the outcome `interrupted`, so every `hook_started` has its end.

use std::time::Instant;

use crate::protocol::{Event, EventSink, HookOutcome};

/// A hook run announced by `hook_started`, not yet completed.
pub(super) struct Announced {
    events: EventSink,
    name: String,
    event: String,
    started: Instant,
    done: bool,
}

impl Announced {
    /// Sends `hook_started` for the run of `name` on `event`.
    pub(super) fn start(events: &EventSink, name: String, event: &str) -> Announced {
        events.send(Event::HookStarted {
            name: name.clone(),
            event: event.to_string(),
        });
        Announced {
            events: events.clone(),
            name,
            event: event.to_string(),
            started: Instant::now(),
            done: false,
        }
    }

    /// Sends `hook_completed`.
    pub(super) fn complete(mut self, outcome: HookOutcome, message: Option<String>) {
        self.send(outcome, message);
    }

    fn send(&mut self, outcome: HookOutcome, message: Option<String>) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        self.events.send(Event::HookCompleted {
            name: std::mem::take(&mut self.name),
            event: std::mem::take(&mut self.event),
            duration_ms: self.started.elapsed().as_millis() as u64,
            outcome,
            message,
        });
    }
}

impl Drop for Announced {
    fn drop(&mut self) {
        self.send(
            HookOutcome::Interrupted,
            Some("the task was stopped while it ran; it was killed".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_dropped_before_it_completes_is_completed_as_interrupted() {
        let (events, mut rx) = EventSink::channel();
        let run = Announced::start(&events, "h".into(), "PreToolUse");
        drop(run);
        let done = Announced::start(&events, "g".into(), "Stop");
        done.complete(HookOutcome::Ok, None);
        let mut seen = Vec::new();
        while let Ok(e) = rx.try_recv() {
            if let Event::HookCompleted { name, outcome, .. } = e {
                seen.push((name, outcome));
            }
        }
        assert_eq!(
            seen,
            [
                ("h".to_string(), HookOutcome::Interrupted),
                ("g".to_string(), HookOutcome::Ok)
            ]
        );
    }
}
