//! What compaction does with the model's hand-off reply: a reply without
//! summary text (empty, or only a tool call) is not a summary, and when the
//! model gives none twice, a record of the conversation written by quire
//! stands in for it, so compaction never loses the work done.

use crate::model::Item;
use crate::model::retry::Response;

/// Sent instead of the hand-off prompt when the first reply had no summary.
pub const RETRY_PROMPT: &str = "Your previous reply contained no summary. Tools cannot be used now. Answer with the hand-off summary as plain text only: the user's goal, what has been done so far, what you learned that still matters, the current state and the exact next steps.";

/// Characters of one item kept in the record written by quire.
const ITEM_CHARS: usize = 2000;

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

/// A summary made from the history itself: the newest items first
/// (clipped), as many as fit in `budget` characters, in the order they
/// happened.
pub fn record_of(history: &[Item], budget: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0usize;
    let mut omitted = 0usize;
    for item in history.iter().rev() {
        let Some(line) = line_of(item) else { continue };
        if used + line.len() > budget {
            omitted += 1;
            continue;
        }
        used += line.len();
        lines.push(line);
    }
    lines.reverse();
    let mut out = String::from(
        "The model wrote no hand-off summary, so this is quire's record of the conversation before compaction (each entry clipped; newest kept). Continue the work from it; do not redo finished steps.\n",
    );
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
}
