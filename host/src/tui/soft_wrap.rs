//! The composer's text as it is shown: each line soft-wrapped at the
//! width (by display columns; a wide character is never split), and where
//! the cursor falls in those rows.

use unicode_width::UnicodeWidthChar;

/// The wrapped rows and the cursor in them.
#[derive(Debug, PartialEq, Eq)]
pub struct Rows {
    /// Each row's text and whether it starts a line (not a continuation).
    pub rows: Vec<(String, bool)>,
    /// Row index and display column of the cursor.
    pub cursor: (usize, usize),
}

/// Wraps `lines` at `width` columns, at a space when the row has one (a
/// word longer than the width is broken); `cursor` is the line and the
/// display column in it. A cursor after a full row goes to the start of
/// the next, so it is always inside the width.
pub fn soft_wrap(lines: &[String], cursor: (usize, usize), width: usize) -> Rows {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut at = (0, 0);
    for (i, line) in lines.iter().enumerate() {
        let chars: Vec<(char, usize)> = line.chars().map(|c| (c, c.width().unwrap_or(0))).collect();
        let starts = breaks(&chars, width);
        let first_row = rows.len();
        for (k, &from) in starts.iter().enumerate() {
            let to = starts.get(k + 1).copied().unwrap_or(chars.len());
            let text: String = chars[from..to].iter().map(|(c, _)| c).collect();
            rows.push((text, k == 0));
        }
        if i != cursor.0 {
            continue;
        }
        // The character the cursor stands before.
        let mut col = 0;
        let index = chars
            .iter()
            .position(|(_, w)| {
                let here = col >= cursor.1;
                col += w;
                here
            })
            .unwrap_or(chars.len());
        let k = starts.iter().rposition(|&s| s <= index).unwrap_or(0);
        let used: usize = chars[starts[k]..index].iter().map(|(_, w)| w).sum();
        at = if used >= width && index == chars.len() {
            rows.push((String::new(), false));
            (rows.len() - 1, 0)
        } else {
            (first_row + k, used)
        };
    }
    Rows { rows, cursor: at }
}

/// Where each row of one line starts (char indices; the first is 0).
fn breaks(chars: &[(char, usize)], width: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let (mut row, mut used, mut after_space) = (0usize, 0usize, None);
    for (i, &(c, w)) in chars.iter().enumerate() {
        while used + w > width && i > row {
            row = match after_space {
                Some(s) if s > row && s < i => s,
                _ => i,
            };
            starts.push(row);
            used = chars[row..i].iter().map(|(_, w)| w).sum();
            after_space = None;
        }
        used += w;
        if c == ' ' {
            after_space = Some(i + 1);
        }
    }
    starts
}

/// The first of `shown` rows to show of `total` so the cursor's row is
/// among them.
pub fn first_shown(total: usize, shown: usize, cursor_row: usize) -> usize {
    (cursor_row + 1)
        .saturating_sub(shown)
        .min(total.saturating_sub(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(r: &Rows) -> Vec<&str> {
        r.rows.iter().map(|(t, _)| t.as_str()).collect()
    }

    #[test]
    fn a_long_line_wraps_and_the_cursor_follows_its_end() {
        let r = soft_wrap(&["abcdefghij".into()], (0, 10), 4);
        assert_eq!(texts(&r), ["abcd", "efgh", "ij"]);
        assert_eq!(r.cursor, (2, 2));
        assert!(!r.rows[1].1);
    }

    #[test]
    fn rows_break_at_spaces_and_the_cursor_moves_with_its_word() {
        let r = soft_wrap(&["one two three".into()], (0, 6), 9);
        assert_eq!(texts(&r), ["one two ", "three"]);
        assert_eq!(r.cursor, (0, 6));
        let r = soft_wrap(&["one two three".into()], (0, 10), 9);
        assert_eq!(r.cursor, (1, 2), "in \"three\", moved down");
        let r = soft_wrap(&["a verylongword".into()], (0, 14), 6);
        assert_eq!(texts(&r), ["a ", "verylo", "ngword", ""]);
        assert_eq!(r.cursor, (3, 0));
    }

    #[test]
    fn a_cursor_after_a_full_row_starts_the_next() {
        let r = soft_wrap(&["abcd".into()], (0, 4), 4);
        assert_eq!(texts(&r), ["abcd", ""]);
        assert_eq!(r.cursor, (1, 0));
        let r = soft_wrap(&["abcdef".into()], (0, 4), 4);
        assert_eq!(r.cursor, (1, 0), "before the first character of row 2");
    }

    #[test]
    fn wide_characters_are_not_split() {
        let r = soft_wrap(&["日本語です".into()], (0, 10), 5);
        assert_eq!(texts(&r), ["日本", "語で", "す"]);
        assert_eq!(r.cursor, (2, 2));
        let r = soft_wrap(&["a日本語".into()], (0, 3), 4);
        assert_eq!(texts(&r), ["a日", "本語"]);
        assert_eq!(r.cursor, (1, 0));
    }

    #[test]
    fn lines_each_start_a_row() {
        let lines = vec!["one".to_string(), "two two".to_string(), String::new()];
        let r = soft_wrap(&lines, (1, 2), 4);
        assert_eq!(texts(&r), ["one", "two ", "two", ""]);
        assert_eq!(soft_wrap(&lines, (2, 0), 4).cursor, (3, 0));
        assert_eq!(
            r.rows.iter().map(|(_, f)| *f).collect::<Vec<_>>(),
            [true, true, false, true]
        );
        assert_eq!(r.cursor, (1, 2));
    }

    #[test]
    fn the_shown_rows_keep_the_cursor() {
        assert_eq!(first_shown(3, 5, 2), 0);
        assert_eq!(first_shown(20, 5, 0), 0);
        assert_eq!(first_shown(20, 5, 4), 0);
        assert_eq!(first_shown(20, 5, 12), 8);
        assert_eq!(first_shown(20, 5, 19), 15);
    }
}
