//! The session's start (plugins loaded, whose `list-tools` may take up
//! to their limit; skills read; MCP servers started) runs on a thread of
//! its own while the view is up: a start that takes a while says so, and
//! Ctrl-C, Ctrl-D, SIGINT, SIGTERM or SIGHUP quit meanwhile. Keys typed
//! while it starts are kept for the input.

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use quire::agent::{AgentError, Session, SessionOptions};

use super::super::app::App;
use super::super::signals::Got;
use super::super::term;
use super::job_control::{resume, suspend};
use super::{Io, terminal_gone};

/// How long a start goes unremarked (most take far less).
const QUIET: Duration = Duration::from_millis(300);

/// What the live area says while the session starts.
pub(in crate::tui) const STARTING: &str =
    "starting the session: loading plugins and tools… · Ctrl-C quits";

/// The started session, or `None` when the user quit before it started
/// (the start goes on on its thread until quire exits).
pub(super) async fn start(
    io: &mut Io,
    app: &mut App,
    opts: SessionOptions,
) -> Option<Result<Session, AgentError>> {
    let mut task = tokio::task::spawn_blocking(move || Session::start(opts));
    let quiet = tokio::time::sleep(QUIET);
    tokio::pin!(quiet);
    let mut said = false;
    let mut typed = VecDeque::new();
    let out = loop {
        tokio::select! {
            r = &mut task => match r {
                Ok(r) => break Some(r),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => break None,
            },
            _ = &mut quiet, if !said => {
                said = true;
                app.hint = Some(STARTING.to_string());
                let _ = term::flush(&mut io.term, app);
            }
            got = io.signals.next() => match got {
                Got::Interrupt | Got::End(_) => break None,
                Got::Suspend => suspend(io, app),
                Got::Resume => resume(io, app),
            },
            ev = futures::StreamExt::next(&mut io.keys), if io.keys_open => match ev {
                Some(Ok(TermEvent::Key(k))) if k.kind == KeyEventKind::Press && quits(k.code, k.modifiers) => {
                    break None;
                }
                Some(Ok(ev)) => typed.push_back(ev),
                Some(Err(_)) | None => {
                    terminal_gone(io);
                    break None;
                }
            },
        }
    };
    if said {
        app.hint = None;
    }
    io.held.extend(typed);
    out
}

/// Ctrl-C or Ctrl-D: nothing is typed yet that they could clear.
fn quits(code: KeyCode, mods: KeyModifiers) -> bool {
    mods.contains(KeyModifiers::CONTROL) && matches!(code, KeyCode::Char('c' | 'd'))
}
