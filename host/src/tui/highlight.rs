//! Syntax highlighting of code blocks (syntect), loaded on first use.

use std::sync::OnceLock;

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::style::Palette;

fn assets() -> &'static (SyntaxSet, Theme) {
    static ASSETS: OnceLock<(SyntaxSet, Theme)> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let mut themes = ThemeSet::load_defaults().themes;
        let theme = themes
            .remove("base16-ocean.dark")
            .or_else(|| themes.into_values().next())
            .unwrap_or_default();
        (syntaxes, theme)
    })
}

/// The lines of a code block: highlighted when the language is known and
/// colour is on, else in the code colour.
pub fn code(text: &str, lang: &str, pal: &Palette) -> Vec<Line<'static>> {
    let plain = || {
        text.lines()
            .map(|l| Line::from(Span::styled(l.to_string(), pal.code())))
            .collect()
    };
    if !pal.color || lang.is_empty() {
        return plain();
    }
    let (syntaxes, theme) = assets();
    let Some(syntax) = syntaxes
        .find_syntax_by_token(lang)
        .or_else(|| syntaxes.find_syntax_by_extension(lang))
    else {
        return plain();
    };
    let mut h = HighlightLines::new(syntax, theme);
    let mut out = Vec::new();
    for line in LinesWithEndings::from(text) {
        let Ok(ranges) = h.highlight_line(line, syntaxes) else {
            return plain();
        };
        let spans: Vec<Span<'static>> = ranges
            .into_iter()
            .map(|(st, piece)| {
                let fg = st.foreground;
                Span::styled(
                    piece.trim_end_matches(['\n', '\r']).to_string(),
                    Style::new().fg(Color::Rgb(fg.r, fg.g, fg.b)),
                )
            })
            .filter(|s| !s.content.is_empty())
            .collect();
        out.push(Line::from(spans));
    }
    out
}
