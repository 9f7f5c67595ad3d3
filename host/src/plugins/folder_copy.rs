//! Copying a plugin folder for `quire plugins add`: every file and
//! sub-folder (a `${plugin}/data` grant needs its folder), checked first
//! so a link or a special file stops the copy before anything is written.

use std::path::{Path, PathBuf};

use super::PluginError;

/// Top-level entries left out: build output and version control (a
/// plugin crate's `target/` can hold gigabytes), unless a `${plugin}/…`
/// grant names them, and the crate's `.gitignore` (`quire plugins new`
/// writes `/target` and `*.wasm`: an installed folder committed to a
/// repository would leave out its component).
const SKIPPED: [&str; 3] = ["target", ".git", ".gitignore"];

/// The top-level folders of `manifest`'s plugin a `${plugin}/…` grant
/// names: copied even when [`SKIPPED`].
pub fn granted_folders(manifest: &super::manifest::Manifest) -> Vec<String> {
    manifest
        .permissions
        .fs
        .iter()
        .filter_map(|g| g.path.strip_prefix("${plugin}/"))
        .filter_map(|rest| rest.split('/').find(|s| !s.is_empty()))
        .map(str::to_string)
        .collect()
}

/// Whether the top-level entry `name` of a plugin folder is left out of
/// an installed copy (`plugins add`, `share add`): one of [`SKIPPED`] no
/// grant in `keep` ([`granted_folders`]) names.
pub fn left_out(name: &str, keep: &[String]) -> bool {
    SKIPPED.contains(&name) && !keep.iter().any(|k| k == name)
}

/// Copies the folder `from` into `to` (created), leaving out the
/// top-level entries in `leave_out` and, unless `keep` names them, the
/// [`SKIPPED`] folders. Refuses symbolic links and anything that is not
/// a file or a folder, naming it, before copying anything.
pub fn copy_folder(
    from: &Path,
    to: &Path,
    leave_out: &[&str],
    keep: &[String],
) -> Result<(), PluginError> {
    let mut plan = Vec::new();
    let skip = |name: &str| leave_out.contains(&name) || left_out(name, keep);
    walk(from, Path::new(""), to, &skip, &mut plan)?;
    std::fs::create_dir_all(to).map_err(|source| PluginError::Io {
        path: to.to_path_buf(),
        source,
    })?;
    for (rel, is_dir) in plan {
        let dest = to.join(&rel);
        let result = if is_dir {
            std::fs::create_dir_all(&dest)
        } else {
            std::fs::copy(from.join(&rel), &dest).map(drop)
        };
        result.map_err(|source| PluginError::Io { path: dest, source })?;
    }
    Ok(())
}

/// Lists what to copy below `from/rel` (folders before their contents).
fn walk(
    from: &Path,
    rel: &Path,
    to: &Path,
    skip: &dyn Fn(&str) -> bool,
    plan: &mut Vec<(PathBuf, bool)>,
) -> Result<(), PluginError> {
    let dir = from.join(rel);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PluginError::Io { path, source }
    };
    let mut entries = std::fs::read_dir(&dir)
        .map_err(io(&dir))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io(&dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if rel.as_os_str().is_empty() && skip(&name.to_string_lossy()) {
            continue;
        }
        // The destination inside the source (installing a folder into
        // itself): not copied into itself again.
        if same_file(&path, to) {
            continue;
        }
        let kind = entry.file_type().map_err(io(&path))?;
        let rel = rel.join(&name);
        if kind.is_symlink() {
            return Err(PluginError::NotCopyable {
                path,
                why: "is a symbolic link: a plugin is copied without links; replace it with the file or folder it points to, or remove it",
            });
        }
        if kind.is_dir() {
            plan.push((rel.clone(), true));
            walk(from, &rel, to, skip, plan)?;
        } else if kind.is_file() {
            plan.push((rel, false));
        } else {
            return Err(PluginError::NotCopyable {
                path,
                why: "is not a regular file or folder (a socket, pipe or device): a plugin folder holds only files and folders; remove it",
            });
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_copied_and_links_refused() {
        let root = tempfile::tempdir().unwrap();
        let from = root.path().join("from");
        std::fs::create_dir_all(from.join("data/deep")).unwrap();
        std::fs::create_dir_all(from.join("target/release")).unwrap();
        std::fs::write(from.join("data/deep/table.txt"), "payload").unwrap();
        std::fs::write(from.join("target/release/big"), "x").unwrap();
        std::fs::write(from.join("plugin.toml"), "m").unwrap();
        std::fs::write(from.join(".gitignore"), "/target\n*.wasm\n").unwrap();
        let to = root.path().join("to");
        copy_folder(&from, &to, &["plugin.toml"], &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(to.join("data/deep/table.txt")).unwrap(),
            "payload"
        );
        assert!(!to.join("target").exists());
        assert!(!to.join("plugin.toml").exists());
        assert!(!to.join(".gitignore").exists());

        let kept = root.path().join("kept");
        copy_folder(&from, &kept, &[], &["target".into()]).unwrap();
        assert!(kept.join("target/release/big").is_file());

        std::os::unix::fs::symlink("/etc", from.join("data/link")).unwrap();
        let err = copy_folder(&from, &root.path().join("linked"), &[], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("data/link is a symbolic link"), "{err}");
        assert!(!root.path().join("linked").exists(), "nothing copied");
    }
}
