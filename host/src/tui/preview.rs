//! A long user message echoed in the transcript: its head, and a line
//! saying how much more was sent, so a large paste does not flood the
//! terminal's scrollback (the model gets the whole text).

/// Lines of a message shown before the rest is summed up.
pub const PREVIEW_LINES: usize = 12;
/// Characters of a message shown before the rest is summed up.
pub const PREVIEW_CHARS: usize = 1200;

/// The part of `text` to show, and what is left out in words (`None`:
/// all of it is shown).
pub fn bounded(text: &str) -> (&str, Option<String>) {
    let mut end = text.len();
    let mut lines = 0usize;
    for (chars, (i, c)) in text.char_indices().enumerate() {
        if chars == PREVIEW_CHARS {
            end = i;
            break;
        }
        if c == '\n' {
            lines += 1;
            if lines == PREVIEW_LINES {
                end = i;
                break;
            }
        }
    }
    if end >= text.len() {
        return (text, None);
    }
    let shown = &text[..end];
    let rest = &text[end..];
    let rest_chars = rest.chars().count();
    // Lines begun after the cut (a cut inside a line leaves its end).
    let more_lines = rest.strip_prefix('\n').unwrap_or(rest).lines().count();
    let lines_part = if rest.starts_with('\n') || more_lines > 1 {
        let n = if rest.starts_with('\n') {
            more_lines
        } else {
            more_lines - 1
        };
        match n {
            0 => String::new(),
            1 => " (1 more line)".to_string(),
            n => format!(" ({n} more lines)"),
        }
    } else {
        String::new()
    };
    let note = format!(
        "… {} more {}{lines_part} not shown; sent in full",
        thousands(rest_chars),
        if rest_chars == 1 { "char" } else { "chars" },
    );
    (shown, Some(note))
}

/// 199400 as "199,400".
pub(super) use quire::plural::thousands;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_are_shown_whole() {
        assert_eq!(bounded("hello\nworld"), ("hello\nworld", None));
        let exact = "x".repeat(PREVIEW_CHARS);
        assert_eq!(bounded(&exact).1, None);
    }

    #[test]
    fn one_long_line_shows_its_head_and_the_count() {
        let text = "Z".repeat(200_000);
        let (shown, note) = bounded(&text);
        assert_eq!(shown.len(), PREVIEW_CHARS);
        assert_eq!(
            note.as_deref(),
            Some("… 198,800 more chars not shown; sent in full")
        );
    }

    #[test]
    fn many_lines_show_the_first_ones() {
        let text: String = (1..=40).map(|n| format!("line {n}\n")).collect();
        let (shown, note) = bounded(&text);
        assert_eq!(shown.lines().count(), PREVIEW_LINES);
        assert!(shown.ends_with("line 12"), "{shown}");
        let note = note.unwrap_or_default();
        assert!(note.contains("(28 more lines)"), "{note}");
    }

    #[test]
    fn a_cut_inside_a_multibyte_text_stays_on_a_character() {
        let text = "é".repeat(PREVIEW_CHARS + 5);
        let (shown, note) = bounded(&text);
        assert_eq!(shown.chars().count(), PREVIEW_CHARS);
        assert!(note.unwrap_or_default().starts_with("… 5 more chars"));
    }
}
