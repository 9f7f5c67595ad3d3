//! The servers a session starts: `[mcp_servers.NAME]` from config plus the
//! project's `.mcp.json` (the format Claude Code and others read), resolved
//! into [`ServerSpec`]s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::config::{McpServerConfig, McpServers, check_name};
use crate::tools::sandbox::SandboxPolicy;

/// Where a server was declared.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `[mcp_servers.NAME]` in a config.toml layer.
    Config,
    /// A project's `.mcp.json`.
    McpJson(PathBuf),
}

impl Source {
    /// How error messages refer to a key of server `name`.
    pub fn key(&self, name: &str, key: &str) -> String {
        match self {
            Source::Config => format!("mcp_servers.{name}.{key}"),
            Source::McpJson(p) => format!("{}: mcpServers.{name}.{key}", p.display()),
        }
    }
}

/// How quire talks to a server.
#[derive(Debug, Clone, PartialEq)]
pub enum Transport {
    Stdio {
        command: String,
        args: Vec<String>,
        env: BTreeMap<String, String>,
        cwd: PathBuf,
        /// Landlock confinement of the process (`sandbox` in config).
        sandbox: Option<SandboxPolicy>,
    },
    Http {
        url: String,
        headers: BTreeMap<String, String>,
    },
}

/// One server, ready to start.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    pub name: String,
    pub source: Source,
    pub transport: Transport,
    pub startup_timeout: Duration,
    pub tool_timeout: Duration,
    pub enabled_tools: Option<Vec<String>>,
    pub disabled_tools: Vec<String>,
    pub required: bool,
    pub enabled: bool,
    /// Start only when a tool is first sent or called (`lazy`, or
    /// `mcp.lazy` for every server).
    pub lazy: bool,
    /// `${VAR}` is expanded in every string (`.mcp.json`), not only in
    /// header and `env` values.
    pub expand_all: bool,
    /// The plugin bundle that declared it (its servers start only with
    /// the user's consent, `quire plugins enable PLUGIN`).
    pub plugin: Option<String>,
    /// A trusted repository's own server: the repository's files it runs
    /// as they were trusted, checked before every start ([`super::seal`]).
    pub sealed: Option<super::seal::Sealed>,
}

impl ServerSpec {
    /// Builds a spec; relative `cwd`s are taken from `base`.
    pub fn new(name: &str, source: Source, c: &McpServerConfig, base: &Path) -> ServerSpec {
        let expand_all = matches!(source, Source::McpJson(_));
        let transport = match (&c.command, &c.url) {
            (Some(command), _) => Transport::Stdio {
                command: command.clone(),
                args: c.args.clone(),
                env: c.env.clone(),
                cwd: c
                    .cwd
                    .as_ref()
                    .map(|p| base.join(p))
                    .unwrap_or_else(|| base.to_path_buf()),
                sandbox: c.sandbox.map(|mode| crate::tools::sandbox::SandboxPolicy {
                    unix_sockets: c.unix_sockets,
                    ..crate::tools::sandbox::workspace_policy(mode, base, c.network, &[])
                }),
            },
            (None, url) => Transport::Http {
                url: url.clone().unwrap_or_default(),
                headers: c.headers.clone(),
            },
        };
        ServerSpec {
            name: name.to_string(),
            source,
            transport,
            startup_timeout: Duration::from_secs_f64(c.startup_timeout_sec),
            tool_timeout: Duration::from_secs_f64(c.tool_timeout_sec),
            enabled_tools: c.enabled_tools.clone(),
            disabled_tools: c.disabled_tools.clone(),
            required: c.required,
            enabled: c.enabled,
            lazy: c.lazy,
            expand_all,
            plugin: None,
            sealed: None,
        }
    }

