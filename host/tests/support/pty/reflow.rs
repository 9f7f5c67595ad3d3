//! A narrower screen as a reflowing terminal (tmux, most modern ones)
//! makes it: each row wider than the new width is split into several,
//! the cursor stays on its cell, and rows pushed off the top go into the
//! scrollback. vt100 cuts rows instead; a test of what is left behind
//! after such a resize needs the split.
//!
//! Text only (styles are dropped) and one column per character: tests
//! using it show ASCII.

/// Re-lays the screen of `parser` out at `cols` columns (fewer than it
/// has), `rows` rows.
pub(super) fn narrow(parser: &mut vt100::Parser, rows: u16, cols: u16) {
    let (_, old_cols) = parser.screen().size();
    assert!(cols > 0 && cols < old_cols, "reflow only narrows");
    let (cur_row, cur_col) = parser.screen().cursor_position();
    let old: Vec<String> = parser
        .screen()
        .rows(0, old_cols)
        .map(|r| r.trim_end().to_string())
        .collect();
    let width = usize::from(cols);
    let mut lines: Vec<String> = Vec::new();
    let mut cursor = (0, 0);
    for (y, row) in old.iter().enumerate() {
        let chars: Vec<char> = row.chars().collect();
        let mut pieces: Vec<String> = chars
            .chunks(width)
            .map(|c| c.iter().collect::<String>())
            .collect();
        if pieces.is_empty() {
            pieces.push(String::new());
        }
        if y == usize::from(cur_row) {
            let col = usize::from(cur_col);
            while pieces.len() <= col / width {
                pieces.push(String::new());
            }
            cursor = (lines.len() + col / width, col % width);
        }
        lines.extend(pieces);
    }
    // Blank rows under the content and the cursor are not kept.
    let used = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1)
        .max(cursor.0 + 1);
    lines.truncate(used);
    let pushed = lines.len().saturating_sub(usize::from(rows));
    parser.set_size(rows, cols);
    parser.process(b"\x1b[H\x1b[2J");
    parser.process(lines.join("\r\n").as_bytes());
    let at = format!("\x1b[{};{}H", cursor.0 - pushed + 1, cursor.1 + 1);
    parser.process(at.as_bytes());
}
