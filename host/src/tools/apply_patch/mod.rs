//! The `apply_patch` tool: creates, edits, moves and deletes files with a
//! patch in the Codex CLI format. A patch applies completely or not at all:
//! every file's new content is computed in memory first, then all are
//! written (temp file + rename), and a failed write restores the others.
//! So does a stop (Esc, Ctrl-C, SIGTERM, SIGHUP) that comes before the
//! last file is in place; one that comes after finds the patch applied,
//! and the result says so (the registry waits for it, see
//! `tools::writing`).

mod allow_folder;
mod apply;
mod beneath;
mod bom;
mod commit;
mod diff;
mod line_diff;
mod originals;
mod outside;
mod parse;
mod paths;
mod pause;
mod plan;
mod put_back;
#[cfg(test)]
mod race_tests;
mod rewrite;
mod roots;
mod scan;
mod seek;
mod stale_tmp;
mod steps;
mod swap;
mod udiff;

use schemars::JsonSchema;
use serde_json::{Value, json};

use super::typed::{Typed, TypedTool};
use super::{
    ApprovalDecision, ApprovalPolicy, ApprovalRequest, SandboxMode, ToolContext, ToolError,
    ToolOutput, approval,
};
use commit::CommitError;
pub use commit::writes as patches_committed;
pub use diff::{FileDiff, hex, is_binary, is_partial, sha256_hex};
pub use originals::{Original, Restored, UndoError, is_back, restore as undo};
pub use paths::{normalize, real_path};
use plan::{Change, PlanError, Prepared, Scope};
/// `/undo` after a resume: a file rebuilt from its record put back as a
/// kept original is.
pub use put_back::put_back;
pub use scan::file_sha256;

const DESCRIPTION: &str = r#"Create, edit, move and delete files with a patch. The `patch` argument is the whole patch text:

*** Begin Patch
(one or more file sections)
*** End Patch

File sections:
*** Add File: <path>      followed by the new file's lines, each starting with '+'
*** Delete File: <path>   nothing follows
*** Update File: <path>   optionally followed by '*** Move to: <new path>', then one or more hunks

A hunk starts with a line '@@', optionally followed by the text of a line that comes before the change (such as a function or class header) to say where the hunk is when the context alone is ambiguous. Every following line starts with one character:
' ' (a space) an unchanged context line, '-' a line to remove, '+' a line to add.
Copy the context and '-' lines exactly from the file; together they must appear in the file in that order. Give about 3 context lines before and after each change. Several changes in one file are several hunks, in file order. End a hunk with a line '*** End of File' when it must match at the end of the file.

Paths are relative to the working directory (or absolute). Missing directories are created. The patch applies completely or not at all; on failure nothing is changed and the error says what did not match.

Example:
*** Begin Patch
*** Add File: docs/hello.txt
+Hello, world!
*** Update File: src/app.py
@@ def greet(name):
     greeting = "Hi"
-    print(greeting)
+    print(f"{greeting}, {name}")
     return None
*** Delete File: src/unused.py
*** End Patch"#;

#[derive(serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The whole patch, from '*** Begin Patch' to '*** End Patch'.
    patch: String,
}

/// The `apply_patch` tool ([`ApplyPatch`] as a [`super::Tool`]).
pub type ApplyPatchTool = Typed<ApplyPatch>;

#[derive(Default)]
pub struct ApplyPatch;

impl TypedTool for ApplyPatch {
    type Args = Args;
    const NAME: &'static str = "apply_patch";
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = false;
    const DESTRUCTIVE: bool = false;

