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

/// A cell's text, styled as a paragraph's inline text is (code, bold,
/// italic, links).
pub type Cell = Vec<Span<'static>>;

/// A table as parsed: rows of cells, how many rows are the header, and
/// each column's alignment.
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub cell: Cell,
    pub header_rows: usize,
    pub aligns: Vec<Alignment>,
}

/// The cell being read, its spaces at both ends cut, ended.
pub fn finish_cell(spans: Cell) -> Cell {
    let mut spans: Cell = spans
        .into_iter()
        .filter(|s| !s.content.is_empty())
        .collect();
    while let Some(first) = spans.first_mut() {
        let trimmed = first.content.trim_start().to_string();
        if !trimmed.is_empty() {
            first.content = trimmed.into();
            break;
        }
        spans.remove(0);
    }
    while let Some(last) = spans.last_mut() {
        let trimmed = last.content.trim_end().to_string();
        if !trimmed.is_empty() {
            last.content = trimmed.into();
            break;
        }
        spans.pop();
    }
    spans
}

fn cell_width(cell: &[Span<'static>]) -> usize {
    cell.iter().map(|s| s.content.width()).sum()
}

/// The cell's spans with the row's style under their own (a header's
/// bold, and the cell's code or link colour on it).
fn styled(cell: &[Span<'static>], row: Style) -> Cell {
    cell.iter()
        .map(|s| Span::styled(s.content.clone(), row.patch(s.style)))
        .collect()
}

pub fn lines(t: &Table, width: usize, pal: &Palette) -> Vec<Line<'static>> {
    let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in &t.rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell_width(c));
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
        let row: Vec<Cell> = row.iter().map(|c| styled(c, style)).collect();
        if fits {
            out.extend(grid_row(&row, &widths, &t.aligns, style, &sep));
        } else {
            let mut spans = Vec::new();
            for (i, c) in row.into_iter().enumerate() {
                if i > 0 {
                    spans.push(sep.clone());
                }
                spans.extend(c);
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
    row: &[Cell],
    widths: &[usize],
    aligns: &[Alignment],
    style: Style,
    sep: &Span<'static>,
) -> Vec<Line<'static>> {
    let cells: Vec<Vec<Cell>> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| fold(row.get(i).map(Vec::as_slice).unwrap_or_default(), *w))
        .collect();
    let height = cells.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|k| {
            let mut spans = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    spans.push(sep.clone());
                }
                let text = cells[i].get(k).map(Vec::as_slice).unwrap_or_default();
                let pad = w.saturating_sub(cell_width(text));
                let (left, right) = match aligns.get(i) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                if left > 0 {
                    spans.push(Span::styled(" ".repeat(left), style));
                }
                spans.extend(text.iter().cloned());
                // No padding after the last column.
                if right > 0 && i + 1 < widths.len() {
                    spans.push(Span::styled(" ".repeat(right), style));
                }
            }
            Line::from(spans)
        })
        .collect()
}

/// `cell` in lines of at most `width` cells, broken at spaces (a word
/// longer than a line is broken by characters), each character keeping
/// its style.
fn fold(cell: &[Span<'static>], width: usize) -> Vec<Cell> {
    let width = width.max(1);
    // Words, each with the style of the space before it (a space after
    // a link is not underlined).
    let mut words: Vec<(Style, Vec<(char, Style)>)> = Vec::new();
    let mut gap: Option<Style> = None;
    for s in cell {
        for c in s.content.chars() {
            if c.is_whitespace() {
                gap.get_or_insert(s.style);
                continue;
            }
            match (gap.take(), words.last_mut()) {
                (None, Some((_, w))) => w.push((c, s.style)),
                (g, _) => words.push((g.unwrap_or(s.style), vec![(c, s.style)])),
            }
        }
    }
    let mut out: Vec<Vec<(char, Style)>> = Vec::new();
    let mut line: Vec<(char, Style)> = Vec::new();
    let mut used: usize = 0;
    for (space, word) in &words {
        let gap = usize::from(!line.is_empty());
        let ww: usize = word.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
        if used + gap + ww <= width {
            if gap == 1 {
                line.push((' ', *space));
            }
            line.extend_from_slice(word);
            used += gap + ww;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        for &(c, style) in word.iter() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push((c, style));
            used += cw;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out.into_iter().map(|l| spans_of(&l)).collect()
}

/// Characters with their styles as spans, one for each run of a style.
fn spans_of(chars: &[(char, Style)]) -> Cell {
    let mut out: Cell = Vec::new();
    for &(c, style) in chars {
        match out.last_mut() {
            Some(last) if last.style == style => {
                let mut s = last.content.to_string();
                s.push(c);
                last.content = s.into();
            }
            _ => out.push(Span::styled(c.to_string(), style)),
        }
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
