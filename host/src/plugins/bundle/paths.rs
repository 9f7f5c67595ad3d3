//! Paths named by a bundle's manifests are untrusted: a path must be
//! relative, without `..`, and must not leave the bundle through a
//! symbolic link.

use std::path::{Path, PathBuf};

use crate::share::check::is_inside;

/// `rel` (as a manifest writes it, `./skills/` or `skills`) joined to
/// `root`, when it stays inside.
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let trimmed = rel.trim();
    let clean = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let clean = clean.trim_end_matches('/');
    if clean.is_empty() || clean == "." {
        return Ok(root.to_path_buf());
    }
    if !is_inside(clean) {
        return Err(format!(
            "the path \"{rel}\" leaves the plugin folder; name a path inside it"
        ));
    }
    let joined = root.join(clean);
    if let (Ok(real), Ok(real_root)) = (std::fs::canonicalize(&joined), std::fs::canonicalize(root))
        && !real.starts_with(&real_root)
    {
        return Err(format!(
            "the path \"{rel}\" is a symbolic link out of the plugin folder; plugins may only use their own files"
        ));
    }
    Ok(joined)
}

/// Whether `path` is a plain file or folder inside `root` (no symbolic
/// link out of it).
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(path), std::fs::canonicalize(root)) {
        (Ok(p), Ok(r)) => p.starts_with(r),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside_the_bundle() {
        let root = Path::new("/b");
        assert_eq!(
            resolve(root, "./skills/").ok(),
            Some(PathBuf::from("/b/skills"))
        );
        assert_eq!(
            resolve(root, "hooks/hooks.json").ok(),
            Some(PathBuf::from("/b/hooks/hooks.json"))
        );
        assert!(resolve(root, "../x").is_err());
        assert!(resolve(root, "/etc").is_err());
        assert!(resolve(root, "./a/../../x").is_err());
    }
}
