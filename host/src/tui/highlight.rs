//! Syntax highlighting of code blocks (syntect), loaded on first use: a
//! theme for a dark background or one for a light one, its colours
//! fitted to the terminal by the palette, its plain text in the terminal's
//! own colour.

use std::sync::OnceLock;

use ratatui::style::Color;
use ratatui::text::{Line, Span};
use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::style::Palette;

/// The syntaxes, and the themes for a dark and a light background.
struct Assets {
    syntaxes: SyntaxSet,
    dark: Theme,
    light: Theme,
}

fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let mut themes = ThemeSet::load_defaults().themes;
        let mut take = |name: &str| themes.remove(name).unwrap_or_default();
        Assets {
            dark: take("base16-ocean.dark"),
            light: take("InspiredGitHub"),
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
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
    let assets = assets();
    let syntaxes = &assets.syntaxes;
    let theme = if pal.light {
        &assets.light
    } else {
        &assets.dark
    };
    // The theme's plain text is drawn in the terminal's own colour.
    let plain_fg = theme.settings.foreground;
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
                let style = if Some(fg) == plain_fg {
                    pal.plain()
                } else {
                    pal.fg(Color::Rgb(fg.r, fg.g, fg.b))
                };
                Span::styled(piece.trim_end_matches(['\n', '\r']).to_string(), style)
            })
            .filter(|s| !s.content.is_empty())
            .collect();
        out.push(Line::from(spans));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::depth::Depth;

    const RUST: &str = "fn add(a: i32) -> i32 {\n    a + 1\n}\n";

    fn colours(pal: &Palette) -> Vec<Option<Color>> {
        code(RUST, "rust", pal)
            .iter()
            .flat_map(|l| l.spans.iter().map(|s| s.style.fg))
            .collect()
    }

    #[test]
    fn the_theme_follows_the_background_and_plain_text_keeps_the_terminals_colour() {
        let dark = colours(&Palette::with(Depth::TrueColor, false));
        let light = colours(&Palette::with(Depth::TrueColor, true));
        // `fn` in base16-ocean's purple on dark, InspiredGitHub's deep
        // red on light (base16-ocean's light theme shares the dark one's
        // pale accents).
        assert_eq!(dark[0], Some(Color::Rgb(180, 142, 173)));
        assert_eq!(light[0], Some(Color::Rgb(167, 29, 93)));
        // Neither theme's own text colour (a light grey, a dark one): the
        // text between keywords is the terminal's.
        let text = |t: &Theme| {
            t.settings
                .foreground
                .map(|c| Some(Color::Rgb(c.r, c.g, c.b)))
        };
        for fg in [text(&assets().dark), text(&assets().light)] {
            let fg = fg.expect("the themes name their text colour");
            assert!(!dark.contains(&fg) && !light.contains(&fg), "{fg:?}");
        }
        assert!(dark.contains(&None) && light.contains(&None));
    }

    #[test]
    fn highlighting_takes_only_the_colours_the_terminal_shows() {
        let ansi = colours(&Palette::with(Depth::Ansi16, false));
        assert!(
            ansi.iter()
                .flatten()
                .all(|c| !matches!(c, Color::Rgb(..) | Color::Indexed(_))),
            "{ansi:?}"
        );
        assert!(ansi.contains(&Some(Color::Magenta)), "{ansi:?}");
        let indexed = colours(&Palette::with(Depth::Indexed256, false));
        assert!(
            indexed
                .iter()
                .flatten()
                .all(|c| matches!(c, Color::Indexed(_))),
            "{indexed:?}"
        );
        let mono = code(RUST, "rust", &Palette::with(Depth::Mono, false));
        assert!(
            mono.iter()
                .flat_map(|l| &l.spans)
                .all(|s| s.style.fg.is_none())
        );
    }
}
