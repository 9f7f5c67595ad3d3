//! The terminal: raw mode, bracketed paste and an inline viewport at the
//! bottom, so everything above stays in the terminal's own scrollback.
//! Restored on drop (and on panic).

use std::io::{BufWriter, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::event::{
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::execute;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

use quire::printable::hidden_control;

use super::app::App;
use super::inline::Inline;
use super::known_size::{self, KnownSize};
use super::relative::{Relative, Rows};
use super::settle;
use super::sgr::Ansi16;

/// Output is buffered and written once per frame, not a write per line,
/// its colours 0–15 in the codes 16-colour terminals read ([`Ansi16`]),
/// its vertical moves relative to the cursor ([`Relative`]).
/// Its size is never 0 × 0 ([`KnownSize`]).
pub type Term = Inline<KnownSize<CrosstermBackend<Relative<Ansi16<BufWriter<Stdout>>>>>>;

/// Puts the terminal back as it was when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Every way out passes here (the guard's drop, the panic hook, Ctrl-Z):
/// a synchronized update a frame left open would keep the terminal from
/// showing anything more, so it is ended, and the cursor a turn hid is
/// shown.
fn restore() {
    let mut out = std::io::stdout();
    let _ = out.write_all(super::inline::SYNC_END);
    let _ = execute!(
        out,
        crossterm::cursor::Show,
        PopKeyboardEnhancementFlags,
        DisableBracketedPaste
    );
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Whether the terminal answers "where is the cursor?", which the inline
/// viewport needs: `Err` with crossterm's reason when it does not (a
/// serial console, some web and CI terminals) within its 2 s.
pub fn answers_cursor_query() -> std::io::Result<()> {
    crossterm::cursor::position().map(|_| ())
}

/// What was typed while [`answers_cursor_query`] waited for an answer
/// that never came: crossterm kept those keys for its own reading, which
/// the line mode does not use. Text as typed, a line break for Enter;
/// Backspace takes back the last character.
pub fn typed_meanwhile() -> String {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, poll, read};
    let mut typed = String::new();
    while poll(std::time::Duration::ZERO).unwrap_or(false) {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                // A line typed before raw mode ends in a line feed, which
                // reads as Ctrl-J.
                KeyCode::Char('j' | 'm') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    typed.push('\n')
                }
                KeyCode::Char(_) if k.modifiers.contains(KeyModifiers::CONTROL) => {}
                KeyCode::Char(c) => typed.push(c),
                KeyCode::Enter => typed.push('\n'),
                KeyCode::Backspace => {
                    typed.pop();
                }
                _ => {}
            },
            Ok(Event::Paste(text)) => typed.push_str(&text),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    typed
}

/// Enters raw mode and opens the inline viewport.
pub fn open(rows: u16) -> std::io::Result<(Term, Guard)> {
    crossterm::terminal::enable_raw_mode()?;
    let guard = Guard;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    Ok((viewport(rows)?, guard))
}

/// Gives the terminal back before the process stops (Ctrl-Z): the live
/// area is cleared, the cursor left where it began, so the shell's lines
/// follow the scrollback, and raw mode, bracketed paste and the keyboard
/// flags are undone.
pub fn suspend(term: &mut Term) -> std::io::Result<()> {
    term.clear()?;
    term.show_cursor()?;
    restore();
    Ok(())
}

/// Takes the terminal again after a stop: raw mode, whatever the shell set
/// meanwhile (crossterm would skip a raw mode it believes is still on),
/// and a new inline viewport where the cursor now is.
pub fn resume(rows: u16) -> std::io::Result<Term> {
    let _ = crossterm::terminal::disable_raw_mode();
    crossterm::terminal::enable_raw_mode()?;
    viewport(rows)
}

/// Ctrl-Z where no turn runs and the live area is kept (the session
/// picker): the terminal is given back, the process stops, and once
/// continued the terminal is taken again and the area placed where the
/// cursor now is (under what the shell wrote).
pub fn stop_and_retake<B: Backend + Write + Rows>(term: &mut Inline<B>) -> std::io::Result<()> {
    term.clear()?;
    term.show_cursor()?;
    restore();
    super::signals::stop_now();
    retake_modes()?;
    term.place_at_cursor()
}

/// Raw mode (whatever the shell set meanwhile: crossterm would skip a raw
/// mode it believes is still on), bracketed paste and the keyboard flags.
fn retake_modes() -> std::io::Result<()> {
    let _ = crossterm::terminal::disable_raw_mode();
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnableBracketedPaste,
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
    )
}

