//! The approver a tool call gets when hooks exist: `PermissionRequest`
//! hooks answer before the user is asked, a `Notification` hook hears
//! that quire waits for the user, and a `PreToolUse` "allow" approves
//! the call's requests without asking.

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
    pub source: &'static str,
    pub args: Value,
    pub cwd: PathBuf,
    /// A `PreToolUse` hook allowed the call.
    pub preapproved: bool,
    /// The reason of the last denial by a `PermissionRequest` hook.
    pub denied: Mutex<Option<String>>,
}

impl HookedApprover {
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
        if self.preapproved {
            return ApprovalDecision::Approved;
        }
        let call = ToolCallInfo {
            name: &self.name,
            call_id: &self.call_id,
            source: self.source,
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
            Some(Permission::Allow) => return ApprovalDecision::Approved,
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
