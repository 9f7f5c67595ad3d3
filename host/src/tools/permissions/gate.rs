//! The rules' gate before a call runs (the registry calls it before the
//! hooks): a denied call is refused, an `ask` asks the user whatever the
//! approval policy (a run without a person refuses it), an allowed one
//! runs without the approval prompts it would otherwise get — except a
//! request to leave the sandbox, which still asks. An `ask` is a prompt
//! like any other: the session's `PermissionRequest` hooks answer first
//! (Claude Code's), so a hook's allow runs the call in `quire exec` too.

use std::sync::Arc;

use serde_json::Value;

use super::{Permissions, Verdict};
use crate::hooks::Hooks;
use crate::hooks::approver::{HookedApprover, PermissionRewrite};
use crate::hooks::tool_events::ToolCallInfo;
use crate::protocol::ToolCall;
use crate::tools::ToolContext;
use crate::tools::approval::{self, ApprovalDecision, ApprovalRequest, Approver};

/// The session's hooks as a call of a tool from `source` meets them.
pub(crate) struct CallHooks<'a> {
    pub hooks: &'a Arc<Hooks>,
    pub source: &'static str,
}

/// What the rules make of a call ([`check`]).
pub(crate) enum Checked {
    /// Run as it would have.
    Plain,
    /// Allowed: run with this approver.
    Allowed(Arc<dyn Approver>),
    /// A `PermissionRequest` hook allowed it with another input: the call
    /// is checked again with that.
    Rewritten(PermissionRewrite),
}

/// What runs the call, or `Err(text)`: not at all (the model's result).
/// `approved`: the input a `PermissionRequest` hook approved before,
/// which an `ask` rule does not ask about again.
pub(crate) async fn check(
    permissions: &Permissions,
    call: &ToolCall,
    args: &Value,
    ctx: &ToolContext,
    hooks: Option<CallHooks<'_>>,
    approved: Option<&Value>,
) -> Result<Checked, String> {
    let name = call.name.as_str();
    let allowed = |rule: String| {
        Checked::Allowed(Arc::new(Allowed {
            inner: ctx.approver.clone(),
            rule,
        }))
    };
    match permissions.check(name, args, &ctx.cwd) {
        Verdict::None => Ok(Checked::Plain),
        Verdict::Deny(text) => Err(text),
        Verdict::Allow(rule) => Ok(allowed(rule)),
        Verdict::Ask(reason) if approved == Some(args) => Ok(allowed(reason)),
        Verdict::Ask(reason) => {
            let request = ApprovalRequest {
                tool: name.to_string(),
                summary: crate::tools::approval::shown_call(name, args),
                reason: Some(reason.clone()),
                ..Default::default()
            };
            // As every approval prompt: PermissionRequest hooks first, the
            // Notification hooks (`permission_prompt`) while the user is asked.
            let hooked = hooks.map(|h| {
                let info = ToolCallInfo {
                    name,
                    call_id: &call.call_id,
                    source: h.source,
                    args,
                    cwd: &ctx.cwd,
                };
                Arc::new(HookedApprover::new(
                    ctx.approver.clone(),
                    h.hooks.clone(),
                    &info,
                    false,
                    None,
                ))
            });
            let asking: Arc<dyn Approver> = match &hooked {
                Some(h) => h.clone(),
                None => ctx.approver.clone(),
            };
            let answer = asking.ask(request).await;
            if let Some(rewrite) = hooked.and_then(|h| h.take_rewrite()) {
                return Ok(Checked::Rewritten(rewrite));
            }
            match answer {
                ApprovalDecision::Denied => Err(approval::denial_text(
                    &*asking,
                    &format!("this {name} call ({reason})"),
                )),
                _ => Ok(allowed(reason)),
            }
        }
    }
}

/// A `grep` result without the lines of files a `Read` deny rule
/// refuses (a search of a whole folder reads them too), saying how many
/// were left out.
pub(crate) fn grep_result(
    permissions: &Permissions,
    mut output: crate::tools::ToolOutput,
    cwd: &std::path::Path,
) -> crate::tools::ToolOutput {
    if output.is_error {
        return output;
    }
    let mut dropped = 0;
    let mut kept = String::with_capacity(output.text.len());
    for line in output.text.split_inclusive('\n') {
        let denied = match_path(line)
            .is_some_and(|p| permissions.denies_read(&crate::hooks::tool_input::absolute(cwd, p)));
        if denied {
            dropped += 1;
        } else {
            kept.push_str(line);
        }
    }
    if dropped > 0 {
        if !kept.is_empty() && !kept.ends_with('\n') {
            kept.push('\n');
        }
        kept.push_str(&format!(
            "[{dropped} matching line(s) of files the permission rules deny reading left out]"
        ));
        output.text = kept;
    }
    output
}

/// The file of a `path:line:text` line of grep's output.
fn match_path(line: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = line[from..].find(':').map(|i| i + from) {
        let rest = &line[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.as_bytes().get(digits) == Some(&b':') {
            return Some(&line[..i]);
        }
        from = i + 1;
    }
    None
}

/// Approves what the call asks within the sandbox; a request to leave
/// it goes to `inner`.
struct Allowed {
    inner: Arc<dyn Approver>,
    rule: String,
}

#[async_trait::async_trait]
impl Approver for Allowed {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        if request.escalated {
            return self.inner.ask(request).await;
        }
        tracing::debug!(rule = %self.rule, tool = %request.tool, "approved by a permission rule");
        ApprovalDecision::Approved
    }

    approval::inner_answers!();

    async fn ran(&self, always_key: &str) {
        self.inner.ran(always_key).await
    }
}
