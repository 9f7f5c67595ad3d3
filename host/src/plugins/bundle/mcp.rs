//! A bundle's MCP servers (`mcp.json`, `.mcp.json`): `${PLUGIN_ROOT}` /
//! `${CLAUDE_PLUGIN_ROOT}` become the bundle's folder, `${PLUGIN_DATA}` /
//! `${CLAUDE_PLUGIN_DATA}` its data folder (`~/.quire/plugin-data/NAME`),
//! and each server is named `PLUGIN_SERVER`, so its tools are
//! `mcp__PLUGIN_SERVER__tool`. A plugin's servers stay disabled until the
//! user enables them (`quire plugins enable`, or `install --enable`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Bundle, Layout, McpFile};
use crate::mcp::seal;
use crate::mcp::spec::read_plugin_mcp_json;
use crate::mcp::{McpServerConfig, ServerSpec, Source};

const ENABLED_FILE: &str = "plugins-enabled.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct EnabledFile {
    /// Plugin names enabled by name only (before consents were pinned):
    /// read to say so, never to start anything.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mcp: Vec<String>,
    /// What the user accepted: one plugin folder with its servers as they
    /// were then.
    #[serde(default)]
    consent: Vec<Consent>,
}

/// The user's consent to one bundle's MCP servers: the plugin's name, its
/// folder, the sha256 of its server definitions ([`servers_digest`]) and
/// every file of its folder as it was ([`seal::plugin_files`], checked
/// before every start of a server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Consent {
    plugin: String,
    root: String,
    sha256: String,
    /// Absent in a consent given before the folder's files were recorded:
    /// then it no longer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    files: Option<BTreeMap<String, String>>,
}

/// The consents to plugins' MCP servers (`$QUIRE_HOME/plugins-enabled.json`).
#[derive(Debug, Default)]
pub struct Enabled(EnabledFile);

/// Whether `bundle`'s MCP servers may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McpConsent {
    /// Accepted as they are now.
    Accepted,
    /// Never enabled.
    Off,
    /// Enabled once, but the server definitions or the folder changed
    /// since (or a different plugin took the name, or the consent was
    /// given before the folder's files were recorded). A change of the
    /// files the servers run is told at their start ([`seal::Sealed`]).
    Changed,
}

impl Enabled {
    pub fn load(home: &Path) -> Enabled {
        Enabled(read_enabled(home))
    }

    pub fn state(&self, bundle: &Bundle) -> McpConsent {
        let mine = |c: &&Consent| c.plugin == bundle.name;
        if self.accepted(bundle).is_some() {
            McpConsent::Accepted
        } else if self.0.consent.iter().any(|c| mine(&c)) || self.0.mcp.contains(&bundle.name) {
            McpConsent::Changed
        } else {
            McpConsent::Off
        }
    }
}

impl Enabled {
    /// The files of `bundle`'s folder as its accepted consent recorded
    /// them (`None`: no consent holds).
    fn accepted(&self, bundle: &Bundle) -> Option<&BTreeMap<String, String>> {
        let root = root_text(bundle);
        let digest = servers_digest(bundle);
        self.0
            .consent
            .iter()
            .filter(|c| c.plugin == bundle.name && c.root == root && c.sha256 == digest)
            .find_map(|c| c.files.as_ref())
    }
}

