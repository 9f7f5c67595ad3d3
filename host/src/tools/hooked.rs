//! A tool call through the session's hooks: `PreToolUse` may block it,
//! rewrite its arguments, allow it without asking or make it ask; the
//! call's approver runs `PermissionRequest` hooks; `PostToolUse` (or
//! `PostToolUseFailure`) may add context or a reason for the model to the
//! result; for an MCP tool its `updatedMCPToolOutput` replaces the result.
//! Called only through [`super::checked_call`], for every tool source.

use std::sync::Arc;

use serde_json::Value;

use super::approval::{self, ApprovalDecision, ApprovalRequest, Approver};
use super::checked_call::Call;
use super::{Tool, ToolContext, ToolError, ToolOutput, schema};
use crate::hooks::approver::{HookedApprover, PermissionRewrite};
use crate::hooks::tool_events::ToolCallInfo;
use crate::hooks::{Decision, Permission};
use crate::protocol::{Event, Rewritten, ToolCall};

/// The call without hooks.
async fn plain_call(tool: &dyn Tool, name: &str, args: Value, ctx: &ToolContext) -> ToolOutput {
    tool.call(args, ctx).await.unwrap_or_else(|e| {
        let mut out = ToolOutput::error(super::registry::error_text(name, &e));
        // How it ended (denied, timed out…), for the status mark.
        let status = e.status().as_str();
        let mut carried = serde_json::json!({ "status": status });
        // A command stopped after a huge output: the bytes it left out
        // count into the call's `truncated_bytes` (the registry).
        if let ToolError::WithOutput { dropped, .. } = &e
            && *dropped > 0
        {
            carried[super::shell::DROPPED_BYTES] = serde_json::json!(dropped);
        }
        out.structured = Some(carried);
        out
    })
}

/// A call a hook refused (blocked, stopped, or an `ask` the user
/// denied): an error whose status is `denied`, so it is marked `⊘` like
/// every refused call, not `✗` like a failed one.
pub(super) fn refused(text: String) -> ToolOutput {
    let mut out = ToolOutput::error(text);
    out.structured =
        Some(serde_json::json!({ "status": crate::protocol::CallStatus::Denied.as_str() }));
    out
}

/// How a call through the hooks ended.
pub(super) enum Called {
    Done(ToolOutput),
    /// A `PermissionRequest` hook allowed it with another input: it did
    /// not run, that input is to run instead.
    Rewritten(PermissionRewrite),
}

/// Records that `hook` rewrote the call's arguments into `arguments`:
/// [`Event::ToolInputRewritten`], and `rewritten` (what ran in the end,
/// by every hook that rewrote it).
pub(super) fn record_rewrite(
    ctx: &ToolContext,
    call: &ToolCall,
    rewritten: &std::sync::Mutex<Option<Rewritten>>,
    hook: String,
    arguments: &Value,
) {
    ctx.events.send(Event::ToolInputRewritten {
        call_id: call.call_id.clone(),
        name: call.name.clone(),
        hook: hook.clone(),
        arguments: arguments.clone(),
    });
    if let Ok(mut g) = rewritten.lock() {
        let hook = match g.take() {
            Some(before) if before.hook != hook && !hook.is_empty() => {
                format!("{}, {hook}", before.hook)
            }
            Some(before) if hook.is_empty() => before.hook,
            _ => hook,
        };
        *g = Some(Rewritten {
            hook,
            arguments: arguments.clone(),
        });
    }
}

