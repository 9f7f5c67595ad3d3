//! The approver a tool call gets when hooks exist: `PermissionRequest`
//! hooks answer before the user is asked, a `Notification` hook hears
//! that quire waits for the user, and a `PreToolUse` "allow" approves
//! the call's requests without asking.

use std::path::PathBuf;
use std::sync::Arc;

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
        if d.stop.is_some() {
            return ApprovalDecision::Denied;
        }
        match d.permission {
            Some(Permission::Deny) => return ApprovalDecision::Denied,
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
}
