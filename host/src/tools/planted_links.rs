//! Symbolic links a sandboxed command could have made. A command may
//! write the workspace, `/tmp`, `$TMPDIR` and the configured writable
//! roots, so it may rename a folder there and leave a link in its place:
//! the next run of quire would then follow that link to grant, or work
//! in, whatever it points at (`~/.ssh`, `/etc`). A writable root or a
//! `$PWD` whose path is, or passes through, such a link is not trusted
//! ([`super::pinned_roots::pin_root`], the binary's start). Links
//! elsewhere (`/home` → `/data`, made outside the writable folders)
//! are fine.

use std::path::{Component, Path, PathBuf};

/// A link on the way to a path, in a folder sandboxed commands may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// The link, as reached from the path as written.
    pub link: PathBuf,
    /// What it points at, as written in the link.
    pub to: PathBuf,
    /// The writable folder (real path) it sits in.
    pub inside: PathBuf,
}

/// Links followed at most, as the kernel does.
const MAX_LINKS: usize = 40;

/// The folders sandboxed commands may write, as real paths: `/tmp`,
/// `$TMPDIR`, the `workspace` and `roots` (those that exist).
pub fn writable_folders(workspace: Option<&Path>, roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut names = vec![PathBuf::from("/tmp")];
    if let Some(tmp) = std::env::var_os("TMPDIR").filter(|t| !t.is_empty()) {
        names.push(PathBuf::from(tmp));
    }
    names.extend(workspace.map(Path::to_path_buf));
    names.extend(roots.iter().cloned());
    let mut out: Vec<PathBuf> = Vec::new();
    for real in names.iter().filter_map(|n| std::fs::canonicalize(n).ok()) {
        if !out.contains(&real) {
            out.push(real);
        }
    }
    out
}

/// The first symbolic link on the way to `path` (absolute) that sits in
/// one of `writable` (real paths), following the links found elsewhere.
/// `None` when there is none, or the path cannot be walked (missing).
pub fn planted(path: &Path, writable: &[PathBuf]) -> Option<Planted> {
    if !path.is_absolute() {
        return None;
    }
    let mut todo: PathBuf = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let (link, to, rest) = first_link(&todo)?;
        let dir = link.parent().unwrap_or(Path::new("/"));
        let real_dir = std::fs::canonicalize(dir).ok()?;
        if let Some(inside) = writable.iter().find(|w| real_dir.starts_with(w)) {
            return Some(Planted {
                link,
                to,
                inside: inside.clone(),
            });
        }
        // A link made elsewhere: its target walked in turn.
        todo = real_dir.join(&to).join(rest);
    }
    None
}

/// The first component of `path` that is a link: the link, what it
/// points at and the rest of the path after it.
fn first_link(path: &Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let parts: Vec<Component> = path.components().collect();
    let mut cur = PathBuf::new();
    for (i, part) in parts.iter().enumerate() {
        cur.push(part);
        if !matches!(part, Component::Normal(_)) {
            continue;
        }
        let meta = std::fs::symlink_metadata(&cur).ok()?;
        if meta.file_type().is_symlink() {
            let to = std::fs::read_link(&cur).ok()?;
            let rest: PathBuf = parts[i + 1..].iter().collect();
            return Some((cur, to, rest));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_in_a_writable_folder_is_planted_one_elsewhere_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let writable = base.join("w");
        let other = base.join("other");
        std::fs::create_dir_all(writable.join("real/sub")).unwrap();
        std::fs::create_dir_all(other.join("data")).unwrap();
        std::os::unix::fs::symlink(writable.join("real"), writable.join("l")).unwrap();
        std::os::unix::fs::symlink(other.join("data"), other.join("ok")).unwrap();
        let w = std::slice::from_ref(&writable);
        // The link itself, and a path through it.
        for path in [writable.join("l"), writable.join("l/sub")] {
            let p = planted(&path, w).unwrap();
            assert_eq!(p.link, writable.join("l"));
            assert_eq!(p.to, writable.join("real"));
            assert_eq!(p.inside, writable);
        }
        assert_eq!(planted(&other.join("ok"), w), None);
        assert_eq!(planted(&writable.join("real/sub"), w), None);
        // A link made elsewhere leading to a planted one.
        std::os::unix::fs::symlink(writable.join("l"), other.join("chain")).unwrap();
        let p = planted(&other.join("chain/sub"), w).unwrap();
        assert_eq!(p.link, writable.join("l"));
        // Missing, or relative: nothing said.
        assert_eq!(planted(&writable.join("missing"), w), None);
        assert_eq!(planted(Path::new("w/l"), w), None);
    }
}
