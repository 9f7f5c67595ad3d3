//! `quire plugins inspect` and `call`, and the permission display and
//! consent question they share with `add`.

use std::io::{BufRead, IsTerminal};

use quire::plugins::CallError;
use quire::plugins::cache::CacheOutcome;
use quire::plugins::consent::{ConsentStatus, ConsentStore, not_loaded_warning};
use quire::plugins::manifest::Manifest;
use quire::plugins::{tool_name, tool_offered};
use serde_json::{Value, json};

use super::{Ctx, consent_word, load, resolve_target};
use crate::cli::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

pub(super) async fn inspect(ctx: &Ctx, target: &str, as_json: bool) -> i32 {
    let found = match resolve_target(ctx, target) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    // A plugin that does not load is a setup problem (exit 2), unlike a
    // call that fails.
    let plugin = match load(ctx, &found).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let m = &plugin.manifest;
    let consent = consent_word(&ConsentStore::open(&ctx.home).status(m));
    let code = match plugin.load.cache {
        CacheOutcome::Hit => "from cache",
        CacheOutcome::Compiled { .. } => "compiled now",
    };
    let tools: Vec<Value> = plugin
        .tools
        .iter()
        .map(|t| {
            json!({
                "name": tool_name(&m.name, &t.name), "tool": t.name,
                "description": t.description, "read_only": t.read_only,
                "input_schema": serde_json::from_str::<Value>(&t.input_schema)
                    .unwrap_or_else(|_| Value::String(t.input_schema.clone())),
                "problem": tool_offered(t).err(),
            })
        })
        .collect();
    // Sessions leave such a tool out: say so here too.
    for (t, shown) in plugin.tools.iter().zip(&tools) {
        if let Some(why) = shown["problem"].as_str() {
            eprintln!(
                "warning: plugin '{}': tool '{}' {why}; sessions leave it out",
                m.name, t.name
            );
        }
    }
    if as_json {
        let out = json!({
            "name": m.name, "version": m.version, "description": m.description,
            "folder": m.dir().display().to_string(),
            "component": m.component.display().to_string(),
            "world": format!("quire:plugin@{}", plugin.world_version),
            "code": code, "consent": consent,
            "permissions": m.permissions, "limits": m.limits, "tools": tools,
        });
        println!("{out}");
        return EXIT_OK;
    }
    println!("{} {} — {}", m.name, m.version, m.description);
    println!("folder:      {}", m.dir().display());
    println!("component:   {} ({code})", m.component.display());
    println!("world:       quire:plugin@{}", plugin.world_version);
    println!("consent:     {consent}");
    print!("{}", permissions(m));
    println!("tools:");
    for t in &tools {
        let ro = if t["read_only"] == true {
            " (read-only)"
        } else {
            ""
        };
        println!("  {}{ro}", t["name"].as_str().unwrap_or(""));
        println!("    {}", t["description"].as_str().unwrap_or(""));
        println!("    schema: {}", t["input_schema"]);
    }
    EXIT_OK
}

/// The manifest's permissions and limits, a line each.
fn permissions(m: &Manifest) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("permissions:\n");
    let lines = m.permissions.describe();
    if lines.is_empty() {
        out.push_str("  (none: pure computation)\n");
    }
    for l in lines {
        let _ = writeln!(out, "  {l}");
    }
    let l = &m.limits;
    let _ = writeln!(
        out,
        "limits:      {} MiB memory, {} ms per call, {} KiB output",
        l.memory_mb, l.timeout_ms, l.output_kb
    );
    out
}

/// Shows the permissions and asks y/n on the terminal. `Err` when there
/// is no terminal to ask on.
pub(super) fn ask_consent(m: &Manifest, question: &str) -> Result<bool, String> {
    // Through `eprint!`: a manifest's text cannot hide a permission from
    // the person asked with escape sequences.
    eprint!(
        "plugin '{}' {} from {}\n{}",
        m.name,
        m.version,
        m.dir().display(),
        permissions(m)
    );
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "plugin '{}' asks for the permissions above and there is no terminal to ask on: pass --yes to accept them",
            m.name
        ));
    }
    eprint!("{question} [y/N] ");
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

pub(super) async fn call(ctx: &Ctx, target: &str, tool: &str, arguments: &str, yes: bool) -> i32 {
    if let Err(e) = serde_json::from_str::<serde_json::Map<String, Value>>(arguments) {
        eprintln!("error: the arguments must be a JSON object, e.g. '{{\"path\": \".\"}}': {e}");
        return EXIT_USAGE;
    }
    let found = match resolve_target(ctx, target) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let status = ConsentStore::open(&ctx.home).status(&found.manifest);
    if !yes && !status.allows_loading() {
        if status != ConsentStatus::Missing {
            // Why it is asked again: changed permissions or code.
            eprintln!("warning: {}", not_loaded_warning(&found.manifest, &status));
        }
        match ask_consent(
            &found.manifest,
            "Run it with these permissions (this once)?",
        ) {
            Ok(true) => {}
            Ok(false) => return EXIT_FAILED,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    // A plugin that does not load is a setup problem (exit 2), unlike a
    // call that fails.
    let plugin = match load(ctx, &found).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    // The tool's own name, or PLUGIN__TOOL as `inspect` and sessions show it.
    let m = &plugin.manifest;
    let Some(tool) = plugin
        .tools
        .iter()
        .find(|t| t.name == tool || tool_name(&m.name, &t.name) == tool)
        .map(|t| t.name.clone())
    else {
        let names: Vec<String> = plugin.tools.iter().map(|t| t.name.clone()).collect();
        let hint = quire::suggest::did_you_mean(tool, names.iter().map(String::as_str));
        eprintln!(
            "error: {} has no tool '{tool}'{hint}; its tools: {}",
            m.name,
            names.join(", ")
        );
        return EXIT_USAGE;
    };
    let outcome = plugin.call(&tool, arguments).await;
    let t = &outcome.trace;
    for (level, line) in &t.log {
        eprintln!("[log {level:?}] {line}");
    }
    if t.log_dropped > 0 {
        eprintln!(
            "[log] … {} more lines dropped (limits.output_kb)",
            t.log_dropped
        );
    }
    for (name, c) in [("stdout", &t.stdout), ("stderr", &t.stderr)] {
        for line in c.text.lines() {
            eprintln!("[{name}] {line}");
        }
        if c.dropped > 0 {
            eprintln!(
                "[{name}] … {} more bytes dropped (limits.output_kb)",
                c.dropped
            );
        }
    }
    match outcome.result {
        Ok(text) => {
            let limit = m.limits.output_bytes();
            let (text, _) = quire::tools::registry::cap_output(&text, limit);
            println!("{text}");
            EXIT_OK
        }
        Err(e) => {
            let kind = match &e {
                CallError::Guest(_) => "tool error",
                CallError::Stopped(_) => "stopped",
            };
            eprintln!("error ({kind}): {}", e.message(plugin.name()));
            EXIT_FAILED
        }
    }
}
