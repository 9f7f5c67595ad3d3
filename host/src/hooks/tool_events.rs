//! The tool events' input: `tool_name`, `tool_input` (as each hook sees
//! the call: [`super::tool_input`]), `tool_use_id`, and quire's
//! `tool_source`.

use std::path::Path;

use serde_json::{Map, Value};

use super::tool_input::ToolViews;
use super::{Decision, HookEvent, Hooks};
use crate::tools::ToolOutput;

/// One tool call, as hooks see it.
pub struct ToolCallInfo<'a> {
    pub name: &'a str,
    pub call_id: &'a str,
    /// `builtin`, `skill`, `plugin`, `mcp`, `tool_search`.
    pub source: &'a str,
    pub args: &'a Value,
    pub cwd: &'a Path,
}

impl Hooks {
    /// `PreToolUse`.
    pub async fn pre_tool(&self, call: &ToolCallInfo<'_>) -> Decision {
        if !self.has(HookEvent::PreToolUse) {
            return Decision::default();
        }
        let views = views(call);
        self.run_views(
            HookEvent::PreToolUse,
            Some(call.name),
            fields(call),
            Some(&views),
        )
        .await
    }

    /// `PostToolUse`, or `PostToolUseFailure` when the call failed.
    pub async fn post_tool(&self, call: &ToolCallInfo<'_>, output: &ToolOutput) -> Decision {
        let event = if output.is_error {
            HookEvent::PostToolUseFailure
        } else {
            HookEvent::PostToolUse
        };
        if !self.has(event) {
            return Decision::default();
        }
        let mut f = fields(call);
        // Claude Code hooks get Claude's fields added per view
        // (`ToolViews::inputs_for`).
        let response =
            super::tool_response::native(&output.text, output.is_error, output.structured.as_ref());
        f.insert("tool_response".into(), Value::Object(response));
        if output.is_error {
            f.insert("error".into(), output.text.clone().into());
        }
        self.run_views(event, Some(call.name), f, Some(&views(call)))
            .await
    }

    /// `PermissionRequest`: a tool asks the user; `summary` is what it
    /// asks about.
    pub async fn permission_request(&self, call: &ToolCallInfo<'_>, summary: &str) -> Decision {
        if !self.has(HookEvent::PermissionRequest) {
            return Decision::default();
        }
        let mut f = fields(call);
        f.insert("permission_summary".into(), summary.into());
        let views = views(call);
        self.run_views(
            HookEvent::PermissionRequest,
            Some(call.name),
            f,
            Some(&views),
        )
        .await
    }

    /// `Notification`: quire waits for the user.
    pub async fn notify(&self, kind: &str, message: &str) {
        if !self.has(HookEvent::Notification) {
            return;
        }
        let mut f = Map::new();
        f.insert("notification_type".into(), kind.into());
        f.insert("message".into(), message.into());
        self.run(HookEvent::Notification, Some(kind), f).await;
    }
}

fn views(call: &ToolCallInfo<'_>) -> ToolViews {
    ToolViews::new(call.name, call.args, call.cwd)
}

/// The common tool fields (`tool_name` and `tool_input` are replaced per
/// hook by its view of the call).
fn fields(call: &ToolCallInfo<'_>) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("tool_name".into(), call.name.into());
    f.insert("tool_input".into(), call.args.clone());
    f.insert("tool_use_id".into(), call.call_id.into());
    f.insert("tool_source".into(), call.source.into());
    f
}
