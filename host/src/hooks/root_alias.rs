//! A plugin's command hook runs through a plain path to its folder. A
//! command may hand its text to another shell that reads it again
//! (`bash -c 'bash ${CLAUDE_PLUGIN_ROOT}/g.sh'`, `eval`, a here-document
//! fed to `bash`, `find -exec sh -c`), and no quoting survives that: a
//! folder named `my kit` would split in two (running the file `my`, which
//! the model can write beside it), one named `w $(touch x)` would run
//! `touch x`. So a plugin whose folder's path is not plain (anything but
//! ASCII letters, digits and `/ . _ - + , @ %`) is run through an alias:
//! the symbolic link `$QUIRE_HOME/cache/plugin-roots/<16 hex digits of the
//! sha256 of the folder's path>` to the folder. Its path is what
//! `${CLAUDE_PLUGIN_ROOT}` / `${PLUGIN_ROOT}` become in the command
//! ([`super::root_quote`]) and what `CLAUDE_PLUGIN_ROOT` / `PLUGIN_ROOT`
//! hold in the hook's environment ([`super::dispatch`]): hex digits no
//! shell, however nested, can split or run. A plain folder is put in as it
//! is (its command, and so its approval, stay what they were).
//!
//! The link is made when hooks load and checked right before each run:
//! missing or pointing elsewhere, a new link is made beside it and renamed
//! over it. `$QUIRE_HOME` is kept from the model's commands
//! (`config::protected`). When the link cannot be made, or `$QUIRE_HOME`'s
//! own path is one a shell could act on ([`super::root_name`]), the hook
//! does not run and a guard blocks what it guards.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// Where the links are, under `$QUIRE_HOME`.
const FOLDER: [&str; 2] = ["cache", "plugin-roots"];

/// The alias of the plugin folder `root` under `home` (`$QUIRE_HOME`);
/// `None` when `root` is plain and put in as it is.
pub fn alias(home: &Path, root: &Path) -> Option<PathBuf> {
    if root.to_str().is_some_and(super::root_quote::plain) {
        return None;
    }
    let digest = Sha256::digest(absolute(root).as_os_str().as_encoded_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let mut path = absolute(home);
    path.extend(FOLDER);
    Some(path.join(name))
}

/// The alias `link` as written into a command and the environment: with
/// a trailing `/`, so that a program treating a link given to it apart
/// from a folder (`find LINK` does not descend into it, `cp -r LINK`
/// copies the link, `ls -l LINK` shows it) sees the folder, as it would
/// the plugin's own path.
pub fn written(link: &Path) -> String {
    format!("{}/", link.display())
}

/// `Err` when the path put in for `root` (its alias under `home`, or
/// itself) holds a character a shell could act on; see
/// [`super::root_name::check`].
pub fn check(home: &Path, root: &Path) -> Result<(), String> {
    match alias(home, root) {
        Some(link) => super::root_name::check(&link, root),
        None => super::root_name::check(root, root),
    }
}

/// Makes `link` a symbolic link to `root`, unless it already is one: a
/// new link made beside it is renamed over it, so a missing link is made
/// and one changed is repaired. `Err` names what could not be made and
/// what to do.
pub fn ensure(link: &Path, root: &Path) -> Result<(), String> {
    let target = absolute(root);
    if std::fs::read_link(link).is_ok_and(|to| to == target) {
        return Ok(());
    }
    let cannot = |what: &Path, e: std::io::Error| {
        format!(
            "cannot make {} ({e}), the link to the plugin's folder {} through which its command hooks run (its own path is one a shell could split or act on): make sure {} can be written, or move the plugin to a path of only ASCII letters, digits and `/ . _ - + , @ %`",
            what.display(),
            target.display(),
            what.display()
        )
    };
    let Some((dir, name)) = link.parent().zip(link.file_name()) else {
        return Err(cannot(link, std::io::ErrorKind::InvalidInput.into()));
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot(dir, e))?;
    static MADE: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{}.{}.{}",
        name.to_string_lossy(),
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    ));
    std::os::unix::fs::symlink(&target, &tmp).map_err(|e| cannot(&tmp, e))?;
    if let Err(e) = std::fs::rename(&tmp, link) {
        if let Err(left) = std::fs::remove_file(&tmp) {
            tracing::debug!("{}: not removed: {left}", tmp.display());
        }
        return Err(cannot(link, e));
    }
    prune(dir);
    Ok(())
}

