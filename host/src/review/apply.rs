//! `quire review apply ID`: a finding's suggested patch, applied by the
//! same apply_patch code the agent uses (confined to the repository).

use std::path::Path;

use serde_json::json;

use super::ReviewError;
use super::report::Report;
use crate::tools::{ApprovalPolicy, SandboxMode, Tool, ToolContext};

/// Applies the suggested patch of finding `id` of the last review of
/// `repo`; the tool's summary of what changed.
pub async fn apply(repo: &Path, id: &str) -> Result<String, ReviewError> {
    let git_dir = super::target::git_dir(repo)?;
    let report = Report::load_last(&git_dir)?;
    let Some(finding) = report
        .findings
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(id.trim()))
    else {
        let known: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
        return Err(ReviewError::Usage(format!(
            "the last review has no finding {id} (it has: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let Some(patch) = &finding.suggested_patch else {
        return Err(ReviewError::Usage(format!(
            "finding {id} ({}) has no suggested patch; fix it by hand",
            finding.title
        )));
    };
    let mut ctx = ToolContext::standalone(repo);
    ctx.sandbox = SandboxMode::WorkspaceWrite;
    ctx.approval_policy = ApprovalPolicy::Never;
    let out = crate::tools::apply_patch::ApplyPatchTool::new()
        .call(json!({ "patch": patch }), &ctx)
        .await
        .map_err(|e| ReviewError::Usage(format!("the patch of {id} does not apply: {e}")))?;
    if out.is_error {
        return Err(ReviewError::Usage(format!(
            "the patch of {id} does not apply: {}",
            out.text
        )));
    }
    Ok(out.text)
}
