//! Two installed bundles of one name: which one is loaded, and the
//! warning naming both. A user's own plugin (`~/.agents/plugins`) always
//! wins over a repository's of the same name, so a repository cannot
//! replace the hooks, MCP servers, commands or skills the user installed
//! and approved by shipping a folder of that name; the repository's copy
//! is not loaded at all. Within one scope the first folder in name order
//! wins.

use std::path::Path;

use super::BundleScope;

/// Whether a bundle of `new` scope replaces an already found one of
/// `kept` scope with the same name (only a user's over a repository's).
pub fn replaces(kept: BundleScope, new: BundleScope) -> bool {
    kept == BundleScope::Project && new == BundleScope::User
}

/// Why the bundle `name` at `loser` is not loaded, `winner` being
/// loaded in its place.
pub fn warning(
    name: &str,
    (winner, winner_scope): (&Path, BundleScope),
    (loser, loser_scope): (&Path, BundleScope),
) -> String {
    if winner_scope == BundleScope::User && loser_scope == BundleScope::Project {
        format!(
            "plugin '{name}' of this repository ({}) is not loaded: your own plugin '{name}' ({}) is, because a user plugin always wins over a repository's plugin of the same name (a repository cannot replace your plugin's hooks, MCP servers, commands or skills); rename or remove one of them",
            loser.display(),
            winner.display()
        )
    } else {
        format!(
            "plugin '{name}' at {} is not loaded: the {} plugin at {} has the same name and its folder comes first in name order (of two {} plugins of one name, the first folder is loaded); rename or remove one of them",
            loser.display(),
            winner_scope.label(),
            winner.display(),
            loser_scope.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_user_plugin_replaces_and_the_warning_names_both_paths_and_the_rule() {
        assert!(replaces(BundleScope::Project, BundleScope::User));
        assert!(!replaces(BundleScope::User, BundleScope::Project));
        assert!(!replaces(BundleScope::User, BundleScope::User));
        assert!(!replaces(BundleScope::Project, BundleScope::Project));
        let w = warning(
            "kit",
            (Path::new("/u/kit"), BundleScope::User),
            (Path::new("/r/kit"), BundleScope::Project),
        );
        assert!(w.contains("/u/kit") && w.contains("/r/kit"), "{w}");
        assert!(w.contains("user plugin always wins"), "{w}");
        let w = warning(
            "kit",
            (Path::new("/r/a"), BundleScope::Project),
            (Path::new("/r/b"), BundleScope::Project),
        );
        assert!(w.contains("/r/a") && w.contains("/r/b"), "{w}");
        assert!(w.contains("first in name order"), "{w}");
        assert!(!w.contains("installed earlier"), "{w}");
    }
}
