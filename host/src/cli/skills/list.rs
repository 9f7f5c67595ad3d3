//! `quire skills list [--json] [--all]`.

use quire::skills::{Discovery, Scope, Skill};
use serde_json::{Value, json};

use crate::cli::EXIT_OK;
use crate::cli::summary::clip;
use quire::printable::one_line;

pub fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Project => "project",
        Scope::User => "user",
        Scope::Configured => "configured",
        Scope::Bundled => "bundled",
    }
}

/// The fields of a skill shown in lists (no body).
pub fn skill_json(s: &Skill, status: &str) -> Value {
    json!({
        "status": status,
        "name": s.name,
        "call": s.handle(),
        "description": s.description,
        "scope": s.scope,
        "dir": s.dir,
        "file": s.file,
        "root": s.root,
        "disable_model_invocation": s.disable_model_invocation,
        "user_invocable": s.user_invocable,
        "warnings": s.warnings,
        "drift": s.drift,
    })
}

pub fn run(d: &Discovery, json: bool, all: bool) -> i32 {
    if json {
        print_json(d, all);
        return EXIT_OK;
    }
    if d.skills.is_empty() {
        eprintln!("no skills found; `quire skills new NAME` creates one");
    } else {
        // Padded and clipped as shown: cleaned of escape sequences first.
        let shown: Vec<String> = d.skills.iter().map(|s| one_line(&s.name)).collect();
        let width = shown
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 32);
        listln!("{:<width$}  {:<10}  DESCRIPTION", "NAME", "SCOPE");
        for (s, name) in d.skills.iter().zip(&shown) {
            let desc = clip(&one_line(&s.description), 80);
            listln!(
                "{:<width$}  {:<10}  {desc}",
                clip(name, 32),
                scope_name(s.scope)
            );
            if s.handle() != s.name {
                // A name that cannot be typed: what to type instead.
                listln!("{:<width$}  {:<10}  call it as ${}", "", "", s.handle());
            }
            if let Some(d) = &s.drift {
                listln!("{:<width$}  {:<10}  drifted: {d}", "", "");
            }
            if all {
                listln!("{:<width$}  {:<10}  at {}", "", "", s.file.display());
                for w in &s.warnings {
                    listln!("{:<width$}  {:<10}  warning: {w}", "", "");
                }
            }
        }
    }
    // A changed skill is shown even when its changes keep it from loading.
    if !d.drifted.is_empty() {
        listln!("\nDrifted from quire.lock (not loaded):");
        for s in &d.drifted {
            listln!("  {}", s.path.display());
            listln!("    {}", s.reason);
        }
    }
    let warned = d.skills.iter().filter(|s| !s.warnings.is_empty()).count();
    if !all {
        let mut hidden = Vec::new();
        if warned > 0 {
            hidden.push(format!("{warned} loaded with warnings"));
        }
        if !d.shadowed.is_empty() {
            hidden.push(format!("{} shadowed", d.shadowed.len()));
        }
        if !d.skipped.is_empty() {
            hidden.push(format!("{} skipped", d.skipped.len()));
        }
        if !hidden.is_empty() {
            eprintln!("{}; `quire skills list --all` shows why", hidden.join(", "));
        }
        return EXIT_OK;
    }
    if !d.shadowed.is_empty() {
        listln!("\nShadowed (a skill of the same name wins):");
        for s in &d.shadowed {
            listln!(
                "  {} ({}) at {}",
                s.skill.name,
                scope_name(s.skill.scope),
                s.skill.file.display()
            );
            let same = if s.same_file { " (the same file)" } else { "" };
            listln!("    shadowed by {}{same}", s.by.display());
        }
    }
    if !d.skipped.is_empty() {
        listln!("\nSkipped (not loaded):");
        for s in &d.skipped {
            listln!("  {}", s.path.display());
            listln!("    {}", s.reason);
        }
    }
    EXIT_OK
}

fn print_json(d: &Discovery, all: bool) {
    let mut lines: Vec<Value> = d.skills.iter().map(|s| skill_json(s, "active")).collect();
    if all {
        for s in &d.shadowed {
            let mut v = skill_json(&s.skill, "shadowed");
            v["shadowed_by"] = json!(s.by);
            v["same_file"] = json!(s.same_file);
            lines.push(v);
        }
        for s in &d.skipped {
            lines.push(json!({"status": "skipped", "path": s.path, "reason": s.reason}));
        }
        for s in &d.drifted {
            lines.push(json!({"status": "drifted", "path": s.path, "drift": s.reason}));
        }
    }
    for v in lines {
        println!("{v}");
    }
}
