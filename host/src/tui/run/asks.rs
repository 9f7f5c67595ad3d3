//! Approval prompts in the loop: each one shown as soon as it is asked,
//! during a turn or while the prompt waits for a message (a subagent
//! started in the background asks at any time), and put away only once
//! answered or no longer awaited (its asker stopped) — never answered by
//! a turn ending.

use super::super::app::App;
use super::super::approve::{Answer, Ask, Pending, show_request};
use super::Io;
use tokio_util::sync::CancellationToken;

/// How often a prompt that appeared while the user typed checks whether
/// typing paused (it then takes keys as answers).
pub(super) const ARM_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

/// Shows `ask` (one prompt at a time: the loop takes the next one only
/// when none is shown). `cancelled`: the turn is being interrupted, its
/// own request is answered no ([`interrupt`]).
pub(super) fn show(io: &mut Io, app: &mut App, ask: Ask, cancelled: bool) {
    // The agent's events from before the ask (the answer's text, the call
    // starting) may be waiting: the ask can win the same poll in which
    // they were sent.
    while let Ok(ev) = io.events.try_recv() {
        app.event(&ev);
    }
    let pager = show_request(app, &ask.0);
    let mut p = Pending::new(ask, app.typed_at);
    p.pager = pager;
    if cancelled && the_turns(&p) {
        p.answer(Answer::No);
    } else {
        // The question takes the room of an open completion menu (and
        // Enter or Tab cannot pick from a menu no longer shown).
        app.menu.clear();
        app.approval = Some(p);
    }
}

/// After each step of the loop: an answered prompt goes (the calls that
/// waited for it count their time from now), as does one nobody awaits
/// any more (its subagent was stopped); one that appeared while the user
/// typed takes keys once typing paused.
pub(super) fn settle(app: &mut App) {
    if app.approval.as_ref().is_some_and(|p| !p.awaited())
        && let Some(p) = app.approval.take()
    {
        app.approval_answered(&p);
    }
    if let Some(p) = app.approval.as_mut() {
        p.arm_if_paused(app.typed_at);
    }
}

/// Whether a prompt shown is waiting to be armed (the loop then wakes up
/// every [`ARM_CHECK`] while nothing else happens).
pub(super) fn arming(app: &App) -> bool {
    app.approval.as_ref().is_some_and(|p| !p.armed)
}

/// Esc or Ctrl-C during a turn: the turn stops and the question it asked
/// itself is answered no. A subagent's question is no one's answer: a
/// child this interrupt stops drops it (its call ends as interrupted,
/// the prompt goes, [`settle`]); a child working in the background since
/// an earlier turn still waits, and its prompt stays until the user
/// answers it. `ending`: quire is ending (SIGTERM, SIGHUP, the terminal
/// gone): every question is answered no.
pub(super) fn interrupt(app: &mut App, cancel: &CancellationToken, ending: bool) {
    cancel.cancel();
    if app
        .approval
        .as_ref()
        .is_some_and(|p| ending || the_turns(p))
        && let Some(mut p) = app.approval.take()
    {
        p.answer(Answer::No);
    }
}

/// Whether the session itself asked (not one of its subagents).
fn the_turns(p: &Pending) -> bool {
    p.request.agent.is_none()
}
