//! `quire skills new NAME [--scope project|user]`.

use quire::agent::prompt::repo_root;
use quire::skills::names::name_problems;

use super::NewScope;
use crate::cli::setup::Setup;
use crate::cli::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

pub fn run(setup: &Setup, name: &str, scope: NewScope) -> i32 {
    let problems = name_problems(name, None);
    if !problems.is_empty() {
        eprintln!("error: '{name}' cannot be a skill name:");
        for p in problems {
            eprintln!("  - {p}");
        }
        eprintln!("use lowercase letters, digits and single hyphens, for example: pdf-forms");
        return EXIT_USAGE;
    }
    let root = match scope {
        NewScope::Project => repo_root(&setup.cwd)
            .unwrap_or_else(|| setup.cwd.clone())
            .join(".quire/skills"),
        NewScope::User => setup.home.join("skills"),
    };
    let dir = root.join(name);
    if dir.exists() {
        eprintln!(
            "error: {} already exists; pick another name or edit that skill",
            dir.display()
        );
        return EXIT_FAILED;
    }
    let file = dir.join("SKILL.md");
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, skeleton(name)))
    {
        eprintln!("error: cannot create {}: {e}", file.display());
        return EXIT_FAILED;
    }
    say!("created {}", file.display());
    if scope == NewScope::Project && !setup.config.project_trusted {
        let root = repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
        eprintln!("{}", crate::cli::trust::ignored_here(&root, "this skill"));
    }
    eprintln!(
        "next: replace the TODO description (what it does and when to use it) and the steps, then\n  quire skills validate --strict {}",
        dir.display()
    );
    EXIT_OK
}

/// A skeleton that passes `quire skills validate`; `--strict` flags its
/// placeholder description until it is replaced.
pub fn skeleton(name: &str) -> String {
    let title: Vec<String> = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect();
    format!(
        "---
name: {name}
description: \"{placeholder}, in one or two sentences that use the words people will type (this text decides when the skill is picked).\"
---

# {title}

Replace this body with the procedure the agent should follow. Keep it short
and concrete: steps, commands, and checks. The agent reads it only when the
skill is activated.

## When to use

- Name the situations and requests this skill is for.
- Name the near misses it is not for.

## Steps

1. First step, with the exact command when there is one.
2. Next step.
3. How to check that the result is right.

## Files

Put helper scripts in a `scripts` folder and long reference material in a
`references` folder next to this file, and link each one from here with a
relative path so the agent knows when to open it.
",
        title = title.join(" "),
        placeholder = quire::skills::validate::PLACEHOLDER_DESCRIPTION,
    )
}
