//! `plugin.toml`: what a plugin is, which component to run, the permissions
//! it asks for and the limits it runs under. Every rule is checked here;
//! errors name the file and the key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PluginError;

/// The file name of a manifest.
pub const MANIFEST_FILE: &str = "plugin.toml";

/// Upper bounds of the limits a manifest may ask for.
pub const MAX_MEMORY_MB: u64 = 4096;
pub const MAX_TIMEOUT_MS: u64 = 600_000;
pub const MAX_OUTPUT_KB: u64 = 64 * 1024;

/// A parsed and checked `plugin.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub description: String,
    /// The component, resolved against the manifest's folder.
    pub component: PathBuf,
    pub permissions: Permissions,
    pub limits: Limits,
    /// The hook events the plugin handles (`[[hooks]]`).
    pub hooks: Vec<super::hook_decl::HookDecl>,
    /// The `plugin.toml` this came from.
    pub path: PathBuf,
}

impl Manifest {
    /// The plugin's folder (holds `plugin.toml`).
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Why the component cannot be loaded before reading it (it is
    /// missing, or a folder), saying what to do; `None` when it is a file.
    pub fn component_problem(&self) -> Option<String> {
        let c = &self.component;
        if c.is_file() {
            let bytes = std::fs::metadata(c).map_or(0, |m| m.len());
            (bytes > MAX_COMPONENT_BYTES).then(|| too_big(c, bytes))
        } else if c.is_dir() {
            Some(format!(
                "its component {} is a folder, not a .wasm file: fix `component` in its {MANIFEST_FILE}",
                c.display(),
            ))
        } else {
            Some(format!(
                "its component {} does not exist: build the plugin (`cargo build --release --target wasm32-wasip2` for a quire-sdk crate, then copy the .wasm there) or fix `component` in its {MANIFEST_FILE}",
                c.display(),
            ))
        }
    }
}

/// The largest component file quire reads (256 MiB): it is read whole to
/// be hashed and compiled.
pub const MAX_COMPONENT_BYTES: u64 = 256 << 20;

/// The refusal of a plugin's component `path` of `bytes` bytes, over
/// [`MAX_COMPONENT_BYTES`] (the caller names the plugin).
fn too_big(path: &Path, bytes: u64) -> String {
    format!(
        "its component {} is {bytes} bytes, over the limit of {} MiB for a component; it is not read",
        path.display(),
        MAX_COMPONENT_BYTES >> 20
    )
}

/// What a plugin may touch. Nothing is granted unless listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Permissions {
    /// Folders, each read-only or read-write.
    pub fs: Vec<FsGrant>,
    /// Hosts for outgoing HTTP: `api.example.com` or `*.example.org`.
    pub net: Vec<String>,
    /// Environment variables the plugin may read.
    pub env: Vec<String>,
}

impl Permissions {
    pub fn is_empty(&self) -> bool {
        self.fs.is_empty() && self.net.is_empty() && self.env.is_empty()
    }

    /// Whether every permission here is also in `other`.
    pub fn is_subset_of(&self, other: &Permissions) -> bool {
        self.fs.iter().all(|g| {
            other
                .fs
                .iter()
                .any(|o| o.path == g.path && (o.access == g.access || o.access == Access::Rw))
        }) && self.net.iter().all(|h| other.net.contains(h))
            && self.env.iter().all(|e| other.env.contains(e))
    }

    /// One line per permission, for consent prompts and `inspect`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for g in &self.fs {
            let how = match g.access {
                Access::Ro => "read",
                Access::Rw => "read and write",
            };
            out.push(format!("files: {how} {}", g.path));
        }
        for h in &self.net {
            out.push(format!("network: HTTP requests to {h}"));
        }
        for e in &self.env {
            out.push(format!("environment: read ${e}"));
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FsGrant {
    /// A folder; may start with `${workspace}`, `${plugin}` or `${tmp}`.
    pub path: String,
    pub access: Access,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Ro,
    Rw,
}

/// What one call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Linear memory of one call, in MiB.
    pub memory_mb: u64,
    /// Wall time of one call, in milliseconds.
    pub timeout_ms: u64,
    /// KiB of the result, and of captured stdout and stderr each.
    pub output_kb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mb: 64,
            timeout_ms: 10_000,
            output_kb: 1024,
        }
    }
}

