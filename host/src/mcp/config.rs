//! `[mcp_servers.NAME]` in config.toml: serde derive, with
//! `serde_path_to_error` so every error names the server and the key's
//! path (`mcp_servers.NAME.KEY`, `…args[1]`, `…env.NAME`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Default `startup_timeout_sec`.
pub const DEFAULT_STARTUP_TIMEOUT_SEC: f64 = 10.0;
/// Default `tool_timeout_sec`.
pub const DEFAULT_TOOL_TIMEOUT_SEC: f64 = 120.0;

/// `[mcp]`: settings for every server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpSettings {
    /// Every server behaves as if it had `lazy = true`.
    pub lazy: bool,
    /// The port `quire mcp login` listens on for the sign-in's redirect
    /// (`http://127.0.0.1:PORT/callback`); a free one when unset. Codex's
    /// `mcp_oauth_callback_port`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_callback_port: Option<u16>,
}

/// All `[mcp_servers.NAME]` tables, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct McpServers(pub BTreeMap<String, McpServerConfig>);

/// One `[mcp_servers.NAME]` table. Exactly one of `command` (a stdio
/// server) and `url` (a streamable-HTTP server) is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McpServerConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Header values may name environment variables as `${VAR}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    pub startup_timeout_sec: f64,
    pub tool_timeout_sec: f64,
    /// Only these tools (original names) are offered; all when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_tools: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disabled_tools: Vec<String>,
    /// The first model request waits for this server; its failure fails
    /// the task.
    pub required: bool,
    pub enabled: bool,
    /// Confine a stdio server's process (and what it starts) like shell
    /// commands: `read-only` or `workspace-write`. Unconfined when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<crate::tools::SandboxMode>,
    /// TCP connect and bind for a `workspace-write` server (default true).
    pub network: bool,
    /// Unix sockets for a sandboxed server (default false, as for shell
    /// commands: they reach Docker, D-Bus, ssh-agent outside the sandbox).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unix_sockets: bool,
    /// Start the server only when one of its tools is first sent or
    /// called (needs its tool list from an earlier start, see
    /// [`super::cache`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lazy: bool,
    /// `quire mcp login`: a client registered by hand with the server's
    /// authorization server (when it offers no dynamic registration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_client_id: Option<String>,
    /// `quire mcp login`: the scopes to ask for (else what the server
    /// suggests).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

impl McpServerConfig {
    /// A stdio server running `command args...`.
    pub fn stdio(command: impl Into<String>, args: Vec<String>) -> Self {
        McpServerConfig {
            command: Some(command.into()),
            args,
            ..McpServerConfig::empty()
        }
    }

    /// A streamable-HTTP server at `url`.
    pub fn http(url: impl Into<String>) -> Self {
        McpServerConfig {
            url: Some(url.into()),
            ..McpServerConfig::empty()
        }
    }

    fn empty() -> Self {
        McpServerConfig {
            command: None,
            args: Vec::new(),
            env: BTreeMap::new(),
            cwd: None,
            url: None,
            headers: BTreeMap::new(),
            startup_timeout_sec: DEFAULT_STARTUP_TIMEOUT_SEC,
            tool_timeout_sec: DEFAULT_TOOL_TIMEOUT_SEC,
            enabled_tools: None,
            disabled_tools: Vec::new(),
            required: false,
            enabled: true,
            sandbox: None,
            network: true,
            unix_sockets: false,
            lazy: false,
            oauth_client_id: None,
            scopes: Vec::new(),
        }
    }

