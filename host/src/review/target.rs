//! What is reviewed: a target (uncommitted, staged, a base, a commit, a
//! range) turned into a unified diff by git, run as a child process.

use std::path::{Path, PathBuf};

use super::ReviewError;
use crate::git;

/// The change under review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Everything not committed yet (staged and unstaged) against HEAD.
    Uncommitted,
    /// Only what is staged.
    Staged,
    /// The commits since the branch left REF (`git diff REF...HEAD`).
    Base(String),
    /// One commit.
    Commit(String),
    /// `A..B`.
    Range(String),
}

impl Target {
    /// A short description for people and reports.
    pub fn describe(&self) -> String {
        match self {
            Target::Uncommitted => "uncommitted changes".into(),
            Target::Staged => "staged changes".into(),
            Target::Base(r) => format!("changes since {r}"),
            Target::Commit(c) => format!("commit {c}"),
            Target::Range(r) => format!("range {r}"),
        }
    }

    fn check(&self) -> Result<(), ReviewError> {
        let (flag, value) = match self {
            Target::Base(v) => ("--base", v),
            Target::Commit(v) => ("--commit", v),
            Target::Range(v) => ("--range", v),
            _ => return Ok(()),
        };
        if value.is_empty() || value.starts_with('-') || value.chars().any(char::is_whitespace) {
            return Err(ReviewError::Usage(format!(
                "{flag} \"{value}\" is not a git revision: name a branch, tag or commit (for example {flag} origin/main)"
            )));
        }
        if matches!(self, Target::Range(_)) && !value.contains("..") {
            return Err(ReviewError::Usage(format!(
                "--range \"{value}\" needs two revisions: --range A..B"
            )));
        }
        Ok(())
    }
}

/// The repository's top folder, or a usage error outside one.
pub fn repo_root(cwd: &Path) -> Result<PathBuf, ReviewError> {
    match git::run(cwd, &["rev-parse", "--show-toplevel"]) {
        Ok(out) => Ok(PathBuf::from(out.trim())),
        Err(_) => Err(ReviewError::Usage(format!(
            "{} is not inside a git repository: quire review reads the change from git (run it in a repository, or pass -C DIR)",
            cwd.display()
        ))),
    }
}

/// The repository's git folder (where the last review is kept).
pub fn git_dir(repo: &Path) -> Result<PathBuf, ReviewError> {
    let out = git::run(repo, &["rev-parse", "--absolute-git-dir"])
        .map_err(|e| ReviewError::Git(e.explain()))?;
    Ok(PathBuf::from(out.trim()))
}

/// Flags of every diff: plain output, no external tools, renames paired
/// (a moved file is reviewed for what changed, not as all new).
const DIFF_FLAGS: [&str; 4] = ["--no-color", "--no-ext-diff", "-M", "-U3"];

