//! A skill whose name or catalog text holds a hidden character
//! ([`crate::hidden_text`]: controls, bidi controls, invisible format
//! characters) is skipped, never loaded with the text cleaned. Those
//! fields reach the model in the skills catalog and the user in `skills
//! list`; a terminal cleans what it shows, the model reads it raw.

use crate::hidden_text;

/// Why a skill in `folder` with these fields is not loaded, when one of
/// them holds a hidden character.
pub fn problem(folder: &str, fields: &[(&str, &str, bool)]) -> Option<String> {
    fields.iter().find_map(|&(key, text, is_name)| {
        let c = if is_name {
            hidden_text::in_name(text)?
        } else {
            hidden_text::in_text(text)?
        };
        Some(format!(
            "skill folder '{}': its {key} holds the invisible character {}, which would show the model different text than you see; remove it from SKILL.md",
            crate::printable::quoted_name(folder),
            hidden_text::code(c)
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
        assert_eq!(name("données-été"), None);
        let desc = |d: &str| problem("f", &[("description", d, false)]);
        assert_eq!(desc("Two lines\nand a\ttab. Ünïcödé, 日本語."), None);
        assert!(desc("iso\u{2066}late").unwrap().contains("its description"));
        assert!(desc("run\u{200d}this").unwrap().contains("U+200D"));
    }
}
