//! The `env` of a plugin's MCP server, under the rule of
//! [`super::mcp_paths`] (a plugin's server runs only the plugin's own
//! files, the only ones its enabling seals): a variable whose value names
//! code the server's programs run or load — a shell's startup file
//! (`BASH_ENV`, `ENV`), a loader variable (`PYTHONPATH`, `NODE_PATH`,
//! `LD_PRELOAD`, `NODE_OPTIONS=--require=…`, see
//! `mcp::seal_env::LOADER_VARS`) or `PATH` — may name only the plugin's
//! folder and its data folder (`PATH` also the system's program folders,
//! `/usr/bin`, `/bin`, and the inherited `$PATH`). A path elsewhere, one
//! from the home folder (`~/x`, `$HOME/x`) or another variable, or a
//! relative one (found from wherever the server runs) is refused: a
//! sandboxed command or a checkout may rewrite what it names, and the
//! server would run that outside the sandbox.

use std::collections::BTreeMap;
use std::path::Path;

use crate::mcp::seal_env::{LOADER_VARS, PATH_LISTS, STARTUP_FILES};

/// Folders of the system's own programs a plugin server's `PATH` may name.
const SYSTEM: [&str; 6] = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/nix/store"];

/// The plugin's own variables, as written in its `.mcp.json`.
const PLUGIN_VARS: [&str; 4] = [
    "${CLAUDE_PLUGIN_ROOT}",
    "${CLAUDE_PLUGIN_DATA}",
    "$CLAUDE_PLUGIN_ROOT",
    "$CLAUDE_PLUGIN_DATA",
];

/// `Err` saying which variable of `env` names code out of the plugin in
/// `root` (data folder `data`), and why it may not.
pub(super) fn check(
    env: &BTreeMap<String, String>,
    root: &Path,
    data: &Path,
) -> Result<(), String> {
    for (key, value) in env {
        let key = key.as_str();
        let is_path = key == "PATH";
        if !(is_path || STARTUP_FILES.contains(&key) || LOADER_VARS.contains(&key)) {
            continue;
        }
        let list = is_path || PATH_LISTS.contains(&key);
        crate::hooks::plugin_paths::check_server(value, root)
            .map_err(|why| format!("its env {key}: {why}"))?;
        for part in parts(value, list) {
            if let Some(why) = outside(part, list, is_path, root, data) {
                return Err(format!(
                    "its env {key} names `{part}`, {why}; a plugin's MCP server may run and load only the plugin's own files, the only ones its enabling covers: name them from `${{CLAUDE_PLUGIN_ROOT}}` (or `${{CLAUDE_PLUGIN_DATA}}`)"
                ));
            }
        }
    }
    Ok(())
}

/// The parts of `value` that may name a path: for a search path (`list`)
/// each entry between `:` (an empty one is the working folder); else each
/// word, cut at `:`, `;`, `=` or `,` (`--require=./pre.js`), options
/// (`--require`) left out.
fn parts(value: &str, list: bool) -> Vec<&str> {
    if list {
        return value.split(':').collect();
    }
    value
        .split(char::is_whitespace)
        .flat_map(|w| w.split([':', ';', '=', ',']))
        .filter(|p| !p.is_empty() && !p.starts_with('-'))
        .collect()
}

/// Why `part` names something out of the plugin; `None` when it does not.
fn outside(part: &str, list: bool, is_path: bool, root: &Path, data: &Path) -> Option<String> {
    if part.is_empty() {
        return Some("an empty entry, which is the folder the server runs in".to_string());
    }
    if PLUGIN_VARS.iter().any(|v| {
        part.strip_prefix(v)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }) {
        return None;
    }
    if is_path && (part == "$PATH" || part == "${PATH}") {
        return None;
    }
    if part.starts_with('~') || part.starts_with('$') {
        return Some(
            "a path from the home folder or another variable, outside the plugin's folder"
                .to_string(),
        );
    }
    if part.starts_with('/') {
        let path = Path::new(part);
        if is_path && SYSTEM.iter().any(|s| path.starts_with(s)) {
            return None;
        }
        if inside(path, root, data) {
            return None;
        }
        return Some(format!("outside the plugin's folder {}", root.display()));
    }
    // A word of a search path is a path; elsewhere only what looks like
    // one (`./pre.js`, `lib/x`), not a value (`4096`).
    if list || part.starts_with('.') || part.contains('/') {
        return Some("a relative path, found from wherever the server runs".to_string());
    }
    None
}

/// Whether `path` lies in the plugin's folder or its data folder, also
/// once its links are followed.
fn inside(path: &Path, root: &Path, data: &Path) -> bool {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let within = path.starts_with(root) || path.starts_with(&real_root) || path.starts_with(data);
    within
        && path.canonicalize().map_or(true, |real| {
            real.starts_with(&real_root) || real.starts_with(data)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_one(key: &str, value: &str) -> Result<(), String> {
        let env = BTreeMap::from([(key.to_string(), value.to_string())]);
        check(
            &env,
            Path::new("/nonexistent/plugins/pp"),
            Path::new("/nonexistent/home/plugin-data/pp"),
        )
    }

    #[test]
    fn env_naming_code_out_of_the_plugin_is_refused() {
        assert!(check_one("PYTHONPATH", "${CLAUDE_PLUGIN_ROOT}/lib").is_ok());
        assert!(check_one("PATH", "${CLAUDE_PLUGIN_ROOT}/bin:/usr/bin:/bin:${PATH}").is_ok());
        assert!(check_one("NODE_OPTIONS", "--max-old-space-size=4096").is_ok());
        assert!(check_one("LD_LIBRARY_PATH", "/nonexistent/plugins/pp/lib").is_ok());
        assert!(check_one("HOME", "${CLAUDE_PLUGIN_DATA}").is_ok());
        assert!(check_one("API_KEY", "/tmp/x").is_ok());
        for (key, value) in [
            ("BASH_ENV", "/tmp/ext/env.sh"),
            ("ENV", "~/env.sh"),
            ("PYTHONPATH", "/tmp/ext"),
            ("NODE_PATH", "lib"),
            ("LD_PRELOAD", "$HOME/x.so"),
            ("LD_LIBRARY_PATH", "${CLAUDE_PLUGIN_ROOT}/lib:"),
            ("NODE_OPTIONS", "--require=/tmp/pre.js"),
            ("NODE_OPTIONS", "--require ./pre.js"),
            ("PATH", "/tmp/bin:/usr/bin"),
            ("PATH", "bin:/usr/bin"),
            ("PYTHONPATH", "${CLAUDE_PLUGIN_ROOT}/../.."),
        ] {
            let err = check_one(key, value).unwrap_err();
            assert!(
                err.contains(&format!("its env {key}")),
                "{key}={value}: {err}"
            );
        }
    }
}
