//! Tools joining a running session without touching its tool list
//! (`join = "context"`, the default). The list is the first part of every
//! prompt, so a tool appended to it makes the provider re-read the whole
//! prompt at full price. Instead, a tool that becomes needed after the
//! first request is described in the history — in a context item after
//! the message it fits, or in the `tool_search` result that found it —
//! and the model calls it through `call_tool`. The history only grows,
//! so every request extends the previous one.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{ToolSelection, config::Join, pick};
use crate::protocol::Item;
use crate::tools::{ToolSpec, call_tool};

/// The `source` of the context item that describes joining tools.
pub const SOURCE: &str = "tool_join";

/// Descriptions longer than this are cut (the schema is kept whole).
const DESCRIPTION_MAX: usize = 600;

impl ToolSelection {
    /// Whether tools join through the history rather than the list.
    pub fn joins_in_context(&self) -> bool {
        self.config.join == Join::Context
    }

    /// The context item describing the tools that clearly fit `message`
    /// and are neither in the list nor described already; `None` before
    /// the first request (which picks its list for the message) or when
    /// nothing new fits.
    pub(super) fn joining_context(&self, message: &str) -> Option<Item> {
        if !self.joins_in_context() || !self.selecting() || message.trim().is_empty() {
            return None;
        }
        let mut state = self.state();
        if state.sent.is_empty() {
            return None;
        }
        let index = state.index.clone();
        let listed: BTreeSet<usize> = state
            .sent
            .iter()
            .chain(state.described.iter())
            .filter_map(|n| index.position(n))
            .collect();
        let joins = pick::joining(&index, message, &listed);
        if joins.is_empty() {
            return None;
        }
        let mut text = format!(
            "# Tools for this message\n\nThese tools fit this message but are not in your tool list. Call them through `{}` with their `name` and `arguments`.\n",
            call_tool::NAME
        );
        for i in joins {
            let spec = &index.specs[i];
            state.described.insert(spec.name.clone());
            text.push('\n');
            text.push_str(&describe(spec));
        }
        tracing::debug!(message = %message, "tools described for the message");
        Some(Item::Context {
            source: SOURCE.to_string(),
            text: text.trim_end().to_string(),
        })
    }

    /// For a `tool_search` result: of the tools it found, those the
    /// session's list lacks, described for `call_tool` (and remembered as
    /// described). A tool described earlier in the conversation (after a
    /// message, or by an earlier search) is only named: its schema is in
    /// the history already. `None` in list mode or when all are listed.
    pub(super) fn describe_unsent(&self, found: &[ToolSpec]) -> Option<String> {
        if !self.joins_in_context() {
            return None;
        }
        let mut state = self.state();
        let (earlier, new): (Vec<&ToolSpec>, Vec<&ToolSpec>) = found
            .iter()
            .filter(|s| !state.sent.contains(&s.name))
            .partition(|s| state.described.contains(&s.name));
        if earlier.is_empty() && new.is_empty() {
            return None;
        }
        let mut text = format!(
            "Not in your tool list, so call these through `{}` with their `name` and `arguments`:\n",
            call_tool::NAME
        );
        for spec in earlier {
            text.push_str(&format!(
                "\n- {} (described earlier in this conversation)",
                spec.name
            ));
        }
        text.push('\n');
        for spec in new {
            state.described.insert(spec.name.clone());
            text.push('\n');
            text.push_str(&describe(spec));
        }
        Some(text.trim_end().to_string())
    }

    /// The tools a history describes for `call_tool`: in the context items
    /// after messages and in `tool_search` results (`## NAME` followed by
    /// its parameters, as [`describe`] writes them).
    pub(super) fn described_in(history: &[Item]) -> BTreeSet<String> {
        let mut searches = BTreeSet::new();
        let mut out = BTreeSet::new();
        let mut read = |text: &str| {
            let lines: Vec<&str> = text.lines().collect();
            for (at, line) in lines.iter().enumerate() {
                let Some(name) = line.strip_prefix("## ") else {
                    continue;
                };
                // Its description (one or more lines), then its parameters.
                let described = lines[at + 1..]
                    .iter()
                    .take_while(|l| !l.starts_with("## "))
                    .any(|l| l.starts_with(PARAMETERS));
                if described {
                    out.insert(name.to_string());
                }
            }
        };
        for item in history {
            match item {
                Item::Context { source, text } if source == SOURCE => read(text),
                Item::ToolCall { call_id, name, .. } if name == super::search::NAME => {
                    searches.insert(call_id.clone());
                }
                Item::ToolResult {
                    call_id,
                    output,
                    is_error: false,
                } if searches.contains(call_id) => read(output),
                _ => {}
            }
        }
        out
    }
}

/// The line after a tool's description in [`describe`].
const PARAMETERS: &str = "Parameters (JSON Schema): ";

/// One tool for the history: its name, description and parameters.
pub fn describe(spec: &ToolSpec) -> String {
    let description = spec.description.trim();
    let description = match description.char_indices().nth(DESCRIPTION_MAX) {
        Some((cut, _)) => format!("{}…", &description[..cut]),
        None => description.to_string(),
    };
    let parameters = match &spec.parameters {
        Value::Null => "{}".to_string(),
        p => p.to_string(),
    };
    format!(
        "## {}\n{}\n{PARAMETERS}{}\n",
        spec.name, description, parameters
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_description_carries_the_whole_schema_and_a_cut_text() {
        let spec = ToolSpec {
            name: "mcp__jira__create_issue".into(),
            description: "Creates an issue. ".repeat(100),
            parameters: json!({"type": "object", "properties": {"title": {"type": "string"}}}),
            read_only: false,
            destructive: false,
        };
        let text = describe(&spec);
        assert!(text.starts_with("## mcp__jira__create_issue\n"));
        assert!(text.contains(r#""title":{"type":"string"}"#), "{text}");
        assert!(text.contains('…') && text.len() < 800, "{text}");
    }
}
