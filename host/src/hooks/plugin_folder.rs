//! A plugin hook's approval covers every file of its plugin's folder, not
//! only the scripts its command names: a script may `source` a helper or
//! `import` a module of the plugin, and an edit there must stop the hook
//! as an edit of the script does. The walk is bounded ([`MAX_FILES`],
//! [`MAX_BYTES`]); past that the rest is not covered and a warning says
//! so. Before each run the folder is walked again by metadata only (size,
//! modification and change time, inode); a file is hashed again only
//! when those moved.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// At most this many entries of a plugin folder are covered.
pub const MAX_FILES: usize = 4096;
/// At most this many bytes of a plugin folder's files are read.
pub const MAX_BYTES: u64 = 64 << 20;

/// What a file looked like: a changed one has another stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
}

/// The files of a plugin folder, by their path relative to it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FolderFiles {
    root: PathBuf,
    /// A repository's folder: its `.git` is not walked.
    skip_git: bool,
    stamps: BTreeMap<String, Stamp>,
    /// sha256 of each file (a link: its target's path, and a file's content).
    pub digests: BTreeMap<String, String>,
    /// Why part of the folder is not covered (over a bound).
    pub over: Option<String>,
}

/// One entry of the walk.
struct Entry {
    rel: String,
    path: PathBuf,
    stamp: Stamp,
    link: bool,
}

/// The folder's regular files and links, in name order, within the bounds;
/// `true` when the walk stopped at one.
fn walk(root: &Path, skip_git: bool) -> (Vec<Entry>, Option<String>) {
    let mut out = Vec::new();
    let mut bytes = 0u64;
    let entries = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(skip_git && e.depth() == 1 && e.file_name() == ".git"))
        .filter_map(Result::ok);
    for e in entries {
        let ty = e.file_type();
        if !(ty.is_file() || ty.is_symlink()) {
            continue;
        }
        let Ok(m) = e.path().symlink_metadata() else {
            continue;
        };
        if out.len() >= MAX_FILES {
            return (out, Some(format!("it has more than {MAX_FILES} files")));
        }
        if ty.is_file() {
            bytes += m.len();
            if bytes > MAX_BYTES {
                return (
                    out,
                    Some(format!("its files are over {} MiB", MAX_BYTES >> 20)),
                );
            }
        }
        let Ok(rel) = e.path().strip_prefix(root) else {
            continue;
        };
        out.push(Entry {
            rel: rel.display().to_string(),
            path: e.path().to_path_buf(),
            stamp: Stamp {
                len: m.len(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
                ino: m.ino(),
            },
            link: ty.is_symlink(),
        });
    }
    (out, None)
}

fn digest(e: &Entry) -> String {
    if e.link {
        let to = std::fs::read_link(&e.path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        // A link to a file runs that file: its content is covered too.
        let content = match e.path.canonicalize() {
            Ok(real) if real.is_file() => super::trust::file_hash(&real).unwrap_or_default(),
            _ => String::new(),
        };
        return format!("link:{to}:{content}");
    }
    super::trust::file_hash(&e.path).unwrap_or_else(|| "unreadable".to_string())
}

/// The files of the plugin folder `plugin` (its real path), hashed.
pub fn hash(plugin: &Path) -> FolderFiles {
    hash_in(plugin, false, |why| {
        format!(
            "the plugin folder {} is too big for its hooks' approval to cover all of it ({why}): files past that point can change without asking again; keep a plugin with hooks under {MAX_FILES} files and {} MiB",
            plugin.display(),
            MAX_BYTES >> 20
        )
    })
}

/// The files of `folder`, a folder of the repository whose files a
/// repository hook's command can run (a script's folder, a package),
/// hashed; its `.git` is left out.
pub fn hash_program_folder(folder: &Path) -> FolderFiles {
    hash_in(folder, true, |why| {
        format!(
            "the folder {} is too big for the approval of the repository hook running a script in it to cover all of it ({why}): files past that point can change without asking again; move the hook's script into a folder under {MAX_FILES} files and {} MiB",
            folder.display(),
            MAX_BYTES >> 20
        )
    })
}

fn hash_in(dir: &Path, skip_git: bool, over_note: impl Fn(&str) -> String) -> FolderFiles {
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let (entries, over) = walk(&root, skip_git);
    let mut files = FolderFiles {
        root,
        skip_git,
        over: over.map(|why| over_note(&why)),
        ..Default::default()
    };
    if files.over.is_some() {
        files.digests.insert("…".to_string(), "over".to_string());
    }
    for e in entries {
        files.digests.insert(e.rel.clone(), digest(&e));
        files.stamps.insert(e.rel, e.stamp);
    }
    files
}

impl FolderFiles {
    /// The files (by full path) new, changed or gone since this was taken.
    pub fn changed(&self) -> Vec<String> {
        let (entries, _) = walk(&self.root, self.skip_git);
        let mut out = Vec::new();
        let mut seen = 0usize;
        for e in &entries {
            match (self.stamps.get(&e.rel), self.digests.get(&e.rel)) {
                // A link's own stamp does not move when its target is
                // edited: its digest is taken again.
                (Some(s), _) if *s == e.stamp && !e.link => seen += 1,
                (Some(_), Some(d)) if *d == digest(e) => seen += 1,
                (Some(_), _) => {
                    seen += 1;
                    out.push(e.rel.clone());
                }
                (None, _) => out.push(e.rel.clone()),
            }
        }
        if seen < self.stamps.len() {
            let now: Vec<&str> = entries.iter().map(|e| e.rel.as_str()).collect();
            out.extend(
                self.stamps
                    .keys()
                    .filter(|k| !now.contains(&k.as_str()))
                    .cloned(),
            );
        }
        out.into_iter()
            .map(|rel| self.root.join(rel).display().to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_folder_is_covered_and_an_edit_of_the_same_size_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kit");
        std::fs::create_dir_all(root.join("scripts/lib")).unwrap();
        std::fs::write(root.join("scripts/c.sh"), "source lib/c_lib.sh").unwrap();
        std::fs::write(root.join("scripts/lib/c_lib.sh"), "exit 2").unwrap();
        let files = hash(&root);
        assert!(files.digests.contains_key("scripts/lib/c_lib.sh"));
        assert!(files.over.is_none());
        assert!(files.changed().is_empty());
        std::fs::write(root.join("scripts/lib/c_lib.sh"), "exit 0").unwrap();
        let changed = files.changed();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(changed[0].ends_with("scripts/lib/c_lib.sh"), "{changed:?}");
        std::fs::write(root.join("scripts/lib/c_lib.sh"), "exit 2").unwrap();
        assert!(files.changed().is_empty(), "same content again");
        std::fs::write(root.join("new.sh"), "x").unwrap();
        assert_eq!(files.changed().len(), 1);
        std::fs::remove_file(root.join("new.sh")).unwrap();
        std::fs::remove_file(root.join("scripts/c.sh")).unwrap();
        assert_eq!(files.changed().len(), 1);
        assert_ne!(hash(&root).digests, files.digests);
    }

    #[test]
    fn an_edit_of_a_linked_files_target_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kit");
        std::fs::create_dir_all(root.join("tools")).unwrap();
        std::fs::write(dir.path().join("settings.py"), "X = 1").unwrap();
        std::os::unix::fs::symlink("../../settings.py", root.join("tools/s.py")).unwrap();
        let files = hash_program_folder(&root);
        assert!(files.changed().is_empty());
        std::fs::write(dir.path().join("settings.py"), "X = 2").unwrap();
        let changed = files.changed();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(changed[0].ends_with("tools/s.py"), "{changed:?}");
    }
}