/// Runs `call` of `tool` through `hooks` (straight, without hooks). When
/// `PreToolUse` hooks rewrite the arguments, what runs instead is sent as
/// [`Event::ToolInputRewritten`] and kept in `rewritten`. `approved`: the
/// arguments are those a `PermissionRequest` hook allowed in place of the
/// model's: `PreToolUse` hooks, which saw the call, do not run again, and
/// the call's approval prompts are answered by that allow.
pub(super) async fn call(
    c: &Call<'_>,
    mut args: Value,
    ctx: &ToolContext,
    approved: Option<&Value>,
) -> Called {
    let Call {
        hooks,
        tool,
        spec,
        call,
        rewritten,
        ..
    } = *c;
    let Some(hooks) = hooks else {
        return Called::Done(plain_call(tool, &call.name, args, ctx).await);
    };
    // A hook asked to stop (`continue: false`): no call starts after that,
    // the turn ends when this round of calls is done.
    let stopped = |reason: String| {
        refused(format!(
            "{} was not run: a hook stopped the session: {reason}",
            call.name
        ))
    };
    if let Some(reason) = hooks.stop_pending() {
        return Called::Done(stopped(reason));
    }
    let source = tool.source();
    let pre = match approved {
        Some(_) => Decision::default(),
        None => {
            hooks
                .pre_tool(&ToolCallInfo {
                    name: &call.name,
                    call_id: &call.call_id,
                    source,
                    args: &args,
                    cwd: &ctx.cwd,
                })
                .await
        }
    };
    if let Some(reason) = pre.stop {
        return Called::Done(stopped(reason));
    }
    if let Some(reason) = pre.block {
        return Called::Done(refused(format!(
            "{} was blocked by a PreToolUse hook: {reason}",
            call.name
        )));
    }
    if let Some(new) = pre.updated_input.clone() {
        if let Err(e) = schema::validate(&new, &spec.parameters) {
            return Called::Done(ToolOutput::error(format!(
                "a PreToolUse hook rewrote the arguments of '{}' into invalid ones ({e}); the call was not run",
                call.name
            )));
        }
        let hook = pre.rewritten_by.clone().unwrap_or_default();
        record_rewrite(ctx, call, rewritten, hook, &new);
        args = new;
    }
    let approver = |preapproved: bool| {
        let info = ToolCallInfo {
            name: &call.name,
            call_id: &call.call_id,
            source,
            args: &args,
            cwd: &ctx.cwd,
        };
        HookedApprover::new(
            ctx.approver.clone(),
            hooks.clone(),
            &info,
            preapproved,
            approved.cloned(),
        )
    };
    if pre.permission == Some(Permission::Ask) {
        let request = ApprovalRequest {
            tool: call.name.clone(),
            summary: approval::shown_call(&call.name, &args),
            reason: pre.permission_reason.clone(),
            always_key: None,
            files: Vec::new(),
            agent: None,
            escalated: false,
            code_in: Vec::new(),
            asked_again: None,
            workspace_programs: Vec::new(),
            outside_writes: None,
        };
        // As every approval prompt: PermissionRequest hooks first, the
        // Notification hooks (`permission_prompt`) while the user is asked.
        let asking = approver(false);
        let answer = asking.ask(request).await;
        if let Some(rewrite) = asking.take_rewrite() {
            return Called::Rewritten(rewrite);
        }
        if answer == ApprovalDecision::Denied {
            return Called::Done(refused(approval::denial_text(
                &asking,
                &format!("this {} call", call.name),
            )));
        }
    }
    let mut hooked_ctx = ctx.clone();
    let hooked = Arc::new(approver(pre.permission == Some(Permission::Allow)));
    hooked_ctx.approver = hooked.clone();
    let mut output = plain_call(tool, &call.name, args.clone(), &hooked_ctx).await;
    if let Some(rewrite) = hooked.take_rewrite() {
        return Called::Rewritten(rewrite);
    }
    if let Some(c) = pre.context_text() {
        output
            .text
            .push_str(&format!("\n\n[PreToolUse hook context]\n{c}"));
    }
    let info = ToolCallInfo {
        name: &call.name,
        call_id: &call.call_id,
        source,
        args: &args,
        cwd: &ctx.cwd,
    };
    let post = hooks.post_tool(&info, &output).await;
    if let Some(replaced) = &post.updated_output {
        super::mcp_output::replace(ctx, call, source, &mut output, replaced);
    }
    if let Some(reason) = &post.block {
        output
            .text
            .push_str(&format!("\n\n[PostToolUse hook] {reason}"));
    }
    if let Some(c) = post.context_text() {
        output
            .text
            .push_str(&format!("\n\n[PostToolUse hook context]\n{c}"));
    }
    Called::Done(output)
}