impl Limits {
    pub fn memory_bytes(&self) -> usize {
        (self.memory_mb as usize).saturating_mul(1 << 20)
    }

    pub fn output_bytes(&self) -> usize {
        (self.output_kb as usize).saturating_mul(1 << 10)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    version: String,
    description: String,
    component: PathBuf,
    #[serde(default)]
    permissions: Permissions,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    hooks: Vec<super::hook_decl::HookDecl>,
}

/// Reads and checks the manifest at `path`.
pub fn load(path: &Path) -> Result<Manifest, PluginError> {
    let text = crate::file_kind::read_to_string(path).map_err(|source| PluginError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parses and checks manifest text; `path` names the file in errors and
/// anchors relative paths.
pub fn parse(text: &str, path: &Path) -> Result<Manifest, PluginError> {
    let bad = |message: String| PluginError::Manifest {
        path: path.to_path_buf(),
        message,
    };
    let raw: Raw = toml::from_str(text).map_err(|e| bad(toml_error(text, &e)))?;
    // A problem with a key's value names the line the key is on.
    let at = |key: &str, message: String| {
        let path: Vec<&str> = key.split('.').collect();
        match crate::config::line_of(text, &path) {
            Some(n) => bad(format!("line {n}: {message}")),
            None => bad(message),
        }
    };
    check_name(&raw.name).map_err(|m| at("name", format!("name: {m}")))?;
    check_version(&raw.version).map_err(|m| at("version", format!("version: {m}")))?;
    if raw.description.trim().is_empty() {
        return Err(at(
            "description",
            "description: must say what the plugin does (it is shown to users)".into(),
        ));
    }
    if raw.component.as_os_str().is_empty() {
        return Err(at(
            "component",
            "component: must name the .wasm file, e.g. component = \"my_plugin.wasm\"".into(),
        ));
    }
    if !raw
        .component
        .components()
        .any(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return Err(at(
            "component",
            format!(
                "component: '{}' is the plugin's folder, not a file: name the .wasm file, e.g. component = \"my_plugin.wasm\"",
                raw.component.display()
            ),
        ));
    }
    if !raw.component.components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    }) {
        return Err(bad(format!(
            "component: '{}' must be a file inside the plugin's folder (relative, without '..')",
            raw.component.display()
        )));
    }
    for (i, g) in raw.permissions.fs.iter().enumerate() {
        check_fs_path(&g.path)
            .map_err(|m| at("permissions.fs", format!("permissions.fs[{i}].path: {m}")))?;
    }
    for (i, h) in raw.permissions.net.iter().enumerate() {
        check_host(h).map_err(|m| at("permissions.net", format!("permissions.net[{i}]: {m}")))?;
    }
    for (i, e) in raw.permissions.env.iter().enumerate() {
        check_env(e).map_err(|m| at("permissions.env", format!("permissions.env[{i}]: {m}")))?;
    }
    let l = raw.limits;
    for (key, value, max) in [
        ("limits.memory_mb", l.memory_mb, MAX_MEMORY_MB),
        ("limits.timeout_ms", l.timeout_ms, MAX_TIMEOUT_MS),
        ("limits.output_kb", l.output_kb, MAX_OUTPUT_KB),
    ] {
        check_range(key, value, max).map_err(|m| at(key, m))?;
    }
    super::hook_decl::check(&raw.hooks).map_err(|m| at("hooks", m))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(Manifest {
        name: raw.name,
        version: raw.version,
        description: raw.description.trim().to_string(),
        component: dir.join(&raw.component),
        permissions: raw.permissions,
        limits: l,
        hooks: raw.hooks,
        path: path.to_path_buf(),
    })
}

/// The parser's message with the line it points at, so the key is named.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    // A key that is missing has no line; the span then covers its table.
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        let table = e.span().and_then(|s| {
            let line_no = text[..s.start.min(text.len())].matches('\n').count() + 1;
            let line = text.lines().nth(line_no - 1)?.trim();
            line.starts_with('[')
                .then(|| format!(" in {line} (line {line_no})"))
        });
        return format!(
            "the required key `{field}` is missing{}; add `{field} = …` (see `quire plugins new` for a complete plugin.toml)",
            table.unwrap_or_default()
        );
    }
    let Some(span) = e.span() else {
        return msg;
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
    if line.is_empty() {
        msg
    } else {
        format!("line {line_no} `{line}`: {msg}")
    }
}

