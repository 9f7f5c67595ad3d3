//! A user's plugin folder that is a symbolic link (`~/.agents/plugins/kit
//! -> ~/src/kit`, the usual way to develop a plugin) is followed: the
//! user made the link. A link that leads nowhere, or to something that is
//! not a folder, is named in a warning, and its name stays taken so a
//! repository's plugin of that name is not loaded in its place.

use std::path::{Path, PathBuf};

/// `link` when it leads to a folder; else the warning naming it.
pub(super) fn followed(link: &Path) -> Result<PathBuf, String> {
    let target = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| "?".to_string());
    match std::fs::metadata(link) {
        Ok(m) if m.is_dir() => Ok(link.to_path_buf()),
        Ok(_) => Err(broken(link, &target, "which is not a folder")),
        Err(e) => Err(broken(
            link,
            &target,
            &format!("which cannot be read ({e})"),
        )),
    }
}

fn broken(link: &Path, target: &str, why: &str) -> String {
    format!(
        "your plugin folder {} is a symbolic link to {target}, {why}: the plugin is not loaded, and no repository plugin named '{}' is loaded in its place; fix the link or remove it",
        link.display(),
        link.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    )
}

/// The names of the user's plugin links in `dir` that lead to no folder:
/// a repository's plugin of such a name is not loaded.
pub(super) fn broken_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_symlink()))
        .filter(|e| followed(&e.path()).is_err())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}
