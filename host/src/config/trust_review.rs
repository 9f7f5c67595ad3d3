//! What a repository's own settings would change, in a few lines, shown
//! before and when the user trusts it: the settings that send prompts and
//! keys elsewhere, turn the sandbox or approvals off, or start programs
//! (hooks, MCP servers). Read loosely: a file that does not parse says so.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;
use toml::{Table, Value};

/// Text from the repository's files as shown: as written, or quoted with
/// its control characters escaped when it has any (an escape sequence in
/// a name or a command would act on the terminal, or hide what runs).
fn q(text: &str) -> std::borrow::Cow<'_, str> {
    crate::printable::shown_command(text)
}

/// The lines, each a setting and what it does (none when nothing notable).
pub fn notable_settings(workspace: &Path) -> Vec<String> {
    let mut out = Vec::new();
    config_toml(&workspace.join(".quire/config.toml"), &mut out);
    mcp_json(&workspace.join(".mcp.json"), &mut out);
    if out
        .iter()
        .any(|l| l.starts_with("MCP server ") && l.contains(": runs "))
    {
        out.push(SERVER_FILES.into());
    }
    for name in ["settings.json", "settings.local.json"] {
        claude_hooks(&workspace.join(".claude").join(name), name, &mut out);
    }
    out.extend(super::claude_settings::trust_lines(workspace));
    // A repository plugin named like one of the user's own is not loaded
    // (the user's wins): said instead of what it would run.
    let (found, _) = crate::plugins::bundle::scan_at(
        Some(workspace),
        crate::plugins::bundle::user_plugins_dir(),
    );
    let user_names: Vec<String> = found
        .iter()
        .filter(|i| i.scope == crate::plugins::bundle::BundleScope::User)
        .map(|i| i.bundle.name.clone())
        .collect();
    let home = super::quire_home();
    for i in crate::plugins::bundle::scan_at(Some(workspace), None).0 {
        if user_names.contains(&i.bundle.name) {
            out.push(format!(
                "plugin {}: not loaded, your own plugin of that name wins (rename or remove one of them)",
                q(&i.bundle.name)
            ));
            continue;
        }
        for hooks in &i.bundle.hooks {
            let rel = hooks.strip_prefix(workspace).unwrap_or(hooks);
            let name = q(&i.bundle.name);
            let file = q(&rel.display().to_string()).into_owned();
            match crate::hooks::claude::read_settings_skipping(hooks) {
                Ok((found, _)) => {
                    for (event, def, _) in found {
                        out.push(format!(
                            "plugin {name}: hook {} ({file}): {}",
                            event.as_str(),
                            bundle_hook_line(&def, &i.bundle.root, &home)
                        ));
                    }
                }
                Err(e) => out.push(format!(
                    "plugin {name}: hooks in {file} not readable ({}); none run until fixed",
                    q(&e.to_string())
                )),
            }
        }
        for line in bundle_mcp_lines(&i.bundle, &home) {
            let then = match line.refused {
                true => String::new(),
                false => format!(
                    " (starts once you run `quire plugins enable {}`)",
                    q(&i.bundle.name)
                ),
            };
            out.push(format!("plugin {}: {}{then}", q(&i.bundle.name), line.text));
        }
    }
    out
}

/// What trust covers of the repository's MCP servers (`mcp::seal`).
pub const SERVER_FILES: &str = "MCP servers above: trust also covers the repository's files they name (a script and its folder, a `python -m` package, package.json of npm/npx, what `LD_PRELOAD`, `PYTHONPATH` and other loader variables of their `env` name; of a file outside the repository they name, `../tools/srv.py`, the file itself, not its folder; every file of a folder outside that `PYTHONPATH`, `NODE_PATH`, `LD_LIBRARY_PATH` or another search-path variable names, up to 2000 files or 64 MiB, else the server is not started); one changed later is not started until you run `quire trust` again. What those load from elsewhere (`node_modules`, what `npx` or `npm run` finds, a module on the interpreter's path) is not covered";

