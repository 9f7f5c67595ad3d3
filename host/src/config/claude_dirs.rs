//! Claude Code's `permissions.additionalDirectories`: more folders the
//! agent may edit, made quire's `writable_roots` (sandboxed commands and
//! `apply_patch` may write there; the protected folders inside stay
//! read-only, `config::protected`). `~` is the home folder, a relative
//! path is taken from the workspace root; a folder holding the home
//! folder is refused, as in `writable_roots`. They count from the
//! user's own file, and from a repository's only while it is trusted and
//! the file is as trusted (`config::claude_seal`); each folder not used
//! is named in a warning with why.

use std::path::{Path, PathBuf};

use super::claude_settings::ClaudeSettings;

/// The folders `claude`'s files add to what may be written, in file
/// order, and a warning for each file or folder not used.
pub fn writable(claude: &ClaudeSettings) -> (Vec<PathBuf>, Vec<String>) {
    let mut dirs = Vec::new();
    let mut notes = Vec::new();
    for file in &claude.files {
        if file.additional_directories.is_empty() {
            continue;
        }
        let at = file.path.display();
        if let Some(why) = claude.not_widening(file) {
            notes.push(format!(
                "{at}: its `permissions.additionalDirectories` ({}) are not used: {why}",
                file.additional_directories.join(", ")
            ));
            continue;
        }
        for given in &file.additional_directories {
            if let Some(link) = repo_link(given, claude.project_root.as_deref()) {
                notes.push(format!(
                    "{at}: `permissions.additionalDirectories` \"{given}\" is not used: {} is a symbolic link inside the repository (which a command may have put there, to make commands write where it leads); name the folder by its absolute path instead",
                    link.display()
                ));
                continue;
            }
            let path = resolve(given, claude.project_root.as_deref());
            match super::ranges::root_refused(&path) {
                Some(why) => notes.push(format!(
                    "{at}: `permissions.additionalDirectories` \"{given}\" is not used: {why}"
                )),
                None if dirs.contains(&path) => {}
                None => dirs.push(path),
            }
        }
    }
    (dirs, notes)
}

/// The symbolic link inside the repository at `root` that the relative
/// entry `given` is or passes through, if any: the repository (and so
/// a sandboxed command) controls its links.
fn repo_link(given: &str, root: Option<&Path>) -> Option<PathBuf> {
    let root = root?;
    if given.starts_with('~') || Path::new(given).is_absolute() {
        return None;
    }
    let mut cur = root.to_path_buf();
    for c in Path::new(given).components() {
        match c {
            std::path::Component::Normal(name) => cur.push(name),
            std::path::Component::ParentDir => {
                cur.pop();
            }
            _ => continue,
        }
        let link = std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink());
        if link && cur.starts_with(root) {
            return Some(cur);
        }
    }
    None
}

/// `given` as a path: `~` and `~/x` from the home folder, a relative path
/// from `root` (left relative without one, and refused for it).
fn resolve(given: &str, root: Option<&Path>) -> PathBuf {
    let home = || {
        std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
    };
    let path = match given.strip_prefix('~') {
        Some("") => home().unwrap_or_else(|| PathBuf::from(given)),
        Some(rest) if rest.starts_with('/') => match home() {
            Some(h) => h.join(rest.trim_start_matches('/')),
            None => PathBuf::from(given),
        },
        _ => match root {
            Some(root) if Path::new(given).is_relative() => root.join(given),
            _ => PathBuf::from(given),
        },
    };
    // `a/./b` and a trailing `/` said once; links and `..` resolved
    // where the folder exists.
    let path: PathBuf = path.components().collect();
    if path.is_absolute() {
        super::trust::canonical(&path)
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_entry_through_a_link_in_the_repository_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("real/sub")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("out")).unwrap();
        assert_eq!(repo_link("out", Some(&root)), Some(root.join("out")));
        assert_eq!(repo_link("out/sub", Some(&root)), Some(root.join("out")));
        assert_eq!(repo_link("real/sub", Some(&root)), None);
        assert_eq!(repo_link("/abs/out", Some(&root)), None);
        assert_eq!(repo_link("out", None), None);
    }

    #[test]
    fn home_and_relative_folders_are_resolved() {
        let root = Path::new("/work/repo");
        assert_eq!(
            resolve("../shared/", Some(root)),
            PathBuf::from("/work/repo/../shared")
        );
        assert_eq!(
            resolve("/srv/./data", Some(root)),
            PathBuf::from("/srv/data")
        );
        assert_eq!(resolve("rel", None), PathBuf::from("rel"));
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            assert_eq!(resolve("~/notes", None), PathBuf::from(home).join("notes"));
        }
    }
}
