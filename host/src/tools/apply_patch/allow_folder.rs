//! The folder an "always" answer to a patch writing outside the
//! workspace allows for the rest of the session: the nearest existing
//! folder holding the path, or the root of the git repository holding
//! that folder (a sibling checkout: `../other-repo`). Never `/`, the
//! home folder or a folder holding it: a repository there (dotfiles kept
//! in git at `~`) gives way to the nearest folder, and when that is one
//! of them no "always" is offered.

use std::path::{Component, Path, PathBuf};

use crate::tools::approval::OutsideWrites;

/// What the question of a patch writing at `paths` (real, outside the
/// workspace) carries for "always", named as seen from `cwd`; `home`
/// is the user's home folder.
pub(super) fn writes(
    paths: Vec<PathBuf>,
    cwd: &Path,
    home: Option<&Path>,
    asked_inside: bool,
) -> OutsideWrites {
    let found: Option<Vec<PathBuf>> = paths.iter().map(|p| folder(p, home)).collect();
    let mut folders: Vec<PathBuf> = Vec::new();
    for f in found.unwrap_or_default() {
        if folders.iter().any(|a| f.starts_with(a)) {
            continue;
        }
        folders.retain(|a| !a.starts_with(&f));
        folders.push(f);
    }
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let shown = folders
        .iter()
        .map(|f| shown(f, &cwd))
        .collect::<Vec<_>>()
        .join(", ");
    OutsideWrites {
        paths,
        folders,
        shown,
        asked_inside,
    }
}

/// The folder "always" allows for the real path `path`; `None` when it
/// would be `/`, the home folder or a folder holding it.
fn folder(path: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let near = path
        .ancestors()
        .skip(1)
        .find(|d| std::fs::metadata(d).is_ok_and(|m| m.is_dir()))?;
    let fits = |d: &Path| !too_wide(d, home);
    let repo = crate::config::repo_root(near).filter(|r| fits(r));
    repo.or_else(|| fits(near).then(|| near.to_path_buf()))
}

/// `/`, the home folder, or a folder holding it (links resolved).
fn too_wide(d: &Path, home: Option<&Path>) -> bool {
    let Some(home) = home else {
        return d.parent().is_none();
    };
    let real = std::fs::canonicalize(home).unwrap_or_else(|_| home.to_path_buf());
    d.parent().is_none() || home.starts_with(d) || real.starts_with(d)
}

/// `folder` as the question names it: relative to the workspace when it
/// lies beside it (up to two `..`), else in full.
fn shown(folder: &Path, cwd: &Path) -> String {
    let common = folder
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = cwd.components().count() - common;
    let rest: PathBuf = folder.components().skip(common).collect();
    let holds_cwd = rest.as_os_str().is_empty();
    let at_root = common <= 1 && matches!(folder.components().next(), Some(Component::RootDir));
    let text = match ups {
        1 | 2 if !holds_cwd && !at_root => {
            let mut p: PathBuf = std::iter::repeat_n("..", ups).collect();
            p.push(rest);
            p.display().to_string()
        }
        _ => folder.display().to_string(),
    };
    crate::printable::quoted_name(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(p: &Path) -> PathBuf {
        std::fs::canonicalize(p).unwrap()
    }

    #[test]
    fn the_folder_is_the_nearest_existing_one_or_its_repository() {
        let top = tempfile::tempdir().unwrap();
        let top = real(top.path());
        std::fs::create_dir_all(top.join("plain/sub")).unwrap();
        std::fs::create_dir_all(top.join("repo/.git")).unwrap();
        std::fs::create_dir_all(top.join("repo/src")).unwrap();
        let home = top.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let h = Some(home.as_path());
        // A new file in folders not made yet: the nearest existing one.
        let new = top.join("plain/sub/a/b/new.txt");
        assert_eq!(folder(&new, h), Some(top.join("plain/sub")));
        assert_eq!(
            folder(&top.join("repo/src/x.rs"), h),
            Some(top.join("repo"))
        );
        // The home folder, a folder holding it, `/`: none.
        assert_eq!(folder(&home.join("notes.txt"), h), None);
        assert_eq!(folder(&top.join("x.txt"), h), None);
        assert_eq!(folder(Path::new("/quire-no-such-folder/x"), h), None);
        // A repository at home (dotfiles): the nearest folder instead.
        std::fs::create_dir_all(home.join(".git")).unwrap();
        std::fs::create_dir_all(home.join("notes")).unwrap();
        assert_eq!(
            folder(&home.join("notes/n.md"), h),
            Some(home.join("notes"))
        );
        assert_eq!(folder(&home.join("n.md"), h), None);
    }

    #[test]
    fn no_always_when_one_path_has_no_folder() {
        let top = tempfile::tempdir().unwrap();
        let top = real(top.path());
        let paths = vec![top.join("a.txt"), PathBuf::from("/quire-no-such-folder/x")];
        let w = writes(paths, &top, None, false);
        assert!(w.folders.is_empty() && !w.offers_always());
    }

    #[test]
    fn folders_beside_the_workspace_are_named_from_it() {
        let c = Path::new("/w/code/proj");
        assert_eq!(shown(Path::new("/w/code/other"), c), "../other");
        assert_eq!(shown(Path::new("/w/lib/x"), c), "../../lib/x");
        assert_eq!(shown(Path::new("/w/code"), c), "/w/code");
        assert_eq!(shown(Path::new("/srv/x"), c), "/srv/x");
        assert_eq!(shown(Path::new("/w"), Path::new("/w2")), "/w");
    }
}
