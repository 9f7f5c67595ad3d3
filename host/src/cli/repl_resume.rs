//! What the line mode says of a session it resumes: how many turns it had
//! and its last exchange, in a few plain lines (the full-screen view
//! replays the whole history instead).

use quire::model::Item;

/// The most of a message shown, in characters.
const SHOWN: usize = 200;

/// `N turns so far` (the session's line above names it as resumed), then
/// the last message and the last answer.
pub(super) fn summary(items: &[Item]) -> Vec<String> {
    let turns = items
        .iter()
        .filter(|i| matches!(i, Item::User { .. }))
        .count();
    let compacted = items
        .iter()
        .any(|i| matches!(i, Item::CompactionSummary { .. }));
    let plural = if turns == 1 { "" } else { "s" };
    let earlier = if compacted {
        " (earlier ones compacted)"
    } else {
        ""
    };
    let mut lines = vec![format!("{turns} turn{plural} so far{earlier}")];
    let last_user = items.iter().rposition(|i| matches!(i, Item::User { .. }));
    if let Some(u) = last_user
        && let Item::User { text } = &items[u]
    {
        lines.push(format!("  you: {}", shorten(text)));
        let answer = items[u..].iter().rev().find_map(|i| match i {
            Item::Assistant { text } => Some(text),
            _ => None,
        });
        match answer {
            Some(a) => lines.push(format!("  quire: {}", shorten(a))),
            None => lines.push("  (no answer yet)".to_string()),
        }
    }
    lines
}

/// One line of at most [`SHOWN`] characters, with what is left counted.
fn shorten(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = flat.chars().count();
    if count <= SHOWN {
        return flat;
    }
    let head: String = flat.chars().take(SHOWN).collect();
    format!("{head}… ({} more chars)", count - SHOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(t: &str) -> Item {
        Item::User { text: t.into() }
    }
    fn answer(t: &str) -> Item {
        Item::Assistant { text: t.into() }
    }

    #[test]
    fn the_summary_counts_turns_and_shows_the_last_exchange() {
        let items = [
            user("first"),
            answer("one"),
            user("fix\nthe   bug"),
            answer("done:\nit works"),
        ];
        assert_eq!(
            summary(&items),
            [
                "2 turns so far",
                "  you: fix the bug",
                "  quire: done: it works",
            ]
        );
    }

    #[test]
    fn an_unanswered_message_and_a_long_one_are_said_so() {
        let long = "x".repeat(SHOWN + 5);
        let lines = summary(&[answer("old"), user(&long)]);
        assert_eq!(lines[0], "1 turn so far");
        assert!(lines[1].ends_with("… (5 more chars)"), "{}", lines[1]);
        assert_eq!(lines[2], "  (no answer yet)");
        assert_eq!(summary(&[]), ["0 turns so far"]);
    }
}
