//! The reviewed version of a change's files: the text a finding's lines
//! count in, the code shown under it and the `quire-review: ignore`
//! markers read there — never the working tree for a change that is not
//! in it (a commit, a range, the branch since its base, the index).

use std::collections::HashMap;
use std::path::Path;

use super::target::Target;
use crate::git;

/// The text of `file` (repository-relative) in the new version of
/// `target`'s change: the working tree for `--uncommitted`, the index for
/// `--staged`, the commit, `HEAD` for `--base`, B of `--range A..B`;
/// `None` when it cannot be read (gone, not a regular file, not in git).
pub fn new_version(repo: &Path, target: &Target, file: &str) -> Option<String> {
    let Some(rev) = new_rev(target) else {
        // Never blocks on a FIFO put where the file was.
        let bytes = crate::file_kind::read(&repo.join(file)).ok()?;
        return Some(String::from_utf8_lossy(&bytes).into_owned());
    };
    git::run(repo, &["cat-file", "blob", &format!("{rev}:{file}")]).ok()
}

/// The revision holding the new version of `target`'s change (`:0`, the
/// index, for `--staged`); `None` for the working tree (`--uncommitted`).
pub fn new_rev(target: &Target) -> Option<String> {
    Some(match target {
        Target::Uncommitted => return None,
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
    })
}

/// The reviewed version's texts, each read once.
pub struct Versions<'a> {
    repo: &'a Path,
    target: &'a Target,
    known: HashMap<String, Option<String>>,
}

impl<'a> Versions<'a> {
    pub fn new(repo: &'a Path, target: &'a Target) -> Versions<'a> {
        Versions {
            repo,
            target,
            known: HashMap::new(),
        }
    }

    /// The text of `file` in the reviewed version ([`new_version`]).
    pub fn text(&mut self, file: &str) -> Option<&str> {
        let (repo, target) = (self.repo, self.target);
        self.known
            .entry(file.to_string())
            .or_insert_with(|| new_version(repo, target, file))
            .as_deref()
    }
}