/// The unified diff of `target` in `repo`, as git wrote it (the bytes of
/// a file that is not UTF-8 as they are). git reads the attributes that
/// decide what is binary from the base of the change (git 2.40 on), never
/// from the change itself.
pub fn diff(repo: &Path, target: &Target) -> Result<Vec<u8>, ReviewError> {
    target.check()?;
    if let Target::Commit(c) = target
        && super::shallow::is_cut_off(repo, c)
    {
        return Err(ReviewError::Usage(format!(
            "commit {c} is where this shallow clone's history is cut off: its parent was not fetched, so its change cannot be told from the files it holds (git would show every file as added); fetch its parent with `git fetch --deepen=1` (in GitHub Actions: `fetch-depth: 2` in actions/checkout)"
        )));
    }
    // Paths unquoted, `a/` and `b/`, no colours: quire::git's format.
    let mut args: Vec<String> = Vec::new();
    let base = base_source(repo, target);
    args.extend(super::binary::attr_source(repo, base.as_deref()));
    if let Target::Commit(c) = target {
        // `show` also covers a root commit; a merge shows its first parent's diff.
        args.extend(
            ["show", "--format=", "--diff-merges=first-parent"]
                .iter()
                .map(|s| s.to_string()),
        );
        args.extend(DIFF_FLAGS.iter().map(|s| s.to_string()));
        args.push(c.clone());
    } else {
        args.push("diff".into());
        args.extend(DIFF_FLAGS.iter().map(|s| s.to_string()));
        match target {
            Target::Uncommitted if has_head(repo) => args.push("HEAD".into()),
            // No commit yet: everything staged is new.
            Target::Uncommitted | Target::Staged => args.push("--cached".into()),
            Target::Base(r) => args.push(format!("{r}...HEAD")),
            Target::Range(r) | Target::Commit(r) => args.push(r.clone()),
        }
    }
    args.push("--".into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = git::Git::new(repo).args(&refs).checked();
    out.map(|o| o.stdout).map_err(|e| match target {
        Target::Uncommitted | Target::Staged => ReviewError::Git(e.explain()),
        other => ReviewError::Usage(format!(
            "git cannot diff {}: {} ({})",
            other.describe(),
            e.explain().trim(),
            revision_hint(repo, other, &e.stderr)
        )),
    })
}

/// What to do when git cannot diff a revision target: in a shallow clone
/// (CI's default `fetch-depth: 1`) the history is what is missing, not
/// the revision; two histories with no commit in common have no merge
/// base however much is fetched.
fn revision_hint(repo: &Path, target: &Target, git_said: &str) -> String {
    if let Some(r) = super::shallow::missing_revision(repo, target) {
        return super::fetch_hint::for_missing(repo, &r);
    }
    let no_merge_base = git_said.contains("no merge base");
    if super::shallow::is_shallow(repo) {
        let why = if no_merge_base {
            "so git cannot find where the branch left its base"
        } else {
            "so the revision may be in the part it did not fetch"
        };
        return format!(
            "this clone is shallow (its history is cut off), {why}; fetch the whole history with `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` in actions/checkout)"
        );
    }
    match target {
        Target::Base(r) if no_merge_base => format!(
            "{r} and HEAD have no commit in common; review the difference between them with --range {r}..HEAD"
        ),
        Target::Range(r) if no_merge_base => format!(
            "the two sides of {r} have no commit in common; compare them directly with --range {}",
            r.replacen("...", "..", 1)
        ),
        _ => "check that the revision exists: git fetch, git log".to_string(),
    }
}

fn has_head(repo: &Path) -> bool {
    git::run(repo, &["rev-parse", "--verify", "-q", "HEAD"]).is_ok()
}

/// The revision whose `.gitattributes` and `.quire/review.toml` decide
/// what a review of `target` skips and suppresses: the base of the
/// change, never the change itself (which could mark itself generated or
/// ignore its own findings); `None` for the working tree
/// (`--uncommitted`, `--staged`: the user's own files).
pub fn base_source(repo: &Path, target: &Target) -> Option<String> {
    let rev = match target {
        Target::Uncommitted | Target::Staged => return None,
        Target::Base(r) => format!("{r}...HEAD"),
        Target::Commit(c) => format!("{c}^"),
        Target::Range(r) => r.clone(),
    };
    // A...B and A..B: the merge base (or A); C^: the parent. A commit
    // with no parent, or a base git cannot find, has no attributes.
    let base = match rev.split_once("...") {
        Some((a, b)) => {
            let b = if b.is_empty() { "HEAD" } else { b };
            git::run(repo, &["merge-base", a, b])
                .map(|o| o.trim().to_string())
                .unwrap_or_default()
        }
        None => rev
            .split_once("..")
            .map(|(a, _)| a.to_string())
            .unwrap_or(rev),
    };
    // An empty tree when there is no base: nothing is marked.
    Some(if base.is_empty() {
        EMPTY_TREE.to_string()
    } else {
        base
    })
}

/// git's empty tree.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// Which of `paths` .gitattributes marks `linguist-generated` or
/// `linguist-vendored`, as the attributes read at `source` (a revision;
/// `None`: the working tree) say. `.gitattributes` files themselves are
/// never marked.
pub fn generated_by_attributes(repo: &Path, paths: &[String], source: Option<&str>) -> Vec<String> {
    if paths.is_empty() {
        return Vec::new();
    }
    let source_arg = source.map(|s| format!("--source={s}"));
    let mut args = vec!["check-attr", "-z"];
    if let Some(s) = &source_arg {
        args.push(s);
    }
    args.extend(["linguist-generated", "linguist-vendored", "--"]);
    args.extend(paths.iter().map(String::as_str));
    let Ok(out) = git::run(repo, &args) else {
        return Vec::new();
    };
    let fields: Vec<&str> = out.split('\0').collect();
    let mut marked = Vec::new();
    for triple in fields.chunks(3) {
        if let [path, _attr, value] = triple
            && matches!(*value, "set" | "true")
            && path.rsplit('/').next() != Some(".gitattributes")
            && !marked.iter().any(|m: &String| m.as_str() == *path)
        {
            marked.push(path.to_string());
        }
    }
    marked
}

/// The untracked files of `repo` that git does not ignore (not part of
/// any diff until `git add -N`); none when git cannot tell.
pub fn untracked(repo: &Path) -> Vec<String> {
    git::run(repo, &["ls-files", "-z", "--others", "--exclude-standard"])
        .map(|out| {
            // NUL-separated: a name may hold a line break.
            out.split('\0')
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_like_revisions_are_refused() {
        for t in [
            Target::Base("--output=/tmp/x".into()),
            Target::Commit("".into()),
            Target::Range("main".into()),
        ] {
            assert!(matches!(t.check(), Err(ReviewError::Usage(_))), "{t:?}");
        }
        assert!(Target::Range("a..b".into()).check().is_ok());
    }
}
