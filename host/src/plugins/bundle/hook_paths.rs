//! A bundle's hook whose command names a path out of the plugin's folder
//! (`${CLAUDE_PLUGIN_ROOT}/../x`) is refused when hooks load
//! (`hooks::plugin_paths`); detection records it as a part not loaded, so
//! `plugins install` warns of it and `plugins list`/`bundles` show the
//! plugin `partial`, as for a manifest path that leaves the plugin. So is
//! every command hook of a plugin whose folder's path is not plain and
//! whose alias under `$QUIRE_HOME` a shell could act on (a `$QUIRE_HOME`
//! named `q $(x)`: `hooks::root_alias`, `hooks::root_name`).

use std::path::Path;

use super::{Bundle, Problem};

/// `Err` saying why the command hook `command` of the plugin in `root`
/// never runs (with `home`, quire's folder, for the plugin's alias): the
/// one rule of detection, `plugins validate`, `install` and every screen
/// that asks for trust (`quire trust`, `share add`/`update`).
pub fn refusal(command: &str, root: &Path, home: &Path) -> Result<(), String> {
    crate::hooks::plugin_paths::check(command, root)
        .and_then(|()| crate::hooks::root_alias::check(home, root))
}

/// How many hooks of the plugin hook file `file` (of the plugin in
/// `root`) may run once approved, and how many [`refusal`] refuses.
pub fn counted(file: &Path, root: &Path, home: &Path) -> (usize, usize) {
    let Ok((hooks, _)) = crate::hooks::claude::read_plugin_hooks_skipping(file) else {
        return (0, 0);
    };
    let refused = hooks
        .iter()
        .filter(|(_, def, _)| {
            def.command
                .as_deref()
                .is_some_and(|c| refusal(c, root, home).is_err())
        })
        .count();
    (hooks.len() - refused, refused)
}

/// Adds each refused hook of `b`'s hook files to its problems and the
/// parts not loaded. A file that cannot be read is `validate`'s to report.
pub(super) fn refused(b: &mut Bundle) {
    let mut found = Vec::new();
    let home = crate::config::quire_home();
    for file in &b.hooks {
        let Ok((hooks, _)) = crate::hooks::claude::read_settings_skipping(file) else {
            continue;
        };
        for (_, def, at) in hooks {
            let Some(command) = def.command.as_deref() else {
                continue;
            };
            if let Err(why) = refusal(command, &b.root, &home) {
                found.push(Problem {
                    file: file.clone(),
                    message: format!("{at} is refused: {why}"),
                });
            }
        }
    }
    b.not_loaded.extend(found.iter().cloned());
    b.problems.extend(found);
}
