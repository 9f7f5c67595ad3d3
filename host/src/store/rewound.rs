//! Going back to an earlier message (Esc Esc, `/rewind N`) in a session
//! file. The file is append-only: the rewind is an event record
//! (`{"type":"rewound","to_user_message":N,…}`) that reading applies where
//! it stands, dropping the history from the N-th user message on, so a
//! resumed session continues from the same history. Older quire reads the
//! record as any other event and ignores it (it resumes the whole
//! history).

use serde_json::Value;

use crate::protocol::Item;

/// The event's `type`.
const TYPE: &str = "rewound";

/// Where the `n`-th user message of `items` (counted from 1) is: the
/// history from there on is what going back to it drops.
pub fn cut_at(items: &[Item], n: usize) -> Option<usize> {
    let nth = n.checked_sub(1)?;
    items
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i, Item::User { .. }))
        .nth(nth)
        .map(|(at, _)| at)
}

/// The user messages in `items` from `at` on.
pub fn messages_from(items: &[Item], at: usize) -> usize {
    items
        .iter()
        .skip(at)
        .filter(|i| matches!(i, Item::User { .. }))
        .count()
}

/// The message `event` goes back to, when it is a rewind.
pub(super) fn seen(event: &Value) -> Option<usize> {
    (event.get("type")?.as_str()? == TYPE)
        .then(|| event.get("to_user_message")?.as_u64())
        .flatten()
        .and_then(|n| usize::try_from(n).ok())
}

/// The user messages a rewind `event` dropped, when it is one.
pub(super) fn dropped(event: &Value) -> Option<usize> {
    seen(event)?;
    let n = event.get("dropped_messages")?.as_u64()?;
    usize::try_from(n).ok()
}

/// Applies a rewind to message `n` to `items` read so far: the user
/// messages it dropped, or `None` when `items` has no such message (the
/// record does not fit the file: nothing is dropped).
pub(super) fn apply(items: &mut Vec<Item>, n: usize) -> Option<usize> {
    let at = cut_at(items, n)?;
    let dropped = messages_from(items, at);
    items.truncate(at);
    Some(dropped)
}

/// Three exchanges, the second with a tool call and its result, for
/// tests.
#[cfg(test)]
pub(super) fn three_exchanges() -> Vec<Item> {
    let items = serde_json::json!([
        {"type": "user", "text": "one"},
        {"type": "assistant", "text": "1"},
        {"type": "user", "text": "two"},
        {"type": "context", "source": "skills", "text": "catalog"},
        {"type": "tool_call", "call_id": "c", "name": "shell", "arguments": "{}"},
        {"type": "tool_result", "call_id": "c", "output": "ok"},
        {"type": "assistant", "text": "2"},
        {"type": "user", "text": "three"},
        {"type": "assistant", "text": "3"},
    ]);
    serde_json::from_value(items).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_rewind_drops_the_message_and_all_after_it() {
        let mut items = three_exchanges();
        let kept = items[..2].to_vec();
        assert_eq!(apply(&mut items, 2), Some(2));
        assert_eq!(items, kept);
        assert_eq!(apply(&mut items, 2), None, "no second message left");
        assert_eq!(items.len(), 2);
        assert_eq!(apply(&mut items, 0), None);
        assert_eq!(apply(&mut items, 1), Some(1));
        assert!(items.is_empty());
    }

    #[test]
    fn only_rewind_events_are_seen() {
        let event =
            json!({"type": "rewound", "to_user_message": 3, "dropped_messages": 1, "text": "x"});
        assert_eq!(seen(&event), Some(3));
        assert_eq!(dropped(&event), Some(1));
        assert_eq!(
            seen(&json!({"type": "warning", "to_user_message": 3})),
            None
        );
        assert_eq!(seen(&json!({"type": "rewound"})), None);
    }
}
