//! `quire review apply ID`: a finding's suggested patch, checked and
//! shown, then applied by the same apply_patch code the agent uses
//! (confined to the repository).
//!
//! The patch comes from a model that read the (possibly hostile) change
//! under review, so it may change only the finding's own file: a file
//! anywhere else, anything under `.git/` (hooks, config) or outside the
//! repository is refused, by name, before anything is written.

use std::path::{Component, Path, PathBuf};

use serde_json::json;

use super::ReviewError;
use super::finding::Finding;
use super::report::Report;
use crate::printable::clean;
use crate::tools::apply_patch::{affected_paths, real_path};
use crate::tools::{ApprovalPolicy, SandboxMode, Tool, ToolContext};

/// A suggested patch that passed the checks, ready to show and apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub id: String,
    /// The files the patch changes (one: the finding's).
    pub files: Vec<String>,
    pub patch: String,
}

impl Prepared {
    /// The patch for people: the files it changes, then its text (escape
    /// sequences dropped: it comes from a model).
    pub fn describe(&self) -> String {
        let mut out = format!(
            "Patch of {} (changes {}):\n",
            self.id,
            self.files
                .iter()
                .map(|f| crate::printable::quoted_name(f))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for line in self.patch.lines() {
            out.push_str("  ");
            out.push_str(&clean(line));
            out.push('\n');
        }
        out
    }
}

/// The files `patch` touches (move targets included), as written in it.
pub fn touched(patch: &str) -> Vec<String> {
    let mut files = affected_paths(patch);
    files.dedup();
    files
}

/// Why `finding`'s suggested patch may not be applied, naming the path
/// refused; `None` when every path it touches is the finding's file.
/// Looks at the text only (see [`prepare`] for the file system).
pub fn refusal(finding: &Finding) -> Option<String> {
    let patch = finding.suggested_patch.as_deref()?;
    let files = touched(patch);
    if files.is_empty() {
        return Some("it is not a patch quire can read (no file in it)".into());
    }
    files.iter().find_map(|p| path_refusal(p, &finding.file))
}

/// Why the patch may not touch `path`, a finding being on `file`.
fn path_refusal(path: &str, file: &str) -> Option<String> {
    let p = Path::new(path);
    let escapes = p
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if p.is_absolute() || escapes {
        // Refused whether or not it leads back inside: a patch names its
        // files from the repository's root, as the finding's file is.
        return Some(format!(
            "it touches {path}: a suggested patch must name files from the repository's root (no absolute path, no ..), as the finding names {file}"
        ));
    }
    if in_git_dir(p) {
        return Some(format!(
            "it touches {path}, inside .git/ (git's own files are never patched)"
        ));
    }
    let plain: PathBuf = p
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if plain != Path::new(file) {
        return Some(format!("it touches {path}, not the finding's file {file}"));
    }
    None
}

/// A `.git` folder anywhere in `path` (any case: some file systems ignore it).
fn in_git_dir(path: &Path) -> bool {
    path.components().any(|c| match c {
        Component::Normal(n) => n.to_string_lossy().eq_ignore_ascii_case(".git"),
        _ => false,
    })
}

/// Why `finding`'s suggested patch may not be applied in `repo`: the
/// checks of [`refusal`], then where its paths really lead (a symlink
/// into `.git/` or out of the repository); what the report shows and
/// what [`prepare`] refuses are the same.
pub fn refusal_in(repo: &Path, finding: &Finding) -> Option<String> {
    let patch = finding.suggested_patch.as_deref()?;
    refusal(finding).or_else(|| {
        let git_dir = super::target::git_dir(repo).unwrap_or_else(|_| repo.join(".git"));
        links_refusal(repo, &git_dir, patch)
    })
}

/// Takes out of `findings` every suggested patch apply would refuse in
/// `repo`, keeping why in `suggested_patch_refused`: the report (`--json`,
/// SARIF, the saved last review) never carries a patch as applicable that
/// the human view calls refused. A patch of a file not `reviewed` (not in
/// the diff the review looked at) is refused too.
pub fn withhold_refused(repo: &Path, reviewed: &[&str], findings: &mut [Finding]) {
    for f in findings {
        let outside = || {
            (f.suggested_patch.is_some() && !reviewed.contains(&f.file.as_str())).then(|| {
                format!(
                    "it changes {}, a file not in the reviewed change; fix it by hand if the finding holds",
                    crate::printable::quoted_name(&f.file)
                )
            })
        };
        if let Some(why) = refusal_in(repo, f).or_else(outside) {
            tracing::debug!(id = %f.id, %why, "suggested patch refused");
            f.suggested_patch = None;
            f.suggested_patch_refused = Some(why);
        }
    }
}

/// The first path of `patch` that, symlinks followed, leads out of
/// `repo` or into its git folder, and where.
fn links_refusal(repo: &Path, git_dir: &Path, patch: &str) -> Option<String> {
    let root = real_path(repo);
    let git = real_path(git_dir);
    touched(patch).iter().find_map(|f| {
        let real = real_path(&root.join(f));
        if !real.starts_with(&root) {
            Some(format!(
                "{f} leads to {}, outside the repository",
                real.display()
            ))
        } else if real.starts_with(&git) || in_git_dir(real.strip_prefix(&root).unwrap_or(&real)) {
            Some(format!("{f} leads to {}, inside .git/", real.display()))
        } else {
            None
        }
    })
}

/// The suggested patch of finding `id` of the last review of `repo`,
/// checked: it changes the finding's file only, which really is in the
/// repository and outside its git folder (symlinks followed).
pub fn prepare(repo: &Path, id: &str) -> Result<Prepared, ReviewError> {
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
    let refuse = |why: String| {
        ReviewError::Usage(format!(
            "refused the suggested patch of {}: {why}; nothing was changed, fix {} by hand",
            finding.id,
            crate::printable::quoted_name(&finding.file)
        ))
    };
    if let Some(why) = &finding.suggested_patch_refused {
        return Err(refuse(clean(why).into_owned()));
    }
    let Some(patch) = &finding.suggested_patch else {
        return Err(ReviewError::Usage(format!(
            "finding {id} ({}) has no suggested patch; fix it by hand",
            finding.title
        )));
    };
    if let Some(why) = refusal(finding).or_else(|| links_refusal(repo, &git_dir, patch)) {
        return Err(refuse(clean(&why).into_owned()));
    }
    let files = touched(patch);
    Ok(Prepared {
        id: finding.id.clone(),
        files,
        patch: patch.clone(),
    })
}

/// Applies a prepared patch in `repo`; the tool's summary of what changed.
pub async fn apply(repo: &Path, prepared: &Prepared) -> Result<String, ReviewError> {
    let id = &prepared.id;
    let mut ctx = ToolContext::standalone(repo);
    ctx.sandbox = SandboxMode::WorkspaceWrite;
    ctx.approval_policy = ApprovalPolicy::Never;
    let out = crate::tools::apply_patch::ApplyPatchTool::new()
        .call(json!({ "patch": prepared.patch }), &ctx)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_findings_own_file_may_be_patched() {
        assert_eq!(path_refusal("src/a.rs", "src/a.rs"), None);
        assert_eq!(path_refusal("./src/a.rs", "src/a.rs"), None);
        let other = path_refusal("src/b.rs", "src/a.rs").unwrap_or_default();
        assert!(other.contains("src/b.rs") && other.contains("not the finding's file"));
        for git in [".git/config", "sub/.GIT/hooks/pre-commit", ".git/hooks/x"] {
            let why = path_refusal(git, git).unwrap_or_default();
            assert!(why.contains(git) && why.contains(".git/"), "{why}");
        }
        for out in ["../x", "/etc/passwd", "a/../../x"] {
            let why = path_refusal(out, out).unwrap_or_default();
            assert!(
                why.contains("from the repository's root (no absolute path, no ..)"),
                "{out}: {why}"
            );
        }
    }

    #[test]
    fn a_patch_moving_the_file_elsewhere_is_refused() {
        let patch = "*** Begin Patch\n*** Update File: a.rs\n*** Move to: .git/hooks/post-checkout\n@@\n-a\n+b\n*** End Patch\n";
        assert_eq!(
            touched(patch),
            vec!["a.rs".to_string(), ".git/hooks/post-checkout".to_string()]
        );
    }
}
