//! Why running work is being interrupted. Ctrl-C (or Esc in the terminal
//! view) interrupts one task: that is the user. SIGTERM, SIGHUP and a
//! stdout without a reader stop the whole process, so the cause they set
//! is process-wide: every task, subagent and tool call still running ends
//! with it, and the words reach the model (tool results), the session
//! file and the `task_completed` event.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal that is stopping the process; 0 while none has arrived.
static STOP_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// What an interrupted call or task says when the user interrupted it.
pub const BY_USER: &str = "interrupted by the user";

/// The process is being stopped by `signal` (`libc::SIGTERM`,
/// `libc::SIGHUP`, or `libc::SIGPIPE` for a stdout that lost its reader):
/// interruptions from now on name it.
pub fn stopped_by(signal: i32) {
    STOP_SIGNAL.store(signal, Ordering::SeqCst);
}

/// Why work interrupted now stopped, in words.
pub fn reason() -> &'static str {
    text(STOP_SIGNAL.load(Ordering::SeqCst))
}

/// Whether `s` is one of the words [`reason`] gives (a recorded result
/// read back on resume).
pub fn is_reason(s: &str) -> bool {
    [0, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE]
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

#[cfg(test)]
mod tests {
    use super::*;

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
