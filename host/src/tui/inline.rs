//! The live area under the terminal's own scrollback: a viewport as tall as
//! what it shows, right under the last line written, and the lines written
//! above it.
//!
//! ratatui 0.29's inline viewport is not used: its height is fixed (the
//! rows it does not fill stayed blank between the transcript and the
//! input), and after a resize it placed itself from the cursor's row as if
//! every row above the cursor had kept its height. A terminal that reflows
//! (tmux, most modern ones) splits a row wider than the new width into
//! several, so the rows of the old frame above the new area were never
//! cleared and went into the scrollback with the next lines: stale,
//! garbled copies of what the live area had shown.
//!
//! Here the viewport is a `Fixed` one placed by hand:
//! - lines are written where the live area began, each ended by `\r\n`, so
//!   they scroll into the scrollback exactly as a plain program's output
//!   (once, no trailing blanks for a reflow to split);
//! - while a turn runs, and whenever rows are shown above the caret (the
//!   `/` menu, the Esc Esc rows, a hint, a draft's earlier rows), the
//!   cursor is parked, hidden, on the live area's first cell (the
//!   composer shows a drawn caret). A terminal keeps the cursor on its
//!   cell through a reflow, so after a resize the cursor's row is the old
//!   frame's first row, whatever became of the rows under it, and
//!   everything from there down is cleared;
//! - otherwise the cursor is in the composer on the area's first row, and
//!   its row is the top (only the part of that row left of the cursor
//!   could have been split off above it: a draft longer than the new
//!   width).
//!
//! The rows here are those of the screen as last read; the writer under
//! the backend makes every move relative to the cursor
//! ([`super::relative`]), so a frame the terminal draws after the window
//! grew lands under the lines it wrote instead of over them.
//!
//! How the terminal reflows lines already in its scrollback is its own
//! business. So is one more thing no program can undo: tmux (3.3) counts
//! every row of the screen, the blank ones under the live area too, and
//! pushes as many rows from the screen's top into its scrollback as the
//! reflow added. When the live area has fewer rows above it than its own
//! rows gain (a short conversation after `clear`, a wide `/` menu or
//! session picker, a narrow window), its first rows go there, the cursor
//! with them (tmux puts it on 0,0), and stay in the scrollback. With the
//! screen full of transcript above it nothing of the area is left.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};

use super::relative::Rows;
use super::term::{drop_controls, hide_continuations};

/// Begin and end of a synchronized update: a terminal that knows it shows
/// the frame at once (no flicker of the cleared area), others ignore it.
const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
pub(super) const SYNC_END: &[u8] = b"\x1b[?2026l";

pub struct Inline<B: Backend + Write + Rows> {
    term: Terminal<B>,
    /// The screen's size when last laid out.
    screen: Size,
    /// The live area's first row and its height.
    top: u16,
    height: u16,
    /// The cursor's row in the live area after the last frame (0: parked
    /// on its first cell).
    cursor_row: u16,
    /// The area must be cleared and drawn whole at the next frame.
    stale: bool,
}

impl<B: Backend + Write + Rows> Inline<B> {
    /// A live area of `rows` starting at the cursor's row.
    pub fn new(mut backend: B, rows: u16) -> io::Result<Self> {
        let screen = backend.size()?;
        let at = backend.get_cursor_position()?;
        let top = at.y.min(screen.height.saturating_sub(1));
        backend.cursor_on(top, screen.height.saturating_sub(1));
        let area = Rect::new(0, top, screen.width, 1);
        let term = Terminal::with_options(
            backend,
            TerminalOptions {
                viewport: Viewport::Fixed(area),
            },
        )?;
        let mut me = Inline {
            term,
            screen,
            top,
            height: 1,
            cursor_row: 0,
            stale: true,
        };
        me.set_height(rows)?;
        Ok(me)
    }

    pub fn size(&self) -> io::Result<Size> {
        self.term.size()
    }

    /// The screen's size the live area was last laid out for.
    pub fn screen(&self) -> Size {
        self.screen
    }

    /// Takes in a new screen size: the old frame, wherever the terminal
    /// moved it, is cleared from its first row down.
    pub fn fit_screen(&mut self, size: Size) -> io::Result<()> {
        if size == self.screen {
            return Ok(());
        }
        self.place(size)
    }

    /// Places the live area again where the cursor is now (after a stop:
    /// the shell wrote under the cleared area), drawn whole next.
    pub fn place_at_cursor(&mut self) -> io::Result<()> {
        let size = self.term.size()?;
        self.cursor_row = 0;
        self.place(size)
    }

    /// Lays the area out for a screen of `size` from the cursor's row.
    fn place(&mut self, size: Size) -> io::Result<()> {
        let old = self.top;
        let bottom = size.height.saturating_sub(1);
        let backend = self.term.backend_mut();
        self.top = match backend.get_cursor_position() {
            Ok(at) => {
                backend.cursor_on(at.y, bottom);
                at.y.saturating_sub(self.cursor_row)
            }
            Err(_) => {
                // Where the last frame left it, as far as it knows.
                backend.cursor_on(old + self.cursor_row, bottom);
                old
            }
        };
        self.screen = size;
        self.top = self.top.min(size.height.saturating_sub(1));
        self.height = self.height.min(self.most_rows());
        self.stale = true;
        self.set_height(self.height)
    }

