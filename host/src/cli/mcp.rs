//! `quire mcp list|add|remove|tools` (`serve` is in mcp_serve.rs, `login`
//! and `logout` in mcp_login.rs).

use quire::agent::EventSink;
use quire::agent::prompt::repo_root;
use quire::mcp::config::check_new_name;
use quire::mcp::{McpManager, McpServerConfig, ServerSpec, Source, edit, load_specs};

use super::args::{GlobalArgs, McpArgs, McpCommand};
use super::setup::Setup;
use super::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};

pub async fn run(global: &GlobalArgs, args: &McpArgs) -> i32 {
    let setup = match super::setup::load_or_say(global) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match &args.command {
        McpCommand::List { json } => list(&setup, *json).await,
        McpCommand::Tools { name, json } => tools(&setup, name, *json).await,
        McpCommand::Add {
            name,
            url,
            env,
            headers,
            command,
        } => add(&setup, name, url.as_deref(), env, headers, command),
        McpCommand::Remove { name } => remove(&setup, name),
        McpCommand::Login { name } => super::mcp_login::login(&setup, name).await,
        McpCommand::Logout { name } => super::mcp_login::logout(&setup, name),
        McpCommand::Serve { http, builtin } => {
            super::mcp_serve::run(&setup, http.as_deref(), *builtin).await
        }
    }
}

pub(super) fn specs(setup: &Setup) -> Result<Vec<ServerSpec>, i32> {
    let root = repo_root(&setup.cwd);
    let workspace = root.clone().unwrap_or_else(|| setup.cwd.clone());
    match load_specs(&setup.config, &workspace, root.as_deref()) {
        Ok((specs, warnings)) => {
            for w in warnings {
                eprintln!("warning: {w}");
            }
            Ok(specs)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(EXIT_USAGE)
        }
    }
}

/// Starts `specs` and waits until each is ready or failed (or Ctrl-C).
async fn started(specs: Vec<ServerSpec>) -> Result<McpManager, i32> {
    let manager = McpManager::start(specs, EventSink::null());
    tokio::select! {
        _ = manager.wait_all() => Ok(manager),
        _ = tokio::signal::ctrl_c() => {
            drop(manager);
            Err(EXIT_INTERRUPTED)
        }
    }
}

/// Prints a line cleaned of escape sequences (server output, commands
/// from `.mcp.json`), piped or not; a closed pipe (`| head`) is not an
/// error.
macro_rules! out {
    ($($t:tt)*) => {
        listln!($($t)*)
    };
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn list(setup: &Setup, json: bool) -> i32 {
    let specs = match specs(setup) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let unused = if json { None } else { unused_here(setup) };
    if specs.is_empty() {
        match &unused {
            Some(lines) => lines.iter().for_each(|l| out!("{l}")),
            None => eprintln!(
                "no MCP servers: add one with `quire mcp add NAME -- CMD ARGS...` or `quire mcp add NAME --url URL`, or in the project's .mcp.json"
            ),
        }
        return EXIT_OK;
    }
    let manager = match started(specs).await {
        Ok(m) => m,
        Err(code) => return code,
    };
    for l in unused.iter().flatten() {
        out!("{l}");
    }
    for r in manager.reports() {
        if json {
            if let Ok(line) = serde_json::to_string(&r) {
                println!("{line}");
            }
            continue;
        }
        let hidden = if r.hidden_tools > 0 {
            format!(
                " ({} hidden by enabled_tools/disabled_tools)",
                r.hidden_tools
            )
        } else {
            String::new()
        };
        // The file that declared it: config, .mcp.json, or a plugin's
        // plugin.json (inline mcpServers), after the plugin's name.
        let file = if r.source == "config" {
            "config".to_string()
        } else {
            std::path::Path::new(&r.source)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| ".mcp.json".to_string())
        };
        let source = match &r.plugin {
            Some(plugin) => format!("plugin {}: {file}", quire::printable::quoted_name(plugin)),
            None => file,
        };
        out!(
            "{}  {}  {}{hidden}  [{source}, {}] {}{}{}",
            r.name,
            r.state,
            quire::plural::counted(r.tools, "tool"),
            r.transport,
            quire::printable::quoted_name(&r.target),
            quire::hooks::http_env::headers_shown(&r.headers),
            quire::mcp::env_refs::reads_note(&r.env_vars)
        );
        for skipped in &r.skipped_tools {
            out!("  skipped: {skipped}");
        }
        for miss in &r.filter_misses {
            out!("  warning: {miss}");
        }
        if r.signed_in == Some(true) {
            out!("  signed in (`quire mcp logout {}` signs out)", r.name);
        }
        if let Some(e) = &r.last_error {
            // The error may already end with the stderr tail.
            let first = e.split("\nstderr of").next().unwrap_or(e);
            out!("  last error: {}", first.replace('\n', "\n    "));
        }
        if !r.stderr.is_empty() {
            out!("  stderr:\n{}", indent(&r.stderr, "    "));
        }
    }
    EXIT_OK
}

