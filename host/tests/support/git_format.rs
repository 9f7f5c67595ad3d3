//! A repository's git setup that changes how git writes diffs (what a
//! user's `~/.gitconfig` or a repository may well say): no `a/` and
//! `b/` prefixes or other ones, paths relative to the folder, non-ASCII
//! paths quoted, colours always.

use std::path::Path;
use std::process::Command;

/// Sets every format setting in the configuration of the repository at
/// `repo`.
pub fn unusual(repo: &Path) {
    for (key, value) in [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.srcPrefix", "from/"),
        ("diff.dstPrefix", "to/"),
        ("diff.relative", "true"),
        ("core.quotePath", "true"),
        ("color.ui", "always"),
        ("color.diff", "always"),
    ] {
        let set = Command::new("git")
            .args(["config", key, value])
            .current_dir(repo)
            .status()
            .expect("git config");
        assert!(set.success(), "git config {key} {value}");
    }
}