/// Plugin names: 1–64 of lowercase letters, digits, `-`, `_`, starting with
/// a letter.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(format!(
            "'{name}' is not a valid plugin name: use 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter"
        ));
    }
    // Tools are named PLUGIN__TOOL: a plugin name holding `__` or ending
    // in `_` could spell another plugin's tool names (plugin `pa` tool
    // `y__echo`, plugin `pa__y` tool `echo`), and `mcp` those of MCP
    // servers (`mcp__SERVER__TOOL`).
    if name.contains("__") || name.ends_with('_') {
        let mut better = name.to_string();
        while better.contains("__") {
            better = better.replace("__", "_");
        }
        return Err(format!(
            "'{name}' is not a valid plugin name: it may not contain '__' nor end in '_', since its tools are named PLUGIN__TOOL and could take another plugin's tool names; rename it (e.g. '{}') in plugin.toml",
            better.trim_end_matches('_')
        ));
    }
    if name == "mcp" {
        return Err(
            "'mcp' is not a valid plugin name: tool names starting mcp__ belong to MCP servers; rename it in plugin.toml".into(),
        );
    }
    Ok(())
}

fn check_version(v: &str) -> Result<(), String> {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        Ok(())
    } else {
        Err(format!(
            "'{v}' is not a version: write MAJOR.MINOR.PATCH, e.g. \"0.1.0\""
        ))
    }
}

/// The placeholders a folder grant may start with.
pub const PLACEHOLDERS: [&str; 3] = ["${workspace}", "${plugin}", "${tmp}"];

fn check_fs_path(p: &str) -> Result<(), String> {
    if p.is_empty() {
        return Err("is empty: name a folder".into());
    }
    if let Some(i) = p.find("${") {
        let rest = &p[i..];
        let known = PLACEHOLDERS.iter().any(|ph| rest.starts_with(ph));
        if i != 0 || !known {
            return Err(format!(
                "'{p}': a placeholder must be one of {} at the start of the path",
                PLACEHOLDERS.join(", ")
            ));
        }
        if rest[1..].contains("${") {
            return Err(format!("'{p}': use at most one placeholder"));
        }
    } else if !Path::new(p).is_absolute() && !p.starts_with("~/") && p != "~" {
        return Err(format!(
            "'{p}' is relative: start it with ${{workspace}}, ${{plugin}}, ${{tmp}}, ~/ or /"
        ));
    }
    if p.split(['/', '\\']).any(|c| c == "..") {
        return Err(format!("'{p}' contains '..': name the folder directly"));
    }
    Ok(())
}

/// A host name or IP address, optionally with a leading `*.` wildcard.
fn check_host(h: &str) -> Result<(), String> {
    let bare = h.strip_prefix("*.").unwrap_or(h);
    let valid = !bare.is_empty()
        && bare.len() <= 253
        && bare.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    let ipv6 = h.starts_with('[') && h.ends_with(']') && h.len() > 2;
    if valid || ipv6 {
        Ok(())
    } else {
        Err(format!(
            "'{h}' is not a host: write a name like \"api.example.com\" or \"*.example.org\" (no scheme, port or path)"
        ))
    }
}

fn check_env(e: &str) -> Result<(), String> {
    let ok = e.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{e}' is not an environment variable name (letters, digits and '_')"
        ))
    }
}

fn check_range(key: &str, v: u64, max: u64) -> Result<(), String> {
    if (1..=max).contains(&v) {
        Ok(())
    } else {
        Err(format!("{key}: {v} is out of range (1 to {max})"))
    }
}

#[cfg(test)]
#[path = "manifest_tests.rs"]
mod tests;
