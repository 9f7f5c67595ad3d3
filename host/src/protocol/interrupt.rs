//! Why running work is being interrupted. Ctrl-C (or Esc in the terminal
//! view) interrupts one task: that is the user. SIGTERM, SIGHUP and a
//! stdout without a reader stop the whole process, so the cause they set
//! is process-wide: every task, subagent and tool call still running ends
//! with it, and the words reach the model (tool results), the session
//! file and the `task_completed` event. Work stopped for another cause
//! (a subagent stopped with the task or the conversation that started
//! it) is stopped through a [`Stop`], which carries its own words.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

/// The signal that is stopping the process; 0 while none has arrived.
static STOP_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// What an interrupted call or task says when the user interrupted it.
pub const BY_USER: &str = "interrupted by the user";

/// Why a subagent stopped (its calls' and task's words) when nobody
/// interrupted it: the message that started it left the conversation.
pub const DROPPED: &str = "stopped: the message that started it was dropped from the conversation (the user went back to an earlier message)";
/// … `/new` started another conversation.
pub const NEW_CONVERSATION: &str =
    "stopped: the user started a new conversation (/new) and left the one that started it";
/// … `/resume` went on with another conversation.
pub const OTHER_CONVERSATION: &str =
    "stopped: the user resumed another conversation (/resume) and left the one that started it";
/// … the user left quire (end of input, /quit).
pub const LEFT: &str = "stopped: the user left quire";
/// … the one-shot task that started it (`quire exec`) ended.
pub const TASK_ENDED: &str =
    "stopped at the end of the parent's task (quire exec ends with its task)";
/// … the subagent that started it gave its answer without waiting for
/// it (its run ended).
pub const AGENT_ANSWERED: &str = "stopped at the end of the parent's task (the agent that started it answered without waiting for it)";
/// … the agent that started it closed it.
pub const CLOSED: &str = "stopped: the agent that started it closed it (close_agent)";

const STOP_CAUSES: [&str; 7] = [
    DROPPED,
    NEW_CONVERSATION,
    OTHER_CONVERSATION,
    LEFT,
    TASK_ENDED,
    AGENT_ANSWERED,
    CLOSED,
];

tokio::task_local! {
    /// The stop of the subagent whose run this task is (see [`stopping`]).
    static STOPPING: Stop;
}

/// The process is being stopped by `signal` (`libc::SIGTERM`,
/// `libc::SIGHUP`, or `libc::SIGPIPE` for a stdout that lost its reader):
/// interruptions from now on name it.
pub fn stopped_by(signal: i32) {
    STOP_SIGNAL.store(signal, Ordering::SeqCst);
}

/// Why work interrupted now stopped, in words: the cause of the
/// subagent's [`Stop`] when this runs in one's run ([`stopping`]), else
/// the user or the signal stopping the process.
pub fn reason() -> String {
    STOPPING
        .try_with(Stop::why)
        .unwrap_or_else(|_| process_reason().to_string())
}

fn process_reason() -> &'static str {
    text(STOP_SIGNAL.load(Ordering::SeqCst))
}

/// Runs `work` (a subagent's run) with `stop` as its [`reason`]'s source.
pub async fn stopping<F: std::future::Future>(stop: Stop, work: F) -> F::Output {
    STOPPING.scope(stop, work).await
}

/// The stop of the subagent run this is part of, if any.
pub fn current() -> Option<Stop> {
    STOPPING.try_with(Stop::clone).ok()
}

/// Whether `s` is one of the words [`reason`] gives (a recorded result
/// read back on resume).
pub fn is_reason(s: &str) -> bool {
    STOP_CAUSES.contains(&s)
        || [0, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE]
            .iter()
            .any(|&sig| text(sig) == s)
}

fn text(signal: i32) -> &'static str {
    match signal {
        libc::SIGTERM => "stopped by SIGTERM (quire was told to terminate)",
        libc::SIGHUP => "stopped by SIGHUP (quire's terminal closed)",
        libc::SIGPIPE => "stopped: quire's output has no reader left",
        _ => BY_USER,
    }
}

/// A cancellation that says why: the first reason given wins; one
/// cancelled without a reason (Ctrl-C reaching it through a linked token)
/// says [`reason`].
#[derive(Clone, Debug, Default)]
pub struct Stop {
    token: CancellationToken,
    why: Arc<OnceLock<String>>,
}

impl Stop {
    /// A stop cancelling `token` (and cancelled with it).
    pub fn of(token: CancellationToken) -> Stop {
        Stop {
            token,
            why: Arc::default(),
        }
    }

    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    pub fn is_stopped(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Stops with `why`, unless it stopped already (its first cause
    /// stands).
    pub fn stop(&self, why: &str) {
        if !self.token.is_cancelled() {
            let _ = self.why.set(why.to_string());
        }
        self.token.cancel();
    }

    /// Why it stopped, in words.
    pub fn why(&self) -> String {
        self.why
            .get()
            .cloned()
            .unwrap_or_else(|| process_reason().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_says_its_first_cause_and_a_plain_cancel_the_process_reason() {
        let s = Stop::default();
        s.stop("stopped: first");
        s.stop("stopped: second");
        assert!(s.is_stopped());
        assert_eq!(s.why(), "stopped: first");
        let plain = Stop::default();
        plain.token().cancel();
        plain.stop("stopped: too late");
        assert_eq!(plain.why(), process_reason());
        assert!(is_reason(TASK_ENDED) && !is_reason("stopped: first"));
    }

    #[test]
    fn every_reason_is_recognised_and_only_those() {
        for sig in [0, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE] {
            assert!(is_reason(text(sig)), "{sig}");
        }
        assert_eq!(
            text(libc::SIGTERM),
            "stopped by SIGTERM (quire was told to terminate)"
        );
        assert!(!is_reason("stopped"));
        assert!(!is_reason("interrupted"));
    }
}
