//! `quire skills show NAME`.

use std::path::{Path, PathBuf};

use quire::skills::{Discovery, Skill};
use serde_json::json;

use super::list::{scope_name, skill_json};
use crate::cli::{EXIT_FAILED, EXIT_OK};

/// Files listed at most.
const MAX_FILES: usize = 500;

pub fn run(d: &Discovery, name: &str, json: bool) -> i32 {
    // A name with escape sequences is shown cleaned (`skills list`): that
    // text finds it too.
    let skill = d.get(name).or_else(|| {
        let mut shown = d
            .skills
            .iter()
            .filter(|s| quire::printable::one_line(&s.name) == name);
        shown.next().filter(|_| shown.next().is_none())
    });
    let Some(skill) = skill else {
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
        .filter(|s| s.skill.name == skill.name)
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
    listln!("{}", skill.name);
    listln!("  {}", skill.description.replace('\n', "\n  "));
    listln!("");
    listln!("scope:    {}", scope_name(skill.scope));
    listln!("root:     {}", skill.root.display());
    listln!("folder:   {}", skill.dir.display());
    listln!("file:     {}", skill.file.display());
    let opt = |label: &str, v: &Option<String>| {
        if let Some(v) = v {
            listln!("{label:<9} {v}");
        }
    };
    opt("license:", &skill.license);
    opt("compat:", &skill.compatibility);
    opt("when:", &skill.when_to_use);
    if !skill.allowed_tools.is_empty() {
        listln!("tools:    {}", skill.allowed_tools.join(" "));
    }
    if !skill.keywords.is_empty() {
        listln!("keywords: {}", skill.keywords.join(", "));
    }
    if skill.disable_model_invocation {
        listln!("only when named: disable-model-invocation is true");
    }
    if !skill.user_invocable {
        listln!("not user-invocable");
    }
    for w in &skill.warnings {
        listln!("warning:  {w}");
    }
    if !shadowed.is_empty() {
        listln!("\nshadowed copies (not loaded):");
        for s in shadowed {
            listln!("  {} ({})", s.file.display(), scope_name(s.scope));
        }
    }
    listln!("\nfiles:");
    for f in &files {
        listln!("  {}", f.display());
    }
    if files.len() >= MAX_FILES {
        listln!("  ... (only the first {MAX_FILES} are listed)");
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
