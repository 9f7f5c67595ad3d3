//! Vertical moves made relative to the cursor.
//!
//! A frame is laid out for the screen's size as read when it began; the
//! window may grow before the terminal draws it. The live area counts on
//! a line feed on the last row scrolling the screen up ([`super::inline`]);
//! on a taller screen it only moves the cursor down a row, and a frame
//! placed with absolute rows (`ESC[r;cH`, all crossterm writes) is then
//! drawn over the lines it has just written, which are never drawn again.
//!
//! Here every absolute move becomes a move up or down from the row the
//! cursor is believed on (a line feed adds a row, none past the screen's
//! last row as the frame knows it) and a move to the column. The frame
//! then lands under what it wrote, whatever the screen's height, and the
//! next frame reads where the cursor really is (`Inline::fit_screen`).
//! No "scroll up" sequence is used: some terminals drop what it scrolls
//! off from their scrollback.
//!
//! A move down is made of line feeds, not "cursor down" (`ESC[nB`). A
//! frame may reach the terminal after the window shrank, or after resizes
//! that ended at the size it knows but moved the rows (tmux pulls rows
//! from its scrollback into a taller screen, the cursor moving down with
//! them), so its rows can lie under the screen's real last row. "Cursor down" stops there, and the move back
//! up to the live area's first row (the cursor parked, the next frame's
//! clear) then went as many rows too high: into the transcript, whose
//! rows (the user's message, the session header, the shell's last line)
//! the next frame cleared. A line feed on the last row scrolls instead,
//! so the cursor keeps its place among the rows written: every move up
//! comes back exactly to where it started (on a screen at least as tall
//! as the live area; on a shorter one its first rows scroll off), and
//! nothing above the live area's first row is ever drawn over.

use std::io::{self, Write};

use ratatui::backend::CrosstermBackend;

use super::csi_scan::CsiScan;

/// The longest control sequence held back whole; a longer one is not
/// crossterm's and goes out as it came.
const LONGEST: usize = 32;

/// Told where the cursor is: the row it is really on (read from the
/// terminal, or where a written line ended) and the screen's last row.
pub trait Rows {
    fn cursor_on(&mut self, row: u16, bottom: u16);
}

/// A writer passing what it is given to `W`, its absolute moves made
/// relative (see the module's comment).
pub struct Relative<W> {
    inner: W,
    /// The cursor's row as the frames place it, and the screen's last row.
    row: u16,
    bottom: u16,
    scan: CsiScan,
    out: Vec<u8>,
}

impl<W: Write> Relative<W> {
    pub fn new(inner: W) -> Relative<W> {
        Relative {
            inner,
            row: 0,
            bottom: u16::MAX,
            scan: CsiScan::new(LONGEST),
            out: Vec::new(),
        }
    }
}

/// `ESC[r;cH` (parameters `params`) as a move from the believed row
/// `from`, written to `out`; returns the row moved to.
fn move_to(from: u16, params: &[u8], out: &mut Vec<u8>) -> u16 {
    let mut parts = params.split(|&b| b == b';').map(|p| {
        std::str::from_utf8(p)
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or(1)
            .max(1)
            - 1
    });
    let row = parts.next().unwrap_or(0);
    let col = parts.next().unwrap_or(0);
    out.push(b'\r');
    if row < from {
        out.extend(format!("\x1b[{}A", from - row).bytes());
    } else if row > from {
        // Line feeds, not "cursor down" (see the module's comment).
        out.extend(std::iter::repeat_n(b'\n', usize::from(row - from)));
    }
    if col > 0 {
        out.extend(format!("\x1b[{col}C").bytes());
    }
    row
}

impl<W> Rows for Relative<W> {
    fn cursor_on(&mut self, row: u16, bottom: u16) {
        self.row = row.min(bottom);
        self.bottom = bottom;
    }
}

impl<W: Write> Rows for CrosstermBackend<W>
where
    W: Rows,
{
    fn cursor_on(&mut self, row: u16, bottom: u16) {
        self.writer_mut().cursor_on(row, bottom);
    }
}

impl<W: Write> Write for Relative<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Both closures move the believed row.
        let row = std::cell::Cell::new(self.row);
        let bottom = self.bottom;
        self.scan.feed(
            buf,
            &mut self.out,
            |b, out| {
                if b == b'\n' {
                    row.set(row.get().saturating_add(1).min(bottom));
                }
                out.push(b);
            },
            |params, fin, out| {
                let absolute =
                    fin == b'H' && params.iter().all(|c| c.is_ascii_digit() || *c == b';');
                if absolute {
                    row.set(move_to(row.get(), params, out));
                }
                absolute
            },
        );
        self.row = row.get();
        self.inner.write_all(&self.out)?;
        self.out.clear();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(row: u16, bottom: u16, pieces: &[&[u8]]) -> String {
        let mut w = Relative::new(Vec::new());
        w.cursor_on(row, bottom);
        for p in pieces {
            w.write_all(p).expect("written into memory");
        }
        String::from_utf8(w.inner).expect("utf-8")
    }

    #[test]
    fn absolute_moves_go_up_or_down_from_the_cursors_row() {
        assert_eq!(through(5, 23, &[b"\x1b[3;1Hx"]), "\r\x1b[3Ax");
        assert_eq!(through(5, 23, &[b"\x1b[9;4Hx"]), "\r\n\n\n\x1b[3Cx");
        assert_eq!(through(5, 23, &[b"\x1b[6;1H"]), "\r");
        // As crossterm writes it: in pieces.
        assert_eq!(
            through(0, 23, &[b"\x1b[", b"2", b";", b"3", b"H", b"y"]),
            "\r\n\x1b[2Cy"
        );
    }

    #[test]
    fn a_line_feed_goes_down_a_row_but_not_past_the_last() {
        // Two line feeds from row 22 of 24: the second one scrolled (or,
        // on a screen grown since, moved down), the cursor is on the
        // frame's last row.
        assert_eq!(
            through(22, 23, &[b"a\r\n", b"b\r\n", b"\x1b[23;1H"]),
            "a\r\nb\r\n\r\x1b[1A"
        );
    }

    /// A frame laid out for 24 rows reaching a screen of 6 with the
    /// cursor on its fourth row: it goes down past the last row and back
    /// up to where it began, the row it started on, not one of those above.
    #[test]
    fn a_move_down_past_a_shorter_screens_end_comes_back_to_its_row() {
        let mut screen = vt100::Parser::new(6, 20, 50);
        screen.process(b"one\r\ntwo\r\nthree\r\nTOP");
        let mut w = Relative::new(Vec::new());
        w.cursor_on(10, 23);
        w.write_all(b"\x1b[15;1H\x1b[11;1Hx")
            .expect("written into memory");
        screen.process(&w.inner);
        let (row, _) = screen.screen().cursor_position();
        let rows: Vec<String> = screen.screen().rows(0, 20).collect();
        assert_eq!(rows[usize::from(row)].trim_end(), "xOP", "{rows:#?}");
        assert_eq!(screen.screen().contents().matches("three").count(), 1);
    }

    #[test]
    fn everything_else_passes_unchanged() {
        for seq in [
            "\x1b[38;5;131m",
            "\x1b[J",
            "\x1b[2K",
            "\x1b[?2026h",
            "\x1b[?25l",
            "\x1b]0;t\x07",
            "plain ✓ text",
        ] {
            assert_eq!(through(3, 23, &[seq.as_bytes()]), seq, "{seq:?}");
        }
    }
}
