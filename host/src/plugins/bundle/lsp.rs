//! Claude Code's LSP servers (`lspServers` in a plugin's manifest, or a
//! `.lsp.json` file): quire runs none, so a plugin carrying them is named
//! with a warning rather than passed as valid with nothing said.

use std::path::Path;

use serde_json::Value;

use super::Problem;

/// The warning for the LSP servers the plugin in `root` declares, if any.
pub fn unused(root: &Path) -> Option<Problem> {
    let read = |file: &Path| -> Option<Value> {
        let text = crate::file_kind::read_to_string(file).ok()?;
        serde_json::from_str(&text).ok()
    };
    for (file, manifest) in [
        (root.join(".claude-plugin/plugin.json"), true),
        (root.join(".lsp.json"), false),
    ] {
        let Some(v) = read(&file) else { continue };
        let servers = if manifest {
            v.get("lspServers")
        } else {
            Some(&v)
        };
        let Some(Value::Object(servers)) = servers else {
            continue;
        };
        if servers.is_empty() {
            continue;
        }
        let names: Vec<String> = servers
            .keys()
            .map(|k| format!("`{}`", crate::printable::one_line(k)))
            .collect();
        return Some(Problem {
            file,
            message: format!(
                "quire does not run LSP servers: {} {} not used (quire has no code intelligence from language servers)",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" }
            ),
        });
    }
    None
}