    /// The transport with `${VAR}` references replaced from the
    /// environment; the error names the key and the variable.
    pub fn resolved_transport(&self) -> Result<Transport, String> {
        let key = |k: &str| self.source.key(&self.name, k);
        let all = self.expand_all;
        let maybe = |s: &str, k: &str| {
            if all {
                expand(s, &key(k))
            } else {
                Ok(s.to_string())
            }
        };
        Ok(match &self.transport {
            Transport::Stdio {
                command,
                args,
                env,
                cwd,
                sandbox,
            } => Transport::Stdio {
                command: maybe(command, "command")?,
                args: args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| maybe(a, &format!("args[{i}]")))
                    .collect::<Result<_, _>>()?,
                // `env` values everywhere, as `.mcp.json` and Claude Code
                // do: `TOK = "${TOK}"` from config.toml is the token.
                env: env
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), expand(v, &key(&format!("env.{k}")))?)))
                    .collect::<Result<_, String>>()?,
                cwd: cwd.clone(),
                sandbox: sandbox.clone(),
            },
            Transport::Http { url, headers } => Transport::Http {
                url: maybe(url, "url")?,
                headers: headers
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), expand(v, &key(&format!("headers.{k}")))?)))
                    .collect::<Result<_, String>>()?,
            },
        })
    }

    /// The environment variables the server's settings read, by name:
    /// every string of a `.mcp.json` server, the header and `env` values
    /// of a config.toml one (what [`Self::resolved_transport`] expands).
    pub fn env_read(&self) -> Vec<String> {
        let all = self.expand_all;
        let texts: Vec<&str> = match &self.transport {
            Transport::Stdio {
                command, args, env, ..
            } if all => std::iter::once(command.as_str())
                .chain(args.iter().map(String::as_str))
                .chain(env.values().map(String::as_str))
                .collect(),
            Transport::Stdio { env, .. } => env.values().map(String::as_str).collect(),
            Transport::Http { url, headers } => (all.then_some(url.as_str()))
                .into_iter()
                .chain(headers.values().map(String::as_str))
                .collect(),
        };
        super::env_refs::read_by(texts, &[])
    }

    /// Hides what expansion put into the settings (the variables' values,
    /// the expanded URL) in text about this server: every error, warning
    /// and log line passes through it, so a key in a URL or a header
    /// never reaches the terminal, the model or a file.
    pub fn redactor(&self) -> super::env_refs::Redactor {
        let names = self.env_read();
        if names.is_empty() {
            return super::env_refs::Redactor::default();
        }
        let url = match (&self.transport, self.resolved_transport()) {
            (Transport::Http { url, .. }, Ok(Transport::Http { url: real, .. })) => {
                Some((url.clone(), real))
            }
            _ => None,
        };
        super::env_refs::Redactor::new(
            &names,
            |n| std::env::var(n).ok(),
            url.as_ref().map(|(w, r)| (w.as_str(), r.as_str())),
        )
    }

    /// `text` with what expansion put in hidden ([`Self::redactor`]).
    pub fn redact(&self, text: &str) -> String {
        self.redactor().apply(text)
    }

    /// Whether the tool with this original name is offered.
    pub fn allows(&self, tool: &str) -> bool {
        self.enabled_tools
            .as_ref()
            .is_none_or(|only| only.iter().any(|t| t == tool))
            && !self.disabled_tools.iter().any(|t| t == tool)
    }

    /// `command args...` or the URL, for listings.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Stdio { command, args, .. } => {
                let mut s = command.clone();
                for a in args {
                    s.push(' ');
                    s.push_str(a);
                }
                s
            }
            Transport::Http { url, .. } => url.clone(),
        }
    }
}