/// What a command hook of the plugin in `root` does, for a screen that
/// asks for trust: "refused, never runs: WHY" when the rule that refuses
/// plugin hooks (`plugins::bundle::hook_paths::refusal`, `home` quire's
/// folder) refuses it, else "runs COMMAND (runs once approved: …)" with
/// what the approval does not cover.
pub fn bundle_hook_line(def: &crate::hooks::config::HookDef, root: &Path, home: &Path) -> String {
    if let Some(c) = def.command.as_deref()
        && let Err(why) = crate::plugins::bundle::hook_paths::refusal(c, root, home)
    {
        return format!("refused, never runs: {}", q(&why));
    }
    let note = def
        .command
        .as_deref()
        .and_then(|c| crate::hooks::trust::plugin_coverage_note(c, root))
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!(
        "{}{note} (runs once approved: `quire hooks trust`)",
        hook_runs(def)
    )
}

/// One MCP server of a plugin bundle as a screen that asks for trust
/// shows it.
pub struct BundleServer {
    /// The server's name as the bundle writes it.
    pub name: String,
    /// "MCP server NAME: runs …", or "MCP server NAME: refused, never
    /// starts: WHY".
    pub text: String,
    /// The same without "MCP server NAME: ".
    pub what: String,
    /// Refused by `plugins::bundle::mcp::refusal`: never started, whatever
    /// the user enables.
    pub refused: bool,
}

/// Each MCP server a plugin bundle declares and what it would run, or why
/// it is refused (the rule sessions apply, `home` quire's folder).
pub fn bundle_mcp_lines(b: &crate::plugins::bundle::Bundle, home: &Path) -> Vec<BundleServer> {
    let mut out = Vec::new();
    for file in &b.mcp {
        let mut warnings = Vec::new();
        match crate::plugins::bundle::mcp::servers(file, &mut warnings) {
            Ok(servers) => {
                for (name, c) in servers {
                    let refusal = crate::plugins::bundle::mcp::refusal(b, &c, home).err();
                    let what = match &refusal {
                        Some(why) => format!("refused, never starts: {}", q(why)),
                        None => server_runs(&c),
                    };
                    out.push(BundleServer {
                        text: format!("MCP server {}: {what}", q(&name)),
                        what,
                        name,
                        refused: refusal.is_some(),
                    });
                }
            }
            Err(e) => out.push(BundleServer {
                name: String::new(),
                text: format!("MCP servers not readable: {e}"),
                what: format!("not readable: {e}"),
                refused: true,
            }),
        }
    }
    out
}

/// What an MCP server of a bundle would do: "runs COMMAND ARGS" or
/// "connects to URL, headers ...", and the environment variables its
/// settings read (by name; `${CLAUDE_PLUGIN_ROOT}` and the like are the
/// bundle's folders, not read), escaped for the terminal.
pub fn server_runs(c: &crate::mcp::McpServerConfig) -> String {
    let words: Vec<&str> = c
        .command
        .as_deref()
        .into_iter()
        .chain(c.args.iter().map(String::as_str))
        .collect();
    let texts = words
        .iter()
        .copied()
        .chain(c.env.values().map(String::as_str))
        .chain(c.url.as_deref())
        .chain(c.headers.values().map(String::as_str));
    let reads = crate::mcp::env_refs::read_by(texts, BUNDLE_FOLDERS);
    mcp_what(c.url.as_deref(), &words, &c.headers, &reads, &c.env)
}

/// The `${...}` a plugin bundle's MCP settings may name that quire fills
/// in with the bundle's folders.
const BUNDLE_FOLDERS: &[&str] = &[
    "PLUGIN_ROOT",
    "CLAUDE_PLUGIN_ROOT",
    "PLUGIN_DATA",
    "CLAUDE_PLUGIN_DATA",
];

