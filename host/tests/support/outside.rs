//! A directory that no sandbox rule covers: not under /tmp or $TMPDIR (the
//! sandbox's writable temp roots) and not in a test workspace. Tests write
//! there to prove the sandbox denies it.

use std::path::{Path, PathBuf};

/// A fresh directory outside every writable root of the sandbox.
pub fn outside_dir() -> tempfile::TempDir {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(t) = option_env!("CARGO_TARGET_TMPDIR") {
        candidates.push(PathBuf::from(t));
    }
    candidates.push(PathBuf::from("/var/tmp"));
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cache"));
    }
    for base in &candidates {
        if std::fs::create_dir_all(base).is_err() || covered(base) {
            continue;
        }
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("quire-outside-")
            .tempdir_in(base)
        {
            return dir;
        }
    }
    panic!("no directory outside /tmp and $TMPDIR is writable: tried {candidates:?}");
}

/// Whether the sandbox's temp roots cover `path`.
fn covered(path: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let p = canon(path);
    let mut roots = vec![canon(Path::new("/tmp"))];
    if let Some(t) = std::env::var_os("TMPDIR") {
        roots.push(canon(Path::new(&t)));
    }
    roots.iter().any(|r| p.starts_with(r))
}
