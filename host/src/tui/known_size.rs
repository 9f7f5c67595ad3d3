//! A terminal that reports 0 rows or 0 columns has not been told its size
//! (a pty nobody set: `docker run -t`, some CI and remote terminals, until
//! the first resize). Drawn at that size, ratatui's inline viewport cannot
//! make progress (`insert_before` loops forever on a 0-row screen), so
//! such a size counts as unknown and the usual 80 × 24 is used until the
//! terminal reports a real one.

use std::io;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use super::relative::Rows;

/// The size assumed while the terminal reports none.
pub const FALLBACK: Size = Size {
    width: 80,
    height: 24,
};

/// `size` when it is a real one, else [`FALLBACK`].
pub fn known(size: Size) -> Size {
    if size.width == 0 || size.height == 0 {
        FALLBACK
    } else {
        size
    }
}

/// The terminal's size as crossterm reads it, made [`known`].
pub fn terminal() -> Size {
    let (width, height) = crossterm::terminal::size().unwrap_or((0, 0));
    known(Size { width, height })
}

/// A backend whose size is never 0 × 0 (see the module's comment).
pub struct KnownSize<B>(pub B);

impl<B: Backend> Backend for KnownSize<B> {
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

    /// Never fails: ratatui shows a cursor it hid when its terminal is
    /// dropped and, failing, prints to stderr, which panics when the
    /// terminal is gone (closed while a turn ran with the cursor parked).
    fn show_cursor(&mut self) -> io::Result<()> {
        let _ = self.0.show_cursor();
        Ok(())
    }

    /// Asked of the terminal through the same input reader as the keys'
    /// (this crate's crossterm), never through the backend's: ratatui
    /// draws with an older crossterm, whose own reader would compete with
    /// the keys' for the terminal's input (the answer, keys typed meanwhile).
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        crossterm::cursor::position().map(|(x, y)| Position { x, y })
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
        self.0.size().map(known)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let mut w = self.0.window_size()?;
        w.columns_rows = known(w.columns_rows);
        Ok(w)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<B: Rows> Rows for KnownSize<B> {
    fn cursor_on(&mut self, row: u16, bottom: u16) {
        self.0.cursor_on(row, bottom);
    }
}

/// Text written as is (the live area writes the scrollback's lines).
impl<B: io::Write> io::Write for KnownSize<B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_size_is_unknown() {
        assert_eq!(known(Size::new(0, 0)), FALLBACK);
        assert_eq!(known(Size::new(0, 40)), FALLBACK);
        assert_eq!(known(Size::new(120, 0)), FALLBACK);
        assert_eq!(known(Size::new(3, 2)), Size::new(3, 2));
    }
}
