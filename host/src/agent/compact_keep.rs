//! What a compaction keeps, and in which order: the summary first, what
//! the extensions bring back (skills catalog, active skills), the older
//! kept user messages, then the newest user message, so that it is the
//! last text of its (merged) user message on every wire. A compaction in
//! the middle of a turn also keeps the turn's work in progress (its
//! answers, tool calls and results): without them the model would see the
//! message again and start over. Tool outputs of that turn too big for
//! the window are cut (head and end kept) so that the request fits.

use crate::model::Item;

/// How many of the latest user messages survive compaction.
pub(super) const KEEP_USER_MESSAGES: usize = 3;
/// Characters kept of each surviving user message.
const KEEP_USER_CHARS: usize = 4000;
/// A cut tool output keeps at least this many bytes.
const MIN_OUTPUT_BYTES: usize = 600;

/// What a compaction leaves, from the history it replaces.
pub(super) struct Kept {
    /// The kept user messages, oldest first (the newest last).
    pub messages: Vec<Item>,
    /// The current turn's answers, tool calls and results (empty between
    /// turns).
    pub turn: Vec<Item>,
}

/// What `history` keeps through a compaction; `in_turn`: the compaction
/// runs inside the turn of the last user message (automatic ones), whose
/// work in progress is kept.
pub(super) fn kept(history: &[Item], in_turn: bool) -> Kept {
    let from = history
        .iter()
        .rposition(|i| matches!(i, Item::User { .. }))
        .map(|at| at + 1)
        .filter(|_| in_turn);
    kept_from(history, from)
}

