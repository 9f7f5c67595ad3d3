//! A repository's `[mcp_servers.NAME]` against yours of the same name:
//! it replaces yours whole, and your profiles' settings for that name are
//! not given to it (your credentials never reach its server).

use toml::{Table, Value};

use super::check::Origin;

/// A repository's `[mcp_servers.NAME]` replaces yours of that name whole:
/// merged key by key, a repository setting only `url` (or `command`)
/// would get your `headers`, `bearer_token_env_var` or `env` — your
/// credentials sent to its server.
pub(super) fn replaced(
    merged: &mut Table,
    repo: &Table,
    origin: &Origin,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let mut replaced = Vec::new();
    let Some(Value::Table(theirs)) = repo.get("mcp_servers") else {
        return replaced;
    };
    let Some(Value::Table(ours)) = merged.get_mut("mcp_servers") else {
        return replaced;
    };
    for name in theirs.keys() {
        if ours.remove(name).is_some() {
            replaced.push(name.clone());
            warnings.push(format!(
                "{}: the repository defines MCP server '{name}', which replaces yours of that name (none of your settings for it, headers or env included, are used)",
                origin.at(&["mcp_servers".to_string(), name.clone()])
            ));
        }
    }
    replaced
}

/// Takes out of `layer` (a profile of yours, a `-c`) its settings for the MCP
/// servers `replaced` by a repository's of the same name: written for
/// your server, they are not given to the repository's.
pub(super) fn unshared(
    layer: &mut Table,
    replaced: &[String],
    what: &str,
    warnings: &mut Vec<String>,
) {
    let Some(Value::Table(servers)) = layer.get_mut("mcp_servers") else {
        return;
    };
    for name in replaced {
        if servers.remove(name).is_some() {
            warnings.push(format!(
                "{what}: its settings for MCP server '{name}' are not used: the repository defines its own server of that name"
            ));
        }
    }
}
