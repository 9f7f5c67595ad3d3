//! A relative path resolved inside a skill's folder: absolute paths, `..`
//! and symlinks that lead out of the folder are refused.

use std::path::{Component, Path, PathBuf};

/// What a relative path names inside a folder (canonical path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    File(PathBuf),
    Dir(PathBuf),
}

/// Why a relative path names nothing inside the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Absolute, with `..`, or empty.
    Outside,
    /// A path inside the folder that a symbolic link leads out of it.
    LinkOut,
    NotFound,
    /// Neither a regular file nor a folder (a socket, a device).
    Special,
    /// The folder or the path could not be read.
    Io(String),
}

/// Resolves `rel` inside `dir`. Only plain components (and `.`) are
/// accepted; the canonical result, symlinks followed, must still be inside
/// the canonical `dir`.
pub fn locate(dir: &Path, rel: &str) -> Result<Located, Refused> {
    let p = Path::new(rel);
    if rel.trim().is_empty()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(Refused::Outside);
    }
    let base =
        std::fs::canonicalize(dir).map_err(|e| Refused::Io(format!("{}: {e}", dir.display())))?;
    let full = match std::fs::canonicalize(base.join(p)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::NotFound),
        Err(e) => return Err(Refused::Io(e.to_string())),
    };
    if !full.starts_with(&base) {
        return Err(Refused::LinkOut);
    }
    let meta = std::fs::metadata(&full).map_err(|e| Refused::Io(e.to_string()))?;
    if meta.is_dir() {
        Ok(Located::Dir(full))
    } else if meta.is_file() {
        Ok(Located::File(full))
    } else {
        Err(Refused::Special)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `skill/` with `a.txt`, `sub/b.txt`, links in and out, and a secret
    /// beside the folder.
    fn fixture() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("skill");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.txt"), "a").unwrap();
        std::fs::write(dir.join("sub/b.txt"), "b").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), dir.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), dir.join("up")).unwrap();
        std::os::unix::fs::symlink(dir.join("sub/b.txt"), dir.join("alias.txt")).unwrap();
        (tmp, dir)
    }

    #[test]
    fn plain_paths_inside_resolve() {
        let (_tmp, dir) = fixture();
        let base = std::fs::canonicalize(&dir).unwrap();
        assert_eq!(locate(&dir, "a.txt"), Ok(Located::File(base.join("a.txt"))));
        assert_eq!(
            locate(&dir, "./sub/b.txt"),
            Ok(Located::File(base.join("sub/b.txt")))
        );
        assert_eq!(locate(&dir, "sub"), Ok(Located::Dir(base.join("sub"))));
        assert_eq!(
            locate(&dir, "alias.txt"),
            Ok(Located::File(base.join("sub/b.txt"))),
            "a link inside is followed"
        );
        assert_eq!(locate(&dir, "nope.md"), Err(Refused::NotFound));
    }

    #[test]
    fn escapes_are_refused() {
        let (tmp, dir) = fixture();
        let secret = tmp.path().join("secret.txt");
        for bad in [
            "../secret.txt",
            "sub/../../secret.txt",
            secret.to_str().unwrap(),
            "/etc/passwd",
            "",
            "  ",
        ] {
            assert_eq!(locate(&dir, bad), Err(Refused::Outside), "{bad:?}");
        }
        // Plain paths, but a symbolic link leads them out: said as such.
        for linked in ["leak.txt", "up/secret.txt", "up"] {
            assert_eq!(locate(&dir, linked), Err(Refused::LinkOut), "{linked:?}");
        }
    }
}
