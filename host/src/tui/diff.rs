//! A patch's per-file unified diffs as coloured lines with line numbers
//! (the layout is session_view/diff.rs, shared with the line mode).

use ratatui::text::{Line, Span};
use serde_json::Value;

use super::style::Palette;
use crate::session_view::diff::{self, DiffLine, Part};

/// Lines for the `files` of a patch result (or an approval's diff text).
pub fn files(files: &Value, pal: &Palette) -> Vec<Line<'static>> {
    styled(diff::files(files), pal)
}

pub fn styled(lines: Vec<DiffLine>, pal: &Palette) -> Vec<Line<'static>> {
    let style = |p: Part| match p {
        Part::Head => pal.bold(),
        Part::Added => pal.added(),
        Part::Removed => pal.removed(),
        Part::Dim => pal.dim(),
        Part::Plain => pal.plain(),
    };
    lines
        .into_iter()
        .map(|l| {
            let spans: Vec<Span<'static>> = l
                .into_iter()
                .map(|(p, s)| Span::styled(s, style(p)))
                .collect();
            // A line of one piece keeps its style as the line's, as before.
            match <[Span<'static>; 1]>::try_from(spans) {
                Ok([one]) => Line::styled(one.content, one.style),
                Err(spans) => Line::from(spans),
            }
        })
        .collect()
}
