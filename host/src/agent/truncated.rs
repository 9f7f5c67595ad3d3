//! An answer cut at the output-token limit: the warning, and the tool call
//! cut in the middle of its arguments, which is not run.

use serde_json::Value;

use super::{Event, Session};
use crate::model::anthropic::DEFAULT_MAX_TOKENS;
use crate::model::{Item, ToolCall, WireApi};
use crate::protocol::CallStatus;

/// The output-token limit that applied: the configured
/// `max_output_tokens`, else the wire's default (None: the provider's).
fn limit_in_effect(limit: Option<u32>, wire: WireApi) -> Option<u32> {
    limit.or((wire == WireApi::Anthropic).then_some(DEFAULT_MAX_TOKENS))
}

/// What the user is told when the model stopped at the output-token
/// limit: which limit applied and how to raise it. `limit` is the
/// configured `max_output_tokens` (None: the wire's default). `cut_call`
/// names the tool whose call the limit cut (not run).
pub(crate) fn warning(limit: Option<u32>, wire: WireApi, cut_call: Option<&str>) -> String {
    let limit = limit_in_effect(limit, wire);
    let which = match limit {
        Some(n) => format!("max_output_tokens={n}"),
        None => "max_output_tokens is not set: the provider's default applied".to_string(),
    };
    let fix = match limit {
        Some(n) => format!("raise it with -c max_output_tokens={}", n.saturating_mul(2)),
        None => "set it with -c max_output_tokens=N".to_string(),
    };
    match cut_call {
        Some(tool) => format!(
            "the answer was cut at the output-token limit ({which}) in the middle of a call to {tool}: the call was not run, and the model was told to make it smaller; {fix}"
        ),
        None => format!(
            "the answer was cut at the output-token limit ({which}); {fix} or ask to continue"
        ),
    }
}

/// What the user is told when the answer stopped at the model's context
/// window and stands as cut (compacted once already in the task, or a
/// compaction would not free room). `cut_call` as for [`warning`].
pub(crate) fn window_warning(cut_call: Option<&str>) -> String {
    let at = "the answer was cut at the model's context window (stop_reason model_context_window_exceeded): the conversation and the answer filled it";
    match cut_call {
        Some(tool) => format!(
            "{at}, in the middle of a call to {tool}: the call was not run; /compact or a new session makes room"
        ),
        None => format!("{at}; /compact or a new session makes room, then ask to continue"),
    }
}

/// The result the model gets for a call the output-token limit cut.
fn cut_call_result(name: &str, limit: Option<u32>) -> String {
    let limit = limit.map_or(String::new(), |n| format!(" (max_output_tokens={n})"));
    format!(
        "{name} was not run: your reply hit the output token limit{limit} in the middle of this call, so its arguments are incomplete. Make the call smaller so that it fits in one reply: split a large patch into several apply_patch calls, write a long file in parts (add it with the first part, then add the rest in later patches), or shorten the command."
    )
}

impl Session {
    /// Answers the call the output-token limit cut without running it: the
    /// model is told why and what to do, the front ends see a failed call.
    pub(super) fn refuse_cut_call(&mut self, call: &ToolCall, limit: Option<u32>) {
        let limit = limit_in_effect(limit, self.client.wire_api());
        let output = cut_call_result(&call.name, limit);
        self.events.send(Event::ToolStarted {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            arguments: Value::String(call.arguments.clone()),
        });
        self.events.send(Event::ToolCompleted {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            duration_ms: 0,
            is_error: true,
            status: CallStatus::Failed,
            exit_code: None,
            signal: None,
            files: None,
            output: output.clone(),
            truncated_bytes: 0,
            structured: None,
            sandbox: None,
        });
        self.record(Item::ToolResult {
            call_id: call.call_id.clone(),
            output,
            is_error: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_limit_and_the_setting() {
        let w = warning(Some(100), WireApi::Chat, None);
        assert!(w.contains("max_output_tokens=100"), "{w}");
        assert!(w.contains("-c max_output_tokens=200"), "{w}");
        let w = warning(None, WireApi::Anthropic, None);
        assert!(w.contains("max_output_tokens=8192"), "{w}");
        let w = warning(None, WireApi::Responses, None);
        assert!(w.contains("not set"), "{w}");
    }

    #[test]
    fn a_cut_call_is_named_as_not_run() {
        let w = warning(Some(100), WireApi::Chat, Some("apply_patch"));
        assert!(
            w.contains("in the middle of a call to apply_patch: the call was not run"),
            "{w}"
        );
        assert!(w.contains("-c max_output_tokens=200"), "{w}");
        let r = cut_call_result("apply_patch", Some(100));
        assert!(
            r.contains("output token limit (max_output_tokens=100)"),
            "{r}"
        );
        assert!(r.contains("split a large patch"), "{r}");
    }
}
