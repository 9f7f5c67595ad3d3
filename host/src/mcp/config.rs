//! `[mcp_servers.NAME]` in config.toml: parsed key by key so every error
//! names the server and the key (`mcp_servers.NAME.KEY`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Default `startup_timeout_sec`.
pub const DEFAULT_STARTUP_TIMEOUT_SEC: f64 = 10.0;
/// Default `tool_timeout_sec`.
pub const DEFAULT_TOOL_TIMEOUT_SEC: f64 = 120.0;

/// Every key a server table may have, for error messages.
pub const KEYS: &[&str] = &[
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
    "lazy",
];

/// `[mcp]`: settings for every server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpSettings {
    /// Every server behaves as if it had `lazy = true`.
    pub lazy: bool,
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
    /// Start the server only when one of its tools is first sent or
    /// called (needs its tool list from an earlier start, see
    /// [`super::cache`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lazy: bool,
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
            lazy: false,
        }
    }

    /// Parses one server table; `prefix` is `mcp_servers.NAME`.
    pub fn from_value(prefix: &str, value: &Value) -> Result<Self, String> {
        let Value::Object(map) = value else {
            return Err(format!(
                "{prefix} must be a table, for example [{prefix}] with command = \"...\" or url = \"...\""
            ));
        };
        let mut c = McpServerConfig::empty();
        for (key, v) in map {
            let at = format!("{prefix}.{key}");
            match key.as_str() {
                "command" => c.command = Some(non_empty(&at, v)?),
                "args" => c.args = strings(&at, v)?,
                "env" => c.env = string_map(&at, v)?,
                "cwd" => c.cwd = Some(PathBuf::from(non_empty(&at, v)?)),
                "url" => c.url = Some(url(&at, v)?),
                "headers" => c.headers = string_map(&at, v)?,
                "startup_timeout_sec" => c.startup_timeout_sec = seconds(&at, v)?,
                "tool_timeout_sec" => c.tool_timeout_sec = seconds(&at, v)?,
                "enabled_tools" => c.enabled_tools = Some(strings(&at, v)?),
                "disabled_tools" => c.disabled_tools = strings(&at, v)?,
                "required" => c.required = boolean(&at, v)?,
                "enabled" => c.enabled = boolean(&at, v)?,
                "sandbox" => c.sandbox = sandbox_mode(&at, v)?,
                "network" => c.network = boolean(&at, v)?,
                "lazy" => c.lazy = boolean(&at, v)?,
                _ => {
                    return Err(format!(
                        "{at}: unknown key; a server takes {}",
                        KEYS.join(", ")
                    ));
                }
            }
        }
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
            (Some(_), None) if !c.headers.is_empty() => Err(format!(
                "{prefix}.headers: headers are for streamable-HTTP servers (url); this server has a command"
            )),
            _ => Ok(c),
        }
    }
}

/// A server name: used in tool names and as a TOML key.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an MCP server name must not be empty".into());
    }
    if name.chars().any(|c| c.is_control() || c == '.') {
        return Err(format!(
            "MCP server name '{name}' may not contain dots or control characters; use letters, digits, '-' and '_'"
        ));
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn non_empty(at: &str, v: &Value) -> Result<String, String> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
        Some(_) => Err(format!("{at} must not be empty")),
        None => Err(format!("{at} must be a string, got {}", kind(v))),
    }
}

/// `read-only`, `workspace-write` or `danger-full-access` (the same as
/// none).
fn sandbox_mode(at: &str, v: &Value) -> Result<Option<crate::tools::SandboxMode>, String> {
    use crate::tools::SandboxMode;
    match non_empty(at, v)?.as_str() {
        "read-only" => Ok(Some(SandboxMode::ReadOnly)),
        "workspace-write" => Ok(Some(SandboxMode::WorkspaceWrite)),
        "danger-full-access" => Ok(None),
        other => Err(format!(
            "{at} must be \"read-only\" or \"workspace-write\", got '{other}'"
        )),
    }
}

fn url(at: &str, v: &Value) -> Result<String, String> {
    let s = non_empty(at, v)?;
    if s.starts_with("http://") || s.starts_with("https://") || s.starts_with("${") {
        Ok(s)
    } else {
        Err(format!(
            "{at} must be an http:// or https:// URL, got '{s}'"
        ))
    }
}

fn strings(at: &str, v: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = v else {
        return Err(format!("{at} must be an array of strings, got {}", kind(v)));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{at}[{i}] must be a string, got {}", kind(item)))
        })
        .collect()
}

fn string_map(at: &str, v: &Value) -> Result<BTreeMap<String, String>, String> {
    let Value::Object(map) = v else {
        return Err(format!(
            "{at} must be a table of strings, for example {{ KEY = \"value\" }}, got {}",
            kind(v)
        ));
    };
    map.iter()
        .map(|(k, item)| match item {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(format!("{at}.{k} must be a string, got {}", kind(other))),
        })
        .collect()
}

fn seconds(at: &str, v: &Value) -> Result<f64, String> {
    match v.as_f64() {
        Some(s) if s > 0.0 && s.is_finite() && s <= 86_400.0 => Ok(s),
        Some(s) => Err(format!(
            "{at} must be a number of seconds above 0 (at most 86400), got {s}"
        )),
        None => Err(format!("{at} must be a number of seconds, got {}", kind(v))),
    }
}

