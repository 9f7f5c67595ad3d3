//! Adding and removing `[mcp_servers.NAME]` tables in a config.toml while
//! keeping the rest of the file (comments, order) as it was.

use std::path::Path;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, value};

use super::config::{McpServerConfig, check_new_name};

fn read(path: &Path) -> Result<DocumentMut, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    text.parse::<DocumentMut>()
        .map_err(|e| format!("{} is not valid TOML: {e}", path.display()))
}

fn write(path: &Path, doc: &DocumentMut) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, doc.to_string())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn string_table(map: &std::collections::BTreeMap<String, String>) -> InlineTable {
    let mut t = InlineTable::new();
    for (k, v) in map {
        t.insert(k, v.as_str().into());
    }
    t
}

/// Adds server `name` to the config file at `path` (created if missing).
pub fn add_server(path: &Path, name: &str, c: &McpServerConfig) -> Result<(), String> {
    check_new_name(name)?;
    let mut doc = read(path)?;
    let servers = doc
        .entry("mcp_servers")
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| format!("{}: mcp_servers is not a table", path.display()))?;
    if servers.contains_key(name) {
        return Err(format!(
            "an MCP server named '{name}' is already in {}; remove it first with `quire mcp remove {name}`",
            path.display()
        ));
    }
    let mut t = Table::new();
    if let Some(cmd) = &c.command {
        t.insert("command", value(cmd.as_str()));
        if !c.args.is_empty() {
            t.insert(
                "args",
                value(c.args.iter().map(String::as_str).collect::<Array>()),
            );
        }
        if !c.env.is_empty() {
            t.insert("env", value(string_table(&c.env)));
        }
    }
    if let Some(url) = &c.url {
        t.insert("url", value(url.as_str()));
        if !c.headers.is_empty() {
            t.insert("headers", value(string_table(&c.headers)));
        }
    }
    servers.insert(name, Item::Table(t));
    write(path, &doc)
}

/// Removes server `name` from the config file; `Ok(false)` when it is not
/// there.
pub fn remove_server(path: &Path, name: &str) -> Result<bool, String> {
    let mut doc = read(path)?;
    let Some(servers) = doc.get_mut("mcp_servers").and_then(Item::as_table_like_mut) else {
        return Ok(false);
    };
    if servers.remove(name).is_none() {
        return Ok(false);
    }
    if servers.is_empty() {
        doc.remove("mcp_servers");
    }
    write(path, &doc)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_and_remove_keep_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# my settings\nmodel = \"m\" # the model\n").unwrap();
        let mut c = McpServerConfig::stdio("npx", vec!["-y".into(), "srv".into()]);
        c.env.insert("TOKEN".into(), "x".into());
        add_server(&path, "files", &c).unwrap();
        add_server(
            &path,
            "remote",
            &McpServerConfig::http("http://127.0.0.1:1/mcp"),
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# my settings\nmodel = \"m\" # the model\n"),
            "{text}"
        );
        assert!(text.contains("[mcp_servers.files]\ncommand = \"npx\"\nargs = [\"-y\", \"srv\"]\nenv = { TOKEN = \"x\" }"), "{text}");
        assert!(
            text.contains("[mcp_servers.remote]\nurl = \"http://127.0.0.1:1/mcp\""),
            "{text}"
        );
        assert!(!text.contains("[mcp_servers]\n"), "{text}");
        let err = add_server(&path, "files", &c).unwrap_err();
        assert!(
            err.contains("already") && err.contains("quire mcp remove files"),
            "{err}"
        );
        // What was written loads back.
        let parsed: toml::Table = text.parse().unwrap();
        let servers: super::super::McpServers = parsed["mcp_servers"].clone().try_into().unwrap();
        assert_eq!(servers.0["files"].args, vec!["-y", "srv"]);
        assert!(remove_server(&path, "files").unwrap());
        assert!(!remove_server(&path, "files").unwrap());
        assert!(remove_server(&path, "remote").unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "# my settings\nmodel = \"m\" # the model\n");
    }
}
