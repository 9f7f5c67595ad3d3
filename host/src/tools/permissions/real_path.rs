//! The file a call reaches, links resolved: `Read(./.env)` must hold for
//! `envlink` → `.env` too, so path rules are matched against the path as
//! given and against its real path (relative to the project root's real
//! path). A deny or ask rule fits when either fits, an allow rule only
//! when both do.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `path` with every link resolved (the kernel's view; `..` after a link
/// is taken from where the link leads). A path not there yet: its
/// nearest existing folder resolved, the rest joined as written.
pub fn real(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        rest.push(at.file_name()?);
        at = at.parent()?;
        if let Ok(base) = at.canonicalize() {
            return Some(rest.iter().rev().fold(base, |p, name| p.join(name)));
        }
    }
}

/// `input` (a Claude view of a call: `file_path` or `path`, absolute)
/// with its path replaced by the real one, once per different real path:
/// that of the lexical path, and that of `raw` (the call's own `path`
/// joined to its folder, where `..` may follow a link). Empty when the
/// input names no path or every link leads where it says.
pub fn real_inputs(input: &Value, raw: Option<&Path>) -> Vec<Value> {
    let Some((key, given)) = ["file_path", "path"]
        .into_iter()
        .find_map(|k| Some((k, input.get(k)?.as_str()?)))
    else {
        return Vec::new();
    };
    let mut out: Vec<Value> = Vec::new();
    for path in [Some(Path::new(given)), raw].into_iter().flatten() {
        let Some(real) = real(path).filter(|r| r != Path::new(given)) else {
            continue;
        };
        let mut other = input.clone();
        other[key] = Value::String(real.display().to_string());
        if !out.contains(&other) {
            out.push(other);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_and_dot_dot_after_a_link_resolve_as_the_kernel_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("sub/deep")).unwrap();
        std::fs::write(root.join(".env"), "x").unwrap();
        std::fs::write(root.join("sub/.env"), "y").unwrap();
        std::os::unix::fs::symlink(".env", root.join("envlink")).unwrap();
        std::os::unix::fs::symlink("sub/deep", root.join("dlink")).unwrap();
        assert_eq!(real(&root.join("envlink")), Some(root.join(".env")));
        // Not there yet: the folder resolved, the name kept.
        assert_eq!(
            real(&root.join("dlink/new/x.txt")),
            Some(root.join("sub/deep/new/x.txt"))
        );
        let input = json!({"file_path": root.join("envlink").display().to_string()});
        assert_eq!(
            real_inputs(&input, None),
            [json!({"file_path": root.join(".env").display().to_string()})]
        );
        // `dlink/../.env` is sub/.env to the kernel, .env lexically.
        let lexical = json!({"path": root.join(".env").display().to_string()});
        let raw = root.join("dlink/../.env");
        assert_eq!(
            real_inputs(&lexical, Some(&raw)),
            [json!({"path": root.join("sub/.env").display().to_string()})]
        );
        assert!(real_inputs(&json!({"command": "ls"}), None).is_empty());
    }
}