/// The repository's own MCP servers (`.mcp.json`, `.quire/config.toml`)
/// when its settings are not used — not trusted, or changed since it was —
/// each with what it would run, and how to use them; `None` when there
/// are none or they are in use.
fn unused_here(setup: &Setup) -> Option<Vec<String>> {
    use quire::config::trust::{TrustLevel, decide_in};
    if setup.config.project_trusted {
        return None;
    }
    let root = repo_root(&setup.cwd)?;
    let servers: Vec<String> = quire::config::trust_review::notable_settings(&root)
        .into_iter()
        .filter(|l| l.starts_with("MCP server "))
        .collect();
    if servers.is_empty() {
        return None;
    }
    let why = match decide_in(&setup.config.projects, &root) {
        Some(TrustLevel::Trusted) => {
            "its settings changed since you trusted it; read them, then run `quire trust` there to use them again"
        }
        Some(TrustLevel::Untrusted) => "you marked it untrusted; `quire trust` there uses them",
        None => "it is not trusted; `quire trust` there uses them",
    };
    let mut out = vec![format!(
        "not in use: the MCP servers of {} ({why}):",
        root.display()
    )];
    out.extend(servers.into_iter().map(|l| format!("  {l}")));
    Some(out)
}

async fn tools(setup: &Setup, name: &str, json: bool) -> i32 {
    let all = match specs(setup) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let known: Vec<String> = all.iter().map(|s| s.name.clone()).collect();
    let Some(mut spec) = all.into_iter().find(|s| s.name == name) else {
        eprintln!(
            "error: no MCP server '{name}'; configured: {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
        return EXIT_USAGE;
    };
    if let (Some(plugin), false) = (&spec.plugin, spec.enabled) {
        // A plugin's servers run only once the user accepted them as they
        // are now; listing their tools would start one without that.
        eprintln!(
            "error: the MCP server '{name}' comes from plugin '{plugin}' and is off until you accept its servers: run `quire plugins enable {plugin}` (review them first with `quire plugins list`)"
        );
        return EXIT_USAGE;
    }
    spec.enabled = true;
    let manager = match started(vec![spec]).await {
        Ok(m) => m,
        Err(code) => return code,
    };
    let report = manager.reports().remove(0);
    if report.state != "ready" {
        eprintln!(
            "error: the MCP server '{name}' is not available: {}",
            report.last_error.unwrap_or_default()
        );
        return EXIT_FAILED;
    }
    let tools = manager.tool_reports(name);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&tools).unwrap_or_default()
        );
        return EXIT_OK;
    }
    for miss in &report.filter_misses {
        eprintln!("warning: {miss}");
    }
    if tools.is_empty() && report.hidden_tools > 0 {
        out!(
            "'{name}' offers {}, all hidden by enabled_tools/disabled_tools",
            quire::plural::counted(report.hidden_tools, "tool")
        );
    } else if tools.is_empty() {
        out!("'{name}' offers no tools");
    }
    for t in tools {
        let original = if t.original != t.name {
            format!(" (on the server: {})", t.original)
        } else {
            String::new()
        };
        let ro = if t.read_only { " [read-only]" } else { "" };
        out!("{}{original}{ro}", t.name);
        if !t.description.is_empty() {
            out!("{}", indent(&t.description, "  "));
        }
        let schema = serde_json::to_string_pretty(&t.input_schema).unwrap_or_default();
        out!("  input schema:\n{}\n", indent(&schema, "    "));
    }
    EXIT_OK
}

