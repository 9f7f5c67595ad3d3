//! The approval prompt's rows in the live area, wrapped to the window:
//! its question at words, its choices at their gaps (a choice wider than
//! the window at words, under its text), so nothing of what yes, no or
//! always means falls off the edge.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::approve::Pending;
use crate::tui::style::Palette;
use crate::tui::wrap::wrap;

/// The prompt's rows at `width`, and where its choices are among them
/// (empty while the user types a reason or the prompt is not armed).
pub(super) fn rows(
    p: &Pending,
    width: usize,
    pal: &Palette,
) -> (Vec<Line<'static>>, std::ops::Range<usize>) {
    // The command or diff is in the scrollback right above, in full
    // (approve::show_request): the prompt points at it rather than
    // showing it a second time.
    let question = crate::session_view::approval::question(&p.request);
    let mut rows = wrap(
        &[Span::styled(question, pal.warn())],
        width,
        &[],
        &[Span::raw("  ")],
    );
    let mut choices = 0..0;
    match &p.reason {
        _ if !p.armed => {
            for line in wrap_choices(crate::tui::approve::TYPING, width) {
                rows.push(Line::styled(line, pal.dim()));
            }
        }
        Some(r) => rows.extend(wrap(
            &[Span::raw(format!(
                "{} {}▏{} (Enter sends)",
                crate::session_view::approval::WHY_NOT,
                r.around_cursor().0,
                r.around_cursor().1
            ))],
            width,
            &[],
            &[Span::raw("  ")],
        )),
        None => {
            let at = rows.len();
            for line in wrap_choices(&p.choices(), width) {
                rows.push(Line::styled(line, pal.accent()));
            }
            choices = at..rows.len();
        }
    }
    (rows, choices)
}

/// `choices` ("[y] yes  [n] no  …", parts two spaces apart) in lines of at
/// most `width` columns, parts kept whole on a line when they fit; one
/// wider than the window goes on under its text (`[a] always allow …`).
pub(super) fn wrap_choices(choices: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    // A part wrapped over lines ends its last one: the next part starts
    // on a line of its own, not read as the end of it.
    let mut closed = false;
    for part in choices.split("  ").filter(|p| !p.trim().is_empty()) {
        let part = part.trim();
        let w = part.width();
        match lines.last_mut() {
            Some(l) if !std::mem::take(&mut closed) && l.width() + 2 + w <= width => {
                l.push_str("  ");
                l.push_str(part);
            }
            _ if w <= width => lines.push(part.to_string()),
            _ => {
                // Under the text after a `[a] ` key.
                let (first, rest) = match part.split_once("] ") {
                    Some((key, text)) if key.starts_with('[') => (format!("{key}] "), text),
                    _ => (String::new(), part),
                };
                let under = first.width().max(2);
                let wrapped = wrap(
                    &[Span::raw(rest.to_string())],
                    width,
                    &[Span::raw(first)],
                    &[Span::raw(" ".repeat(under))],
                );
                lines.extend(wrapped.iter().map(|l| l.to_string()));
                closed = true;
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap_choices;

    #[test]
    fn approval_choices_wrap_at_their_gaps_in_a_narrow_window() {
        let choices = "[y] yes  [n] no  [r] no, and tell it why  [a] always allow \"cargo test\"  · Esc interrupts";
        assert_eq!(wrap_choices(choices, 200), [choices]);
        let lines = wrap_choices(choices, 40);
        assert_eq!(
            lines,
            [
                "[y] yes  [n] no  [r] no, and tell it why",
                "[a] always allow \"cargo test\"",
                "· Esc interrupts",
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
    }

    #[test]
    fn a_choice_wider_than_the_window_goes_on_under_its_text() {
        let choices = "[y] yes  [n] no  [a] always allow \"touch /tmp/a/rather/long/path/outside.txt --now\"  · Esc interrupts";
        let lines = wrap_choices(choices, 40);
        assert_eq!(
            lines,
            [
                "[y] yes  [n] no",
                "[a] always allow \"touch",
                "    /tmp/a/rather/long/path/outside.txt",
                "    --now\"",
                "· Esc interrupts",
            ]
        );
    }
}
