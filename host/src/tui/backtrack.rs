//! Esc Esc: going back to an earlier message (Codex's backtrack). With
//! the input empty and no turn running, Esc shows a hint; Esc again picks
//! the last message, each further Esc (or ↑, ←) an older one, ↓ or → a
//! newer one; Enter goes back to it (`/rewind N`: the history from it on
//! is dropped and its text comes back in the input). Any other key
//! leaves and does what it does. The transcript above cannot be marked:
//! the live area shows the message chosen.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

use super::app::App;
use super::keys::Action;
use super::wrap::wrap;
use crate::cli::summary::clip;
use crate::session_view::rewind::first_line;

/// Where the user is in going back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backtrack {
    /// Esc was pressed once: the hint is shown.
    Armed,
    /// Choosing: the index (from 0) of the message in `App::messages`.
    Choosing(usize),
}

/// What the first Esc shows.
pub const ARMED_HINT: &str = "Esc again to edit a previous message";

/// Esc with the input empty, no menu and no turn running: the hint, then
/// the last message, then older ones.
pub fn esc(app: &mut App) -> Action {
    let Some(last) = app.messages.len().checked_sub(1) else {
        app.backtrack = None;
        return Action::None;
    };
    app.backtrack = Some(match app.backtrack {
        None => Backtrack::Armed,
        Some(Backtrack::Armed) => Backtrack::Choosing(last),
        Some(Backtrack::Choosing(i)) => Backtrack::Choosing(i.saturating_sub(1).min(last)),
    });
    Action::None
}

/// A key while going back: `Some` when it was one of its keys; `None`
/// when the key leaves it (and does what it does) or nothing is going on.
pub fn key(app: &mut App, k: KeyEvent, busy: bool) -> Option<Action> {
    let state = app.backtrack?;
    if busy {
        app.backtrack = None;
        return None;
    }
    let last = app.messages.len().checked_sub(1);
    match (state, k.code, last) {
        (_, KeyCode::Esc, _) => Some(esc(app)),
        (Backtrack::Choosing(i), KeyCode::Up | KeyCode::Left, _) => {
            app.backtrack = Some(Backtrack::Choosing(i.saturating_sub(1)));
            Some(Action::None)
        }
        (Backtrack::Choosing(i), KeyCode::Down | KeyCode::Right, Some(last)) => {
            app.backtrack = Some(Backtrack::Choosing((i + 1).min(last)));
            Some(Action::None)
        }
        (Backtrack::Choosing(i), KeyCode::Enter, Some(_)) => {
            app.backtrack = None;
            Some(Action::Rewind(i + 1))
        }
        _ => {
            app.backtrack = None;
            None
        }
    }
}

/// The live area's rows while going back.
pub fn rows(app: &App) -> Vec<Line<'static>> {
    let pal = app.pal;
    match app.backtrack {
        None => Vec::new(),
        Some(Backtrack::Armed) => vec![Line::styled(ARMED_HINT, pal.dim())],
        Some(Backtrack::Choosing(i)) => {
            let total = app.messages.len();
            let text = app.messages.get(i).map_or("", |m| first_line(m));
            let head = format!("message {} of {total}: ", i + 1);
            let room = usize::from(app.width).saturating_sub(head.chars().count() + 2);
            let later = total.saturating_sub(i + 1);
            let dropped = match later {
                0 => "no later message to drop".to_string(),
                n => format!("{} dropped", quire::plural::counted(n, "later message")),
            };
            let keys = format!(
                "Enter edits it ({dropped}; files stay as they are) · Esc/↑ older · ↓ newer · other keys leave"
            );
            let mut rows = vec![Line::styled(
                format!("{head}{}", clip(text, room.max(10))),
                pal.accent().patch(pal.bold()),
            )];
            rows.extend(
                wrap(&[Span::raw(keys)], usize::from(app.width), &[], &[])
                    .into_iter()
                    .map(|l| l.style(pal.dim())),
            );
            rows
        }
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;
    use crate::tui::keys::key;
    use crate::tui::style::Palette;

    fn app_with(messages: &[&str]) -> App {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.messages = messages.iter().map(|m| m.to_string()).collect();
        app
    }

    fn press(app: &mut App, code: KeyCode, busy: bool) -> Action {
        key(app, KeyEvent::new(code, KeyModifiers::NONE), busy)
    }

    fn shown(app: &App) -> String {
        rows(app)
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn esc_esc_picks_the_last_message_then_older_ones_and_enter_goes_back() {
        let mut app = app_with(&["one", "two\nmore", "three"]);
        assert_eq!(press(&mut app, KeyCode::Esc, false), Action::None);
        assert_eq!(shown(&app), ARMED_HINT);
        press(&mut app, KeyCode::Esc, false);
        assert!(
            shown(&app).starts_with("message 3 of 3: three"),
            "{}",
            shown(&app)
        );
        press(&mut app, KeyCode::Esc, false);
        assert!(
            shown(&app).starts_with("message 2 of 3: two\n"),
            "{}",
            shown(&app)
        );
        assert!(shown(&app).contains("(1 later message dropped;"));
        press(&mut app, KeyCode::Esc, false);
        press(&mut app, KeyCode::Esc, false);
        assert!(
            shown(&app).starts_with("message 1 of 3"),
            "stays at the oldest"
        );
        press(&mut app, KeyCode::Down, false);
        assert_eq!(press(&mut app, KeyCode::Enter, false), Action::Rewind(2));
        assert_eq!(app.backtrack, None);
        assert!(app.composer.is_empty());
    }

    #[test]
    fn another_key_leaves_and_does_what_it_does() {
        let mut app = app_with(&["one"]);
        press(&mut app, KeyCode::Esc, false);
        press(&mut app, KeyCode::Esc, false);
        press(&mut app, KeyCode::Char('x'), false);
        assert_eq!(app.backtrack, None);
        assert_eq!(app.composer.text(), "x");
        // Ctrl-C only leaves it (no quit hint).
        app.composer.clear();
        press(&mut app, KeyCode::Esc, false);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(key(&mut app, ctrl_c, false), Action::None);
        assert_eq!(app.backtrack, None);
        assert_eq!(app.hint, None);
    }

    #[test]
    fn esc_interrupts_a_turn_and_does_nothing_with_text_typed_or_no_message() {
        let mut app = app_with(&["one"]);
        assert_eq!(press(&mut app, KeyCode::Esc, true), Action::Interrupt);
        assert_eq!(app.backtrack, None);
        app.composer.insert_str("draft");
        press(&mut app, KeyCode::Esc, false);
        press(&mut app, KeyCode::Esc, false);
        assert_eq!(app.backtrack, None);
        let mut empty = app_with(&[]);
        press(&mut empty, KeyCode::Esc, false);
        assert_eq!(empty.backtrack, None);
    }
}
