//! What a sealed MCP server that may not start says ([`super::seal`]):
//! which files changed, were added or were removed since the user's
//! consent, and what to do. A plugin's server whose folder gained or
//! changed a file that is not code (a cache, a lock file, a virtual
//! environment's settings) may have written it itself: the message then
//! says a server keeps its data in `${CLAUDE_PLUGIN_DATA}`, and that
//! `quire plugins enable NAME` accepts the folder as it is now.

use std::collections::BTreeMap;
use std::path::Path;

/// Whose consent the server ran on.
pub(super) enum Since<'a> {
    /// The trust of the repository at this path.
    Trusted(&'a Path),
    /// The enabling of a plugin: its name, folder and data folder.
    Enabled {
        plugin: &'a str,
        root: &'a Path,
        data: Option<&'a Path>,
    },
}

/// How many files of each kind of change are named.
const SHOWN: usize = 3;

/// Why server `server` may not start: the files of `now` that differ from
/// `recorded` (`None`: none do).
pub(super) fn refusal(
    server: &str,
    recorded: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
    since: Since<'_>,
) -> Option<String> {
    let changed: Vec<&String> = recorded
        .iter()
        .filter(|(f, digest)| now.get(*f).is_some_and(|d| d != *digest))
        .map(|(f, _)| f)
        .collect();
    let added: Vec<&String> = now.keys().filter(|f| !recorded.contains_key(*f)).collect();
    let removed: Vec<&String> = recorded.keys().filter(|f| !now.contains_key(*f)).collect();
    if changed.is_empty() && added.is_empty() && removed.is_empty() {
        return None;
    }
    let mut what = Vec::new();
    if !changed.is_empty() {
        what.push(format!("{} changed", listed(&changed)));
    }
    for (files, verb) in [(&added, "added"), (&removed, "removed")] {
        if !files.is_empty() {
            let was = if files.len() == 1 { "was" } else { "were" };
            what.push(format!("{} {was} {verb}", listed(files)));
        }
    }
    let what = what.join("; ");
    let data_file = changed
        .iter()
        .chain(&added)
        .find(|f| !is_code(f))
        .map(|f| crate::printable::shown_command(f).into_owned());
    let it = if changed.len() + added.len() + removed.len() == 1 {
        "it"
    } else {
        "them"
    };
    Some(match since {
        Since::Trusted(root) => format!(
            "MCP server '{server}' is not started: {what} since you trusted {} (a command or a checkout may have written {it}). Read the change, then run `quire trust` there to start the server again.",
            root.display()
        ),
        Since::Enabled { plugin, root, data } => {
            let (who, hint) = match data_file {
                Some(file) => (
                    ", or the server itself",
                    format!(
                        " If the server writes {file} itself, it should keep such data in ${{CLAUDE_PLUGIN_DATA}} ({}), not in its plugin folder.",
                        data.map_or_else(
                            || "~/.quire/plugin-data/PLUGIN".to_string(),
                            |d| d.display().to_string()
                        )
                    ),
                ),
                None => ("", String::new()),
            };
            format!(
                "MCP server '{server}' is not started: {what} since you enabled plugin '{plugin}' ({}) (a command or a checkout may have written {it}{who}).{hint} Enabling covers every file of the plugin's folder, its skills and commands too. Read the change, then run `quire plugins enable {plugin}` to start the server again: it accepts the folder as it is now.",
                root.display()
            )
        }
    })
}

/// Up to [`SHOWN`] of `files`, shown safely, and how many more.
fn listed(files: &[&String]) -> String {
    let shown: Vec<String> = files
        .iter()
        .take(SHOWN)
        .map(|f| crate::printable::shown_command(f).into_owned())
        .collect();
    match files.len() {
        n if n > SHOWN => format!("{} and {} more", shown.join(", "), n - SHOWN),
        _ => shown.join(", "),
    }
}

/// Whether `file` is code a server may run or load (a script, a module,
/// a native library, an executable without an extension), rather than
/// data it may write itself.
fn is_code(file: &str) -> bool {
    const CODE: [&str; 30] = [
        "py", "pyc", "pyo", "pyd", "pyw", "pth", "js", "mjs", "cjs", "ts", "mts", "cts", "jsx",
        "tsx", "sh", "bash", "zsh", "so", "dylib", "dll", "node", "wasm", "jar", "class", "rb",
        "pl", "pm", "php", "lua", "exe",
    ];
    let name = file.rsplit('/').next().unwrap_or(file);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            CODE.contains(&ext.as_str()) || name.contains(".so.")
        }
        // No extension (or a dotfile): possibly an executable script.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(f, d)| (f.to_string(), d.to_string()))
            .collect()
    }

    #[test]
    fn an_added_data_file_is_said_to_be_added_with_where_data_belongs() {
        let was = map(&[("server.py", "a")]);
        let now = map(&[("server.py", "a"), ("cache.json", "b")]);
        let data = Path::new("/h/plugin-data/kit");
        let since = Since::Enabled {
            plugin: "kit",
            root: Path::new("/r/kit"),
            data: Some(data),
        };
        let m = refusal("kit_srv", &was, &now, since).unwrap();
        assert!(
            m.contains("cache.json was added since you enabled plugin 'kit' (/r/kit)")
                && m.contains("or the server itself")
                && m.contains("${CLAUDE_PLUGIN_DATA} (/h/plugin-data/kit)")
                && m.contains("`quire plugins enable kit`")
                && m.contains("accepts the folder as it is now"),
            "{m}"
        );
        assert!(refusal("kit_srv", &now, &now, Since::Trusted(Path::new("/r"))).is_none());
    }

    #[test]
    fn a_changed_module_gets_no_data_advice() {
        let was = map(&[("helper.py", "a"), ("gone.js", "c")]);
        let now = map(&[("helper.py", "b"), ("lib/x.so.1", "d")]);
        let since = Since::Enabled {
            plugin: "kit",
            root: Path::new("/r/kit"),
            data: None,
        };
        let m = refusal("s", &was, &now, since).unwrap();
        assert!(
            m.contains("helper.py changed; lib/x.so.1 was added; gone.js was removed since")
                && !m.contains("CLAUDE_PLUGIN_DATA"),
            "{m}"
        );
        assert!(is_code("bin/run") && is_code("a/.hidden") && !is_code("uv.lock"));
    }
}
