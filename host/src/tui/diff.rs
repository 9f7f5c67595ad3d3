//! A patch's per-file unified diffs as coloured lines with line numbers
//! (the layout is session_view/diff.rs, shared with the line mode), each
//! cut to the view's width: a line too long goes on under its content
//! column after a dim `↪`, as code blocks do, never at column 0 across the
//! line numbers.

use ratatui::text::{Line, Span};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::style::Palette;
use super::wrap::hard_wrap;
use crate::session_view::diff::{self, DiffLine, Part};

/// Starts the continued parts of a diff line too long for the view.
const CONTINUED: &str = "↪ ";

/// Lines for the `files` of a patch result (or an approval's diff text),
/// for a view `width` columns wide.
pub fn files(files: &Value, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    styled(diff::files(files), width, pal)
}

pub fn styled(lines: Vec<DiffLine>, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    let style = |p: Part| match p {
        Part::Head => pal.bold(),
        Part::Added => pal.added(),
        Part::Removed => pal.removed(),
        Part::Dim => pal.dim(),
        Part::Plain => pal.plain(),
    };
    let width = usize::from(width);
    let mut out = Vec::new();
    for l in lines {
        let mut spans: Vec<Span<'static>> = l
            .into_iter()
            .map(|(p, s)| Span::styled(s, style(p)))
            .collect();
        if spans.iter().map(|s| s.content.width()).sum::<usize>() <= width {
            // A line of one piece keeps its style as the line's, as before.
            out.push(match <[Span<'static>; 1]>::try_from(spans) {
                Ok([one]) => Line::styled(one.content, one.style),
                Err(spans) => Line::from(spans),
            });
            continue;
        }
        // The first piece (line numbers, a file's operation, or a lone
        // line's indent) leads; what follows wraps under where it ends.
        let lead = if spans.len() > 1 {
            vec![spans.remove(0)]
        } else {
            let text = spans[0].content.to_string();
            let body = text.trim_start_matches(' ');
            let indent = text.len() - body.len();
            spans[0].content = body.to_string().into();
            vec![Span::styled(" ".repeat(indent), spans[0].style)]
        };
        let lead_width: usize = lead.iter().map(|s| s.content.width()).sum();
        let rest = [
            Span::raw(" ".repeat(lead_width)),
            Span::styled(CONTINUED, pal.dim()),
        ];
        out.extend(hard_wrap(&spans, width, &lead, &rest));
    }
    out
}
