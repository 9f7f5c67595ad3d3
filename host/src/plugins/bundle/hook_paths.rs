//! A bundle's hook whose command names a path out of the plugin's folder
//! (`${CLAUDE_PLUGIN_ROOT}/../x`) is refused when hooks load
//! (`hooks::plugin_paths`); detection records it as a part not loaded, so
//! `plugins install` warns of it and `plugins list`/`bundles` show the
//! plugin `partial`, as for a manifest path that leaves the plugin. So is
//! every command hook of a plugin whose folder's path is not plain and
//! whose alias under `$QUIRE_HOME` a shell could act on (a `$QUIRE_HOME`
//! named `q $(x)`: `hooks::root_alias`, `hooks::root_name`).

use super::{Bundle, Problem};

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
            let checked = crate::hooks::plugin_paths::check(command, &b.root)
                .and_then(|()| crate::hooks::root_alias::check(&home, &b.root));
            if let Err(why) = checked {
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
