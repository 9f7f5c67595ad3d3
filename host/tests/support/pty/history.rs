//! A taller screen as tmux makes it: as many rows as it grew by come back
//! from the scrollback into its top (as far as there are any), the cursor
//! moving down with them. vt100 adds blank rows at the bottom instead,
//! so a program drawing under the cursor never meets the case of its
//! rows lying lower than it laid them out.
//!
//! Text only (styles are dropped), the width kept.

/// How many rows of scrollback the test terminal keeps.
pub(super) const SCROLLBACK: usize = 2000;

/// Makes the screen of `parser` `rows` tall (more than it has).
pub(super) fn grow(parser: &mut vt100::Parser, rows: u16) {
    let (old_rows, cols) = parser.screen().size();
    assert!(rows > old_rows, "history::grow only grows");
    let (cur_row, cur_col) = parser.screen().cursor_position();
    parser.set_scrollback(usize::MAX);
    let held = parser.screen().scrollback();
    // vt100 shows at most a screen of scrollback: a screen tall enough
    // for all of it and the rows shown.
    let held_rows = u16::try_from(held).expect("scrollback fits in u16");
    parser.set_size(held_rows + old_rows, cols);
    parser.set_scrollback(held);
    let lines: Vec<String> = parser
        .screen()
        .rows(0, cols)
        .take(held + usize::from(old_rows))
        .map(|r| r.trim_end().to_string())
        .collect();
    let pulled = held_rows.min(rows - old_rows);
    *parser = vt100::Parser::new(rows, cols, SCROLLBACK);
    parser.process(lines.join("\r\n").as_bytes());
    let at = format!("\x1b[{};{}H", cur_row + pulled + 1, cur_col + 1);
    parser.process(at.as_bytes());
}