    /// Parses one server table; `prefix` is `mcp_servers.NAME`. Errors name
    /// the key's whole path (`mcp_servers.NAME.args[1]`).
    pub fn from_value(prefix: &str, value: &Value) -> Result<Self, String> {
        if !value.is_object() {
            return Err(format!(
                "{prefix} must be a table, for example [{prefix}] with command = \"...\" or url = \"...\""
            ));
        }
        let (value, codex) = codex_keys(prefix, value)?;
        let t: Table = serde_path_to_error::deserialize(&value).map_err(|e| {
            let at = format!("{prefix}.{}", e.path());
            let msg = human(&e.inner().to_string());
            if msg.starts_with("must") {
                format!("{at} {msg}")
            } else {
                format!("{at}: {msg}")
            }
        })?;
        let c = McpServerConfig {
            command: t.command,
            args: t.args,
            env: t.env,
            cwd: t.cwd.map(PathBuf::from),
            url: t.url,
            headers: codex.headers.into_iter().chain(t.headers).collect(),
            startup_timeout_sec: t
                .startup_timeout_sec
                .or(codex.startup_timeout_sec)
                .unwrap_or(DEFAULT_STARTUP_TIMEOUT_SEC),
            tool_timeout_sec: t.tool_timeout_sec.unwrap_or(DEFAULT_TOOL_TIMEOUT_SEC),
            enabled_tools: t.enabled_tools,
            disabled_tools: t.disabled_tools,
            required: t.required,
            enabled: t.enabled,
            sandbox: t.sandbox.flatten(),
            network: t.network,
            unix_sockets: t.unix_sockets,
            lazy: t.lazy,
            oauth_client_id: t.oauth_client_id,
            scopes: t.scopes,
        };
        match (&c.command, &c.url) {
            (Some(_), Some(_)) => Err(format!(
                "{prefix}: set either command (a stdio server) or url (a streamable-HTTP server), not both"
            )),
            (None, None) => Err(format!(
                "{prefix}: needs command (a stdio server) or url (a streamable-HTTP server)"
            )),
            (None, Some(_)) if !c.args.is_empty() || !c.env.is_empty() || c.cwd.is_some() => {
                Err(format!(
                    "{prefix}: args, env and cwd are for stdio servers (command); this server has a url"
                ))
            }
            (None, Some(_)) if c.sandbox.is_some() => Err(format!(
                "{prefix}.sandbox: a sandbox confines a local process (command); this server has a url"
            )),
            (Some(_), None) if c.oauth_client_id.is_some() || !c.scopes.is_empty() => Err(format!(
                "{prefix}: oauth_client_id and scopes are for signing in to streamable-HTTP servers (url); this server has a command"
            )),
            (Some(_), None) if !c.headers.is_empty() => Err(format!(
                "{prefix}.headers: headers are for streamable-HTTP servers (url); this server has a command"
            )),
            _ => Ok(c),
        }
    }
}

/// The keys of a server table (quire's; Codex's are in [`CODEX_KEYS`]).
const KEYS: [&str; 18] = [
    "command",
    "args",
    "env",
    "cwd",
    "url",
    "headers",
    "startup_timeout_sec",
    "tool_timeout_sec",
    "enabled_tools",
    "disabled_tools",
    "required",
    "enabled",
    "sandbox",
    "network",
    "unix_sockets",
    "lazy",
    "oauth_client_id",
    "scopes",
];

/// Codex's keys with a quire equivalent, read by [`codex_keys`].
const CODEX_KEYS: [&str; 5] = [
    "startup_timeout_ms",
    "env_vars",
    "bearer_token_env_var",
    "http_headers",
    "env_http_headers",
];

/// What Codex's keys of a table amount to in quire's terms.
#[derive(Default)]
struct CodexKeys {
    startup_timeout_sec: Option<f64>,
    headers: BTreeMap<String, String>,
}