    fn invalid_arguments(_: serde_json::Error) -> ToolError {
        ToolError::InvalidArguments("'patch' must be a string holding the whole patch text".into())
    }

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        if ctx.sandbox == SandboxMode::ReadOnly {
            return Err(ToolError::Denied(read_only_denial(ctx.sandbox_fixed)));
        }
        let patch = args.patch.as_str();
        let ops = parse::parse(patch).map_err(|e| ToolError::InvalidArguments(e.to_string()))?;
        let scope = Scope {
            cwd: ctx.cwd.clone(),
            workspace: ctx.workspace.clone(),
            sandbox: ctx.sandbox,
            protected: crate::config::protected::folders(),
            writable_roots: ctx.writable_roots.clone(),
            outside_approved: false,
        };
        let (prepared, outside) = outside::prepare(ops, scope, ctx.approval_policy).await?;
        let Prepared {
            staged,
            changes,
            mut diffs,
            originals,
            mut notes,
        } = prepared;
        let asked = ctx.approval_policy == ApprovalPolicy::Untrusted || outside.is_some();
        if asked {
            let summary: Vec<String> = changes.iter().map(Change::describe).collect();
            let request = ApprovalRequest {
                tool: "apply_patch".into(),
                summary: summary.join(", "),
                reason: outside.as_ref().map(|o| o.reason.clone()),
                always_key: None,
                files: diffs.clone(),
                agent: None,
                escalated: outside.is_some(),
                code_in: Vec::new(),
                asked_again: None,
                workspace_programs: Vec::new(),
                outside_writes: outside.as_ref().map(|o| o.writes.clone()),
            };
            if ctx.approver.ask(request).await == ApprovalDecision::Denied {
                let denial = approval::denial_text(ctx.approver.as_ref(), "this patch");
                return Err(ToolError::Denied(match outside {
                    Some(o) => format!("{denial} ({})", o.refusal),
                    None => denial,
                }));
            }
        }
        // From here the call answers for itself when stopped: what it
        // wrote, or that it put everything back.
        super::writing::started();
        let cancel = ctx.cancel.clone();
        let committed = blocking(move || staged.commit(asked, &|| cancel.is_cancelled())).await?;
        match committed {
            Ok(()) => {}
            Err(CommitError::Stopped { unrestored }) => {
                return Ok(stopped(&unrestored, &changes, &diffs));
            }
            Err(e) => return Err(ToolError::Failed(e.to_string())),
        }
        for (diff, original) in diffs.iter_mut().zip(originals) {
            let Some(original) = original else { continue };
            let len = original.bytes.as_ref().map_or(0, |(b, _)| b.len());
            diff.undo = originals::keep(original);
            if diff.undo.is_none() {
                notes.push(originals::not_kept(&diff.path, len as u64));
            }
        }
        tracing::debug!(files = changes.len(), "apply_patch: applied");
        let mut out = output(&changes, &diffs, &notes);
        if ctx.cancel.is_cancelled() {
            out.text
                .push_str("\nThe stop came after every file was written: the patch is applied.");
        }
        Ok(out)
    }
}

pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ToolError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ToolError::Failed(format!("the patch task stopped unexpectedly: {e}")))
}

pub(super) fn plan_error(e: PlanError) -> ToolError {
    match e {
        PlanError::Outside { .. }
        | PlanError::Protected { .. }
        | PlanError::Roots(roots::RootsError::WorkspaceChanged(_)) => {
            ToolError::Denied(e.to_string())
        }
        other => ToolError::Failed(other.to_string()),
    }
}

fn output(changes: &[Change], diffs: &[FileDiff], notes: &[String]) -> ToolOutput {
    let mut text = String::from("Success. Updated the following files:");
    for c in changes {
        text.push('\n');
        text.push_str(&c.status_line());
    }
    for n in notes {
        text.push('\n');
        text.push_str(n);
    }
    // Each file's status, path, line counts and unified diff.
    let files: Vec<Value> = diffs
        .iter()
        .filter_map(|d| serde_json::to_value(d).ok())
        .collect();
    ToolOutput {
        text,
        structured: Some(json!({ "files": files })),
        is_error: false,
    }
}

