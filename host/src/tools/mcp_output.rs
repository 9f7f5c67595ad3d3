//! A `PostToolUse` hook's `updatedMCPToolOutput` (Claude Code's): the
//! result of an MCP tool as the model gets it, in place of the server's
//! (a hook that redacts a secret). Text is the new result; content blocks
//! (`[{"type": "text", …}]`) or a whole `tools/call` result
//! (`{"content": […], "structuredContent": …}`) are read as a server's
//! are; any other JSON is its text. The tool's structured result goes with
//! the text it replaces. For any other tool it is ignored, with a warning.

use serde_json::Value;

use super::{ToolContext, ToolOutput};
use crate::protocol::{Event, ToolCall};

/// Puts `replaced` in place of `output` of `call`, a tool of `source`.
pub(super) fn replace(
    ctx: &ToolContext,
    call: &ToolCall,
    source: &str,
    output: &mut ToolOutput,
    replaced: &Value,
) {
    if source != "mcp" {
        ctx.events.send(Event::Warning {
            message: format!(
                "a PostToolUse hook answered updatedMCPToolOutput for `{}`, which is not an MCP tool: it applies to MCP tools only (as in Claude Code), so the result was left as it was",
                call.name
            ),
        });
        return;
    }
    let is_error = output.is_error;
    *output = as_output(replaced);
    output.is_error = output.is_error || is_error;
}

fn as_output(replaced: &Value) -> ToolOutput {
    let result = match replaced {
        Value::String(text) => return ToolOutput::text(text.clone()),
        Value::Array(blocks) => serde_json::json!({ "content": blocks }),
        Value::Object(o) if o.contains_key("content") => replaced.clone(),
        other => return ToolOutput::text(other.to_string()),
    };
    match serde_json::from_value::<rmcp::model::CallToolResult>(result) {
        Ok(r) => crate::mcp::results::to_output(r),
        Err(_) => ToolOutput::text(replaced.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_blocks_and_results_are_read_as_a_servers() {
        assert_eq!(as_output(&json!("[redacted]")).text, "[redacted]");
        let blocks = json!([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]);
        assert_eq!(as_output(&blocks).text, "a\nb");
        let whole = json!({"content": [{"type": "text", "text": "x"}], "isError": true});
        let out = as_output(&whole);
        assert_eq!((out.text.as_str(), out.is_error), ("x", true));
        assert_eq!(as_output(&json!({"n": 1})).text, r#"{"n":1}"#);
        assert!(as_output(&json!("s")).structured.is_none());
    }
}