/// Removes the links in `dir` whose folder is gone (a plugin removed or
/// moved): each is made again when its plugin's hooks next load, so none
/// is lost, and the folder does not grow with every plugin ever run.
/// Only dangling symbolic links are removed; anything else is left.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if is_link
            && !path.exists()
            && let Err(e) = std::fs::remove_file(&path)
        {
            tracing::debug!("{}: not removed: {e}", path.display());
        }
    }
}

/// `path` made absolute against the current directory (as it stands when
/// that cannot be read).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_not_plain_gets_a_plain_alias_of_its_own() {
        let home = Path::new("/home/ann/.quire");
        assert_eq!(alias(home, Path::new("/srv/a-b_c.d/kit+1,x@y%z")), None);
        let one = alias(home, Path::new("/r/my kit")).unwrap();
        let again = alias(home, Path::new("/r/my kit")).unwrap();
        let two = alias(home, Path::new("/r/w $(touch X3)")).unwrap();
        let three = alias(home, Path::new("/home/zoë/kit")).unwrap();
        assert_eq!(one, again);
        assert_ne!(one, two);
        assert_ne!(two, three);
        for a in [&one, &two, &three] {
            let text = a.to_str().unwrap();
            assert!(super::super::root_quote::plain(text), "{text}");
            assert!(
                a.starts_with("/home/ann/.quire/cache/plugin-roots"),
                "{text}"
            );
            let name = a.file_name().unwrap().to_str().unwrap();
            assert_eq!(name.len(), 16, "{name}");
            assert!(name.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
        }
        assert!(check(home, Path::new("/r/w $(touch X3)")).is_ok());
        let e = check(Path::new("/h/q $x/.quire"), Path::new("/r/my kit")).unwrap_err();
        assert!(e.contains("\"q $x\"") && e.contains("QUIRE_HOME"), "{e}");
    }

    #[test]
    fn the_link_is_made_and_repaired_when_pointed_elsewhere() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo/my kit");
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(root.join("g.sh"), "real").unwrap();
        let link = alias(&tmp.path().join("home"), &root).unwrap();

        ensure(&link, &root).unwrap();
        assert_eq!(std::fs::read_link(&link).unwrap(), root);
        assert_eq!(std::fs::read_to_string(link.join("g.sh")).unwrap(), "real");
        ensure(&link, &root).unwrap();

        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        ensure(&link, &root).unwrap();
        assert_eq!(std::fs::read_link(&link).unwrap(), root);
        // Nothing but the link is left in its folder.
        let names: Vec<_> = std::fs::read_dir(link.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![link.file_name().unwrap().to_os_string()]);
    }

    #[test]
    fn links_to_folders_gone_are_removed_when_a_link_is_made() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let gone = tmp.path().join("gone kit");
        let kept = tmp.path().join("kept kit");
        let new = tmp.path().join("new kit");
        for d in [&gone, &kept, &new] {
            std::fs::create_dir_all(d).unwrap();
        }
        let (gone_link, kept_link) = (alias(&home, &gone).unwrap(), alias(&home, &kept).unwrap());
        ensure(&gone_link, &gone).unwrap();
        ensure(&kept_link, &kept).unwrap();
        let dir = gone_link.parent().unwrap().to_path_buf();
        std::fs::write(dir.join("notes.txt"), "not a link").unwrap();
        std::fs::remove_dir(&gone).unwrap();

        let new_link = alias(&home, &new).unwrap();
        ensure(&new_link, &new).unwrap();
        assert!(
            std::fs::symlink_metadata(&gone_link).is_err(),
            "dangling link kept"
        );
        assert_eq!(std::fs::read_link(&kept_link).unwrap(), kept);
        assert_eq!(std::fs::read_link(&new_link).unwrap(), new);
        assert!(dir.join("notes.txt").exists());
    }

    #[test]
    fn a_link_that_cannot_be_made_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("my kit");
        std::fs::create_dir_all(&root).unwrap();
        // A file where the links' folder would be.
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(home.join("cache"), "").unwrap();
        let link = alias(&home, &root).unwrap();
        let e = ensure(&link, &root).unwrap_err();
        assert!(
            e.contains(&home.join("cache/plugin-roots").display().to_string()),
            "{e}"
        );
        assert!(e.contains("can be written"), "{e}");

        // A folder in the way of the link itself.
        let home = tmp.path().join("home2");
        let link = alias(&home, &root).unwrap();
        std::fs::create_dir_all(link.join("x")).unwrap();
        let e = ensure(&link, &root).unwrap_err();
        assert!(e.contains(&link.display().to_string()), "{e}");
    }
}
