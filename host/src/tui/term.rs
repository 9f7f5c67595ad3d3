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
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::app::App;

/// Output is buffered and written once per frame (ratatui flushes after
/// each draw and insert), not a write per line.
pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Puts the terminal back as it was when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let mut out = std::io::stdout();
    let _ = execute!(out, PopKeyboardEnhancementFlags, DisableBracketedPaste);
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = out.flush();
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
    let mut out = std::io::stdout();
    execute!(
        out,
        EnableBracketedPaste,
        // Lets Shift+Enter be told from Enter where the terminal can.
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
    )?;
    let (_, height) = crossterm::terminal::size().unwrap_or((80, 24));
    let rows = rows.min(height.saturating_sub(1)).max(3);
    let term = Terminal::with_options(
        CrosstermBackend::new(BufWriter::with_capacity(1 << 16, std::io::stdout())),
        TerminalOptions {
            viewport: Viewport::Inline(rows),
        },
    )?;
    Ok((term, guard))
}

/// Writes the app's pending lines into the scrollback, then draws the
/// live area.
pub fn flush<B: Backend>(term: &mut Terminal<B>, app: &mut App) -> std::io::Result<()> {
    let lines = std::mem::take(&mut app.commit);
    let screen = term.size().map(|s| s.height).unwrap_or(24);
    let chunk = usize::from(screen.saturating_sub(super::app::VIEWPORT_ROWS + 1).max(1));
    for part in lines.chunks(chunk) {
        let part: Vec<Line<'static>> = part.to_vec();
        let h = part.len() as u16;
        term.insert_before(h, |buf| {
            Paragraph::new(part).render(buf.area, buf);
        })?;
    }
    term.draw(|f| app.draw(f))?;
    Ok(())
}
