//! Lines wider than the window: cut into rows of its width for the live
//! area (ratatui would clip them at the edge), and the rows such a line
//! takes when written to the scrollback, where the terminal wraps it
//! (a URL kept whole, a line laid out before the window narrowed; see
//! Inline::insert).

use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// `lines` with every line wider than `width` cut into rows of `width`.
pub fn fit(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
        } else {
            out.extend(cut(line, width));
        }
    }
    out
}

/// How many rows `line` takes on a screen `width` columns wide, the
/// terminal wrapping it (at least one).
pub fn rows(line: &Line<'static>, width: u16) -> usize {
    if line.width() <= usize::from(width.max(1)) {
        return 1;
    }
    cut(line.clone(), usize::from(width.max(1))).len().max(1)
}

/// One line as rows of at most `width` columns (a wide character that
/// would straddle the edge starts the next row).
fn cut(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let mut rows = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    for span in &line.spans {
        let style = line.style.patch(span.style);
        let mut piece = String::new();
        for g in span.content.graphemes(true) {
            let w = g.width();
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    row.push(Span::styled(std::mem::take(&mut piece), style));
                }
                rows.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push_str(g);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, style));
        }
    }
    if !row.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn a_line_wider_than_the_window_is_cut_into_rows_with_nothing_lost() {
        let red = Style::default().fg(Color::Red);
        let lines = vec![
            Line::from("short"),
            Line::from(vec![Span::raw("abcdef"), Span::styled("ghij", red)]),
            Line::from("日本語テキスト"),
        ];
        let rows = fit(lines, 4);
        assert_eq!(
            text(&rows),
            [
                "shor", "t", "abcd", "efgh", "ij", "日本", "語テ", "キス", "ト"
            ]
        );
        // The styles go with the text.
        assert_eq!(rows[3].spans[1].content, "gh");
        assert_eq!(rows[3].spans[1].style.fg, Some(Color::Red));
        let fitting = vec![Line::from("fits")];
        assert_eq!(text(&fit(fitting, 4)), ["fits"]);
    }

    #[test]
    fn a_wide_character_at_the_edge_starts_the_next_row() {
        assert_eq!(text(&fit(vec![Line::from("ab日")], 3)), ["ab", "日"]);
    }
}
