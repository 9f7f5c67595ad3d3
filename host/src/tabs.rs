//! Tabs turned into spaces up to the next tab stop, for text laid out in
//! cells (the terminal view's code blocks, table cells, diffs and command
//! output): a tab left in a cell shows as one space, losing indentation.
//!
//! Stops every 4 columns: code and diffs sit behind a gutter (indent, line
//! numbers) in a view that wraps what does not fit, and 8-column stops
//! push tab-indented code (Go, Makefiles, C) far right and wrap it sooner;
//! 4 is what most editors show and what command output already used.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

/// Columns between tab stops.
pub const TAB_WIDTH: usize = 4;

/// `text` with each tab replaced by the spaces up to the next stop,
/// counting columns from the start of each line (a wide character such as
/// `漢` takes two). Borrowed when there is no tab.
pub fn expand(text: &str) -> Cow<'_, str> {
    if !text.contains('\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut column = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let pad = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', pad));
                column += pad;
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            c => {
                out.push(c);
                column += c.width().unwrap_or(0);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_go_to_the_next_stop_of_each_line() {
        assert_eq!(expand("no tab"), "no tab");
        assert!(matches!(expand("no tab"), Cow::Borrowed(_)));
        assert_eq!(expand("\tx"), "    x");
        assert_eq!(expand("ab\tc"), "ab  c");
        assert_eq!(expand("abcd\te"), "abcd    e");
        assert_eq!(expand("\t\tx\n\ty"), "        x\n    y");
        // A wide character counts two columns.
        assert_eq!(expand("漢\tx"), "漢  x");
        assert_eq!(expand("a\u{301}\tx"), "a\u{301}   x");
    }
}
