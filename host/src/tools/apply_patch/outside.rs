//! A patch that writes outside the workspace (and the writable roots)
//! under `--sandbox workspace-write`: refused under `--approval never`;
//! under `on-request` and `untrusted` prepared anyway (nothing written)
//! so the user is asked with its diff, as Codex asks, and written only
//! once they approve. The user's protected settings folders stay refused.

use super::parse::FileOp;
use super::plan::{self, PlanError, Prepared, Scope};
use crate::tools::{ApprovalPolicy, SandboxMode, ToolError};

/// Why a patch that writes outside the workspace is asked about.
pub(super) struct Outside {
    /// For the approval prompt.
    pub reason: String,
    /// The refusal the patch would get without approval (for the model,
    /// when the user or a non-interactive run says no).
    pub refusal: String,
}

/// The prepared patch, and why to ask when it writes outside the
/// workspace (`None`: it stays inside).
pub(super) async fn prepare(
    ops: Vec<FileOp>,
    scope: Scope,
    policy: ApprovalPolicy,
) -> Result<(Prepared, Option<Outside>), ToolError> {
    let may_ask = policy != ApprovalPolicy::Never && scope.sandbox == SandboxMode::WorkspaceWrite;
    let (first, ops, scope) = super::blocking(move || {
        let r = plan::prepare(&ops, &scope);
        (r, ops, scope)
    })
    .await?;
    let refusal = match first {
        Ok(p) => return Ok((p, None)),
        Err(e @ PlanError::Outside { .. }) if may_ask => e.to_string(),
        Err(e) => return Err(super::plan_error(e)),
    };
    let place = refusal
        .split_once(". Under")
        .map_or(refusal.as_str(), |(first, _)| first)
        .to_string();
    let wide = Scope {
        outside_approved: true,
        ..scope
    };
    // A patch that fails even so (a link moved, a hunk that does not
    // match) is refused for where it writes, nobody asked.
    let prepared = super::blocking(move || plan::prepare(&ops, &wide))
        .await?
        .map_err(|_| ToolError::Denied(refusal.clone()))?;
    Ok((
        prepared,
        Some(Outside {
            reason: format!(
                "writes OUTSIDE the workspace: {place}; approving lets this patch write there"
            ),
            refusal,
        }),
    ))
}