/// An MCP server as consent screens show it: "connects to URL, headers
/// K: V" or "runs COMMAND ARGS" with the variables of its `env` that
/// change what runs (`PATH`, `BASH_ENV`, `LD_PRELOAD`…), then the
/// environment variables its settings read (`reads`), all as written
/// (variables by name, never their values) and escaped.
fn mcp_what(
    url: Option<&str>,
    words: &[&str],
    headers: &BTreeMap<String, String>,
    reads: &[String],
    env: &BTreeMap<String, String>,
) -> String {
    let what = match url {
        Some(url) => format!(
            "connects to {}{}",
            q(url),
            crate::hooks::http_env::headers_shown(headers)
        ),
        None => format!("runs {}{}", q(&words.join(" ")), loader_env(env)),
    };
    format!("{what}{}", crate::mcp::env_refs::reads_note(reads))
}

/// Every variable of a stdio server's `env`, as written, with what it
/// does when it changes which programs run or what they load:
/// `, env PATH = "bin:/usr/bin" (commands are looked up there)`. No list
/// of such variables is complete, so the others are shown too.
fn loader_env(env: &BTreeMap<String, String>) -> String {
    env.iter()
        .map(|(k, v)| match super::widening::loader_note(k) {
            Some(note) => format!(", env {} = \"{}\" ({note})", q(k), q(v)),
            None => format!(", env {} = \"{}\"", q(k), q(v)),
        })
        .collect()
}

/// The string values of a TOML table (a server's `headers`, `env`).
fn toml_strings(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_table)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// The commands of Claude Code hooks in a settings file.
fn claude_hooks(path: &Path, name: &str, out: &mut Vec<String>) {
    let Some(json) = crate::file_kind::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<Json>(&t).ok())
    else {
        return;
    };
    for (event, groups) in json
        .get("hooks")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let handlers = groups
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g.get("hooks").and_then(Json::as_array))
            .flatten();
        for h in handlers {
            if let Some(run) = h
                .get("command")
                .or_else(|| h.get("url"))
                .and_then(Json::as_str)
            {
                let headers = json_strings(h.get("headers"));
                let allowed = json_list(h.get("allowedEnvVars"));
                out.push(format!(
                    "hook {} (.claude/{name}): runs {}{}{}",
                    q(event),
                    q(run),
                    crate::hooks::http_env::describe(&headers, &allowed),
                    coverage(run)
                ));
            }
        }
    }
}

