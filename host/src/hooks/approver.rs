//! The approver a tool call gets when hooks exist: `PermissionRequest`
//! hooks answer before the user is asked, a `Notification` hook hears
//! that quire waits for the user, and a `PreToolUse` "allow" approves
//! the call's requests without asking. A `PermissionRequest` hook that
//! allows the call with a changed input (`updatedInput`) refuses this
//! one and leaves the input it approved ([`PermissionRewrite`]): the
//! call runs again with it, and that input is approved.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::tool_events::ToolCallInfo;
use super::{Hooks, Permission};
use crate::tools::{ApprovalDecision, ApprovalRequest, Approver};

pub struct HookedApprover {
    pub inner: Arc<dyn Approver>,
    pub hooks: Arc<Hooks>,
    pub name: String,
    pub call_id: String,
    pub source: String,
    pub args: Value,
    pub cwd: PathBuf,
    /// A `PreToolUse` hook allowed the call.
    pub preapproved: bool,
    /// The input a `PermissionRequest` hook approved before (its
    /// `updatedInput`): a request of the call with exactly these
    /// arguments is approved without asking again.
    pub approved_input: Option<Value>,
    /// The reason of the last denial by a `PermissionRequest` hook.
    pub denied: Mutex<Option<String>>,
    /// A `PermissionRequest` hook allowed the call with another input.
    pub rewrite: Mutex<Option<PermissionRewrite>>,
}

/// The input a `PermissionRequest` hook allowed in place of the call's
/// (`decision.updatedInput`), already in quire's arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct PermissionRewrite {
    pub arguments: Value,
    /// The hooks that rewrote it (labels).
    pub hook: String,
}

impl HookedApprover {
    /// The approver of the call `call` (nothing approved yet).
    pub fn new(
        inner: Arc<dyn Approver>,
        hooks: Arc<Hooks>,
        call: &ToolCallInfo<'_>,
        preapproved: bool,
        approved_input: Option<Value>,
    ) -> HookedApprover {
        HookedApprover {
            inner,
            hooks,
            name: call.name.to_string(),
            call_id: call.call_id.to_string(),
            source: call.source.to_string(),
            args: call.args.clone(),
            cwd: call.cwd.to_path_buf(),
            preapproved,
            approved_input,
            denied: Default::default(),
            rewrite: Default::default(),
        }
    }

    /// The input a `PermissionRequest` hook allowed instead, once.
    pub fn take_rewrite(&self) -> Option<PermissionRewrite> {
        self.rewrite.lock().ok().and_then(|mut g| g.take())
    }

    fn deny(&self, reason: String) -> ApprovalDecision {
        if let Ok(mut g) = self.denied.lock() {
            *g = Some(reason);
        }
        ApprovalDecision::Denied
    }
}

#[async_trait::async_trait]
impl Approver for HookedApprover {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        if self.preapproved || self.approved_input.as_ref() == Some(&self.args) {
            return ApprovalDecision::Approved;
        }
        // The call is to run again with the input a hook allowed: nothing
        // more of this one is approved.
        if self.rewrite.lock().is_ok_and(|g| g.is_some()) {
            return ApprovalDecision::Denied;
        }
        let call = ToolCallInfo {
            name: &self.name,
            call_id: &self.call_id,
            source: &self.source,
            args: &self.args,
            cwd: &self.cwd,
        };
        let d = self.hooks.permission_request(&call, &request.summary).await;
        if let Some(why) = d.stop {
            return self.deny(why);
        }
        match d.permission {
            Some(Permission::Deny) => {
                let why = d
                    .block
                    .or(d.permission_reason)
                    .unwrap_or_else(|| "no reason given".into());
                return self.deny(why);
            }
            Some(Permission::Allow) => {
                let Some(arguments) = d.updated_input.filter(|u| *u != self.args) else {
                    return ApprovalDecision::Approved;
                };
                if let Ok(mut g) = self.rewrite.lock() {
                    *g = Some(PermissionRewrite {
                        arguments,
                        hook: d.rewritten_by.unwrap_or_default(),
                    });
                }
                return ApprovalDecision::Denied;
            }
            _ => {}
        }
        if self.inner.is_interactive() {
            let msg = format!("quire needs your permission to use {}", request.tool);
            let (_, answer) = tokio::join!(
                self.hooks.notify("permission_prompt", &msg),
                self.inner.ask(request)
            );
            answer
        } else {
            self.inner.ask(request).await
        }
    }

    fn is_interactive(&self) -> bool {
        self.inner.is_interactive()
    }

    fn denial_reason(&self) -> Option<String> {
        self.inner.denial_reason()
    }

    fn rule_denial(&self) -> Option<String> {
        self.inner.rule_denial()
    }

    fn hook_denial(&self) -> Option<String> {
        self.denied.lock().ok().and_then(|mut g| g.take())
    }

    async fn ran(&self, always_key: &str) {
        self.inner.ran(always_key).await
    }
}