fn pairs(items: &[String], flag: &str) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(format!("{flag} {p}: write it as NAME=VALUE")),
        })
        .collect()
}

fn add(
    setup: &Setup,
    name: &str,
    url: Option<&str>,
    env: &[String],
    headers: &[String],
    command: &[String],
) -> i32 {
    let built = (|| -> Result<McpServerConfig, String> {
        check_new_name(name)?;
        // The same rule as loading: no two servers whose tool names meet.
        let mut others: Vec<String> = setup.config.mcp_servers.0.keys().cloned().collect();
        let root = repo_root(&setup.cwd);
        let workspace = root.clone().unwrap_or_else(|| setup.cwd.clone());
        if let Ok((loaded, _)) = load_specs(&setup.config, &workspace, root.as_deref()) {
            others.extend(loaded.into_iter().map(|s| s.name));
        }
        quire::mcp::check_new_among(name, others.iter().map(String::as_str))?;
        let env = pairs(env, "--env")?;
        let headers = pairs(headers, "--header")?;
        let mut c = match (url, command.split_first()) {
            (Some(_), Some(_)) => {
                return Err("give either --url URL or `-- CMD ARGS...`, not both".into());
            }
            (None, None) => {
                return Err(format!(
                    "say how to reach '{name}': quire mcp add {name} -- CMD ARGS... (stdio) or quire mcp add {name} --url URL (streamable HTTP)"
                ));
            }
            (Some(u), None) => {
                if !env.is_empty() {
                    return Err("--env is for stdio servers; an HTTP server takes --header".into());
                }
                McpServerConfig::http(u)
            }
            (None, Some((cmd, args))) => {
                if cmd.starts_with('-') {
                    return Err(format!(
                        "the first word after `--` is the server's program, and '{cmd}' is an option, not a program: write quire mcp add {name} -- CMD ARGS... (stdio) or quire mcp add {name} --url URL (HTTP)"
                    ));
                }
                if !headers.is_empty() {
                    return Err("--header is for HTTP servers (--url)".into());
                }
                McpServerConfig::stdio(cmd.clone(), args.to_vec())
            }
        };
        for (header, value) in &headers {
            if let Some(warning) = super::mcp_secrets::header_warning(header, value) {
                eprintln!("warning: {warning}");
            }
        }
        for (var, value) in &env {
            if let Some(warning) = super::mcp_secrets::env_warning(var, value) {
                eprintln!("warning: {warning}");
            }
        }
        c.env = env.into_iter().collect();
        c.headers = headers.into_iter().collect();
        // The same checks as when the config is loaded.
        let value = serde_json::to_value(&c).map_err(|e| e.to_string())?;
        McpServerConfig::from_value(&format!("mcp_servers.{name}"), &value)
    })();
    let c = match built {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let path = setup.home.join("config.toml");
    match edit::add_server(&path, name, &c) {
        Ok(()) => {
            out!("added MCP server '{name}' to {}", path.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn remove(setup: &Setup, name: &str) -> i32 {
    let path = setup.home.join("config.toml");
    match edit::remove_server(&path, name) {
        Ok(true) => {
            out!("removed MCP server '{name}' from {}", path.display());
            EXIT_OK
        }
        Ok(false) => {
            let elsewhere = specs(setup)
                .ok()
                .and_then(|s| s.into_iter().find(|s| s.name == name))
                .map(|s| match s.source {
                    Source::McpJson(p) => format!("it comes from {}; edit that file", p.display()),
                    Source::Config => {
                        "it is in the project's .quire/config.toml; edit that file".to_string()
                    }
                });
            match elsewhere {
                Some(where_) => eprintln!("error: '{name}' is not in {}: {where_}", path.display()),
                None => eprintln!(
                    "error: no MCP server '{name}' in {}; `quire mcp list` shows the servers",
                    path.display()
                ),
            }
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
