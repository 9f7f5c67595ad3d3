//! `quire skills show NAME`.

use std::path::{Path, PathBuf};

use quire::skills::{Discovery, Skill};
use serde_json::json;

use super::list::{scope_name, skill_json};
use crate::cli::{EXIT_FAILED, EXIT_OK};

/// Files listed at most.
const MAX_FILES: usize = 500;

pub fn run(d: &Discovery, name: &str, json: bool) -> i32 {
    let Some(skill) = d.get(name) else {
        let skipped: Vec<_> = d
            .skipped
            .iter()
            .filter(|s| {
                let dir = if s.path.ends_with("SKILL.md") || s.path.ends_with("skill.md") {
                    s.path.parent()
                } else {
                    Some(s.path.as_path())
                };
                dir.and_then(Path::file_name).is_some_and(|n| n == name)
            })
            .collect();
        for s in &skipped {
            eprintln!(
                "error: the skill at {} was skipped: {}",
                s.path.display(),
                s.reason
            );
        }
        if skipped.is_empty() {
            eprintln!(
                "error: no skill named '{name}'; `quire skills list --all` shows every skill found"
            );
        }
        return EXIT_FAILED;
    };
    let shadowed: Vec<&Skill> = d
        .shadowed
        .iter()
        .filter(|s| s.skill.name == name)
        .map(|s| &s.skill)
        .collect();
    let files = list_files(&skill.dir);
    if json {
        let mut v = skill_json(skill, "active");
        v["license"] = json!(skill.license);
        v["compatibility"] = json!(skill.compatibility);
        v["allowed_tools"] = json!(skill.allowed_tools);
        v["when_to_use"] = json!(skill.when_to_use);
        v["keywords"] = json!(skill.keywords);
        v["metadata"] = json!(skill.metadata);
        v["extra"] = json!(skill.extra);
        v["headings"] = json!(skill.headings);
        v["shadowed"] = shadowed.iter().map(|s| skill_json(s, "shadowed")).collect();
        v["files"] = json!(files);
        say!("{v}");
        return EXIT_OK;
    }
    say!("{}", skill.name);
    say!("  {}", skill.description.replace('\n', "\n  "));
    say!("");
    say!("scope:    {}", scope_name(skill.scope));
    say!("root:     {}", skill.root.display());
    say!("folder:   {}", skill.dir.display());
    say!("file:     {}", skill.file.display());
    let opt = |label: &str, v: &Option<String>| {
        if let Some(v) = v {
            say!("{label:<9} {v}");
        }
    };
    opt("license:", &skill.license);
    opt("compat:", &skill.compatibility);
    opt("when:", &skill.when_to_use);
    if !skill.allowed_tools.is_empty() {
        say!("tools:    {}", skill.allowed_tools.join(" "));
    }
    if !skill.keywords.is_empty() {
        say!("keywords: {}", skill.keywords.join(", "));
    }
    if skill.disable_model_invocation {
        say!("only when named: disable-model-invocation is true");
    }
    if !skill.user_invocable {
        say!("not user-invocable");
    }
    for w in &skill.warnings {
        say!("warning:  {w}");
    }
    if !shadowed.is_empty() {
        say!("\nshadowed copies (not loaded):");
        for s in shadowed {
            say!("  {} ({})", s.file.display(), scope_name(s.scope));
        }
    }
    say!("\nfiles:");
    for f in &files {
        say!("  {}", f.display());
    }
    if files.len() >= MAX_FILES {
        say!("  ... (only the first {MAX_FILES} are listed)");
    }
    EXIT_OK
}

/// Files in the skill folder, relative, sorted; symlinks not followed.
fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&rel)) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
        for e in entries {
            let path = rel.join(e.file_name());
            match e.file_type() {
                Ok(t) if t.is_dir() && e.file_name() != ".git" && rel.components().count() < 8 => {
                    stack.push(path)
                }
                Ok(t) if !t.is_dir() => out.push(path),
                _ => {}
            }
            if out.len() >= MAX_FILES {
                out.sort();
                return out;
            }
        }
    }
    out.sort();
    out
}
