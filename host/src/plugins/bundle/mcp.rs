//! A bundle's MCP servers (`mcp.json`, `.mcp.json`): `${PLUGIN_ROOT}` /
//! `${CLAUDE_PLUGIN_ROOT}` become the bundle's folder, `${PLUGIN_DATA}` /
//! `${CLAUDE_PLUGIN_DATA}` its data folder (`~/.quire/plugin-data/NAME`),
//! and each server is named `PLUGIN_SERVER`, so its tools are
//! `mcp__PLUGIN_SERVER__tool`. A plugin's servers stay disabled until the
//! user enables them (`quire plugins enable`, or `install --enable`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Bundle, Layout, McpFile};
use crate::mcp::spec::read_plugin_mcp_json;
use crate::mcp::{McpServerConfig, ServerSpec, Source};

const ENABLED_FILE: &str = "plugins-enabled.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct EnabledFile {
    /// Plugin names whose every server is enabled.
    #[serde(default)]
    mcp: Vec<String>,
}

/// The plugins whose MCP servers the user enabled.
pub fn enabled_servers(home: &Path) -> Vec<String> {
    std::fs::read_to_string(home.join(ENABLED_FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<EnabledFile>(&t).ok())
        .map(|f| f.mcp)
        .unwrap_or_default()
}

/// Enables (or disables) the MCP servers of `plugin`.
pub fn set_enabled(home: &Path, plugin: &str, on: bool) -> std::io::Result<()> {
    let mut f = std::fs::read_to_string(home.join(ENABLED_FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<EnabledFile>(&t).ok())
        .unwrap_or_default();
    f.mcp.retain(|p| p != plugin);
    if on {
        f.mcp.push(plugin.to_string());
    }
    std::fs::create_dir_all(home)?;
    let text = serde_json::to_string_pretty(&f).map_err(std::io::Error::other)?;
    std::fs::write(home.join(ENABLED_FILE), text)
}

/// The data folder of `plugin`.
pub fn data_dir(home: &Path, plugin: &str) -> PathBuf {
    home.join("plugin-data").join(plugin)
}

/// The servers of one file of `bundle`.
pub fn specs(
    bundle: &Bundle,
    file: &McpFile,
    home: &Path,
    enabled: &[String],
    warnings: &mut Vec<String>,
) -> Result<Vec<ServerSpec>, String> {
    if file.layout == Layout::AgentPlugins {
        check_schema(&file.path)?;
    }
    let data = data_dir(home, &bundle.name);
    let root = bundle.root.display().to_string();
    let data_s = data.display().to_string();
    let sub = |s: &str| {
        s.replace("${PLUGIN_ROOT}", &root)
            .replace("${CLAUDE_PLUGIN_ROOT}", &root)
            .replace("${PLUGIN_DATA}", &data_s)
            .replace("${CLAUDE_PLUGIN_DATA}", &data_s)
    };
    let on = enabled.iter().any(|p| p == &bundle.name);
    let mut out = Vec::new();
    for (server, c) in servers(file, warnings)? {
        let mut env: std::collections::BTreeMap<String, String> =
            c.env.iter().map(|(k, v)| (k.clone(), sub(v))).collect();
        // As Claude Code does: the server finds its plugin through its
        // environment too, not only through `${...}` in its config.
        for (k, v) in [
            ("CLAUDE_PLUGIN_ROOT", &root),
            ("PLUGIN_ROOT", &root),
            ("CLAUDE_PLUGIN_DATA", &data_s),
            ("PLUGIN_DATA", &data_s),
        ] {
            env.entry(k.to_string()).or_insert_with(|| v.clone());
        }
        let c = McpServerConfig {
            command: c.command.as_deref().map(sub),
            args: c.args.iter().map(|a| sub(a)).collect(),
            env,
            url: c.url.as_deref().map(sub),
            headers: c.headers.iter().map(|(k, v)| (k.clone(), sub(v))).collect(),
            enabled: on,
            ..c
        };
        if on {
            let _ = std::fs::create_dir_all(&data);
        }
        let name = format!("{}_{server}", bundle.name);
        out.push(ServerSpec::new(
            &name,
            Source::McpJson(file.path.clone()),
            &c,
            &bundle.root,
        ));
    }
    Ok(out)
}

/// The servers `file` declares: its own `.mcp.json`, or those written
/// inline in a manifest.
pub fn servers(
    file: &McpFile,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, McpServerConfig)>, String> {
    match &file.inline {
        Some(v) => {
            let name = format!("{}: mcpServers", file.path.display());
            crate::mcp::spec::servers_from(&name, v, true, warnings)
        }
        None => read_plugin_mcp_json(&file.path, warnings),
    }
}

/// An Agent Plugins `mcp.json` must name the 1.0 MCP schema.
pub fn check_schema(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
    match v.get("$schema").and_then(serde_json::Value::as_str) {
        Some(s) if s == super::MCP_SCHEMA_1_0 => Ok(()),
        Some(s) => Err(format!(
            "{}: \"$schema\": \"{s}\" is not the Agent Plugins 1.0 MCP schema \"{}\"",
            path.display(),
            super::MCP_SCHEMA_1_0
        )),
        None => Err(format!(
            "{}: \"$schema\" is missing; add \"$schema\": \"{}\"",
            path.display(),
            super::MCP_SCHEMA_1_0
        )),
    }
}