/// Bracketed paste and the keyboard flags on, and a live area of `rows`
/// at the cursor.
fn viewport(rows: u16) -> std::io::Result<Term> {
    let mut out = std::io::stdout();
    execute!(
        out,
        EnableBracketedPaste,
        // Lets Shift+Enter be told from Enter where the terminal can.
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
    )?;
    let height = known_size::terminal().height;
    let rows = rows.min(height.saturating_sub(1)).max(1);
    Inline::new(
        KnownSize(CrosstermBackend::new(Relative::new(Ansi16::new(
            BufWriter::with_capacity(1 << 16, std::io::stdout()),
        )))),
        rows,
    )
}

/// Writes the app's pending lines into the scrollback, then draws the
/// live area, as tall as what it shows.
///
/// The terminal's size is read first and the live area placed again if it
/// changed ([`Inline::fit_screen`]): the window may be resized before its
/// Resize event is read, and the lines are written at the size asked here.
pub fn flush<B: Backend + Write + Rows>(
    term: &mut Inline<B>,
    app: &mut App,
) -> std::io::Result<()> {
    // A resize is acted on once the size stopped changing (settle.rs),
    // and again if one more landed while the cursor was read.
    let mut size = term.screen();
    for _ in 0..4 {
        size = settle::settled(term.screen(), settle::STEP, settle::MOST, || {
            term.size().unwrap_or_default()
        });
        if size.height == 0 || size.width == 0 {
            // Nothing can be laid out on no screen: the lines wait for a
            // real size.
            return Ok(());
        }
        term.fit_screen(size)?;
        if term.size().unwrap_or_default() == size {
            break;
        }
    }
    app.width = size.width;
    let pending = std::mem::take(&mut app.commit);
    if let Some(p) = app.approval.as_mut() {
        p.pager.lines_written(pending.len());
    }
    // Lines wider than the window go whole: the terminal wraps them
    // (Inline::insert).
    let lines = pending;
    app.live_cap = live_cap(size.height);
    app.screen_rows = size.height;
    let rows = app.live_rows(size.width);
    term.begin_update()?;
    term.insert(&lines)?;
    term.set_height(rows)?;
    term.draw(|f| {
        let caret = app.draw_at(f);
        drop_controls(f.buffer_mut());
        caret
    })?;
    term.end_update()
}

/// The most rows the live area takes of a screen `height` rows tall: at
/// least [`super::app::VIEWPORT_ROWS`], else half the screen, and never
/// the whole screen (see `Inline::set_height`).
fn live_cap(height: u16) -> u16 {
    super::app::VIEWPORT_ROWS
        .max(height / 2)
        .min(height.saturating_sub(1))
        .max(1)
}

