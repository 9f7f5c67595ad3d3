//! How many colours the terminal takes, decided as other terminal tools
//! decide it (`NO_COLOR`, `COLORTERM`, `TERM` and its terminfo entry), and
//! every colour quire draws fitted to that: the nearest of the 256 or of
//! the 16 ANSI colours, or none.

use ratatui::style::Color;

use super::terminfo;

/// The colours a terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// None: bold, dim, italic and reverse only.
    Mono,
    /// The 16 ANSI colours.
    Ansi16,
    /// The 256 indexed colours.
    Indexed256,
    /// 24-bit colour.
    TrueColor,
}

impl Depth {
    /// This process's terminal.
    pub fn from_env() -> Depth {
        Depth::detect(|k| std::env::var(k).ok(), terminfo::colors)
    }

    /// The decision, from the environment (`var`) and the terminfo entry
    /// of a terminal name (`colors`: its `colors` capability, 0 without
    /// one; `None` when no entry is installed).
    pub fn detect(
        var: impl Fn(&str) -> Option<String>,
        colors: impl Fn(&str) -> Option<u32>,
    ) -> Depth {
        if var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Depth::Mono;
        }
        let term = var("TERM").unwrap_or_default();
        if without_colour(&term) {
            return Depth::Mono;
        }
        let colorterm = var("COLORTERM").unwrap_or_default();
        if matches!(colorterm.as_str(), "truecolor" | "24bit") {
            return Depth::TrueColor;
        }
        if term.contains("256color") {
            return Depth::Indexed256;
        }
        match colors(&term) {
            Some(n) if n >= 1 << 24 => Depth::TrueColor,
            Some(n) if n >= 256 => Depth::Indexed256,
            Some(n) if n < 8 => Depth::Mono,
            _ => Depth::Ansi16,
        }
    }

    /// `color` as this terminal can show it; `None` for no colour (the
    /// terminal's own).
    pub fn fit(self, color: Color) -> Option<Color> {
        if color == Color::Reset {
            return Some(color);
        }
        match self {
            Depth::Mono => None,
            Depth::TrueColor => Some(color),
            Depth::Indexed256 => Some(match color {
                Color::Rgb(r, g, b) => Color::Indexed(nearest_256([r, g, b])),
                other => other,
            }),
            Depth::Ansi16 => Some(match color {
                Color::Rgb(r, g, b) => named(nearest_16([r, g, b])),
                Color::Indexed(i) => named(if i < 16 { i } else { nearest_16(rgb_of(i)) }),
                other => other,
            }),
        }
    }
}

/// Names of terminals without colour, whatever else the environment says:
/// `TERM=xterm-mono` is chosen on purpose.
fn without_colour(term: &str) -> bool {
    term.is_empty()
        || term == "dumb"
        || term.ends_with("-mono")
        || term.ends_with("-m")
        || (term.starts_with("vt") && term[2..].chars().all(|c| c.is_ascii_digit()))
}

/// xterm's 16 ANSI colours.
const ANSI: [[u8; 3]; 16] = [
    [0, 0, 0],
    [205, 0, 0],
    [0, 205, 0],
    [205, 205, 0],
    [0, 0, 238],
    [205, 0, 205],
    [0, 205, 205],
    [229, 229, 229],
    [127, 127, 127],
    [255, 0, 0],
    [0, 255, 0],
    [255, 255, 0],
    [92, 92, 255],
    [255, 0, 255],
    [0, 255, 255],
    [255, 255, 255],
];

/// The levels of each component in the 6 × 6 × 6 cube (indices 16–231).
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// How far apart two colours look (components weighted as the eye does,
/// roughly).
fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    let d = |i: usize| u32::from(a[i].abs_diff(b[i])).pow(2);
    2 * d(0) + 4 * d(1) + 3 * d(2)
}

/// The ANSI colour of `rgb` by its hue: a colour whose components are
/// nearly equal is a grey (black, dark grey, grey or white by its
/// lightness); else the components above the middle of its range make the
/// colour (red + green = yellow, …), bright when its strongest is.
/// Nearest by distance would turn the muted colours of code themes grey.
fn nearest_16(rgb: [u8; 3]) -> u8 {
    let (max, min) = (
        rgb.iter().max().copied().unwrap_or(0),
        rgb.iter().min().copied().unwrap_or(0),
    );
    if max - min < 30 {
        let avg = rgb.iter().map(|&v| u32::from(v)).sum::<u32>() / 3;
        return match avg {
            0..48 => 0,
            48..128 => 8,
            128..208 => 7,
            _ => 15,
        };
    }
    let mid = (u16::from(max) + u16::from(min)) / 2;
    let hue = rgb
        .iter()
        .enumerate()
        .filter(|(_, v)| u16::from(**v) > mid)
        .map(|(i, _)| 1u8 << i)
        .sum::<u8>();
    if max >= 215 { hue + 8 } else { hue }
}

