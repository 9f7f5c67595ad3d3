//! What compaction does with the model's hand-off reply: a reply without
//! summary text (empty, or only a tool call) is not a summary, and when the
//! model gives none twice, a record of the conversation written by quire
//! stands in for it, so compaction never loses the work done. A summary
//! longer than its allowance is cut (its head kept, with a note), so it
//! never makes the requests after the compaction larger than before.

use super::{Event, Session, estimate};
use crate::model::retry::Response;
use crate::model::{Item, WireApi};

/// Tokens the hand-off summary may take: an eighth of the window, at
/// least [`MIN_SUMMARY_TOKENS`] and at most [`MAX_SUMMARY_TOKENS`].
pub fn summary_tokens(window: u64) -> u64 {
    (window / 8).clamp(MIN_SUMMARY_TOKENS, MAX_SUMMARY_TOKENS)
}

/// The smallest allowance, for tiny windows.
const MIN_SUMMARY_TOKENS: u64 = 256;

/// The largest allowance, however large the window (Anthropic's default
/// output limit: every model takes it).
pub const MAX_SUMMARY_TOKENS: u64 = 8192;

/// A summary of more than `max_bytes`: its head up to the last line end
/// that fits (or a character boundary, when no line ends near it), with a
/// note of what was left out; `None` when it fits.
pub fn cut_summary(text: &str, max_bytes: usize) -> Option<String> {
    if text.len() <= max_bytes {
        return None;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // A line end in the last quarter: whole lines are kept.
    if let Some(at) = text[..end].rfind('\n').filter(|at| *at >= end / 4 * 3) {
        end = at;
    }
    let head = text[..end].trim_end();
    Some(format!(
        "{head}\n[… the hand-off summary was cut here: it was {} characters, over the {max_bytes} it may take; the rest was left out]",
        text.chars().count()
    ))
}

/// Sent instead of the hand-off prompt when the first reply had no summary.
pub const RETRY_PROMPT: &str = "Your previous reply contained no summary. Tools cannot be used now. Answer with the hand-off summary as plain text only: the user's goal, what has been done so far, what you learned that still matters, the current state and the exact next steps.";

/// Characters of one item kept in the record written by quire.
const ITEM_CHARS: usize = 2000;

impl Session {
    /// The output limit of a hand-off request: the summary's allowance
    /// ([`summary_tokens`]), or `max_output_tokens` when lower. Sent only
    /// where a limit is sent anyway (one configured; Anthropic's required
    /// `max_tokens`): a server or model that refuses the field (o-series
    /// models on Chat) is not given it; the summary is cut after instead.
    pub(super) fn handoff_output_limit(&self) -> Option<u32> {
        let allowance = u32::try_from(summary_tokens(self.context_window())).unwrap_or(u32::MAX);
        match self.config.max_output_tokens_for(&self.model) {
            Some(max) => Some(max.min(allowance)),
            None if self.provider.wire_api == WireApi::Anthropic => {
                Some(crate::model::anthropic::DEFAULT_MAX_TOKENS.min(allowance))
            }
            None => None,
        }
    }

    /// Bytes a summary of `source` may take: its allowance
    /// ([`summary_tokens`]), and never more than `source` itself. quire's
    /// own record, when the model writes none, is held to it too.
    pub(super) fn summary_max_bytes(&self, source: &[Item]) -> usize {
        let allowance = summary_tokens(self.context_window()) * estimate::BYTES_PER_TOKEN;
        let replaced =
            estimate::bytes_of_items(source).max(super::compact::LITTLE_TO_COMPACT as u64);
        usize::try_from(allowance.min(replaced)).unwrap_or(usize::MAX)
    }

    /// The model's summary of `source`, cut when it is longer than its
    /// allowance or than `source` itself (a summary replaces what it
    /// summarises, never makes it larger), with a warning saying so.
    pub(super) fn bounded_summary(&self, text: String, source: &[Item]) -> String {
        let max = self.summary_max_bytes(source);
        let Some(cut) = cut_summary(text.trim(), max) else {
            return text;
        };
        self.events.send(Event::Warning {
            message: format!(
                "compaction: the model's hand-off summary was about {} tokens, more than the {} it may take (an eighth of the context window, at most {MAX_SUMMARY_TOKENS}, and no more than what it summarises); its first part was kept and the rest left out, so that the requests after the compaction stay smaller than before.",
                text.len() as u64 / estimate::BYTES_PER_TOKEN,
                max as u64 / estimate::BYTES_PER_TOKEN,
            ),
        });
        cut
    }
}

/// Why a hand-off reply is not a summary, or `None` when it is one.
pub fn unusable(reply: &Response) -> Option<&'static str> {
    if !reply.tool_calls.is_empty() {
        Some("called a tool instead of writing a summary")
    } else if reply.text.trim().is_empty() {
        Some("was empty")
    } else {
        None
    }
}

/// What quire's record of the conversation starts with.
const RECORD_HEAD: &str = "The model wrote no hand-off summary, so this is quire's record of the conversation before compaction (each entry clipped; newest kept). Continue the work from it; do not redo finished steps.\n";

/// [`record_of`] in at most `max_bytes` in all (its head, the note of
/// entries left out and the line ends counted), for a record held to
/// what a summary may take.
pub fn record_within(history: &[Item], max_bytes: usize) -> String {
    // The note of omitted entries, and one line end per entry (at most
    // one per 7 bytes: the shortest line is `user: x`).
    let fixed = RECORD_HEAD.len() + 40;
    let lines = max_bytes.saturating_sub(fixed);
    record_of(history, lines - lines / 8)
}

