//! The records `/undo` and `/diff` read back after a resume
//! ([`crate::store::PatchLog`]): where each task begins and what each
//! `/undo` did (the patches' files are recorded with their results, in
//! turn.rs).

use super::{Event, Session};
use crate::protocol::{CallResult, CallStatus};
use crate::store::Fate;

/// Whether `r` is a shell call that could not write: run in the
/// read-only sandbox, or never run (denied). `/undo` does not name such
/// a call's changes, after a resume either.
pub(super) fn shell_no_writes(r: &CallResult) -> bool {
    let sandbox = r
        .structured
        .as_ref()
        .and_then(|s| s.get(crate::tools::shell::SANDBOX))
        .and_then(serde_json::Value::as_str);
    r.name == "shell" && (r.status == CallStatus::Denied || sandbox == Some("read-only"))
}

impl Session {
    /// A task begins: its patches are undone together, after a resume too.
    pub(super) fn record_task_started(&mut self) {
        if let Err(e) = self.writer.append_task_started() {
            tracing::warn!(error = %e, "session file not updated");
        }
    }

    /// Records what an `/undo` did (`attempts`: its tries, each the fate
    /// of every file of the task it tried, in the task's order), so a
    /// resumed session does not offer the same patches again.
    pub fn record_undone(&mut self, attempts: &[Vec<Fate>]) {
        if let Err(e) = self.writer.append_undone(attempts) {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
    }
}