/// Takes Codex's keys out of a server table (pasted from
/// `~/.codex/config.toml`) and maps them: `startup_timeout_ms` to seconds,
/// `bearer_token_env_var = "VAR"` to an `Authorization: Bearer ${VAR}`
/// header, `http_headers` to `headers`, `env_http_headers = { H = "VAR" }`
/// to `H = "${VAR}"`; `env_vars` (variables passed on from quire's
/// environment) needs nothing: a server inherits quire's environment.
/// Any other unknown key is an error with the closest known one.
fn codex_keys(prefix: &str, value: &Value) -> Result<(Value, CodexKeys), String> {
    let mut table = value.as_object().cloned().unwrap_or_default();
    for key in table.keys() {
        if !KEYS.contains(&key.as_str()) && !CODEX_KEYS.contains(&key.as_str()) {
            let known = KEYS.iter().chain(CODEX_KEYS.iter()).copied();
            let mut hint = crate::suggest::did_you_mean(key, known);
            // `startup_timeout` for `startup_timeout_sec`: a cut-off key.
            if hint.is_empty()
                && let Some(k) = KEYS
                    .iter()
                    .find(|k| k.starts_with(key.as_str()) && key.len() >= 4)
            {
                hint = format!("; did you mean '{k}'?");
            }
            return Err(format!(
                "{prefix}.{key}: unknown key{hint} (known here: {})",
                KEYS.join(", ")
            ));
        }
    }
    let mut out = CodexKeys::default();
    let strings = |key: &str, v: &Value| -> Result<BTreeMap<String, String>, String> {
        serde_json::from_value::<BTreeMap<String, String>>(v.clone()).map_err(|_| {
            format!("{prefix}.{key} must be a table of strings, for example {{ KEY = \"value\" }}")
        })
    };
    if let Some(v) = table.remove("startup_timeout_ms") {
        match v.as_f64() {
            Some(ms) if ms > 0.0 && ms <= 86_400_000.0 => {
                out.startup_timeout_sec = Some(ms / 1000.0)
            }
            _ => {
                return Err(format!(
                    "{prefix}.startup_timeout_ms must be a number of milliseconds above 0, got {v}"
                ));
            }
        }
    }
    if let Some(v) = table.remove("env_vars")
        && !v.is_array()
    {
        return Err(format!(
            "{prefix}.env_vars must be an array of variable names, for example [\"HTTPS_PROXY\"]"
        ));
    }
    if let Some(v) = table.remove("http_headers") {
        out.headers.extend(strings("http_headers", &v)?);
    }
    if let Some(v) = table.remove("env_http_headers") {
        for (header, var) in strings("env_http_headers", &v)? {
            out.headers.insert(header, format!("${{{var}}}"));
        }
    }
    if let Some(v) = table.remove("bearer_token_env_var") {
        let Some(var) = v.as_str().filter(|s| !s.trim().is_empty()) else {
            return Err(format!(
                "{prefix}.bearer_token_env_var must be the name of an environment variable, got {v}"
            ));
        };
        out.headers.insert(
            "Authorization".into(),
            format!("Bearer ${{{}}}", var.trim()),
        );
    }
    if !out.headers.is_empty() && !table.contains_key("url") {
        return Err(format!(
            "{prefix}: http_headers, env_http_headers and bearer_token_env_var are for streamable-HTTP servers (url); this server has a command"
        ));
    }
    Ok((Value::Object(table), out))
}

/// One server table as written (serde derive; the checks that span keys
/// are in [`McpServerConfig::from_value`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default, deserialize_with = "non_empty")]
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "non_empty")]
    cwd: Option<String>,
    #[serde(default, deserialize_with = "url")]
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "seconds")]
    startup_timeout_sec: Option<f64>,
    #[serde(default, deserialize_with = "seconds")]
    tool_timeout_sec: Option<f64>,
    #[serde(default)]
    enabled_tools: Option<Vec<String>>,
    #[serde(default)]
    disabled_tools: Vec<String>,
    #[serde(default)]
    required: bool,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default, deserialize_with = "sandbox_mode")]
    sandbox: Option<Option<crate::tools::SandboxMode>>,
    #[serde(default = "yes")]
    network: bool,
    #[serde(default)]
    unix_sockets: bool,
    #[serde(default)]
    lazy: bool,
    #[serde(default, deserialize_with = "non_empty")]
    oauth_client_id: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
}

fn yes() -> bool {
    true
}

/// serde's "invalid type: X, expected Y" in the words of a TOML file:
/// "must be Y, got X" (every array of a server table holds strings, every
/// table maps to strings).
fn human(msg: &str) -> String {
    let Some((found, expected)) = msg
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    else {
        return msg.to_string();
    };
    let expected = match expected {
        "a sequence" => "an array of strings",
        "a map" => "a table of strings, for example { KEY = \"value\" }",
        "a boolean" => "true or false",
        "f64" => "a number of seconds",
        other => other,
    };
    let found = match found {
        "sequence" => "an array",
        "map" => "a table",
        other => other,
    };
    format!("must be {expected}, got {found}")
}