fn config_toml(path: &Path, out: &mut Vec<String>) {
    let Ok(text) = crate::file_kind::read_to_string(path) else {
        return;
    };
    let Ok(table) = text.parse::<Table>() else {
        out.push(".quire/config.toml does not parse (quire will refuse it)".into());
        return;
    };
    // Codex's names (`sandbox_mode`, `[model_providers.x]`) count as quire's.
    let table = match super::codex_keys::layer(table) {
        Ok((table, _)) => table,
        Err(refused) => {
            out.push(format!(
                ".quire/config.toml: {} (quire will refuse it)",
                q(&refused.message)
            ));
            return;
        }
    };
    let word = |key: &str| table.get(key).and_then(Value::as_str);
    super::widening::lines(&table, out);
    if let Some(p) = word("provider") {
        out.push(format!(
            "provider = \"{}\": your prompts go to this provider",
            q(p)
        ));
    }
    for (name, entry) in table
        .get("providers")
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        let field = |k: &str| entry.get(k).and_then(Value::as_str);
        let name = q(name);
        if let Some(url) = field("base_url") {
            out.push(format!(
                "providers.{name}.base_url = \"{}\": requests go there, with the API key and any headers your own config.toml sets for this provider",
                q(&super::shown_url::shown_url(url))
            ));
        }
        if let Some(var) = field("api_key_env").map(q) {
            out.push(format!(
                "providers.{name}.api_key_env = \"{var}\": the key sent is read from ${var}"
            ));
        }
    }
    if let Some(dir) = word("sessions_dir") {
        out.push(format!(
            "sessions_dir = \"{}\": your sessions are written there",
            q(dir)
        ));
    }
    for (event, hooks) in table
        .get("hooks")
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        for h in hooks.as_array().into_iter().flatten() {
            let run = h
                .get("command")
                .or_else(|| h.get("url"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            let headers: BTreeMap<String, String> = h
                .get("headers")
                .and_then(Value::as_table)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
            let allowed: Vec<String> = h
                .get("allowed_env_vars")
                .or_else(|| h.get("allowedEnvVars"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            out.push(format!(
                "hook {}: runs {}{}{}",
                q(event),
                q(run),
                crate::hooks::http_env::describe(&headers, &allowed),
                coverage(run)
            ));
        }
    }
    for (name, server) in table
        .get("mcp_servers")
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        out.push(format!("MCP server {}: {}", q(name), toml_command(server)));
    }
}

/// What a hook of a bundle does: "runs COMMAND" or "posts to URL".
fn hook_runs(def: &crate::hooks::config::HookDef) -> String {
    match (&def.command, &def.url) {
        (Some(c), _) => format!("runs {}", q(c)),
        (None, Some(u)) => format!("posts to {}{}", q(u), def.headers_shown()),
        (None, None) => match &def.plugin {
            Some(p) => format!("runs plugin {}", q(p)),
            None => "runs nothing it names".into(),
        },
    }
}

/// The string values of a JSON object (a Claude Code hook's `headers`,
/// an MCP server's `headers` and `env`).
fn json_strings(v: Option<&Json>) -> BTreeMap<String, String> {
    v.and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// The strings of a JSON array (a Claude Code hook's `allowedEnvVars`).
fn json_list(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// What the approval of a hook running `command` would not cover.
fn coverage(command: &str) -> String {
    crate::hooks::trust::coverage_note(command)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default()
}

/// A `[mcp_servers.NAME]` of the repository's config.toml: only its
/// header values are expanded there.
fn toml_command(server: &Value) -> String {
    let mut words: Vec<&str> = server
        .get("command")
        .and_then(Value::as_str)
        .into_iter()
        .collect();
    words.extend(
        server
            .get("args")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str),
    );
    let headers = toml_strings(server.get("headers"));
    let env = toml_strings(server.get("env"));
    let reads = crate::mcp::env_refs::read_by(headers.values().map(String::as_str), &[]);
    let url = server.get("url").and_then(Value::as_str);
    mcp_what(url, &words, &headers, &reads, &env)
}

fn mcp_json(path: &Path, out: &mut Vec<String>) {
    let Ok(text) = crate::file_kind::read_to_string(path) else {
        return;
    };
    let Ok(json) = serde_json::from_str::<Json>(&text) else {
        out.push(".mcp.json does not parse (quire will refuse it)".into());
        return;
    };
    let servers = json.get("mcpServers").unwrap_or(&json);
    for (name, server) in servers.as_object().into_iter().flatten() {
        if name.starts_with('$') {
            continue;
        }
        // Every string of a .mcp.json server is expanded (`${VAR}`).
        let mut words: Vec<&str> = server
            .get("command")
            .and_then(Json::as_str)
            .into_iter()
            .collect();
        words.extend(
            server
                .get("args")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str),
        );
        let url = server.get("url").and_then(Json::as_str);
        let headers = json_strings(server.get("headers"));
        let env = json_strings(server.get("env"));
        let texts = words
            .iter()
            .copied()
            .chain(env.values().map(String::as_str))
            .chain(url)
            .chain(headers.values().map(String::as_str));
        let reads = crate::mcp::env_refs::read_by(texts, &[]);
        out.push(format!(
            "MCP server {} (.mcp.json): {}",
            q(name),
            mcp_what(url, &words, &headers, &reads, &env)
        ));
    }
}

#[cfg(test)]
#[path = "trust_review_tests.rs"]
mod tests;
