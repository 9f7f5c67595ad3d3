//! A plugin hook's command may run only files of its plugin: the
//! approval of a plugin hook (and the plugin's lock, which notices a
//! changed plugin) covers the plugin's folder, nothing outside it. A word
//! of the command that starts at the plugin's root (`${CLAUDE_PLUGIN_ROOT}`,
//! `$CLAUDE_PLUGIN_ROOT`, `${PLUGIN_ROOT}`, `$PLUGIN_ROOT`) and leaves it
//! (`..`, a symbolic link out) makes the hook refused, as a manifest path
//! leaving the plugin is (`plugins::bundle::paths`).

use std::path::{Component, Path, PathBuf};

const VARS: &[&str] = &[
    "${CLAUDE_PLUGIN_ROOT}",
    "$CLAUDE_PLUGIN_ROOT",
    "${PLUGIN_ROOT}",
    "$PLUGIN_ROOT",
];

/// `Err` naming the first word of `command` (as written, before the plugin
/// root is put in) that reaches outside `root`, the plugin's folder.
pub fn check(command: &str, root: &Path) -> Result<(), String> {
    for word in super::trust::command_words(command) {
        let word = word.as_str();
        let Some(at) = VARS
            .iter()
            .filter_map(|v| word.find(v).map(|i| (i, v)))
            .min()
        else {
            continue;
        };
        let rest = &word[at.0 + at.1.len()..];
        // `$CLAUDE_PLUGIN_ROOTX` is another variable.
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = rest.trim_start_matches('/');
        // A glob names the folder it lists.
        let rest = match rest.find(['*', '?', '[']) {
            Some(at) => rest[..at].rfind('/').map_or("", |slash| &rest[..slash]),
            None => rest,
        };
        // `..` is judged where it leads (`scripts/../scripts/b.sh` stays
        // inside), both as written and by the real path.
        let path = root.join(rest);
        let why = if !lexical(&path).starts_with(lexical(root)) {
            "it leaves the folder"
        } else if !linked_inside(root, &path) {
            "it is reached through a symbolic link out of the folder"
        } else {
            continue;
        };
        return Err(format!(
            "its command names `{word}` ({}), outside the plugin's folder {}: {why}; a plugin hook may run only the plugin's own files, the only ones its approval covers",
            lexical(&root.join(rest)).display(),
            root.display()
        ));
    }
    Ok(())
}

/// Whether the deepest part of `path` that exists is, by its real path,
/// inside `root` (a file not made yet is judged by its folder).
fn linked_inside(root: &Path, path: &Path) -> bool {
    let Ok(real_root) = root.canonicalize() else {
        return true;
    };
    let mut at = Some(path);
    while let Some(p) = at {
        if let Ok(real) = p.canonicalize() {
            return real.starts_with(&real_root);
        }
        at = p.parent();
    }
    true
}

/// `path` with `.` and `..` taken away, without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_from_the_plugin_root_must_stay_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kit");
        std::fs::create_dir_all(root.join("hooks")).unwrap();
        std::fs::write(root.join("hooks/a.sh"), "exit 0").unwrap();
        assert!(check("bash ${CLAUDE_PLUGIN_ROOT}/hooks/a.sh", &root).is_ok());
        assert!(check("python3 \"$PLUGIN_ROOT/hooks/a.py\" --x", &root).is_ok());
        assert!(
            check(
                "for f in ${CLAUDE_PLUGIN_ROOT}/hooks/*.sh; do sh $f; done",
                &root
            )
            .is_ok()
        );
        assert!(
            check(
                "bash /usr/bin/true && echo $CLAUDE_PLUGIN_ROOTS/../x",
                &root
            )
            .is_ok()
        );
        let e = check("bash ${CLAUDE_PLUGIN_ROOT}/../../../../evil.sh", &root).unwrap_err();
        assert!(
            e.contains("`${CLAUDE_PLUGIN_ROOT}/../../../../evil.sh`"),
            "{e}"
        );
        assert!(e.contains("outside the plugin's folder"), "{e}");
        assert!(check("sh '$CLAUDE_PLUGIN_ROOT'/hooks/../../x.sh", &root).is_err());
        assert!(check("cd ${PLUGIN_ROOT}/.. && ./x.sh", &root).is_err());
        // `..` that stays inside is accepted.
        assert!(check("bash ${CLAUDE_PLUGIN_ROOT}/hooks/../hooks/a.sh", &root).is_ok());
        assert!(check("bash ${CLAUDE_PLUGIN_ROOT}/./hooks/./a.sh", &root).is_ok());
        assert!(check("bash ${CLAUDE_PLUGIN_ROOT}/hooks/../../x.sh", &root).is_err());
        // A link out of the plugin.
        std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap();
        assert!(check("bash ${CLAUDE_PLUGIN_ROOT}/out/evil.sh", &root).is_err());
    }
}