/// Takes control characters (bidirectional ones too) out of every cell,
/// so none reaches the terminal whatever text a line was made of. The text shown comes from
/// models, commands and repositories; an ESC in it would start a sequence
/// that acts on the terminal (OSC 52 sets the clipboard, `ESC[2J` clears
/// the screen). What is left of such a sequence shows as plain text; the
/// text paths clean it earlier ([`quire::printable`]), this is the net.
pub(super) fn drop_controls(buf: &mut Buffer) {
    for cell in &mut buf.content {
        let symbol = cell.symbol();
        if symbol.chars().any(hidden_control) {
            let kept: String = symbol.chars().filter(|c| !hidden_control(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

/// Empties the cells a wide character covers after its first.
///
/// `insert_before` (ratatui 0.29 without its `scrolling-regions` feature)
/// hands every cell of the inserted lines to the backend, which prints
/// each one where the last left the cursor. A wide character moves the
/// terminal's cursor two columns, so the blank its second cell holds was
/// printed after it: a stray space after each CJK character or emoji, and
/// the rest of the line shifted right. An empty symbol prints nothing and
/// keeps the cursor where the wide character left it.
pub(super) fn hide_continuations(buf: &mut Buffer) {
    let width = usize::from(buf.area.width);
    if width == 0 {
        return;
    }
    for row in buf.content.chunks_mut(width) {
        let mut covered = 0usize;
        for cell in row {
            if covered > 0 {
                cell.set_symbol("");
                covered -= 1;
            } else {
                covered = cell.symbol().width().saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::{ClearType, WindowSize};
    use ratatui::buffer::Cell;
    use ratatui::layout::{Position, Rect, Size};
    use ratatui::text::Line;
    use ratatui::widgets::{Paragraph, Widget};
    use std::cell::RefCell;
    use std::io;
    use std::rc::Rc;

    /// What the terminal shows after the cells are printed the way
    /// `insert_before` prints them (every cell, moving only at a gap).
    fn printed(buf: &Buffer) -> String {
        let mut screen = vt100::Parser::new(buf.area.height + 2, buf.area.width, 0);
        screen.process(&bytes(buf));
        screen.screen().contents()
    }

    /// The bytes the backend writes for every cell of `buf`.
    fn bytes(buf: &Buffer) -> Vec<u8> {
        let mut out = Vec::new();
        let width = buf.area.width;
        let cells = buf.content.iter().enumerate().map(|(i, c)| {
            let i = i as u16;
            (i % width, i / width, c)
        });
        CrosstermBackend::new(&mut out)
            .draw(cells)
            .expect("drawn into memory");
        out
    }

    /// A terminal in memory (vt100): what is written goes to its screen,
    /// its size and cursor are its own.
    type Screen = Rc<RefCell<vt100::Parser>>;

    struct Sink(Screen);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().process(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct Vt(CrosstermBackend<Relative<Sink>>, Screen);

    impl Rows for Vt {
        fn cursor_on(&mut self, row: u16, bottom: u16) {
            self.0.cursor_on(row, bottom);
        }
    }

    impl Write for Vt {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Write::flush(&mut self.0)
        }
    }

    impl Backend for Vt {
        fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
        where
            I: Iterator<Item = (u16, u16, &'a Cell)>,
        {
            self.0.draw(content)
        }
        fn append_lines(&mut self, n: u16) -> io::Result<()> {
            self.0.append_lines(n)
        }
        fn hide_cursor(&mut self) -> io::Result<()> {
            self.0.hide_cursor()
        }
        fn show_cursor(&mut self) -> io::Result<()> {
            self.0.show_cursor()
        }
        fn get_cursor_position(&mut self) -> io::Result<Position> {
            let (y, x) = self.1.borrow().screen().cursor_position();
            Ok(Position { x, y })
        }
        fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
            self.0.set_cursor_position(position)
        }
        fn clear(&mut self) -> io::Result<()> {
            self.0.clear()
        }
        fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
            self.0.clear_region(clear_type)
        }
        fn size(&self) -> io::Result<Size> {
            let (height, width) = self.1.borrow().screen().size();
            Ok(Size { width, height })
        }
        fn window_size(&mut self) -> io::Result<WindowSize> {
            Ok(WindowSize {
                columns_rows: self.size()?,
                pixels: Size::default(),
            })
        }
        fn flush(&mut self) -> io::Result<()> {
            Backend::flush(&mut self.0)
        }
    }

    fn vt(rows: u16, cols: u16) -> (Inline<Vt>, Screen) {
        let screen: Screen = Rc::new(RefCell::new(vt100::Parser::new(rows, cols, 100)));
        let backend = Vt(
            CrosstermBackend::new(Relative::new(Sink(screen.clone()))),
            screen.clone(),
        );
        (Inline::new(backend, 2).expect("live area"), screen)
    }

    fn rows(screen: &Screen) -> Vec<String> {
        let p = screen.borrow();
        let (_, cols) = p.screen().size();
        p.screen()
            .rows(0, cols)
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    #[test]
    fn lines_written_after_the_window_narrowed_fit_its_new_width() {
        let (mut term, screen) = vt(20, 60);
        let mut app = App::new(super::super::style::Palette::new(false), 60, Vec::new());
        app.commit.push(Line::from("first"));
        flush(&mut term, &mut app).expect("flush");
        // Narrowed before its Resize event is read; a line rendered at the
        // old width waits to be written.
        screen.borrow_mut().set_size(20, 40);
        app.commit
            .push(Line::from(format!("{}-END", "x".repeat(50))));
        flush(&mut term, &mut app).expect("flush at the new width");
        assert_eq!(app.width, 40);
        let rows = rows(&screen);
        assert!(rows.iter().any(|r| r == "first"), "{rows:#?}");
        let wide: String = rows
            .iter()
            .filter(|r| r.starts_with('x'))
            .cloned()
            .collect();
        assert_eq!(wide, format!("{}-END", "x".repeat(50)), "{rows:#?}");
    }

    /// A frame laid out for 12 rows drawn on a screen grown to 20 (the
    /// window enlarged before the terminal drew it): its lines are all
    /// there, the live area under them.
    #[test]
    fn a_frame_drawn_on_a_taller_screen_keeps_its_lines() {
        let (mut term, screen) = vt(12, 40);
        let mut app = App::new(super::super::style::Palette::new(false), 40, Vec::new());
        app.commit
            .extend((1..=10).map(|i| Line::from(format!("line {i}"))));
        flush(&mut term, &mut app).expect("flush");
        // What the frame does at the size it read, drawn after the
        // screen grew.
        app.commit
            .extend((11..=14).map(|i| Line::from(format!("line {i}"))));
        let size = term.size().expect("size");
        screen.borrow_mut().set_size(20, 40);
        app.live_cap = live_cap(size.height);
        let rows = app.live_rows(size.width);
        let lines = std::mem::take(&mut app.commit);
        term.insert(&lines).expect("insert");
        term.set_height(rows).expect("height");
        term.draw(|f| app.draw_at(f)).expect("draw");
        let shown = screen.borrow().screen().contents();
        let all: Vec<&str> = shown.lines().map(str::trim_end).collect();
        for i in 1..=14 {
            let line = format!("line {i}");
            assert_eq!(
                all.iter().filter(|r| **r == line).count(),
                1,
                "{line}: {all:#?}"
            );
        }
        let last = all.iter().position(|r| *r == "line 14").expect("line 14");
        assert!(
            all[last + 1..].iter().any(|r| r.starts_with('›')),
            "{all:#?}"
        );
    }

    #[test]
    fn the_live_area_is_as_tall_as_what_it_shows() {
        let (mut term, screen) = vt(20, 60);
        let mut app = App::new(super::super::style::Palette::new(false), 60, Vec::new());
        app.commit.push(Line::from("one"));
        app.commit.push(Line::from("two"));
        flush(&mut term, &mut app).expect("flush");
        let rows = rows(&screen);
        assert_eq!(rows[0], "one");
        assert_eq!(rows[1], "two");
        assert!(rows[2].starts_with('›'), "{rows:#?}");
        assert!(rows[4..].iter().all(|r| r.is_empty()), "{rows:#?}");
    }

    #[test]
    fn no_control_character_reaches_the_terminal() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 1));
        let hostile = "a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc\u{9b}d\u{202e}e\u{2066}f";
        Paragraph::new(Line::from(hostile)).render(buf.area, &mut buf);
        drop_controls(&mut buf);
        let out = bytes(&buf);
        let out = String::from_utf8_lossy(&out);
        assert!(!out.contains("\x1b]") && !out.contains("\x07"), "{out:?}");
        assert!(
            !out.contains("\x1b[2J") && !out.contains('\u{9b}'),
            "{out:?}"
        );
        assert!(
            !out.contains('\u{202e}') && !out.contains('\u{2066}'),
            "{out:?}"
        );
    }

    #[test]
    fn wide_characters_are_printed_once_with_nothing_after_them() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 2));
        let lines = vec![Line::from("› 日本語 ok"), Line::from("ünï 🚀 x")];
        Paragraph::new(lines).render(buf.area, &mut buf);
        // What ratatui's cells print unchanged: a blank after each.
        let before = printed(&buf);
        assert!(before.starts_with("› 日 本 語  ok"), "{before:?}");
        hide_continuations(&mut buf);
        let shown = printed(&buf);
        let rows: Vec<&str> = shown.lines().map(str::trim_end).collect();
        assert_eq!(rows, ["› 日本語 ok", "ünï 🚀 x"]);
    }
}
