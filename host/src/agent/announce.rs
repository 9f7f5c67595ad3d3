//! A session's `session_started`, and the record of a session that never
//! started: a subagent waiting for a slot (`agents.max_parallel`) has its
//! session file already, but is announced only when it starts; one
//! dropped while it waited says so in its file, so a listing shows it as
//! never started rather than stopped midway.

use super::{Event, Session};

impl Session {
    /// Sends `session_started` (see [`Session::begin`]).
    pub fn announce(&self, resumed: bool) {
        self.events.send(Event::SessionStarted {
            session_id: self.writer.id().to_string(),
            session_file: self.writer.path().display().to_string(),
            cwd: self.cwd.display().to_string(),
            provider: self.provider.name.clone(),
            model: self.model.clone(),
            wire_api: self.provider.wire_api.to_string(),
            sandbox: self.config.sandbox.to_string(),
            approval: self.config.approval.to_string(),
            reasoning_effort: self
                .config
                .reasoning_for(&self.model)
                .effort
                .map(|e| e.as_str().to_string()),
            resumed,
        });
    }

    /// The session never ran a task, for `why` (it was dropped while it
    /// waited to start): recorded in its file, not announced.
    pub fn record_not_started(&mut self, why: &str) {
        if let Err(e) = self.writer.append_not_started(why) {
            tracing::warn!(error = %e, "session file not updated");
        }
    }
}
