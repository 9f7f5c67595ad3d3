//! A patch that writes outside the workspace (and the writable roots)
//! under `--sandbox workspace-write`: refused under `--approval never`;
//! under `on-request` and `untrusted` prepared anyway (nothing written)
//! so the user is asked with its diff, as Codex asks, and written only
//! once they approve. Every path that leaves the workspace (through
//! `..`, an absolute path or a link anywhere on the way, a Move's
//! destination too) is named with where it really is, in the reason and
//! on its file's line. The user's protected settings folders stay
//! refused, before anyone is asked. The question offers "always" for
//! the folders the patch writes in ([`super::allow_folder`]).

use super::allow_folder;
use super::diff::FileDiff;
use super::parse::FileOp;
use super::plan::{self, Beyond, Change, PlanError, Prepared, Scope};
use crate::tools::approval::OutsideWrites;
use crate::tools::{ApprovalPolicy, SandboxMode, ToolError};

/// Why a patch that writes outside the workspace is asked about.
pub(super) struct Outside {
    /// For the approval prompt.
    pub reason: String,
    /// The refusal the patch would get without approval (for the model,
    /// when the user or a non-interactive run says no).
    pub refusal: String,
    /// Where it writes outside, and what "always" would allow.
    pub writes: OutsideWrites,
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
    let (shown, real, places) = match first {
        Ok(p) => return Ok((p, None)),
        Err(PlanError::Outside {
            shown,
            real,
            places,
        }) => (shown, real, places),
        Err(e) => return Err(super::plan_error(e)),
    };
    // Every path that leaves the workspace, not just the first; one in a
    // protected folder refuses the patch, naming it.
    let (all, ops, scope) = super::blocking(move || {
        let r = plan::beyond(&ops, &scope);
        (r, ops, scope)
    })
    .await?;
    let mut all = all.map_err(super::plan_error)?;
    if all.is_empty() {
        // A link changed between the two looks: the first one's word.
        all.push(Beyond {
            shown,
            real: real.into(),
        });
    }
    let refusal = refusal(&all, places);
    if !may_ask {
        return Err(ToolError::Denied(refusal));
    }
    // Under untrusted a write inside the workspace is asked about too,
    // and no outside folder allowed answers it.
    let asked_inside = policy == ApprovalPolicy::Untrusted
        && every_path(&ops).any(|p| !all.iter().any(|b| b.shown == *p));
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(std::path::PathBuf::from);
    let paths = all.iter().map(|b| b.real.clone()).collect();
    let cwd = scope.cwd.clone();
    let writes =
        super::blocking(move || allow_folder::writes(paths, &cwd, home.as_deref(), asked_inside))
            .await?;
    let wide = Scope {
        outside_approved: true,
        ..scope
    };
    // A patch that fails even so (a hunk that does not match, a file
    // that is missing) gets its own error: the model can fix it.
    let mut prepared = super::blocking(move || plan::prepare(&ops, &wide))
        .await?
        .map_err(super::plan_error)?;
    for (change, diff) in prepared.changes.iter().zip(prepared.diffs.iter_mut()) {
        mark(change, diff, &all);
    }
    Ok((
        prepared,
        Some(Outside {
            reason: format!(
                "writes OUTSIDE the workspace: {}; approving lets this patch write there",
                listed(&all)
            ),
            refusal,
            writes,
        }),
    ))
}

/// Every path a patch names (a move's destination too).
fn every_path(ops: &[FileOp]) -> impl Iterator<Item = &String> {
    ops.iter().flat_map(|op| {
        let (path, to) = match op {
            FileOp::Add { path, .. } | FileOp::Delete { path } => (path, None),
            FileOp::Update { path, move_to, .. } => (path, move_to.as_ref()),
        };
        std::iter::once(path).chain(to)
    })
}

/// `a → /real/a, b → /real/b` (a path shown as it is when it is its
/// real path already).
fn listed(all: &[Beyond]) -> String {
    let one = |b: &Beyond| {
        let real = b.real.display().to_string();
        let shown = crate::printable::quoted_name(&b.shown);
        match real == b.shown {
            true => shown.into_owned(),
            false => format!("{shown} → {}", crate::printable::quoted_name(&real)),
        }
    };
    all.iter().map(one).collect::<Vec<_>>().join(", ")
}

/// What the model is told when the patch is not approved: every path
/// that leaves the workspace, and what it can do.
fn refusal(all: &[Beyond], places: String) -> String {
    let first = PlanError::Outside {
        shown: all[0].shown.clone(),
        real: all[0].real.display().to_string(),
        places: places.clone(),
    }
    .to_string();
    if all.len() == 1 {
        return first;
    }
    let rest = first
        .split_once(". Under")
        .map_or(String::new(), |(_, rest)| format!(" Under{rest}"));
    format!(
        "{} paths of this patch are outside {places}: {}.{rest}",
        all.len(),
        listed(all)
    )
}

/// Marks the file's line of the question with where it really is.
fn mark(change: &Change, diff: &mut FileDiff, all: &[Beyond]) {
    let real = |p: &str| {
        all.iter()
            .find(|b| b.shown == p)
            .map(|b| b.real.display().to_string())
    };
    match change {
        Change::Add(p) | Change::Update(p) | Change::Delete(p) => diff.outside = real(p),
        Change::Move { from, to } => {
            diff.outside = real(to);
            diff.outside_from = real(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(shown: &str, real: &str) -> Beyond {
        Beyond {
            shown: shown.into(),
            real: real.into(),
        }
    }

    #[test]
    fn every_outside_path_is_named_with_where_it_is() {
        let all = [
            b("../o.txt", "/t/o.txt"),
            b("vendor/.bashrc", "/home/u/.bashrc"),
        ];
        assert_eq!(
            listed(&all),
            "../o.txt → /t/o.txt, vendor/.bashrc → /home/u/.bashrc"
        );
        let text = refusal(&all, "the workspace /w".into());
        assert!(
            text.starts_with("2 paths of this patch are outside the workspace /w: ../o.txt → /t/o.txt, vendor/.bashrc → /home/u/.bashrc. Under --sandbox workspace-write"),
            "{text}"
        );
        assert_eq!(listed(&[b("/t/n.txt", "/t/n.txt")]), "/t/n.txt");
    }
}
