//! Markdown tables in the terminal view: columns padded and aligned as
//! the table's `|---:|` row says; a table wider than the window has its
//! widest columns narrowed and their cells wrapped inside the column.

use pulldown_cmark::Alignment;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::style::Palette;
use super::wrap::wrap;

/// A column is not narrowed below this many cells (then the rows are
/// written one after another, `a │ b │ c`, wrapped).
const MIN_COLUMN: usize = 4;

/// A table as parsed: rows of cells, how many rows are the header, and
/// each column's alignment.
pub struct Table {
    pub rows: Vec<Vec<String>>,
    pub cell: String,
    pub header_rows: usize,
    pub aligns: Vec<Alignment>,
}

pub fn lines(t: &Table, width: usize, pal: &Palette) -> Vec<Line<'static>> {
    let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in &t.rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let gaps = 3 * cols.saturating_sub(1);
    let fits = narrow(&mut widths, width.saturating_sub(gaps));
    let sep = Span::styled(" │ ", pal.dim());
    let mut out = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        let style = if r < t.header_rows {
            pal.bold()
        } else {
            Style::new()
        };
        if fits {
            out.extend(grid_row(row, &widths, &t.aligns, style, &sep));
        } else {
            let mut spans = Vec::new();
            for (i, c) in row.iter().enumerate() {
                if i > 0 {
                    spans.push(sep.clone());
                }
                spans.push(Span::styled(c.clone(), style));
            }
            out.extend(wrap(&spans, width, &[], &[Span::raw("  ")]));
        }
        if r + 1 == t.header_rows {
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            let rule = rule.join("─┼─");
            out.push(Line::styled(
                rule.chars().take(width).collect::<String>(),
                pal.dim(),
            ));
        }
    }
    out
}

/// Narrows the widest columns until they fit in `room`; false when they
/// cannot without going under [`MIN_COLUMN`].
fn narrow(widths: &mut [usize], room: usize) -> bool {
    while widths.iter().sum::<usize>() > room {
        let Some(widest) = widths
            .iter_mut()
            .max_by_key(|w| **w)
            .filter(|w| **w > MIN_COLUMN)
        else {
            return false;
        };
        *widest -= 1;
    }
    true
}

/// One table row: each cell wrapped in its column, padded as aligned.
fn grid_row(
    row: &[String],
    widths: &[usize],
    aligns: &[Alignment],
    style: Style,
    sep: &Span<'static>,
) -> Vec<Line<'static>> {
    let cells: Vec<Vec<String>> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| fold(row.get(i).map(String::as_str).unwrap_or(""), *w))
        .collect();
    let height = cells.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|k| {
            let mut spans = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    spans.push(sep.clone());
                }
                let text = cells[i].get(k).map(String::as_str).unwrap_or("");
                let pad = w.saturating_sub(text.width());
                let (left, right) = match aligns.get(i) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                spans.push(Span::styled(
                    format!("{}{text}{}", " ".repeat(left), " ".repeat(right)),
                    style,
                ));
            }
            // No padding after the last column.
            if let Some(last) = spans.last_mut() {
                let trimmed = last.content.trim_end().to_string();
                last.content = trimmed.into();
            }
            Line::from(spans)
        })
        .collect()
}

/// `text` in lines of at most `width` cells, broken at spaces (a word
/// longer than a line is broken by characters).
fn fold(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let gap = usize::from(!line.is_empty());
        if line.width() + gap + word.width() <= width {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::markdown;
    use super::super::style::Palette;

    fn render(md: &str, width: u16) -> Vec<String> {
        markdown::render(md, width, &Palette::new(false))
            .iter()
            .map(|l| l.to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }

    #[test]
    fn right_aligned_columns_are_right_aligned() {
        let md = "| file | lines |\n|------|------:|\n| calc.py | 2 |\n| notes.md | 10 |\n";
        assert_eq!(
            render(md, 40),
            [
                "file     │ lines",
                "─────────┼──────",
                "calc.py  │     2",
                "notes.md │    10",
            ]
        );
    }

    #[test]
    fn a_table_wider_than_the_window_keeps_its_columns_and_padding() {
        let md = "| name | count | note |\n|---|---:|---|\n| alpha | 12 | a rather long note that does not fit in forty columns |\n| b | 3 | short |\n";
        let lines = render(md, 40);
        for l in &lines {
            assert!(
                unicode_width::UnicodeWidthStr::width(l.as_str()) <= 40,
                "{l:?}"
            );
        }
        assert_eq!(lines[0], "name  │ count │ note");
        assert_eq!(lines[2], "alpha │    12 │ a rather long note that");
        assert_eq!(lines[3], "      │       │ does not fit in forty");
        assert_eq!(lines[4], "      │       │ columns");
        assert_eq!(lines[5], "b     │     3 │ short");
    }
}
