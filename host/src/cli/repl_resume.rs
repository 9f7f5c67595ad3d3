//! What the line mode says of a session it resumes: how many turns it had
//! and its last exchange, in a few plain lines (the full-screen view
//! replays the whole history instead).

use quire::model::Item;
use quire::store::LastTask;

/// The most of a message shown, in characters.
const SHOWN: usize = 200;

/// What the session file recorded beyond the history kept: its turns
/// (a compaction keeps fewer messages) and how the last one ended.
#[derive(Debug, Clone, Default)]
pub(super) struct Recorded {
    pub turns: usize,
    pub last_task: Option<LastTask>,
}

/// `N turns so far` (the session's line above names it as resumed), then
/// the last message, the last answer and how its task stopped when it
/// stopped short of done.
pub(super) fn summary(items: &[Item], recorded: &Recorded) -> Vec<String> {
    let kept = items
        .iter()
        .filter(|i| matches!(i, Item::User { .. }))
        .count();
    let turns = recorded.turns.max(kept);
    let compacted = items
        .iter()
        .any(|i| matches!(i, Item::CompactionSummary { .. }));
    let earlier = if compacted {
        " (earlier ones compacted)"
    } else {
        ""
    };
    let mut lines = vec![format!(
        "{} so far{earlier}",
        quire::plural::counted(turns, "turn")
    )];
    let last_user = items.iter().rposition(|i| matches!(i, Item::User { .. }));
    if let Some(u) = last_user
        && let Item::User { text, typed } = &items[u]
    {
        let typed = quire::store::typed_part(text, *typed);
        lines.push(format!("  you: {}", shorten(typed)));
        let answer = items[u..].iter().rev().find_map(|i| match i {
            Item::Assistant { text } => Some(text),
            _ => None,
        });
        let stopped = recorded.last_task.as_ref().and_then(stopped);
        match (answer, stopped) {
            (Some(a), stopped) => {
                lines.push(format!("  quire: {}", shorten(a)));
                lines.extend(stopped.map(|s| format!("  ({s})")));
            }
            (None, Some(s)) => lines.push(format!("  (no answer: {s})")),
            (None, None) => match &recorded.last_task {
                Some(t) if t.tool_calls > 0 => {
                    lines.push(format!("  (no answer after {})", calls(t.tool_calls)))
                }
                _ => lines.push("  (no answer yet)".to_string()),
            },
        }
    }
    lines
}

/// How a task that did not end with its answer stopped, in words: `None`
/// for one that ended as done.
fn stopped(task: &LastTask) -> Option<String> {
    let how = match task.status.as_str() {
        "done" => return None,
        "max_turns" => "stopped at the turn limit".to_string(),
        "failed" => "the task failed".to_string(),
        "interrupted" => task
            .reason
            .clone()
            .unwrap_or_else(|| "interrupted".to_string()),
        "blocked" => "blocked by a hook".to_string(),
        "budget" => "stopped: its token budget was used up".to_string(),
        other => format!("stopped ({other})"),
    };
    Some(match task.tool_calls {
        0 => how,
        n => format!("{how} after {}", calls(n)),
    })
}

fn calls(n: usize) -> String {
    match n {
        1 => "1 tool call".to_string(),
        n => format!("{n} tool calls"),
    }
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
        Item::User {
            typed: None,
            text: t.into(),
        }
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
            summary(&items, &Recorded::default()),
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
        let lines = summary(&[answer("old"), user(&long)], &Recorded::default());
        assert_eq!(lines[0], "1 turn so far");
        assert!(lines[1].ends_with("… (5 more chars)"), "{}", lines[1]);
        assert_eq!(lines[2], "  (no answer yet)");
        assert_eq!(summary(&[], &Recorded::default()), ["0 turns so far"]);
    }

    #[test]
    fn a_compacted_session_counts_every_turn_and_says_how_the_last_stopped() {
        let items = [
            Item::CompactionSummary {
                text: "earlier work".into(),
            },
            user("turn 42"),
        ];
        let recorded = Recorded {
            turns: 42,
            last_task: Some(LastTask {
                status: "max_turns".into(),
                requests: 100,
                tool_calls: 100,
                reason: None,
            }),
        };
        assert_eq!(
            summary(&items, &recorded),
            [
                "42 turns so far (earlier ones compacted)",
                "  you: turn 42",
                "  (no answer: stopped at the turn limit after 100 tool calls)",
            ]
        );
    }
}
