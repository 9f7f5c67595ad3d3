//! A bundle's command hooks that would fail each time they fire because
//! the plugin's script they run is missing or not executable
//! (`hooks::plugin_scripts`): problems for `quire plugins validate` (and
//! so warnings of `plugins install` and `share add`), warnings of `quire
//! doctor`. The hooks still load: the files may be fixed in place.

use super::{Bundle, Problem};

/// Each hook of `b`'s hook files whose script is missing or not
/// executable, naming its file, event and the fix. A file that cannot be
/// read is `validate`'s to report.
pub fn problems(b: &Bundle) -> Vec<Problem> {
    let mut found = Vec::new();
    for file in &b.hooks {
        let Ok((hooks, _)) = crate::hooks::claude::read_settings_skipping(file) else {
            continue;
        };
        for (_, def, at) in hooks {
            if def.kind != crate::hooks::HookKind::Command {
                continue;
            }
            let Some(command) = def.command.as_deref() else {
                continue;
            };
            if let Err(why) = crate::hooks::plugin_scripts::check(command, &b.root) {
                found.push(Problem {
                    file: file.clone(),
                    message: format!("{at} {why}"),
                });
            }
        }
    }
    found
}
