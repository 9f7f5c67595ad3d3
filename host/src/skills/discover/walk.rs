//! Scanning one root for skill folders: breadth first, at most
//! [`MAX_DEPTH`] levels and [`MAX_DIRS`] folders, skipping dot-folders
//! and `node_modules`, following folder symlinks once each (loops are
//! detected and reported).

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

use super::{Root, Skipped};

/// How deep below a root a skill folder may be.
pub const MAX_DEPTH: usize = 6;
/// Folders looked at per root.
pub const MAX_DIRS: usize = 2000;

/// A `SKILL.md` to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The skill's folder, as reached from the root.
    pub dir: PathBuf,
    /// Its `SKILL.md` (or `skill.md`).
    pub file: PathBuf,
    /// Index into the list of roots.
    pub root: usize,
}

/// What one folder holds in the way of a skill file.
enum SkillFile {
    Found(PathBuf),
    Bad(PathBuf, String),
    None,
}

fn skill_file(dir: &Path) -> SkillFile {
    for name in ["SKILL.md", "skill.md"] {
        let path = dir.join(name);
        let Ok(lmeta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        return match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => SkillFile::Found(path),
            Ok(m) if m.is_dir() => SkillFile::Bad(path, format!("{name} is a folder, not a file")),
            Ok(_) => SkillFile::Bad(
                path,
                format!("{name} is not a regular file (a pipe, socket or device)"),
            ),
            Err(e) if lmeta.file_type().is_symlink() => SkillFile::Bad(
                path,
                format!("{name} is a symlink that cannot be followed: {e}"),
            ),
            Err(e) => SkillFile::Bad(path, format!("cannot read {name}: {e}")),
        };
    }
    SkillFile::None
}

/// Scans `root` and appends what it finds.
pub fn scan(root: &Root, index: usize, found: &mut Vec<Candidate>, skipped: &mut Vec<Skipped>) {
    let Ok(canonical_root) = std::fs::canonicalize(&root.path) else {
        return; // An absent root is normal.
    };
    if !canonical_root.is_dir() {
        skipped.push(Skipped {
            path: root.path.clone(),
            reason: "this skills root is a file, not a folder".into(),
        });
        return;
    }
    let mut visited: HashSet<PathBuf> = HashSet::from([canonical_root.clone()]);
    let mut queue: VecDeque<(PathBuf, PathBuf, usize)> =
        VecDeque::from([(root.path.clone(), canonical_root, 0)]);
    let mut dirs = 0usize;
    while let Some((dir, canonical, depth)) = queue.pop_front() {
        dirs += 1;
        if dirs > MAX_DIRS {
            skipped.push(Skipped {
                path: root.path.clone(),
                reason: format!(
                    "stopped after {MAX_DIRS} folders: skills further in were not loaded (point the root at a smaller folder)"
                ),
            });
            return;
        }
        match skill_file(&dir) {
            SkillFile::Found(file) => {
                found.push(Candidate {
                    dir,
                    file,
                    root: index,
                });
                continue; // A skill's own folders are its files.
            }
            SkillFile::Bad(path, reason) => {
                skipped.push(Skipped { path, reason });
                if !matches!(std::fs::metadata(dir.join("SKILL.md")), Ok(m) if m.is_dir()) {
                    continue;
                }
            }
            SkillFile::None => {}
        }
        for (child, child_canonical) in subfolders(&dir, &canonical, &mut visited, skipped) {
            if depth + 1 > MAX_DEPTH {
                if !matches!(skill_file(&child), SkillFile::None) {
                    skipped.push(Skipped {
                        path: child,
                        reason: format!(
                            "deeper than {MAX_DEPTH} folders below the root {}: move it up",
                            root.path.display()
                        ),
                    });
                }
                continue;
            }
            queue.push_back((child, child_canonical, depth + 1));
        }
    }
}

/// The folders to descend into, sorted by name, each with its canonical
/// path; symlinks to folders already seen are reported and left out.
fn subfolders(
    dir: &Path,
    canonical: &Path,
    visited: &mut HashSet<PathBuf>,
    skipped: &mut Vec<Skipped>,
) -> Vec<(PathBuf, PathBuf)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push(Skipped {
                path: dir.to_path_buf(),
                reason: format!("cannot list this folder: {e}"),
            });
            return Vec::new();
        }
    };
    let mut names: Vec<(String, std::fs::DirEntry)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e))
        .filter(|(n, _)| !n.starts_with('.') && n != "node_modules")
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (_, entry) in names {
        let Ok(ft) = entry.file_type() else { continue };
        // The name as it is (not the lossy one sorted by): a folder whose
        // name is not UTF-8 is still found.
        let name = entry.file_name();
        let path = dir.join(&name);
        if ft.is_dir() {
            let child = canonical.join(&name);
            if visited.insert(child.clone()) {
                out.push((path, child));
            }
            continue;
        }
        if !ft.is_symlink() || !std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(target) = std::fs::canonicalize(&path) else {
            continue;
        };
        if canonical.starts_with(&target) {
            skipped.push(Skipped {
                reason: format!(
                    "symlink loop: it points to {}, which contains it; not followed",
                    target.display()
                ),
                path,
            });
        } else if !visited.insert(target.clone()) {
            skipped.push(Skipped {
                reason: format!(
                    "symlink to {}, which was already scanned; not followed twice",
                    target.display()
                ),
                path,
            });
        } else {
            out.push((path, target));
        }
    }
    out
}