/// Replaces `${VAR}` and `${VAR:-default}` with environment values.
pub fn expand(s: &str, key: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("{key}: '${{' without a closing '}}' in '{s}'"));
        };
        let inner = &after[..end];
        let (var, default) = match inner.split_once(":-") {
            Some((v, d)) => (v, Some(d)),
            None => (inner, None),
        };
        match (std::env::var(var), default) {
            (Ok(v), _) => out.push_str(&v),
            (Err(_), Some(d)) => out.push_str(d),
            (Err(_), None) => {
                return Err(format!(
                    "{key} uses the environment variable {var}, which is not set: set it or write ${{{var}:-default}}"
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Reads `servers` from config and `<repo_root>/.mcp.json` (config wins on
/// a name clash). Returns the specs and warnings (unknown keys, skipped
/// entries); errors name the file or table and the key.
pub fn load(
    servers: &McpServers,
    repo_root: Option<&Path>,
    base: &Path,
) -> Result<(Vec<ServerSpec>, Vec<String>), String> {
    let mut specs: Vec<ServerSpec> = servers
        .0
        .iter()
        .map(|(name, c)| ServerSpec::new(name, Source::Config, c, base))
        .collect();
    let mut warnings = Vec::new();
    // Once repositories can be marked trusted, read this only in a trusted one.
    if let Some(root) = repo_root {
        let path = root.join(".mcp.json");
        for (name, c) in read_mcp_json(&path, &mut warnings)? {
            if servers.0.contains_key(&name) {
                warnings.push(format!(
                    "{}: server '{name}' is also in [mcp_servers.{name}]; the config.toml entry is used",
                    path.display()
                ));
                continue;
            }
            specs.push(ServerSpec::new(
                &name,
                Source::McpJson(path.clone()),
                &c,
                base,
            ));
        }
    }
    check_distinct_names(&specs)?;
    warnings.extend(super::bare_dollar::warnings(&specs));
    Ok((specs, warnings))
}

/// Two servers whose names differ only in characters tool names replace
/// (`my.srv`, `my srv`) would give their tools the same names; so would
/// `x` and `x_` (`mcp__x___y` is tool `_y` of `x` and tool `y` of `x_`).
/// Names without `__` ([`check_name`]) meet in no other way.
fn check_distinct_names(specs: &[ServerSpec]) -> Result<(), String> {
    for (i, a) in specs.iter().enumerate() {
        for b in &specs[..i] {
            if let Some(meet) = names_meet(&b.name, &a.name) {
                return Err(format!(
                    "the MCP servers '{}' and '{}' {meet}; rename one of them (in [mcp_servers] or .mcp.json)",
                    b.name, a.name
                ));
            }
        }
    }
    Ok(())
}

/// A new server `name` next to the servers already configured (`others`):
/// refused when their tool names could meet, as loading would refuse the
/// config afterwards ([`check_distinct_names`]). A server of the same name
/// is not a clash (adding it replaces it).
pub fn check_new_among<'a>(
    name: &str,
    others: impl IntoIterator<Item = &'a str>,
) -> Result<(), String> {
    for other in others.into_iter().filter(|o| *o != name) {
        if let Some(meet) = names_meet(other, name) {
            return Err(format!(
                "the MCP server name '{name}' and the configured server '{other}' {meet}; choose another name (or `quire mcp remove {other}` first)"
            ));
        }
    }
    Ok(())
}

/// How the tool names of servers `a` and `b` can be the same, if they can.
pub(crate) fn names_meet(a: &str, b: &str) -> Option<String> {
    let (ca, cb) = (super::naming::sanitize(a), super::naming::sanitize(b));
    if ca == cb {
        Some(format!("would both name their tools mcp__{ca}__TOOL"))
    } else if ca.strip_suffix('_') == Some(cb.as_str()) || cb.strip_suffix('_') == Some(ca.as_str())
    {
        let stem = if ca.len() < cb.len() { &ca } else { &cb };
        Some(format!(
            "differ only by a trailing '_', so their tool names can be the same (mcp__{stem}___TOOL)"
        ))
    } else {
        None
    }
}

/// Parses a `.mcp.json` (`{"mcpServers": {NAME: {command, args, env, type,
/// url, headers}}}`); a missing file is no servers.
pub fn read_mcp_json(
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, McpServerConfig)>, String> {
    read_servers(path, warnings, false)
}

/// A plugin's `.mcp.json`: `{"mcpServers": {...}}` or, as Claude Code
/// reads plugins, the servers by name at the top level (`{NAME: {command,
/// ...}}`); a file that is neither is an error naming it.
pub fn read_plugin_mcp_json(
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, McpServerConfig)>, String> {
    read_servers(path, warnings, true)
}

fn read_servers(
    path: &Path,
    warnings: &mut Vec<String>,
    flat: bool,
) -> Result<Vec<(String, McpServerConfig)>, String> {
    let text = match crate::file_kind::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !flat => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let file = path.display().to_string();
    let root: Value =
        serde_json::from_str(&text).map_err(|e| format!("{file} is not valid JSON: {e}"))?;
    servers_from(&file, &root, flat, warnings)
}

/// The servers of a parsed `.mcp.json` (see [`read_plugin_mcp_json`] for
/// `flat`); `file` names it in messages.
pub fn servers_from(
    file: &str,
    root: &Value,
    flat: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, McpServerConfig)>, String> {
    let top;
    let servers = match (root.get("mcpServers"), root) {
        (Some(Value::Object(m)), _) => m,
        (Some(_), _) => return Err(format!("{file}: mcpServers must be an object of servers")),
        (None, _) if !flat => return Ok(Vec::new()),
        (None, Value::Object(m)) => {
            top = m
                .iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<serde_json::Map<_, _>>();
            if let Some((k, _)) = top.iter().find(|(_, v)| !v.is_object()) {
                return Err(format!(
                    "{file}: \"{k}\" is not a server object; write {{\"mcpServers\": {{\"NAME\": {{\"command\": ...}}}}}} or {{\"NAME\": {{\"command\": ...}}}}"
                ));
            }
            &top
        }
        (None, _) => {
            return Err(format!(
                "{file} must be a JSON object of servers ({{\"mcpServers\": {{...}}}} or {{\"NAME\": {{\"command\": ...}}}})"
            ));
        }
    };
    let mut out = Vec::new();
    for (name, entry) in servers {
        let prefix = format!("{file}: mcpServers.{name}");
        check_name(name).map_err(|e| format!("{file}: {e}"))?;
        let Value::Object(fields) = entry else {
            return Err(format!("{prefix} must be an object"));
        };
        let mut kept = serde_json::Map::new();
        let mut ty = None;
        let mut unknown = Vec::new();
        for (k, v) in fields {
            match k.as_str() {
                "command" | "args" | "env" | "url" | "headers" => {
                    kept.insert(k.clone(), v.clone());
                }
                "type" => {
                    ty = Some(v.as_str().map(str::to_string).ok_or_else(|| {
                        format!("{prefix}.type must be a string (\"stdio\" or \"http\")")
                    })?)
                }
                other => {
                    let hint = crate::suggest::did_you_mean(
                        other,
                        ["command", "args", "env", "url", "headers", "type"],
                    );
                    warnings.push(format!("{prefix}.{other}: unknown key, ignored{hint}"));
                    unknown.push(format!("\"{other}\"{hint}"));
                }
            }
        }
        match ty.as_deref() {
            None
            | Some("stdio")
            | Some("http")
            | Some("streamable-http")
            | Some("streamableHttp") => {}
            Some("sse") => {
                warnings.push(format!(
                    "{prefix}: type \"sse\" (the old HTTP+SSE transport) is not supported; the server is skipped (use a streamable-HTTP url with type \"http\")"
                ));
                continue;
            }
            Some(other) => {
                return Err(format!(
                    "{prefix}.type: unknown transport \"{other}\"; use \"stdio\" or \"http\""
                ));
            }
        }
        if ty.as_deref() == Some("stdio") && !kept.contains_key("command") {
            return Err(format!("{prefix}: type \"stdio\" needs a command"));
        }
        if matches!(ty.as_deref(), Some(t) if t != "stdio") && !kept.contains_key("url") {
            return Err(format!(
                "{prefix}: type \"{}\" needs a url",
                ty.unwrap_or_default()
            ));
        }
        // A misspelled key is often why the entry is incomplete.
        let c = McpServerConfig::from_value(&prefix, &Value::Object(kept)).map_err(|e| {
            if unknown.is_empty() {
                e
            } else {
                format!("{e} (unknown keys here: {})", unknown.join(", "))
            }
        })?;
        out.push((name.clone(), c));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
