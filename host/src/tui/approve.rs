//! Approval prompts in the terminal view: the approver hands requests to
//! the app, which shows the full command, or each file of a patch with its
//! operation and diff, and answers with yes, no,
//! no-and-tell-why (the reason goes back to the model) or always for the
//! command prefix shown.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use quire::tools::{ApprovalDecision, ApprovalRequest, Approver};
use ratatui::text::Line;
use tokio::sync::{mpsc, oneshot};

use super::app::App;
use super::request_pager::Pager;
use super::style::Palette;
use super::{cells, diff};
use crate::session_view::{Said, Tone, approval};

/// The user's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    NoBecause(String),
    Always,
}

pub type Ask = (ApprovalRequest, oneshot::Sender<Answer>);

/// The approver of the terminal view.
pub struct TuiApprover {
    tx: mpsc::UnboundedSender<Ask>,
    reason: Mutex<Option<String>>,
}

impl TuiApprover {
    pub fn new() -> (TuiApprover, mpsc::UnboundedReceiver<Ask>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            TuiApprover {
                tx,
                reason: Mutex::new(None),
            },
            rx,
        )
    }
}

#[async_trait::async_trait]
impl Approver for TuiApprover {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        let (reply, answer) = oneshot::channel();
        if self.tx.send((request, reply)).is_err() {
            return ApprovalDecision::Denied;
        }
        let answer = answer.await.unwrap_or(Answer::No);
        let (decision, reason) = match answer {
            Answer::Yes => (ApprovalDecision::Approved, None),
            Answer::Always => (ApprovalDecision::ApprovedAlways, None),
            Answer::No => (ApprovalDecision::Denied, None),
            Answer::NoBecause(r) => (ApprovalDecision::Denied, Some(r)),
        };
        if let Ok(mut g) = self.reason.lock() {
            *g = reason;
        }
        decision
    }

    fn denial_reason(&self) -> Option<String> {
        self.reason.lock().ok().and_then(|mut g| g.take())
    }
}

/// How long typing must pause before a prompt that appeared while the
/// user typed takes keys as answers: the `a` of "after" must not answer
/// "always".
pub const ARM_AFTER: Duration = Duration::from_secs(1);

/// A request on screen.
pub struct Pending {
    pub request: ApprovalRequest,
    pub reply: Option<oneshot::Sender<Answer>>,
    /// Typing the reason for a no.
    pub reason: Option<super::composer::Composer>,
    /// Whether keys answer the prompt. A prompt that appears while the
    /// user types is not armed: keys go on to the draft until typing
    /// pauses for [`ARM_AFTER`] ([`Pending::arm_if_paused`]).
    pub armed: bool,
    /// The request shown again in the prompt when it cannot be seen whole
    /// above it; yes and always wait until it was read.
    pub pager: Pager,
    /// When the prompt appeared.
    pub shown_at: Instant,
}

impl Pending {
    /// `typed_at`: the last key pressed (or paste). Idle (nothing within
    /// [`ARM_AFTER`]): the prompt is armed at once.
    pub fn new((request, reply): Ask, typed_at: Option<Instant>) -> Pending {
        Pending {
            request,
            reply: Some(reply),
            reason: None,
            armed: paused(typed_at),
            pager: Pager::default(),
            shown_at: Instant::now(),
        }
    }

    /// Arms the prompt once typing has paused for [`ARM_AFTER`]; whether
    /// it changed.
    pub fn arm_if_paused(&mut self, typed_at: Option<Instant>) -> bool {
        if self.armed || !paused(typed_at) {
            return false;
        }
        self.armed = true;
        true
    }

    /// Whether the asker still waits for the answer: not answered yet and
    /// not gone (a turn that ended, a subagent stopped, dropped its ask).
    pub fn awaited(&self) -> bool {
        self.reply.as_ref().is_some_and(|r| !r.is_closed())
    }

    pub fn answer(&mut self, a: Answer) {
        if let Some(r) = self.reply.take() {
            let _ = r.send(a);
        }
    }

    /// The choices line.
    pub fn choices(&self) -> String {
        format!("{}  · Esc interrupts", approval::choices(&self.request))
    }
}

/// Whether no key was pressed within [`ARM_AFTER`].
fn paused(typed_at: Option<Instant>) -> bool {
    typed_at.is_none_or(|t| t.elapsed() >= ARM_AFTER)
}

/// The prompt line while it is not armed (the user is typing).
pub const TYPING: &str = "you are typing: keys go to your message; a 1 s pause in typing arms this prompt  · Esc interrupts";

/// The full command or diff goes to the scrollback above the prompt
/// (the text is session_view/approval.rs, shared with the line mode);
/// the pager that knows it is there.
pub fn show_request(app: &mut App, r: &ApprovalRequest) -> Pager {
    let lines = request_lines(r, &app.pal, app.width);
    app.push_lines(lines);
    Pager::written_after(app.commit.len())
}

/// The request's rows at `width`: who asks, then the command or diff.
pub fn request_lines(r: &ApprovalRequest, pal: &Palette, width: u16) -> Vec<Line<'static>> {
    let mut lines = cells::note(&approval::heading(r), pal.warn(), width);
    for said in approval::body(r) {
        match said {
            Said::Note(Tone::Dim, text) => lines.extend(cells::note(&text, pal.dim(), width)),
            Said::Note(_, text) => lines.extend(cells::note(&text, pal.bold(), width)),
            Said::Lines(l) => l
                .iter()
                .for_each(|t| lines.extend(cells::note(t, pal.plain(), width))),
            Said::Diff(d) => lines.extend(diff::styled(d, width, pal)),
        }
    }
    lines
}

/// A request to run `command` in the sandbox, for tests.
#[cfg(test)]
pub fn shell_request(command: &str) -> ApprovalRequest {
    ApprovalRequest {
        tool: "shell".into(),
        summary: command.into(),
        reason: None,
        always_key: None,
        files: Vec::new(),
        agent: None,
        escalated: false,
        code_in: Vec::new(),
        asked_again: None,
        workspace_programs: Vec::new(),
        outside_writes: None,
    }
}

impl super::app::App {
    /// A prompt was answered: the session's calls that started before it
    /// appeared (the one that asked among them) waited for the answer, so
    /// their running time counts from now on, as the finished line's own
    /// timing does. A subagent's ask holds none of the session's calls.
    pub fn approval_answered(&mut self, p: &Pending) {
        if p.request.agent.is_some() {
            return;
        }
        let waited = p.shown_at.elapsed();
        for (_, _, start) in &mut self.running {
            if *start <= p.shown_at {
                *start += waited;
            }
        }
    }
}

#[cfg(test)]
mod answered_tests {
    use std::time::{Duration, Instant};

    use super::{Pending, shell_request};
    use crate::tui::app::App;
    use crate::tui::style::Palette;

    #[test]
    fn a_calls_timer_leaves_out_the_time_its_approval_waited() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        let Some(started) = Instant::now().checked_sub(Duration::from_secs(8)) else {
            return;
        };
        app.running
            .push(("c".into(), "shell: sleep 300".into(), started));
        let (reply, _answer) = tokio::sync::oneshot::channel();
        let mut p = Pending::new((shell_request("sleep 300"), reply), None);
        p.shown_at = started + Duration::from_secs(1);
        app.approval_answered(&p);
        let running = app.running[0].2.elapsed();
        assert!(running < Duration::from_secs(3), "{running:?}");
    }
}
