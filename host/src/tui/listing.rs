//! A slash command's listing (`/status`, `/rewind`, the files `/undo`
//! left) wrapped to the window as `/help` is: each line that does not
//! fit goes on under its own text, never broken mid-word by the terminal.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::wrap::wrap;

/// The lines, each wrapped to `width` under the column its text starts at.
pub fn lines(texts: &[String], style: Style, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut out = Vec::new();
    for t in texts {
        let (at, under) = hang(t);
        let (head, body) = t.split_at(at);
        // A column past half the window leaves too little room beside
        // it: the lines after the first start closer to the edge.
        let under = under.min(width / 2);
        out.extend(wrap(
            &[Span::styled(body.to_string(), style)],
            width,
            &[Span::styled(head.to_string(), style)],
            &[Span::raw(" ".repeat(under))],
        ));
    }
    out
}

/// Where `line`'s text starts (a byte offset) and the column its next
/// lines go on at: after its indent and a `key   ` column (`/status`:
/// `cwd      /path`) or a list mark (`1. `, `● `, `│ `); a line indented
/// further than a list's items continues a column above it; anything
/// else goes on two columns past its indent, as a note does.
fn hang(line: &str) -> (usize, usize) {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[lead..];
    let word = rest.split(' ').next().unwrap_or_default();
    let after = &rest[word.len()..];
    let gap = after.len() - after.trim_start_matches(' ').len();
    if !word.is_empty() && gap >= 2 && gap < after.len() {
        let at = lead + word.len() + gap;
        return (at, UnicodeWidthStr::width(&line[..at]));
    }
    if lead >= 4 {
        return (lead, lead);
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let mark = if digits > 0 && rest[digits..].starts_with(". ") {
        Some(&rest[..digits + 2])
    } else {
        ["● ", "• ", "- ", "│ "]
            .into_iter()
            .find(|m| rest.starts_with(m))
    };
    match mark {
        Some(m) => (lead + m.len(), lead + UnicodeWidthStr::width(m)),
        None => (lead, lead + 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(texts: &[&str], width: u16) -> Vec<String> {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        lines(&texts, Style::default(), width)
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn a_key_column_goes_on_under_its_value() {
        let out = shown(
            &["cost     unknown price for scripted (local or unlisted model): no estimate"],
            40,
        );
        assert_eq!(
            out,
            [
                "cost     unknown price for scripted",
                "         (local or unlisted model): no",
                "         estimate",
            ]
        );
    }

    #[test]
    fn items_and_indented_lines_go_on_under_their_text() {
        let out = shown(
            &[
                "  1. a first message that is long enough",
                "  (files the model changed stay as they are)",
                "         /a/AGENTS.md and more",
            ],
            24,
        );
        assert_eq!(
            out,
            [
                "  1. a first message",
                "     that is long enough",
                "  (files the model",
                "    changed stay as they",
                "    are)",
                "         /a/AGENTS.md",
                "         and more",
            ]
        );
    }
}
