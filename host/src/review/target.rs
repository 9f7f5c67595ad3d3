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

/// The unified diff of `target` in `repo`.
pub fn diff(repo: &Path, target: &Target) -> Result<String, ReviewError> {
    target.check()?;
    // Paths unquoted, `a/` and `b/`, no colours: quire::git's format.
    let mut args: Vec<String> = Vec::new();
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
    git::run(repo, &refs).map_err(|e| match target {
        Target::Uncommitted | Target::Staged => ReviewError::Git(e.explain()),
        other => ReviewError::Usage(format!(
            "git cannot diff {}: {} (check that the revision exists: git fetch, git log)",
            other.describe(),
            e.explain().trim()
        )),
    })
}

/// The text of `file` (repository-relative) in the new version of
/// `target`'s change: the working tree for `--uncommitted`, the index for
/// `--staged`, the commit, `HEAD` for `--base`, B of `--range A..B`;
/// `None` when it cannot be read.
pub fn new_version(repo: &Path, target: &Target, file: &str) -> Option<String> {
    let rev = match target {
        Target::Uncommitted => {
            let bytes = std::fs::read(repo.join(file)).ok()?;
            return Some(String::from_utf8_lossy(&bytes).into_owned());
        }
        // Stage 0: a name such as `1:x` is not read as a stage.
        Target::Staged => ":0".to_string(),
        Target::Base(_) => "HEAD".to_string(),
        Target::Commit(c) => c.clone(),
        Target::Range(r) => {
            let b = r
                .split_once("...")
                .or_else(|| r.split_once(".."))
                .map_or("", |(_, b)| b);
            if b.is_empty() { "HEAD" } else { b }.to_string()
        }
    };
    git::run(repo, &["cat-file", "blob", &format!("{rev}:{file}")]).ok()
}

fn has_head(repo: &Path) -> bool {
    git::run(repo, &["rev-parse", "--verify", "-q", "HEAD"]).is_ok()
}

/// The revision whose `.gitattributes` decides what a review of `target`
/// skips: the base of the change, never the change itself (which could
/// mark itself generated); `None` for the working tree (`--uncommitted`,
/// `--staged`: the user's own files).
pub fn attributes_source(repo: &Path, target: &Target) -> Option<String> {
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