/// The result of a patch stopped before its last file was in place:
/// nothing changed, or (when putting back failed) the files that hold
/// the patched content, with their diffs so `/diff` and `/undo` see them.
fn stopped(unrestored: &[String], changes: &[Change], diffs: &[FileDiff]) -> ToolOutput {
    let reason = crate::protocol::interrupt::reason();
    let text = format!(
        "apply_patch {reason}; {}",
        CommitError::Stopped {
            unrestored: unrestored.to_vec()
        }
    );
    let names = |c: &Change| match c {
        Change::Move { from, to } => vec![from.clone(), to.clone()],
        Change::Add(p) | Change::Update(p) | Change::Delete(p) => vec![p.clone()],
    };
    let files: Vec<Value> = changes
        .iter()
        .zip(diffs)
        .filter(|(c, _)| names(c).iter().any(|n| unrestored.contains(n)))
        .filter_map(|(_, d)| serde_json::to_value(d).ok())
        .collect();
    let status = crate::protocol::CallStatus::Interrupted.as_str();
    ToolOutput {
        text,
        structured: Some(json!({ "status": status, "files": files })),
        is_error: true,
    }
}

/// The files a patch touches (targets of moves included), as written in
/// it; empty when it does not parse. Hooks get these as `file_path`s.
pub fn affected_paths(patch: &str) -> Vec<String> {
    let Ok(ops) = parse::parse(patch) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for op in ops {
        match op {
            parse::FileOp::Add { path, .. } | parse::FileOp::Delete { path } => out.push(path),
            parse::FileOp::Update { path, move_to, .. } => {
                out.push(path);
                out.extend(move_to);
            }
        }
    }
    out
}

pub use rewrite::{FileRewrite, rewrite_file};

/// One file of a patch, as hooks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchFile {
    /// `add`, `update`, `delete` or `move`.
    pub operation: &'static str,
    pub path: String,
    /// The target of a move.
    pub move_to: Option<String>,
    /// Context and removed lines of every hunk (an add: empty).
    pub old_text: String,
    /// Context and added lines of every hunk (an add: its content).
    pub new_text: String,
}

/// The files of a patch with what changes in each; empty when it does
/// not parse.
pub fn patch_files(patch: &str) -> Vec<PatchFile> {
    let Ok(ops) = parse::parse(patch) else {
        return Vec::new();
    };
    let text = |lines: &[String]| {
        let mut s = lines.join("\n");
        if !lines.is_empty() {
            s.push('\n');
        }
        s
    };
    ops.into_iter()
        .map(|op| match op {
            parse::FileOp::Add { path, lines } => PatchFile {
                operation: "add",
                path,
                move_to: None,
                old_text: String::new(),
                new_text: text(&lines),
            },
            parse::FileOp::Delete { path } => PatchFile {
                operation: "delete",
                path,
                move_to: None,
                old_text: String::new(),
                new_text: String::new(),
            },
            parse::FileOp::Update {
                path,
                move_to,
                hunks,
            } => {
                let (mut old, mut new) = (Vec::new(), Vec::new());
                for h in &hunks {
                    for l in &h.lines {
                        match l {
                            parse::HunkLine::Context(t) => {
                                old.push(t.clone());
                                new.push(t.clone());
                            }
                            parse::HunkLine::Remove(t) => old.push(t.clone()),
                            parse::HunkLine::Add(t) => new.push(t.clone()),
                        }
                    }
                }
                PatchFile {
                    operation: if move_to.is_some() { "move" } else { "update" },
                    path,
                    move_to,
                    old_text: text(&old),
                    new_text: text(&new),
                }
            }
        })
        .collect()
}

/// Why apply_patch cannot write in a read-only sandbox, and where the
/// restriction comes from: the agent's definition (`sandbox_fixed`) or
/// the session's sandbox setting.
fn read_only_denial(fixed: bool) -> String {
    if fixed {
        format!(
            "this agent's definition makes its sandbox read-only ({}), so apply_patch cannot change files. Answer with the change you would make instead.",
            crate::tools::sandbox::FIXED_BY
        )
    } else {
        format!(
            "the sandbox is read-only (the session's sandbox setting: --sandbox read-only or sandbox = \"read-only\" in its config at start, or /approvals read-only in the session), so apply_patch cannot change files. Tell the user what you would change; they can allow edits with {}.",
            crate::tools::sandbox::WRITES_ALLOWED_BY
        )
    }
}
