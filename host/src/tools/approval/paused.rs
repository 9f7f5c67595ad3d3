//! The model's commands stopped while a person is asked. A process a
//! sandboxed command left running (`(sleep 4; tmux send-keys y) &`) could
//! otherwise type the answer into quire's own prompt through the
//! terminal it shares with the user: a multiplexer's socket, a terminal's
//! remote control, the X server. While the question waits, every process
//! of the model's commands is SIGSTOPped (`child::pause_commands`, as
//! while a repository hook runs), and no new command starts; they go on
//! once it is answered. Their timeouts do not count the pause.

use super::{ApprovalDecision, ApprovalRequest, Approver};

/// Wraps the approver a person answers (the terminal view's, the line
/// mode's).
pub struct PausedWhileAsking<A> {
    inner: A,
}

impl<A: Approver> PausedWhileAsking<A> {
    pub fn new(inner: A) -> Self {
        PausedWhileAsking { inner }
    }
}

#[async_trait::async_trait]
impl<A: Approver> Approver for PausedWhileAsking<A> {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        let _paused = crate::child::pause_commands();
        self.inner.ask(request).await
    }

    super::inner_answers!();

    async fn ran(&self, always_key: &str) {
        self.inner.ran(always_key).await
    }
}