/// A name in an error: `'name'`, or git-quoted when it holds controls
/// (a name from a repository's `.mcp.json` may carry escape sequences).
fn shown(name: &str) -> String {
    match crate::printable::quoted_name(name) {
        std::borrow::Cow::Borrowed(plain) => format!("'{plain}'"),
        std::borrow::Cow::Owned(quoted) => quoted,
    }
}

/// A server name: used in tool names and as a TOML key.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an MCP server name must not be empty".into());
    }
    if name.chars().any(|c| c.is_control() || c == '.') {
        return Err(format!(
            "MCP server name {} may not contain dots or control characters; use letters, digits, '-' and '_'",
            shown(name)
        ));
    }
    // Tool names are `mcp__SERVER__TOOL`: a server part holding `__` could
    // spell another server's tool names (server `x__y` tool `echo`, server
    // `x` tool `y__echo`). Names that differ by a trailing `_` are caught
    // where all servers are known (`spec::load`).
    let clean = crate::tools::naming::sanitize(name);
    if clean.contains("__") {
        let suggestion = suggested_name(&clean);
        return Err(format!(
            "MCP server name {} may not contain '__' (nor characters that become '__' in tool names): its tools are named mcp__SERVER__TOOL, so it could take another server's tool names; rename it, e.g. '{suggestion}'",
            shown(name)
        ));
    }
    Ok(())
}

/// `clean` with runs of `_` made one and no `_` at the end.
fn suggested_name(clean: &str) -> String {
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_end_matches('_');
    if trimmed.is_empty() {
        "server".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The name of a server quire writes (`quire mcp add`): letters, digits,
/// '-' and '_', so it is a bare TOML key, a clean tool-name prefix and a
/// shell word. Loading is more lenient ([`check_name`]) for files written
/// by hand or by other clients.
pub fn check_new_name(name: &str) -> Result<(), String> {
    check_name(name)?;
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "{} is not a usable MCP server name: use letters, digits, '-' and '_'",
            shown(name)
        ));
    }
    Ok(())
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(Some(s))
}

/// `read-only`, `workspace-write` or `danger-full-access` (the same as
/// none).
fn sandbox_mode<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<crate::tools::SandboxMode>>, D::Error> {
    use crate::tools::SandboxMode;
    let s = non_empty(d)?.unwrap_or_default();
    match s.as_str() {
        "read-only" => Ok(Some(Some(SandboxMode::ReadOnly))),
        "workspace-write" => Ok(Some(Some(SandboxMode::WorkspaceWrite))),
        "danger-full-access" => Ok(Some(None)),
        other => Err(serde::de::Error::custom(format!(
            "must be \"read-only\" or \"workspace-write\", got '{other}'"
        ))),
    }
}

fn url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = non_empty(d)?.unwrap_or_default();
    if s.starts_with("http://") || s.starts_with("https://") || s.starts_with("${") {
        Ok(Some(s))
    } else {
        Err(serde::de::Error::custom(format!(
            "must be an http:// or https:// URL, got '{s}'"
        )))
    }
}

fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let s = f64::deserialize(d)?;
    if s > 0.0 && s.is_finite() && s <= 86_400.0 {
        Ok(Some(s))
    } else {
        Err(serde::de::Error::custom(format!(
            "must be a number of seconds above 0 (at most 86400), got {s}"
        )))
    }
}

impl<'de> Deserialize<'de> for McpServers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, Value>::deserialize(d)?;
        let mut out = BTreeMap::new();
        for (name, value) in raw {
            check_name(&name).map_err(serde::de::Error::custom)?;
            let prefix = format!("mcp_servers.{name}");
            let c =
                McpServerConfig::from_value(&prefix, &value).map_err(serde::de::Error::custom)?;
            out.insert(name, c);
        }
        Ok(McpServers(out))
    }
}

impl Serialize for McpServers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "config_load_tests.rs"]
mod load_tests;