    /// The most rows the live area takes: one less than the screen. An
    /// area as tall as the screen starts on its first row, and clearing
    /// from there (each frame that writes lines) is clearing the whole
    /// screen, which tmux and others keep: every frame would go into the
    /// scrollback.
    fn most_rows(&self) -> u16 {
        self.screen.height.saturating_sub(1).max(1)
    }

    /// Makes the live area `rows` tall (at most [`Self::most_rows`]): its
    /// top stays unless there is no room under it, then what is above
    /// scrolls up.
    pub fn set_height(&mut self, rows: u16) -> io::Result<()> {
        let rows = rows.clamp(1, self.most_rows());
        if rows == self.height && !self.stale {
            return Ok(());
        }
        let over = (self.top + rows).saturating_sub(self.screen.height);
        if over > 0 {
            self.scroll(over)?;
            self.top -= over;
        }
        self.height = rows;
        self.stale = false;
        if self.top == 0 {
            // ratatui's "erase below" from the first cell must find the
            // screen empty (see erase_from).
            self.erase_from(0)?;
        }
        // Cleared from its top to the screen's end (ratatui clears a fixed
        // area with "erase below"), and drawn whole next.
        self.term
            .resize(Rect::new(0, self.top, self.screen.width, rows))
    }

    /// Writes `lines` where the live area began; the area goes under
    /// them. A line wider than the screen (a URL kept whole, a line laid
    /// out before the window narrowed) is written in one go and the
    /// terminal wraps it: softly, so a reflow joins it again, and its
    /// link detection and a selection see it whole.
    pub fn insert(&mut self, lines: &[Line<'static>]) -> io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let bottom = self.screen.height.saturating_sub(1);
        self.erase_from(self.top)?;
        let mut row = self.top;
        for line in lines {
            let width = self
                .screen
                .width
                .max(line.width().try_into().unwrap_or(u16::MAX));
            let mut buf = Buffer::empty(Rect::new(0, 0, width, 1));
            Paragraph::new(line.clone()).render(buf.area, &mut buf);
            hide_continuations(&mut buf);
            drop_controls(&mut buf);
            // No trailing blanks: a reflowing terminal would split them
            // off into rows of their own.
            let end = buf
                .content
                .iter()
                .rposition(|c| *c != Cell::EMPTY)
                .map_or(0, |i| i + 1);
            let cells = buf.content[..end]
                .iter()
                .enumerate()
                .map(|(x, c)| (x as u16, row, c));
            let backend = self.term.backend_mut();
            backend.draw(cells)?;
            backend.write_all(b"\r\n")?;
            let taken = super::fit::rows(line, self.screen.width);
            row = row
                .saturating_add(u16::try_from(taken).unwrap_or(u16::MAX))
                .min(bottom);
            // A line wider than the screen took several rows.
            backend.cursor_on(row, bottom);
        }
        self.top = row;
        self.stale = true;
        Ok(())
    }

    /// Draws the live area. `render` returns where the cursor goes, or
    /// `None` to park it, hidden, on the area's first cell.
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut Frame<'_>) -> Option<Position>,
    ) -> io::Result<()> {
        let mut caret = None;
        self.term.draw(|f| {
            caret = render(f);
            if let Some(p) = caret {
                f.set_cursor_position(p);
            }
        })?;
        match caret {
            Some(p) => self.cursor_row = p.y.saturating_sub(self.top),
            None => {
                self.term.set_cursor_position((0, self.top))?;
                self.cursor_row = 0;
            }
        }
        Backend::flush(self.term.backend_mut())
    }

    pub fn begin_update(&mut self) -> io::Result<()> {
        self.term.backend_mut().write_all(SYNC_BEGIN)
    }

    pub fn end_update(&mut self) -> io::Result<()> {
        let backend = self.term.backend_mut();
        backend.write_all(SYNC_END)?;
        Backend::flush(backend)
    }

    /// Empties the live area; the cursor is left where it began (what is
    /// written next follows the transcript).
    pub fn clear(&mut self) -> io::Result<()> {
        self.erase_from(self.top)?;
        self.cursor_row = 0;
        self.stale = true;
        Backend::flush(self.term.backend_mut())
    }

    pub fn show_cursor(&mut self) -> io::Result<()> {
        self.term.show_cursor()
    }

    /// Clears the screen from row `top` down and leaves the cursor on its
    /// first cell. From the first row, line by line: tmux (its
    /// `scroll-on-clear`) and others keep a screen cleared whole with
    /// "erase below" from the first cell in the scrollback, which would
    /// put a copy of the live area there.
    fn erase_from(&mut self, top: u16) -> io::Result<()> {
        if top == 0 {
            for y in 0..self.screen.height {
                self.term.set_cursor_position((0, y))?;
                self.term
                    .backend_mut()
                    .clear_region(ClearType::CurrentLine)?;
            }
        } else {
            self.term.set_cursor_position((0, top))?;
            self.term
                .backend_mut()
                .clear_region(ClearType::AfterCursor)?;
        }
        self.term.set_cursor_position((0, top))
    }

    /// Scrolls the whole screen up `n` rows (the top ones into the
    /// scrollback).
    fn scroll(&mut self, n: u16) -> io::Result<()> {
        self.term
            .set_cursor_position((0, self.screen.height.saturating_sub(1)))?;
        self.term.backend_mut().append_lines(n)
    }
}