/// The nearest of the cube and the grey ramp (never 0–15, whose colours
/// each terminal sets its own way).
fn nearest_256(rgb: [u8; 3]) -> u8 {
    let level = |v: u8| {
        (0u8..6)
            .min_by_key(|&i| CUBE[usize::from(i)].abs_diff(v))
            .unwrap_or(0)
    };
    let [r, g, b] = rgb.map(level);
    let cube = 16 + 36 * r + 6 * g + b;
    let avg = (rgb.iter().map(|&v| u32::from(v)).sum::<u32>() / 3) as u8;
    let grey = 232 + (avg.saturating_sub(3) / 10).min(23);
    if distance(rgb, rgb_of(grey)) < distance(rgb, rgb_of(cube)) {
        grey
    } else {
        cube
    }
}

/// The colour of an index of the 256 palette (xterm's).
fn rgb_of(i: u8) -> [u8; 3] {
    match i {
        0..16 => ANSI[usize::from(i)],
        16..232 => {
            let n = i - 16;
            [n / 36, (n / 6) % 6, n % 6].map(|l| CUBE[usize::from(l)])
        }
        _ => [8 + 10 * (i - 232); 3],
    }
}

/// The ANSI colour `i` (0–15) by its name, which the 16-colour terminal
/// takes.
fn named(i: u8) -> Color {
    const NAMES: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    NAMES[usize::from(i % 16)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(vars: &[(&str, &str)], colors: Option<u32>) -> Depth {
        let get = |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        };
        Depth::detect(get, |_| colors)
    }

    #[test]
    fn the_terminal_decides_the_colours() {
        let xterm = Some(8);
        assert_eq!(
            decide(&[("TERM", "xterm-256color")], Some(256)),
            Depth::Indexed256
        );
        assert_eq!(decide(&[("TERM", "xterm")], xterm), Depth::Ansi16);
        assert_eq!(
            decide(&[("TERM", "xterm"), ("COLORTERM", "truecolor")], xterm),
            Depth::TrueColor
        );
        assert_eq!(
            decide(&[("TERM", "tmux-256color"), ("COLORTERM", "24bit")], None),
            Depth::TrueColor
        );
        assert_eq!(
            decide(&[("TERM", "xterm-direct")], Some(1 << 24)),
            Depth::TrueColor
        );
        // No terminfo entry for a name: the 16 colours nearly all take.
        assert_eq!(decide(&[("TERM", "xterm-kitty")], None), Depth::Ansi16);
        // Terminals without colour, by name or by their terminfo entry.
        for term in ["xterm-mono", "vt100", "vt220", "dumb", ""] {
            let vars = [("TERM", term), ("COLORTERM", "truecolor")];
            assert_eq!(decide(&vars, None), Depth::Mono, "{term}");
        }
        assert_eq!(decide(&[("TERM", "adm3a")], Some(0)), Depth::Mono);
        assert_eq!(decide(&[], None), Depth::Mono);
        // NO_COLOR wins; set but empty it means nothing.
        let vars = [("TERM", "xterm-256color"), ("COLORTERM", "truecolor")];
        assert_eq!(
            decide(&[vars[0], vars[1], ("NO_COLOR", "1")], None),
            Depth::Mono
        );
        assert_eq!(
            decide(&[vars[0], vars[1], ("NO_COLOR", "")], None),
            Depth::TrueColor
        );
    }

    #[test]
    fn colours_are_fitted_to_what_the_terminal_shows() {
        let rgb = Color::Rgb(191, 97, 106); // base16-ocean's red
        assert_eq!(Depth::TrueColor.fit(rgb), Some(rgb));
        assert_eq!(Depth::Indexed256.fit(rgb), Some(Color::Indexed(131)));
        assert_eq!(Depth::Ansi16.fit(rgb), Some(Color::Red));
        assert_eq!(Depth::Mono.fit(rgb), None);
        // Greys go to the grey ramp, pure colours to the cube.
        assert_eq!(
            Depth::Indexed256.fit(Color::Rgb(101, 115, 126)),
            Some(Color::Indexed(243))
        );
        assert_eq!(
            Depth::Indexed256.fit(Color::Rgb(0, 255, 0)),
            Some(Color::Indexed(46))
        );
        assert_eq!(
            Depth::Ansi16.fit(Color::Rgb(250, 250, 250)),
            Some(Color::White)
        );
        assert_eq!(
            Depth::Ansi16.fit(Color::Rgb(40, 40, 200)),
            Some(Color::Blue)
        );
        // Indexed colours past 15 come down to the 16; named ones stay.
        assert_eq!(
            Depth::Ansi16.fit(Color::Indexed(46)),
            Some(Color::LightGreen)
        );
        assert_eq!(Depth::Ansi16.fit(Color::Indexed(1)), Some(Color::Red));
        assert_eq!(Depth::Ansi16.fit(Color::Cyan), Some(Color::Cyan));
        assert_eq!(Depth::Indexed256.fit(Color::Cyan), Some(Color::Cyan));
        // The terminal's own colour is kept everywhere; Mono drops the rest.
        assert_eq!(Depth::Mono.fit(Color::Reset), Some(Color::Reset));
        assert_eq!(Depth::Mono.fit(Color::Green), None);
    }
}
