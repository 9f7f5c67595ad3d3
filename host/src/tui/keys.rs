//! Keys: what each one does to the composer, the menu and the approval
//! prompt, and which ones interrupt or quit.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::App;
use super::approve::Answer;
use super::composer::Composer;
use super::{complete, line_edit};

/// What the loop has to do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Send this message (or run this /command).
    Submit(String),
    /// Stop the running task.
    Interrupt,
    /// Ctrl-Z: give the terminal back to the shell and stop until `fg`.
    Suspend,
    /// Go back to the N-th message of the history (Esc Esc, then Enter).
    Rewind(usize),
    Quit,
}

/// The Ctrl-C key, as if typed (a SIGINT read as the key).
pub fn ctrl_c_key() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
}

pub fn key(app: &mut App, k: KeyEvent, busy: bool) -> Action {
    if k.kind == KeyEventKind::Release {
        return Action::None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    let shift = k.modifiers.contains(KeyModifiers::SHIFT);
    if ctrl && k.code == KeyCode::Char('c') {
        return ctrl_c(app, busy);
    }
    if ctrl && k.code == KeyCode::Char('z') {
        return Action::Suspend;
    }
    // A prompt not armed yet (it appeared while the user typed): keys go
    // on to the draft.
    // Nor does one the window is too small to show.
    let shown = app.prompt_shown.get();
    if let Some(p) = app.approval.as_mut().filter(|p| p.armed && shown) {
        return approval_key(p, k);
    }
    if let Some(action) = super::backtrack::key(app, k, busy) {
        return action;
    }
    if ctrl && k.code == KeyCode::Char('o') {
        app.expand_child();
        return Action::None;
    }
    if k.code == KeyCode::Esc {
        if !app.menu.is_empty() {
            app.menu.clear();
            return Action::None;
        }
        if busy {
            return Action::Interrupt;
        }
        // Esc Esc with nothing typed: back to an earlier message.
        if app.composer.is_empty() {
            return super::backtrack::esc(app);
        }
        return Action::None;
    }
    app.hint = None;
    let c = &mut app.composer;
    match k.code {
        KeyCode::Enter if shift || alt => c.newline(),
        KeyCode::Char('j') if ctrl => c.newline(),
        // Typed, not pasted (a paste comes whole, as one event).
        KeyCode::Enter if c.backslash_newline() => app.menu.clear(),
        KeyCode::Enter => {
            if let Some((text, _)) = app.menu.get(app.menu_sel).cloned() {
                app.menu.clear();
                let is_command_only = c.text().starts_with('/') && !c.text().contains(' ');
                // A completion that is exactly what is typed (a whole
                // `@file`) has nothing to accept: this Enter sends.
                let typed = c.current_word() == text;
                c.replace_word(&text);
                if !is_command_only && !typed {
                    return Action::None;
                }
            }
            if c.is_empty() {
                return Action::None;
            }
            let text = without_trailing_blank_lines(c.submit());
            app.menu.clear();
            return Action::Submit(text);
        }
        KeyCode::Char('d') if ctrl => {
            if c.is_empty() && !busy {
                return Action::Quit;
            }
            if c.is_empty() {
                // Not a quit mid-turn (it would drop the answer): said so.
                app.hint = Some(CTRL_D_BUSY_HINT.to_string());
                return Action::None;
            }
            c.delete();
        }
        KeyCode::Up if !app.menu.is_empty() => {
            app.menu_sel = app.menu_sel.saturating_sub(1);
            return Action::None;
        }
        KeyCode::Down if !app.menu.is_empty() => {
            app.menu_sel = (app.menu_sel + 1).min(app.menu.len().saturating_sub(1));
            return Action::None;
        }
        // History (or lines of a multi-line message): a recalled `/command`
        // does not open the menu, so Up and Down keep walking the history.
        KeyCode::Up | KeyCode::Down => {
            if k.code == KeyCode::Up {
                c.up();
            } else {
                c.down();
            }
            app.menu.clear();
            return Action::None;
        }
        KeyCode::Tab => {
            if let Some((text, _)) = app.menu.get(app.menu_sel).cloned() {
                c.replace_word(&text);
                app.menu.clear();
                return Action::None;
            }
        }
        _ => {
            line_edit::key(c, k);
        }
    }
    complete::refresh(app);
    Action::None
}

fn ctrl_c(app: &mut App, busy: bool) -> Action {
    if busy {
        return Action::Interrupt;
    }
    app.menu.clear();
    // Ctrl-C leaves going back to a message, and only that.
    if app.backtrack.take().is_some() {
        return Action::None;
    }
    if !app.composer.is_empty() {
        app.composer.clear();
        app.hint = None;
        return Action::None;
    }
    if app.hint.as_deref() == Some(QUIT_HINT) {
        return Action::Quit;
    }
    app.hint = Some(QUIT_HINT.to_string());
    Action::None
}

pub const QUIT_HINT: &str = "press Ctrl-C again (or Ctrl-D) to quit";

/// Shown when Ctrl-D is pressed on an empty input while a turn runs:
/// nothing is remembered, the turn goes on and quire stays after it.
pub const CTRL_D_BUSY_HINT: &str = "Ctrl-D does not quit during a turn: press it again once the turn is over (Esc or Ctrl-C stops the turn)";

fn approval_key(p: &mut super::approve::Pending, k: KeyEvent) -> Action {
    if let Some(reason) = &mut p.reason {
        match k.code {
            KeyCode::Enter => {
                let r = reason.text().trim().to_string();
                p.answer(if r.is_empty() {
                    Answer::No
                } else {
                    Answer::NoBecause(r)
                });
            }
            KeyCode::Esc => return Action::Interrupt,
            // The composer's line editing; one line (no Ctrl-J).
            _ => {
                line_edit::key(reason, k);
            }
        }
        return Action::None;
    }
    if p.pager.key(k.code) {
        return Action::None;
    }
    if k.code == KeyCode::Esc {
        return Action::Interrupt;
    }
    // Only a letter typed as one answers: Ctrl-A (start of line), Ctrl-Y
    // or Alt-y are habits of editing, not a yes or an "always".
    if !(k.modifiers - KeyModifiers::SHIFT).is_empty() {
        return Action::None;
    }
    // Enter answers nothing: a habitual Enter (or a double one after a
    // message) must not approve a command nobody read; nor do yes and
    // always while part of a request too tall for the screen is unread.
    let read = p.pager.may_approve();
    match k.code {
        KeyCode::Char('y') if read => p.answer(Answer::Yes),
        KeyCode::Char('n') => p.answer(Answer::No),
        KeyCode::Char('a') if read && p.request.offers_always() => p.answer(Answer::Always),
        KeyCode::Char('r') => p.reason = Some(Composer::new(Vec::new())),
        _ => {}
    }
    Action::None
}

/// `text` without the blank lines typed after its last one (Ctrl-J at
/// the end): they would be sent as part of the message.
fn without_trailing_blank_lines(mut text: String) -> String {
    let keep = text.rfind(|c: char| !c.is_whitespace()).map_or(0, |last| {
        text[last..].find('\n').map_or(text.len(), |n| last + n)
    });
    text.truncate(keep);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::style::Palette;

    fn enter() -> KeyEvent {
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
    }

    #[test]
    fn enter_at_an_approval_prompt_answers_nothing() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        let request = super::super::approve::shell_request("rm -f x");
        let (reply, mut answer) = tokio::sync::oneshot::channel();
        app.approval = Some(super::super::approve::Pending::new((request, reply), None));
        app.prompt_shown.set(true);
        assert_eq!(key(&mut app, enter(), true), Action::None);
        assert!(answer.try_recv().is_err(), "Enter answered the prompt");
        assert!(app.approval.as_ref().is_some_and(|p| p.reply.is_some()));
        key(
            &mut app,
            KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE),
            true,
        );
        assert_eq!(answer.try_recv().ok(), Some(Answer::No));
    }

    fn at_a_prompt() -> (App, tokio::sync::oneshot::Receiver<Answer>) {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        let mut request = super::super::approve::shell_request("touch x");
        request.always_key = Some("touch x".into());
        let (reply, answer) = tokio::sync::oneshot::channel();
        app.approval = Some(super::super::approve::Pending::new((request, reply), None));
        app.prompt_shown.set(true);
        (app, answer)
    }

    #[test]
    fn a_chord_never_answers_an_approval_prompt() {
        let (mut app, mut answer) = at_a_prompt();
        let (alt, ctrl) = (KeyModifiers::ALT, KeyModifiers::CONTROL);
        for (c, m) in [
            ('a', ctrl),
            ('y', ctrl),
            ('y', alt),
            ('n', ctrl),
            ('r', alt),
        ] {
            assert_eq!(
                key(&mut app, KeyEvent::new(KeyCode::Char(c), m), true),
                Action::None
            );
        }
        assert!(answer.try_recv().is_err(), "a chord answered the prompt");
        assert!(app.approval.as_ref().is_some_and(|p| p.reason.is_none()));
        // Shift alone still types the letter.
        press(&mut app, KeyCode::Char('a'), KeyModifiers::SHIFT);
        assert_eq!(answer.try_recv().ok(), Some(Answer::Always));
    }

    #[test]
    fn the_reason_for_a_no_has_the_composers_line_editing() {
        let (mut app, mut answer) = at_a_prompt();
        let (none, alt, ctrl) = (KeyModifiers::NONE, KeyModifiers::ALT, KeyModifiers::CONTROL);
        press(&mut app, KeyCode::Char('r'), none);
        let typed = |app: &mut App, s: &str| {
            s.chars()
                .for_each(|c| press(app, KeyCode::Char(c), KeyModifiers::NONE))
        };
        typed(&mut app, "abc def");
        press(&mut app, KeyCode::Left, none);
        press(&mut app, KeyCode::Left, none);
        typed(&mut app, "X");
        press(&mut app, KeyCode::Char('a'), ctrl);
        press(&mut app, KeyCode::Char('Y'), KeyModifiers::SHIFT);
        press(&mut app, KeyCode::Char('e'), ctrl);
        typed(&mut app, " tail");
        press(&mut app, KeyCode::Char('w'), ctrl);
        press(&mut app, KeyCode::Char('x'), alt);
        // A letter with its combining accent goes in one Backspace.
        typed(&mut app, "cafe\u{301}");
        press(&mut app, KeyCode::Backspace, none);
        let reason = app.approval.as_ref().and_then(|p| p.reason.as_ref());
        assert_eq!(reason.map(|r| r.text()).as_deref(), Some("Yabc dXef caf"));
        press(&mut app, KeyCode::Enter, none);
        assert_eq!(
            answer.try_recv().ok(),
            Some(Answer::NoBecause("Yabc dXef caf".into()))
        );
    }

    fn typed_with_menu(text: &str, candidate: &str) -> App {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.composer.insert_str(text);
        app.menu = vec![(candidate.to_string(), String::new())];
        app
    }

    #[test]
    fn enter_on_a_fully_typed_mention_sends_at_once() {
        let mut app = typed_with_menu("look at @src/main.rs", "@src/main.rs");
        assert_eq!(
            key(&mut app, enter(), false),
            Action::Submit("look at @src/main.rs".into())
        );
        assert!(app.menu.is_empty() && app.composer.is_empty());
    }

    #[test]
    fn enter_on_a_longer_candidate_accepts_it_without_sending() {
        let mut app = typed_with_menu("look at @src/ma", "@src/main.rs");
        assert_eq!(key(&mut app, enter(), false), Action::None);
        assert_eq!(app.composer.text(), "look at @src/main.rs");
        assert!(app.menu.is_empty());
        assert_eq!(
            key(&mut app, enter(), false),
            Action::Submit("look at @src/main.rs".into())
        );
    }

    #[test]
    fn ctrl_d_during_a_turn_says_it_does_not_quit() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        let d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(key(&mut app, d, true), Action::None);
        // It promises no quit at the turn's end: none comes.
        assert_eq!(
            app.hint.as_deref(),
            Some(
                "Ctrl-D does not quit during a turn: press it again once the turn is over (Esc or Ctrl-C stops the turn)"
            )
        );
        app.end_task();
        assert_eq!(app.hint, None);
        assert_eq!(key(&mut app, d, false), Action::Quit);
    }

    fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
        key(app, KeyEvent::new(code, modifiers), false);
    }

    #[test]
    fn blank_lines_typed_at_the_end_are_not_sent() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.composer.insert_str("first");
        let ctrl = KeyModifiers::CONTROL;
        press(&mut app, KeyCode::Char('j'), ctrl);
        app.composer.insert_str("second");
        press(&mut app, KeyCode::Char('j'), ctrl);
        press(&mut app, KeyCode::Char(' '), KeyModifiers::NONE);
        press(&mut app, KeyCode::Char('j'), ctrl);
        assert_eq!(
            key(&mut app, enter(), false),
            Action::Submit("first\nsecond".into())
        );
    }

    #[test]
    fn a_backslash_before_enter_becomes_a_line_break() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.composer.insert_str("first line\\");
        assert_eq!(key(&mut app, enter(), false), Action::None);
        app.composer.insert_str("second \\ kept");
        assert_eq!(
            key(&mut app, enter(), false),
            Action::Submit("first line\nsecond \\ kept".into())
        );
        // A pasted line break after a backslash stays as pasted.
        app.composer.paste("a \\\nb");
        assert_eq!(
            key(&mut app, enter(), false),
            Action::Submit("a \\\nb".into())
        );
    }

    #[test]
    fn a_backslash_a_paste_ends_with_is_sent_as_pasted() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.composer.paste("C:\\path\\");
        assert_eq!(
            key(&mut app, enter(), false),
            Action::Submit("C:\\path\\".into())
        );
    }

    #[test]
    fn line_editing_keys_move_and_delete_by_word() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.composer.insert_str("one two three four");
        let (alt, ctrl) = (KeyModifiers::ALT, KeyModifiers::CONTROL);
        press(&mut app, KeyCode::Left, alt);
        press(&mut app, KeyCode::Left, alt);
        press(&mut app, KeyCode::Left, ctrl);
        assert_eq!(app.composer.cursor(), (0, 4), "before `two`");
        press(&mut app, KeyCode::Char('b'), alt);
        press(&mut app, KeyCode::Char('f'), alt);
        assert_eq!(app.composer.cursor(), (0, 3), "after `one`");
        press(&mut app, KeyCode::Right, ctrl);
        assert_eq!(app.composer.cursor(), (0, 7), "after `two`");
        press(&mut app, KeyCode::Char('x'), alt);
        assert_eq!(
            app.composer.text(),
            "one two three four",
            "Alt-x types nothing"
        );
        press(&mut app, KeyCode::Char('d'), alt);
        assert_eq!(app.composer.text(), "one two four");
        press(&mut app, KeyCode::Backspace, alt);
        assert_eq!(app.composer.text(), "one  four");
        press(&mut app, KeyCode::Char('k'), ctrl);
        assert_eq!(app.composer.text(), "one ");
        assert_eq!(app.composer.cursor(), (0, 4));
    }
}