fn boolean(at: &str, v: &Value) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("{at} must be true or false, got {}", kind(v)))
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
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<McpServerConfig, String> {
        McpServerConfig::from_value("mcp_servers.x", &v)
    }

    #[test]
    fn every_key_parses() {
        let c = parse(json!({
            "command": "srv", "args": ["-v"], "env": {"A": "1"}, "cwd": "sub",
            "startup_timeout_sec": 2, "tool_timeout_sec": 0.5,
            "enabled_tools": ["a"], "disabled_tools": ["b"], "required": true, "enabled": false,
            "sandbox": "workspace-write", "network": false
        }))
        .unwrap();
        assert_eq!(c.sandbox, Some(crate::tools::SandboxMode::WorkspaceWrite));
        assert!(!c.network);
        assert_eq!(c.command.as_deref(), Some("srv"));
        assert_eq!(c.args, vec!["-v"]);
        assert_eq!(c.env["A"], "1");
        assert_eq!(c.cwd, Some(PathBuf::from("sub")));
        assert_eq!((c.startup_timeout_sec, c.tool_timeout_sec), (2.0, 0.5));
        assert_eq!(c.enabled_tools, Some(vec!["a".to_string()]));
        assert_eq!(c.disabled_tools, vec!["b"]);
        assert!(c.required && !c.enabled);
        let h =
            parse(json!({"url": "http://127.0.0.1:1/mcp", "headers": {"X": "${TOKEN}"}})).unwrap();
        assert_eq!(h.headers["X"], "${TOKEN}");
        assert_eq!(h.startup_timeout_sec, DEFAULT_STARTUP_TIMEOUT_SEC);
        assert_eq!(h.tool_timeout_sec, DEFAULT_TOOL_TIMEOUT_SEC);
        assert!(h.enabled && !h.required);
        assert_eq!(h.sandbox, None);
        assert!(h.network);
        let ro = parse(json!({"command": "srv", "sandbox": "read-only"})).unwrap();
        assert_eq!(ro.sandbox, Some(crate::tools::SandboxMode::ReadOnly));
        let off = parse(json!({"command": "srv", "sandbox": "danger-full-access"})).unwrap();
        assert_eq!(off.sandbox, None);
    }

    #[test]
    fn errors_name_the_server_and_key() {
        let cases = [
            (
                json!({"command": 5}),
                "mcp_servers.x.command must be a string",
            ),
            (
                json!({"command": "a", "args": "b"}),
                "mcp_servers.x.args must be an array",
            ),
            (
                json!({"command": "a", "args": ["b", 1]}),
                "mcp_servers.x.args[1] must be a string",
            ),
            (
                json!({"command": "a", "env": {"K": 1}}),
                "mcp_servers.x.env.K must be a string",
            ),
            (
                json!({"command": "a", "comand": "b"}),
                "mcp_servers.x.comand: unknown key",
            ),
            (
                json!({"url": "ftp://h"}),
                "mcp_servers.x.url must be an http",
            ),
            (
                json!({"command": "a", "startup_timeout_sec": 0}),
                "mcp_servers.x.startup_timeout_sec must be a number of seconds above 0",
            ),
            (
                json!({"command": "a", "tool_timeout_sec": "1"}),
                "mcp_servers.x.tool_timeout_sec must be a number",
            ),
            (
                json!({"command": "a", "required": "yes"}),
                "mcp_servers.x.required must be true or false",
            ),
            (json!({"args": []}), "mcp_servers.x: needs command"),
            (json!({"command": "a", "url": "http://h"}), "not both"),
            (
                json!({"command": "a", "headers": {"A": "b"}}),
                "mcp_servers.x.headers: headers are for",
            ),
            (json!("srv"), "mcp_servers.x must be a table"),
            (
                json!({"command": "a", "sandbox": "tight"}),
                "mcp_servers.x.sandbox must be \"read-only\" or \"workspace-write\", got 'tight'",
            ),
            (
                json!({"url": "http://h", "sandbox": "read-only"}),
                "mcp_servers.x.sandbox: a sandbox confines a local process",
            ),
        ];
        for (v, want) in cases {
            let err = parse(v.clone()).unwrap_err();
            assert!(err.contains(want), "{v}: {err}");
        }
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("github").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a.b").unwrap_err().contains("a.b"));
    }
}

#[cfg(test)]
mod load_tests {
    use crate::config::{LoadOptions, load};

    #[test]
    fn config_toml_tables_load_and_errors_name_the_key() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("config.toml"),
            "[mcp_servers.fs]\ncommand = \"srv\"\nargs = [\"-v\"]\nrequired = true\n",
        )
        .unwrap();
        let opts = |o: Vec<String>| LoadOptions {
            home: home.path().into(),
            repo_root: None,
            workspace: None,
            overrides: o,
        };
        let (c, warnings) = load(&opts(vec![])).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(c.mcp_servers.0["fs"].required);
        let err = load(&opts(vec!["mcp_servers.fs.tool_timeout_sec=-1".into()]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("mcp_servers.fs.tool_timeout_sec"), "{err}");
    }
}