fn read_enabled(home: &Path) -> EnabledFile {
    std::fs::read_to_string(home.join(ENABLED_FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<EnabledFile>(&t).ok())
        .unwrap_or_default()
}

/// `bundle`'s folder as a consent records it (its real path).
pub fn root_text(bundle: &Bundle) -> String {
    bundle
        .root
        .canonicalize()
        .unwrap_or_else(|_| bundle.root.clone())
        .display()
        .to_string()
}

/// Whether any consent names `plugin` (enabled by name, for `disable`).
pub fn is_enabled(home: &Path, plugin: &str) -> bool {
    let f = read_enabled(home);
    f.mcp.iter().any(|p| p == plugin) || f.consent.iter().any(|c| c.plugin == plugin)
}

/// Accepts the MCP servers of `bundle` as they are now, or (`on` false)
/// withdraws every consent to the plugin's name.
pub fn set_enabled(home: &Path, bundle: &Bundle, on: bool) -> std::io::Result<()> {
    let mut f = read_enabled(home);
    f.mcp.retain(|p| p != &bundle.name);
    let root = root_text(bundle);
    if on {
        f.consent
            .retain(|c| !(c.plugin == bundle.name && c.root == root));
        f.consent.push(Consent {
            plugin: bundle.name.clone(),
            root,
            sha256: servers_digest(bundle),
            files: Some(seal::plugin_files(&bundle.root)),
        });
    } else {
        f.consent.retain(|c| c.plugin != bundle.name);
    }
    std::fs::create_dir_all(home)?;
    let text = serde_json::to_string_pretty(&f).map_err(std::io::Error::other)?;
    let path = home.join(ENABLED_FILE);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// Withdraws the consents to `plugin` in the folder `root` (as
/// [`root_text`] wrote it) and any by its name only: the plugin was
/// removed. Returns how many were dropped.
pub fn withdraw(home: &Path, plugin: &str, root: &str) -> std::io::Result<usize> {
    let mut f = read_enabled(home);
    let before = f.mcp.len() + f.consent.len();
    f.mcp.retain(|p| p != plugin);
    f.consent
        .retain(|c| !(c.plugin == plugin && c.root == root));
    let dropped = before - f.mcp.len() - f.consent.len();
    if dropped > 0 {
        let text = serde_json::to_string_pretty(&f).map_err(std::io::Error::other)?;
        let path = home.join(ENABLED_FILE);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, path)?;
    }
    Ok(dropped)
}

/// Withdraws every consent to `plugin` (also when no bundle of that name
/// is installed any more).
pub fn disable(home: &Path, plugin: &str) -> std::io::Result<()> {
    let mut f = read_enabled(home);
    f.mcp.retain(|p| p != plugin);
    f.consent.retain(|c| c.plugin != plugin);
    let text = serde_json::to_string_pretty(&f).map_err(std::io::Error::other)?;
    std::fs::write(home.join(ENABLED_FILE), text)
}

/// sha256 of what `bundle`'s MCP servers are: its name and each server
/// file (or inline definition) as written. The files they run are every
/// file of the plugin's folder, recorded apart and checked before each
/// start ([`seal::plugin_files`]).
pub fn servers_digest(bundle: &Bundle) -> String {
    let mut h = Sha256::new();
    h.update(bundle.name.as_bytes());
    for file in &bundle.mcp {
        h.update(b"\0file\0");
        h.update(file.path.display().to_string().as_bytes());
        match &file.inline {
            Some(v) => h.update(v.to_string().as_bytes()),
            None => h.update(crate::file_kind::read(&file.path).unwrap_or_default()),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
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
    enabled: &Enabled,
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
    let sealed = enabled.accepted(bundle);
    let on = sealed.is_some();
    let mut out = Vec::new();
    for (server, c) in servers(file, warnings)? {
        if let Err(why) = refusal(bundle, &c, home) {
            warnings.push(format!(
                "{}: MCP server '{server}' of plugin {} is refused: {why}",
                file.path.display(),
                bundle.name
            ));
            continue;
        }
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
        let mut spec = ServerSpec::new(&name, Source::McpJson(file.path.clone()), &c, &bundle.root);
        spec.plugin = Some(bundle.name.clone());
        spec.sealed = sealed.map(|files| {
            seal::Sealed::plugin(&bundle.root, &bundle.name, Some(&data), files.clone())
        });
        out.push(spec);
    }
    Ok(out)
}

/// `Err` saying why the server `c` of `bundle` (as written) never runs:
/// it names a path out of the plugin (see `mcp_paths`; `home` gives its
/// data folder). The one rule of sessions, `enable`, `validate` and every
/// screen that asks for trust.
pub fn refusal(bundle: &Bundle, c: &McpServerConfig, home: &Path) -> Result<(), String> {
    super::mcp_paths::check(c, &bundle.root, &data_dir(home, &bundle.name))
}

/// The servers of `bundle` that never run, with why: those naming a path
/// out of the plugin (see `mcp_paths`), with `home`'s data folder.
pub fn refused(bundle: &Bundle, home: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in &bundle.mcp {
        let Ok(found) = servers(file, &mut Vec::new()) else {
            continue;
        };
        for (server, c) in found {
            if let Err(why) = refusal(bundle, &c, home) {
                out.push((server, why));
            }
        }
    }
    out
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
    let text = crate::file_kind::read_to_string(path)
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
