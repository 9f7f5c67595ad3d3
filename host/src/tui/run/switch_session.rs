//! `/resume` in a running view: pick another session of this directory
//! and continue it here, its history replayed into the scrollback.

use std::path::Path;

use quire::agent::Session;
use quire::store;

use super::super::app::{App, VIEWPORT_ROWS};
use super::super::picker;
use super::super::style::Palette;
use super::{Io, drain};

/// Offers this directory's other sessions; the one picked replaces
/// `session` (Esc or Ctrl-C keeps it).
pub(super) async fn pick_and_switch(
    io: &mut Io,
    app: &mut App,
    session: &mut Session,
    sessions_dir: &Path,
    cwd: &Path,
    pal: Palette,
) {
    // The session open here is not one to switch to.
    let mut list = picker::pickable(&picker::here_sessions(sessions_dir, cwd));
    list.retain(|s| s.path != session.file());
    if list.is_empty() {
        app.note("no other session to resume in this directory", pal.dim());
        return;
    }
    let _ = io.term.set_height(VIEWPORT_ROWS);
    let picked = picker::pick(&mut io.term, &mut io.keys, &list, &pal, "keeps this one").await;
    let _ = io.term.clear();
    let picker::Picked::Session(s) = picked else {
        return;
    };
    let switched = store::load(&s.path)
        .map_err(|e| e.to_string())
        .and_then(|l| {
            let patches = (l.patches.clone(), l.meta.cwd.clone());
            let shown = (l.items.clone(), l.statuses.clone(), patches);
            session
                .switch_to(l)
                .map(|()| shown)
                .map_err(|e| e.to_string())
        });
    match switched {
        Ok((items, statuses, (log, recorded_cwd))) => {
            drain(io, app);
            app.status.context_window = session.context_window();
            // The subagents listed were the other session's: this one's
            // are read from their files.
            app.children = crate::cli::children_earlier::load(sessions_dir, session.id());
            app.replay(&items, &statuses);
            app.patches = crate::session_view::Patches::resumed(&log, &recorded_cwd, session.cwd());
            app.resumed_from(&s.path);
        }
        Err(e) => app.note(&format!("error: {e}"), pal.bad()),
    }
}
