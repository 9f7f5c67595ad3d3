//! The colours of the terminal view, fitted to what the terminal shows
//! ([`Depth`]), and their absence under `NO_COLOR` or on a terminal
//! without colour (then only bold, dim, italic and reverse mark things).
//! Text itself is in the terminal's own colour, so it reads on a light
//! background as on a dark one.

use ratatui::style::{Color, Modifier, Style};

use super::depth::Depth;

/// Semantic styles; every renderer takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Any colour at all.
    pub color: bool,
    pub depth: Depth,
    /// The terminal's background is light (code is highlighted for it).
    pub light: bool,
}

impl Palette {
    /// 24-bit colour on a dark background, or none (the tests' two).
    #[cfg(test)]
    pub fn new(color: bool) -> Palette {
        Palette::with(if color { Depth::TrueColor } else { Depth::Mono }, false)
    }

    pub fn with(depth: Depth, light: bool) -> Palette {
        Palette {
            color: depth != Depth::Mono,
            depth,
            light,
        }
    }

    /// This terminal's colours and background.
    pub fn from_env() -> Palette {
        let light = light_background(std::env::var("COLORFGBG").ok().as_deref());
        Palette::with(Depth::from_env(), light)
    }

    /// Every colour drawn passes here, to be fitted to the terminal.
    pub fn fg(&self, c: Color) -> Style {
        match self.depth.fit(c) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    pub fn plain(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }
    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn bad(&self) -> Style {
        self.fg(Color::Red)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn heading(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
    pub fn code(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn link(&self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }
    pub fn added(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn removed(&self) -> Style {
        self.fg(Color::Red)
    }
    /// The user's messages: bold in the terminal's own colour (a fixed
    /// white would vanish on a light background).
    pub fn user(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// Whether `COLORFGBG` (`fg;bg` or `fg;default;bg`, set by rxvt, Konsole
/// and others) names a light background: ANSI 7 (grey) or 9–15. Dark
/// when unset or unreadable.
pub fn light_background(colorfgbg: Option<&str>) -> bool {
    colorfgbg
        .and_then(|v| v.rsplit(';').next())
        .and_then(|bg| bg.trim().parse::<u8>().ok())
        .is_some_and(|bg| bg == 7 || (9..=15).contains(&bg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colorfgbg_tells_a_light_background() {
        assert!(light_background(Some("0;15")));
        assert!(light_background(Some("0;default;7")));
        assert!(!light_background(Some("15;0")));
        assert!(!light_background(Some("7;default")));
        assert!(!light_background(Some("15;8")));
        assert!(!light_background(None));
    }

    #[test]
    fn styles_take_only_the_colours_the_terminal_shows() {
        let mono = Palette::with(Depth::Mono, false);
        assert_eq!(mono.ok(), Style::new());
        assert_eq!(mono.heading(), Style::new().add_modifier(Modifier::BOLD));
        let ansi = Palette::with(Depth::Ansi16, false);
        assert_eq!(
            ansi.fg(Color::Rgb(163, 190, 140)),
            Style::new().fg(Color::Green)
        );
        assert_eq!(ansi.user().fg, None, "the terminal's own colour");
    }
}