/// What a compaction keeps when the turn's work from `from` on stays
/// as it is (`None`: none of it).
pub(super) fn kept_from(history: &[Item], from: Option<usize>) -> Kept {
    let turn = from
        .map(|at| {
            history[at.min(history.len())..]
                .iter()
                // Brought back by the extensions' `after_compaction`.
                .filter(|i| !matches!(i, Item::Context { .. } | Item::SkillActivation { .. }))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    Kept {
        messages: recent_user_messages(history),
        turn,
    }
}

/// Where the work a compaction for a refused request keeps starts: the
/// current turn's latest round (its last tool calls after a tool result),
/// else right after the last user message. What comes before is
/// summarised, nothing after it. `None` without a user message.
pub(super) fn latest_round_at(history: &[Item]) -> Option<usize> {
    let user = history
        .iter()
        .rposition(|i| matches!(i, Item::User { .. }))?;
    let round = (user + 2..history.len()).rev().find(|&i| {
        after_results(history, i)
            && !matches!(
                history[i],
                Item::Context { .. } | Item::SkillActivation { .. }
            )
    });
    Some(round.unwrap_or(user + 1))
}

/// Whether `items[i]` is the first item after tool results (and the
/// images `view_image` calls attached after them, which belong to them).
fn after_results(items: &[Item], i: usize) -> bool {
    let before = items[..i]
        .iter()
        .rev()
        .find(|item| !matches!(item, Item::Image { .. }));
    matches!(before, Some(Item::ToolResult { .. }))
        && !matches!(items[i], Item::ToolResult { .. } | Item::Image { .. })
}

/// The new history: `summary`, `restored` (the extensions' items), the
/// kept messages, the turn's work.
pub(super) fn assemble(summary: Item, restored: Vec<Item>, kept: Kept) -> Vec<Item> {
    let mut out = vec![summary];
    out.extend(restored);
    out.extend(kept.messages);
    out.extend(kept.turn);
    out
}

/// Bytes of `items` as written (close to what the wires send).
fn size(items: &[Item]) -> usize {
    super::estimate::bytes_of_items(items) as usize
}

/// The turn's size with every tool output cut to `cap` bytes.
fn size_capped(turn: &[Item], cap: usize) -> usize {
    turn.iter()
        .map(|i| match i {
            Item::ToolResult { output, .. } if output.len() > cap => {
                size(std::slice::from_ref(i)) - output.len() + cap + 80
            }
            other => size(std::slice::from_ref(other)),
        })
        .sum()
}

/// Where the last round of `turn` starts: its last answer or tool calls
/// after a tool result.
fn last_round(turn: &[Item]) -> usize {
    (1..turn.len())
        .rev()
        .find(|&i| after_results(turn, i))
        .unwrap_or(0)
}

/// Shrinks `turn` to at most `budget` bytes where it can: the tool
/// outputs are cut, the largest first, to one common size (at least
/// [`MIN_OUTPUT_BYTES`] each); when even that is too big, the turn's older
/// round trips go (the summary tells them), never the latest one. Returns
/// how many outputs were cut and how many items left out.
pub(super) fn fit_turn(turn: &mut Vec<Item>, budget: usize) -> (usize, usize) {
    if size(turn) <= budget {
        return (0, 0);
    }
    let mut dropped = 0;
    while size_capped(turn, MIN_OUTPUT_BYTES) > budget {
        let start = last_round(turn);
        if start == 0 {
            break;
        }
        // The older rounds go, up to the latest one.
        let first_end = turn
            .iter()
            .position(|i| matches!(i, Item::ToolResult { .. }))
            .map(|p| {
                p + turn[p..]
                    .iter()
                    .take_while(|i| matches!(i, Item::ToolResult { .. } | Item::Image { .. }))
                    .count()
            })
            .unwrap_or(start)
            .min(start);
        turn.drain(..first_end);
        dropped += first_end;
    }
    let outputs: Vec<usize> = turn
        .iter()
        .filter_map(|i| match i {
            Item::ToolResult { output, .. } => Some(output.len()),
            _ => None,
        })
        .collect();
    // The largest common cap that fits (binary search).
    let (mut lo, mut hi) = (MIN_OUTPUT_BYTES, outputs.iter().copied().max().unwrap_or(0));
    if hi <= lo {
        return (0, dropped);
    }
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if size_capped(turn, mid) <= budget {
            lo = mid
        } else {
            hi = mid - 1
        }
    }
    let mut cut = 0;
    for item in turn.iter_mut() {
        if let Item::ToolResult { output, .. } = item
            && output.len() > lo
        {
            *output = cut_output(output, lo);
            cut += 1;
        }
    }
    (cut, dropped)
}

/// `output` cut to about `cap` bytes: its head and its end, with a note of
/// what was left out between.
fn cut_output(output: &str, cap: usize) -> String {
    let head = floor_boundary(output, cap * 2 / 3);
    let end = ceil_boundary(output, output.len() - (cap - cap * 2 / 3));
    format!(
        "{}\n[… {} bytes of this output cut at compaction to fit the context window …]\n{}",
        &output[..head],
        end - head,
        &output[end..]
    )
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    while at > 0 && !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(s: &str, mut at: usize) -> usize {
    while at < s.len() && !s.is_char_boundary(at) {
        at += 1;
    }
    at
}

pub(super) fn recent_user_messages(history: &[Item]) -> Vec<Item> {
    let mut kept: Vec<Item> = history
        .iter()
        .rev()
        .filter_map(|i| match i {
            Item::User { text, typed } => {
                let text = clip(text, KEEP_USER_CHARS);
                let typed = typed.map(|n| n.min(text.len()));
                Some(Item::User { text, typed })
            }
            _ => None,
        })
        .take(KEEP_USER_MESSAGES)
        .collect();
    kept.reverse();
    kept
}

fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let end = floor_boundary(text, max);
    format!("{}\n[… message cut …]", &text[..end])
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

    #[test]
    fn after_a_refusal_the_latest_round_is_kept_and_nothing_before_it() {
        let call = |id: &str| Item::ToolCall {
            call_id: id.into(),
            name: "shell".into(),
            arguments: "{}".into(),
        };
        let result = |id: &str| Item::ToolResult {
            call_id: id.into(),
            output: format!("out {id}"),
            is_error: false,
        };
        let h = vec![
            user("go"),
            call("c1"),
            result("c1"),
            call("c2"),
            call("c3"),
            result("c2"),
            result("c3"),
        ];
        let at = latest_round_at(&h).unwrap();
        assert_eq!(at, 3, "from the last calls after a result");
        let kept = kept_from(&h, Some(at));
        assert_eq!(kept.turn, h[3..].to_vec());
        // Images view_image attached stay with their results.
        let image = Item::Image {
            name: "shot.png".into(),
            media_type: "image/png".into(),
            data: "iVBORw0KGgo=".into(),
        };
        let mut with_image = h.clone();
        with_image.extend([image, call("c4")]);
        assert_eq!(latest_round_at(&with_image), Some(8));
        assert_eq!(last_round(&with_image[1..]), 7);
        // No round yet: the turn's work starts after the message.
        assert_eq!(latest_round_at(&h[..3]), Some(1));
        assert_eq!(latest_round_at(&[call("c0")]), None);
    }

    #[test]
    fn keeps_the_latest_user_messages_in_order() {
        let h: Vec<Item> = (0..5)
            .flat_map(|n| {
                [
                    user(&format!("u{n}")),
                    Item::Assistant {
                        text: format!("a{n}"),
                    },
                ]
            })
            .collect();
        assert_eq!(
            recent_user_messages(&h),
            vec![user("u2"), user("u3"), user("u4")]
        );
    }

    #[test]
    fn the_summary_comes_first_and_the_newest_message_last_then_the_turn() {
        let call = Item::ToolCall {
            call_id: "c".into(),
            name: "shell".into(),
            arguments: "{}".into(),
        };
        let result = Item::ToolResult {
            call_id: "c".into(),
            output: "out".into(),
            is_error: false,
        };
        let context = Item::Context {
            source: "skills".into(),
            text: "catalog".into(),
        };
        let h = vec![
            user("u1"),
            Item::Assistant { text: "a1".into() },
            user("u2"),
            context.clone(),
            call.clone(),
            result.clone(),
        ];
        let summary = Item::CompactionSummary { text: "S".into() };
        let out = assemble(summary.clone(), vec![context.clone()], kept(&h, true));
        assert_eq!(
            out,
            vec![
                summary.clone(),
                context.clone(),
                user("u1"),
                user("u2"),
                call,
                result
            ]
        );
        // Between turns (/compact) the last turn is in the summary.
        let out = assemble(summary.clone(), vec![], kept(&h, false));
        assert_eq!(out, vec![summary, user("u1"), user("u2")]);
    }

    #[test]
    fn big_outputs_of_the_turn_are_cut_to_fit() {
        let big = (1..20000)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let mut turn = vec![
            Item::ToolCall {
                call_id: "c".into(),
                name: "shell".into(),
                arguments: "{}".into(),
            },
            Item::ToolResult {
                call_id: "c".into(),
                output: big,
                is_error: false,
            },
            Item::ToolResult {
                call_id: "d".into(),
                output: "small".into(),
                is_error: false,
            },
        ];
        assert_eq!(fit_turn(&mut turn, 8000), (1, 0));
        let text = serde_json::to_string(&turn).unwrap();
        assert!(text.len() <= 8000, "{}", text.len());
        assert!(
            text.contains("\\n1\\n2\\n") || text.contains("1\\n2\\n3"),
            "head kept"
        );
        assert!(text.contains("19999"), "end kept");
        assert!(text.contains("cut at compaction"), "{text}");
        assert!(text.contains("small"));
        // Already small enough: nothing cut.
        assert_eq!(fit_turn(&mut turn, 100_000), (0, 0));
    }

    #[test]
    fn a_long_turn_keeps_its_latest_round_trip() {
        let round = |n: usize| {
            [
                Item::ToolCall {
                    call_id: format!("c{n}"),
                    name: "shell".into(),
                    arguments: "{}".into(),
                },
                Item::ToolResult {
                    call_id: format!("c{n}"),
                    output: format!("out{n} ").repeat(300),
                    is_error: false,
                },
            ]
        };
        let mut turn: Vec<Item> = (0..20).flat_map(round).collect();
        let (_, dropped) = fit_turn(&mut turn, 3000);
        assert!(dropped > 0 && dropped % 2 == 0, "{dropped}");
        let text = serde_json::to_string(&turn).unwrap();
        assert!(text.contains("\"c19\"") && text.contains("out19"), "{text}");
        assert!(!text.contains("\"c0\""), "{text}");
        assert!(matches!(turn[0], Item::ToolCall { .. }), "pairs stay whole");
    }
}
