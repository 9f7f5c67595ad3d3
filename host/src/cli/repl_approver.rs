//! The line mode's approval question: y / n / r(eason) / a(lways) asked
//! on the terminal, one question at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use quire::tools::{ApprovalDecision, ApprovalRequest, Approver};

use super::repl_input::{Input, Reader};
use super::run::Interrupts;
use crate::session_view;

// Writes go through `pipe`, cleaned of escape sequences (a command to
// approve comes from the model), as in `repl`.
macro_rules! eprintln {
    ($($t:tt)*) => {
        super::pipe::err(&quire::printable::clean(&format!("{}\n", format_args!($($t)*))))
    };
}

/// Asks y / n / r(eason) / a(lways) on the terminal, after the request
/// in full: the same text as the full-screen view's question
/// (session_view/approval.rs), plain.
pub(super) struct TerminalApprover {
    pub(super) reader: Reader,
    pub(super) prompting: Arc<AtomicBool>,
    pub(super) reason: std::sync::Mutex<Option<String>>,
    /// Ctrl-C at the question interrupts the turn, as at any other moment.
    pub(super) interrupts: Interrupts,
    /// One question at a time: two background subagents asking at once
    /// would each print a question, and the line typed under the second
    /// would answer the first.
    pub(super) one_at_a_time: tokio::sync::Mutex<()>,
}

/// While the question is open; dropped unanswered (the turn was
/// interrupted), it ends the question's line first.
struct Asking<'a> {
    prompting: &'a AtomicBool,
    answered: bool,
}

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        self.prompting.store(false, Ordering::SeqCst);
        if !self.answered {
            super::pipe::err("\n");
        }
    }
}

#[async_trait::async_trait]
impl Approver for TerminalApprover {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        use session_view::approval;
        let _turn = self.one_at_a_time.lock().await;
        // rustyline takes Ctrl-Z itself at the question.
        let _default_tstp = super::turn_stop::asking();
        self.prompting.store(true, Ordering::SeqCst);
        let mut asking = Asking {
            prompting: &self.prompting,
            answered: false,
        };
        // Clears a spinner line, which only a capable terminal shows.
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        if !dumb && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            super::pipe::err("\r\x1b[2K");
        }
        eprintln!("\n{}", approval::heading(&request));
        super::repl::show(approval::body(&request));
        eprintln!("{}", approval::question(&request));
        let prompt = format!("{}: ", approval::choices(&request));
        // A subagent asks while the main prompt waits for a line: that
        // line is the answer, typed under the choices said here (on a
        // dumb terminal after them; rustyline redraws its prompt's line).
        let question = self.reader.question();
        if question.main_waits {
            let end = if dumb { "" } else { "\n" };
            super::pipe::err(&quire::printable::clean(&format!("{prompt}{end}")));
        }
        let mut reason = None;
        // Only the first read is a fresh question: a line typed before it
        // was for something else.
        let mut first = true;
        let decision = loop {
            let read = if std::mem::take(&mut first) {
                self.reader.answer(&prompt).await
            } else {
                self.reader.read(&prompt, false).await
            };
            match read {
                Input::Line(l) => match l.trim().to_ascii_lowercase().as_str() {
                    "y" | "yes" => break ApprovalDecision::Approved,
                    "a" | "always" if request.offers_always() => {
                        break ApprovalDecision::ApprovedAlways;
                    }
                    "n" | "no" | "" => break ApprovalDecision::Denied,
                    "r" => {
                        let why = format!("{} ", approval::WHY_NOT);
                        if let Input::Line(r) = self.reader.read(&why, false).await {
                            reason = Some(r.trim().to_string()).filter(|r| !r.is_empty());
                        }
                        break ApprovalDecision::Denied;
                    }
                    _ => eprintln!(
                        "answer y, n, r{}",
                        if request.offers_always() { " or a" } else { "" }
                    ),
                },
                Input::Failed(why) => eprintln!("error: {why}"),
                // The turn ends as interrupted and the prompt comes back.
                // The registry takes a cancel it sees before the call's
                // answer over that answer: one yield lets it see it.
                Input::Interrupted | Input::Cleared => {
                    let stopped = self.interrupts.interrupt();
                    // A subagent's question is no one's answer: a child
                    // this interrupt stops drops it (its call ends as
                    // interrupted); one working in the background since
                    // an earlier turn still waits, asked again.
                    if stopped && request.agent.is_some() {
                        eprintln!("(the turn was interrupted; this question is still open)");
                        first = true;
                        continue;
                    }
                    if stopped {
                        tokio::task::yield_now().await;
                    }
                    // Unanswered: `asking` ends the question's line.
                    return ApprovalDecision::Denied;
                }
                Input::Eof => break ApprovalDecision::Denied,
            }
        };
        asking.answered = true;
        if let Ok(mut g) = self.reason.lock() {
            *g = reason;
        }
        decision
    }

    fn denial_reason(&self) -> Option<String> {
        self.reason.lock().ok().and_then(|mut g| g.take())
    }
}
