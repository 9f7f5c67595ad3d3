//! The workspace's files offered by `@path` completion: listed breadth
//! first (a folder's own files before what lies deeper), honouring ignore
//! files, at most [`MAX_ENTRIES`] entries looked at; from the folder the
//! typed path names when it names one (`@src/m0` lists `src/`), and the
//! folders the typed path leads into before the others (`@src/m4` looks
//! in `src/m40/`…`src/m49/` first), so a deep file stays reachable in a
//! large repository. A name that is not UTF-8 or holds a control character
//! is left out: it cannot be typed, and the mention completed from it
//! would name a file that does not exist.

use std::collections::VecDeque;
use std::path::{Component, Path};

use ignore::WalkBuilder;

/// Entries (files and folders) looked at for one listing.
pub const MAX_ENTRIES: usize = 20_000;

/// One listing.
#[derive(Debug, Default)]
pub struct Files {
    /// Paths relative to the workspace, shallow ones first.
    pub paths: Vec<String>,
    /// The walk stopped at [`MAX_ENTRIES`]: files further on are missing.
    pub stopped: bool,
}

/// The folder to list for `typed` (what follows `@`): the folder part of
/// the typed path when it is one inside the workspace, else the workspace
/// (`""`).
pub fn start_for(root: &Path, typed: &str) -> String {
    let Some((dir, _)) = typed.rsplit_once('/') else {
        return String::new();
    };
    let inside = Path::new(dir)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    match inside && !dir.is_empty() && root.join(dir).is_dir() {
        true => format!("{dir}/"),
        false => String::new(),
    }
}

/// The files under `root/start` for the typed path `typed` (see the
/// module docs).
pub fn list(root: &Path, start: &str, typed: &str) -> Files {
    list_at_most(root, start, typed, MAX_ENTRIES)
}

fn list_at_most(root: &Path, start: &str, typed: &str, max: usize) -> Files {
    let mut files = Files::default();
    let mut seen = 0usize;
    // Folders the typed path leads into, then the others.
    let mut ahead = VecDeque::from([root.join(start)]);
    let mut later = VecDeque::new();
    let leads = |folder: &Path| {
        let rel = folder.strip_prefix(root).ok().and_then(Path::to_str);
        rel.is_some_and(|rel| {
            let rel = format!("{rel}/");
            rel.starts_with(typed) || typed.starts_with(&rel)
        })
    };
    while let Some(folder) = ahead.pop_front().or_else(|| later.pop_front()) {
        // One level at a time: the ignore files of the folders above are
        // read by the walker (`parents`), as in one walk from the root.
        let walk = WalkBuilder::new(&folder)
            .hidden(true)
            .max_depth(Some(1))
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk.flatten() {
            if entry.depth() == 0 {
                continue;
            }
            if seen >= max {
                files.stopped = true;
                return files;
            }
            seen += 1;
            let Some(ty) = entry.file_type() else {
                continue;
            };
            if ty.is_dir() {
                let folder = entry.into_path();
                match leads(&folder) {
                    true => ahead.push_back(folder),
                    false => later.push_back(folder),
                }
            } else if ty.is_file()
                && let Ok(rel) = entry.path().strip_prefix(root)
                && let Some(rel) = rel.to_str()
                && !rel.chars().any(quire::printable::hidden_control)
            {
                files.paths.push(rel.to_string());
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn write(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }

    #[test]
    fn the_top_level_comes_first_and_a_stop_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..40 {
            write(root, &format!("big/f{i:02}.txt"));
        }
        write(root, "lines.txt");
        write(root, "zz_last_at_the_top.txt");
        let files = list_at_most(root, "", "", 10);
        assert!(files.stopped);
        assert_eq!(
            files.paths[..2],
            ["lines.txt".to_string(), "zz_last_at_the_top.txt".into()]
        );
        let all = list_at_most(root, "", "", 100);
        assert!(!all.stopped);
        assert_eq!(all.paths.len(), 42);
        // The typed folder is listed on its own: its files are reached.
        assert_eq!(start_for(root, "big/f3"), "big/");
        assert_eq!(start_for(root, "nope/f3"), "");
        assert_eq!(start_for(root, "../x"), "");
        let deep = list_at_most(root, &start_for(root, "big/f3"), "big/f3", 100);
        assert_eq!(deep.paths.len(), 40);
        assert_eq!(deep.paths[0], "big/f00.txt");
    }

    #[test]
    fn the_folders_the_typed_path_leads_into_are_looked_in_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for m in ["a0", "a1", "m4", "m5"] {
            for i in 0..10 {
                write(root, &format!("src/{m}/sub/f{i}.txt"));
            }
        }
        let files = list_at_most(root, "src/", "src/m4", 12);
        assert!(files.stopped);
        // 4 folders in src/, `sub`, then 7 of its files.
        assert_eq!(files.paths.len(), 7, "{:?}", files.paths);
        assert!(
            files.paths.iter().all(|p| p.starts_with("src/m4/sub/")),
            "{:?}",
            files.paths
        );
    }

    #[test]
    fn names_that_cannot_be_typed_are_left_out_and_ignore_files_hold() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        write(root, ".gitignore");
        std::fs::write(root.join(".gitignore"), "target/\n").unwrap();
        write(root, "target/out.txt");
        write(root, "src/sub/kept.rs");
        write(root, "new\nline.txt");
        std::fs::write(root.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "x").unwrap();
        let files = list(root, "", "");
        assert_eq!(files.paths, ["src/sub/kept.rs"]);
        assert!(!files.stopped);
        assert_eq!(list(root, "src/", "src/").paths, ["src/sub/kept.rs"]);
    }
}
