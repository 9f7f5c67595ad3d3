//! A hand-off request too long for the model: the conversation is
//! summarised in parts, the older part first, and each part's summary is
//! sent at the head of the next part ("folded in"), so no part of the
//! history is dropped without a word. Here: where the history may be cut,
//! and how a part is sent and named.

use crate::model::Item;

/// Sent instead of the hand-off prompt for an older part of the history.
pub const PART_PROMPT: &str = "The conversation is about to be compacted, in parts, because it is too long to summarise at once. Above is its older part (after the summary of what came before it, if any); the rest follows in a later request. Write a hand-off summary of this part for yourself: the user's goal and every requirement and decision they stated; what was done (files changed and how, commands run and their results); what you learned that still matters (paths, names, conventions, pitfalls); and the state it ended in. Be specific and complete but concise. Do not call any tools; answer with the summary only.";

/// Hand-off requests one compaction may send at most (parts, and parts
/// of parts); what is not summarised by then is left out, with a warning.
pub const MAX_REQUESTS: usize = 24;

/// Where `items[start..end]` may be cut in two, nearest its middle: a cut
/// lands on a user message, an assistant message or a tool call whose
/// earlier calls (from `start`) all have their results before it, so no
/// result is sent without its call; an answer's thinking stays with it (a
/// cut lands before the thinking). `None` when there is no such place.
pub fn split_point(items: &[Item], start: usize, end: usize) -> Option<usize> {
    let mut open = 0usize;
    let mut places = Vec::new();
    for (i, item) in items.iter().enumerate().take(end).skip(start) {
        let after_thinking = i > 0 && items[i - 1].is_thinking();
        let starts_something = !after_thinking
            && (item.is_thinking()
                || matches!(
                    item,
                    Item::User { .. } | Item::Assistant { .. } | Item::ToolCall { .. }
                ));
        if i > start && open == 0 && starts_something {
            places.push(i);
        }
        match item {
            Item::ToolCall { .. } => open += 1,
            Item::ToolResult { .. } => open = open.saturating_sub(1),
            _ => {}
        }
    }
    let mid = start + (end - start) / 2;
    places.into_iter().min_by_key(|&i| i.abs_diff(mid))
}

/// The items of one hand-off request: the summary of what came before
/// (`carry`), then the part; a part that starts with no user message gets
/// one saying so (a request opens with the user).
pub fn part_items(carry: Option<&str>, part: &[Item]) -> Vec<Item> {
    let mut items = Vec::with_capacity(part.len() + 1);
    match carry {
        Some(text) => items.push(Item::CompactionSummary {
            text: text.to_string(),
        }),
        None if !matches!(part.first(), Some(Item::User { .. })) => items.push(Item::user(
            "(the conversation continues from an earlier part)",
        )),
        None => {}
    }
    items.extend_from_slice(part);
    items
}

/// Words for a part left out of the summary: its first message, clipped,
/// and how many entries it held.
pub fn describe(part: &[Item]) -> String {
    let first = part.iter().find_map(|i| match i {
        Item::User { text, .. } => Some(format!("your message \"{}\"", clip(text, 80))),
        Item::Assistant { text } => Some(format!("the answer \"{}\"", clip(text, 80))),
        Item::ToolCall { name, .. } => Some(format!("a {name} call")),
        Item::CompactionSummary { .. } => Some("the earlier summary".to_string()),
        _ => None,
    });
    let n = part.len();
    let entries = crate::plural::counted(n, "entry");
    match first {
        Some(first) => format!("{first} ({entries})"),
        None => entries,
    }
}

fn clip(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && line.len() == text.len() {
        return line.to_string();
    }
    let cut: String = line.chars().take(max).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(t: &str) -> Item {
        Item::User {
            typed: None,
            text: t.into(),
        }
    }
    fn call(id: &str) -> Item {
        Item::ToolCall {
            call_id: id.into(),
            name: "shell".into(),
            arguments: "{}".into(),
        }
    }
    fn result(id: &str) -> Item {
        Item::ToolResult {
            call_id: id.into(),
            output: "ok".into(),
            is_error: false,
        }
    }

    #[test]
    fn cuts_near_the_middle_never_between_a_call_and_its_result() {
        let items = vec![
            user("u1"),
            call("c1"),
            call("c2"),
            result("c1"),
            result("c2"),
            user("u2"),
            Item::Assistant { text: "a".into() },
        ];
        // The middle (3) falls between calls and their results: the
        // nearest places are the first call and the second user message.
        assert!(matches!(split_point(&items, 0, items.len()), Some(1 | 5)));
        assert_eq!(split_point(&items, 1, 5), None);
        assert_eq!(split_point(&items, 5, 7), Some(6));
        // A single message with what follows it cannot be cut.
        let one = vec![
            user("u"),
            Item::Context {
                source: "s".into(),
                text: "c".into(),
            },
        ];
        assert_eq!(split_point(&one, 0, 2), None);
    }

    #[test]
    fn an_answer_keeps_its_thinking() {
        let thinking = Item::Thinking {
            text: "t".into(),
            signature: "s".into(),
        };
        let items = vec![
            user("u1"),
            Item::Assistant { text: "a".into() },
            user("u2"),
            thinking.clone(),
            Item::RedactedThinking { data: "d".into() },
            call("c1"),
            result("c1"),
        ];
        // Not between the thinking blocks, nor after them.
        assert_eq!(split_point(&items, 2, items.len()), Some(3));
        assert_eq!(split_point(&items, 3, items.len()), None);
    }

    #[test]
    fn a_part_opens_with_the_summary_before_it_or_a_user_message() {
        let part = vec![call("c1"), result("c1")];
        let with = part_items(Some("S1"), &part);
        assert_eq!(with[0], Item::CompactionSummary { text: "S1".into() });
        assert_eq!(with.len(), 3);
        let without = part_items(None, &part);
        assert!(matches!(without[0], Item::User { .. }));
        let plain = part_items(None, &[user("u")]);
        assert_eq!(plain, vec![user("u")]);
    }

    #[test]
    fn a_part_left_out_is_named_by_its_first_message() {
        let d = describe(&[
            user("turn 1: DECISION-ALPHA\nmore"),
            call("c1"),
            result("c1"),
        ]);
        assert_eq!(d, "your message \"turn 1: DECISION-ALPHA…\" (3 entries)");
    }
}
