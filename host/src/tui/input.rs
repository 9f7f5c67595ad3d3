//! One terminal event (a key, a paste, a resize) routed to the view:
//! keys to the key map, a paste never as an answer to a prompt.

use std::time::Instant;

use crossterm::event::Event as TermEvent;

use super::app::App;
use super::keys::{self, Action};

pub(super) fn event(app: &mut App, ev: TermEvent, busy: bool) -> Action {
    match ev {
        TermEvent::Key(k) => {
            if k.kind != crossterm::event::KeyEventKind::Release {
                app.typed_at = Some(Instant::now());
            }
            keys::key(app, k, busy)
        }
        TermEvent::Paste(text) => {
            app.typed_at = Some(Instant::now());
            // A paste leaves going back to a message (Esc Esc).
            app.backtrack = None;
            // Never an answer: into the reason for a no being typed (one
            // line), else into the draft, as keys typed before the prompt
            // was armed.
            let reason = app
                .approval
                .as_mut()
                .filter(|p| p.armed)
                .and_then(|p| p.reason.as_mut());
            match reason {
                Some(reason) => reason.insert_str(&text.replace(['\r', '\n'], " ")),
                // The path of one image file (a dragged file) attaches it.
                None => {
                    if !app.composer.paste_image(&text, &app.cwd) {
                        app.composer.paste(&text);
                    }
                }
            }
            Action::None
        }
        TermEvent::Resize(width, height) => {
            // A terminal resized to 0 × 0 still draws at the fallback size.
            app.width = super::known_size::known(ratatui::layout::Size { width, height }).width;
            Action::None
        }
        _ => Action::None,
    }
}

/// What the user did while no turn ran (the loop's idle wait).
pub(super) enum Idle {
    /// Sent a message or a command.
    Send(String),
    /// Went back to the N-th message (Esc Esc, Enter).
    Rewind(usize),
}
