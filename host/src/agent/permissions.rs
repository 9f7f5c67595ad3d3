//! `/approvals` (Codex's `/permissions`): the sandbox and approval policy
//! changed while the session runs. The next tool call runs under them
//! (the tool context is built from the config per call), subagents
//! spawned after take them (through [`super::CurrentModel`]), the model
//! is told in a note after the next message (`settings_said.rs`; the
//! system prompt stays as it began), hooks' inputs carry the new
//! `permission_mode` from then on, a custom command's `` !`…` `` lines
//! run in the new sandbox (they read [`Session::sandbox`]) and the
//! session file records the change (`quire sessions show`, resume's
//! note).

use super::Session;
use crate::tools::{ApprovalPolicy, SandboxMode};

/// Why the sandbox was not changed.
#[derive(Debug, thiserror::Error)]
pub enum PermissionsRefused {
    /// The session runs a subagent whose definition fixes it read-only.
    #[error(
        "this agent's sandbox is fixed to {now} (its definition says sandbox_mode = \"read-only\"): it cannot be changed while it runs; nothing was changed"
    )]
    Fixed { now: SandboxMode },
    /// The kernel cannot enforce the mode asked for.
    #[error("{reason}; the sandbox stays {now}, nothing was changed")]
    Unsupported { now: SandboxMode, reason: String },
}

impl Session {
    /// The sandbox the model's commands run in now.
    pub fn sandbox(&self) -> SandboxMode {
        self.config.sandbox
    }

    /// When quire asks before acting, now.
    pub fn approval(&self) -> ApprovalPolicy {
        self.config.approval
    }

    /// The folders outside the workspace patches may write under without
    /// asking, allowed by "always" answers this session (kept by `/new`
    /// as the commands' "always" answers are).
    pub fn outside_folders_allowed(&self) -> Vec<std::path::PathBuf> {
        crate::tools::Approver::outside_folders(self.approver.as_ref())
    }

    /// Changes when quire asks before acting (`/approvals POLICY`).
    pub fn set_approval(&mut self, policy: ApprovalPolicy) {
        let changed = policy != self.config.approval;
        self.config.approval = policy;
        // Its subagents ask as it does now.
        self.current_model.set_approval(policy);
        if changed {
            self.record_settings();
        }
    }

    /// Changes the sandbox and the approval policy together (`/approvals
    /// read-only|auto|full-access`); neither changes when the sandbox
    /// cannot.
    pub fn set_permissions(
        &mut self,
        sandbox: SandboxMode,
        approval: ApprovalPolicy,
    ) -> Result<(), PermissionsRefused> {
        let now = self.config.sandbox;
        if sandbox != now {
            if self.config.sandbox_fixed {
                return Err(PermissionsRefused::Fixed { now });
            }
            crate::tools::sandbox::check_support(sandbox, self.config.network).map_err(|e| {
                PermissionsRefused::Unsupported {
                    now,
                    reason: e.to_string(),
                }
            })?;
            self.config.sandbox = sandbox;
            // Its subagents run in it (narrowed by their definitions).
            self.current_model.set_sandbox(sandbox);
        }
        let approval_changed = approval != self.config.approval;
        self.set_approval(approval);
        if sandbox != now && !approval_changed {
            self.record_settings();
        }
        Ok(())
    }

    /// Records the switch and tells the hooks (every call where one of
    /// the two changed, after both are set).
    fn record_settings(&mut self) {
        if let Some(hooks) = self.hooks.as_ref().filter(|_| self.own_hooks) {
            hooks.set_permissions(self.config.approval, self.config.sandbox);
        }
        let (sandbox, approval) = (
            self.config.sandbox.to_string(),
            self.config.approval.to_string(),
        );
        if let Err(e) = self.writer.append_settings_switch(&sandbox, &approval) {
            self.warn(format!(
                "{e}; the session file does not record the switch to sandbox {sandbox} and approval {approval}"
            ));
        }
    }
}
