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

/// Wraps `lines` at `width` columns; `cursor` is the line and the display
/// column in it. A cursor after a full row goes to the start of the next,
/// so it is always inside the width.
pub fn soft_wrap(lines: &[String], cursor: (usize, usize), width: usize) -> Rows {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut at = None;
    for (i, line) in lines.iter().enumerate() {
        let here = i == cursor.0;
        let (mut row, mut used, mut col) = (String::new(), 0usize, 0usize);
        let mut first = true;
        for ch in line.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w > width && used > 0 {
                rows.push((std::mem::take(&mut row), first));
                (used, first) = (0, false);
            }
            if here && at.is_none() && col >= cursor.1 {
                at = Some((rows.len(), used));
            }
            row.push(ch);
            used += w;
            col += w;
        }
        if here && at.is_none() {
            if used >= width {
                rows.push((std::mem::take(&mut row), first));
                (used, first) = (0, false);
            }
            at = Some((rows.len(), used));
        }
        rows.push((row, first));
    }
    Rows {
        cursor: at.unwrap_or((rows.len().saturating_sub(1), 0)),
        rows,
    }
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
        assert_eq!(r.rows[1].1, false);
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
