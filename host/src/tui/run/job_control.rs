//! Job control in the terminal view: Ctrl-Z stops quire as any job and
//! `fg` takes the terminal back; a stop from outside is recovered from.

use super::super::app::App;
use super::super::{signals, term};
use super::{FIRST_ROWS, Io};

/// Ctrl-Z (or SIGTSTP from outside): the terminal is given back as it was,
/// the process stops as any job does, and once continued (`fg`) the
/// terminal is taken and the view drawn again. A running turn pauses with
/// the process: the model's commands (in process groups of their own, so
/// the terminal's stop does not reach them) and what they left running
/// are stopped first and continued once quire is (`child::pause_commands`;
/// their timeouts do not count the stop).
pub(super) fn suspend(io: &mut Io, app: &mut App) {
    let _ = term::flush(&mut io.term, app);
    let paused = quire::child::pause_commands();
    let _ = term::suspend(&mut io.term);
    signals::stop(&mut io.signals);
    drop(paused);
    retake(io, app);
}

/// SIGCONT after a stop this view did not make (`kill -STOP`, or SIGTSTP
/// before its handler ran): the shell may have put the terminal back in
/// cooked mode and written over the live area, which is cleared and drawn
/// again.
pub(super) fn resume(io: &mut Io, app: &mut App) {
    let _ = io.term.clear();
    retake(io, app);
}

fn retake(io: &mut Io, app: &mut App) {
    match term::resume(FIRST_ROWS) {
        Ok(t) => io.term = t,
        Err(e) => tracing::warn!("cannot set up the terminal again: {e}"),
    }
    // The terminal may have been resized while stopped.
    if let Ok(size) = io.term.size() {
        app.width = size.width;
    }
    let _ = term::flush(&mut io.term, app);
}
