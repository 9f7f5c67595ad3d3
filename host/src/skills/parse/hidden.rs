//! Characters a skill's name and catalog text may not hold: controls (C0
//! but newline and tab, DEL, C1, so ESC too), bidirectional controls and
//! invisible format characters (zero-width space, word joiner, BOM, soft
//! hyphen). Those fields reach the model in the skills catalog and the
//! user in `skills list`; a terminal cleans what it shows, the model reads
//! it raw, so the two would see different text (`rtl\u{202e}txt.exe`). A
//! skill holding one is skipped, never loaded with the text cleaned, so
//! the model and the user always read the same thing. Ordinary Unicode
//! letters, marks and spaces stay allowed.

use crate::printable::hidden_control;

/// A character that does not show or changes how the text around it
/// shows; `\n` and `\t` are text (in descriptions).
fn invisible(c: char) -> bool {
    (hidden_control(c) && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{ad}' | '\u{180e}' | '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        )
}

/// A character a name may not hold: the invisible ones, line breaks,
/// tabs and the zero-width joiners.
fn not_in_name(c: char) -> bool {
    invisible(c) || matches!(c, '\n' | '\t' | '\u{200c}' | '\u{200d}')
}

/// Why a skill in `folder` with these fields is not loaded, when one of
/// them holds a hidden character.
pub fn problem(folder: &str, fields: &[(&str, &str, bool)]) -> Option<String> {
    fields.iter().find_map(|&(key, text, is_name)| {
        let bad = if is_name { not_in_name } else { invisible };
        let c = text.chars().find(|&c| bad(c))?;
        Some(format!(
            "skill folder '{}': its {key} holds the invisible character U+{:04X}, which would show the model different text than you see; remove it from SKILL.md",
            crate::printable::quoted_name(folder),
            c as u32
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_zero_width_are_refused_letters_are_not() {
        let name = |n: &str| problem("f", &[("name", n, true)]);
        assert!(name("evil\u{1b}[31mred\u{7}").unwrap().contains("U+001B"));
        assert!(name("rtl\u{202e}txt.exe").unwrap().contains("U+202E"));
        assert!(name("zero\u{200b}width").unwrap().contains("U+200B"));
        assert!(name("c1\u{9b}x").unwrap().contains("U+009B"));
        assert_eq!(name("données-été"), None);
        assert_eq!(name("Fill PDF forms"), None);
        let desc = |d: &str| problem("f", &[("description", d, false)]);
        assert_eq!(desc("Two lines\nand a\ttab. Ünïcödé, 日本語."), None);
        assert!(desc("iso\u{2066}late").unwrap().contains("its description"));
    }
}