/// A summary made from the history itself: the newest items first
/// (clipped), as many as fit in `budget` characters, in the order they
/// happened.
pub fn record_of(history: &[Item], budget: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0usize;
    let mut omitted = 0usize;
    for item in history.iter().rev() {
        let Some(line) = line_of(item) else { continue };
        // The newest entries, without gaps: once one does not fit, the
        // older ones are left out too.
        if omitted > 0 || used + line.len() > budget {
            omitted += 1;
            continue;
        }
        used += line.len();
        lines.push(line);
    }
    lines.reverse();
    let mut out = String::from(RECORD_HEAD);
    if omitted > 0 {
        out.push_str(&format!("[{omitted} older entries omitted]\n"));
    }
    out.push_str(&lines.join("\n"));
    out
}

fn line_of(item: &Item) -> Option<String> {
    Some(match item {
        Item::User { text, .. } => format!("user: {}", clip(text)),
        Item::Assistant { text } => format!("assistant: {}", clip(text)),
        Item::ToolCall {
            call_id,
            name,
            arguments,
        } => format!("tool call {call_id} {name}: {}", clip(arguments)),
        Item::ToolResult {
            call_id,
            output,
            is_error,
        } => {
            let kind = if *is_error { "error" } else { "result" };
            format!("tool {kind} {call_id}: {}", clip(output))
        }
        Item::CompactionSummary { text } => format!("earlier summary: {}", clip(text)),
        Item::Image { name, .. } => format!("user: {}", Item::image_note(name)),
        Item::SkillActivation { .. }
        | Item::Context { .. }
        | Item::Thinking { .. }
        | Item::RedactedThinking { .. }
        | Item::Reasoning { .. }
        | Item::CallExtra { .. } => return None,
    })
}

fn clip(text: &str) -> String {
    if text.len() <= ITEM_CHARS {
        return text.to_string();
    }
    let mut end = ITEM_CHARS;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} […]", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ToolCall;

    #[test]
    fn a_long_summary_is_cut_at_a_line_end_with_a_note() {
        assert_eq!(cut_summary("short", 100), None);
        let text = "goal: x\n".repeat(1000);
        let cut = cut_summary(&text, 100).unwrap();
        let (head, note) = cut.split_once("\n[…").unwrap();
        assert!(head.len() <= 100 && head.ends_with("goal: x"), "{head}");
        assert!(note.contains("8000 characters, over the 100"), "{note}");
        // No line end: cut at a character boundary.
        let one = "é".repeat(100);
        let cut = cut_summary(&one, 51).unwrap();
        assert!(cut.starts_with(&"é".repeat(25)), "{cut}");
        assert!(!cut.starts_with(&"é".repeat(26)), "{cut}");
        assert_eq!(summary_tokens(20_000), 2500);
        assert_eq!(summary_tokens(1000), MIN_SUMMARY_TOKENS);
        assert_eq!(summary_tokens(1_000_000), MAX_SUMMARY_TOKENS);
    }

    #[test]
    fn empty_text_and_tool_calls_are_no_summary() {
        let empty = Response::default();
        assert_eq!(unusable(&empty), Some("was empty"));
        let blank = Response {
            text: " \n ".into(),
            ..Response::default()
        };
        assert_eq!(unusable(&blank), Some("was empty"));
        let call = Response {
            text: "Let me look first.".into(),
            tool_calls: vec![ToolCall {
                call_id: "c".into(),
                name: "shell".into(),
                arguments: "{}".into(),
            }],
            ..Response::default()
        };
        assert!(unusable(&call).is_some());
        let good = Response {
            text: "Goal: x".into(),
            ..Response::default()
        };
        assert_eq!(unusable(&good), None);
    }

    #[test]
    fn the_record_keeps_the_newest_entries_in_order() {
        let history = vec![
            Item::User {
                typed: None,
                text: "fix the build".into(),
            },
            Item::ToolCall {
                call_id: "c1".into(),
                name: "shell".into(),
                arguments: "{\"command\":\"make\"}".into(),
            },
            Item::ToolResult {
                call_id: "c1".into(),
                output: "error: x".into(),
                is_error: false,
            },
            Item::Assistant {
                text: "the build fails in x".into(),
            },
        ];
        let all = record_of(&history, 10_000);
        let call = all.find("tool call c1 shell").unwrap();
        let result = all.find("tool result c1: error: x").unwrap();
        let said = all.find("assistant: the build fails in x").unwrap();
        assert!(all.find("user: fix the build").unwrap() < call);
        assert!(call < result && result < said, "{all}");
        let newest = record_of(&history, 60);
        assert!(newest.contains("the build fails in x"), "{newest}");
        assert!(!newest.contains("fix the build"), "{newest}");
        assert!(newest.contains("older entries omitted"), "{newest}");
    }

    #[test]
    fn a_record_within_a_size_never_goes_past_it() {
        let history: Vec<Item> = (0..50)
            .map(|i| Item::Assistant {
                text: format!("ENTRY{i}: {}", "word ".repeat(i * 20)),
            })
            .collect();
        for max in [3_000, 8_000, 20_000] {
            let record = record_within(&history, max);
            assert!(record.len() <= max, "{max}: {}", record.len());
            assert!(record.contains("ENTRY49:"), "{max}: the newest kept");
            assert!(!record.contains("ENTRY0:"), "{max}: the oldest left out");
        }
    }
}
