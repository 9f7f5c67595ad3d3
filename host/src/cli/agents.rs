//! `quire agents list|show|new|validate`: subagent definitions.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use quire::agent::prompt::repo_root;
use quire::agents::{AgentDef, AgentRoots, Discovered, definition};
use quire::printable::{clean, one_line};

use super::args::GlobalArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, setup};

/// Subagent definitions: Markdown with frontmatter in `.quire/agents/`,
/// `.agents/agents/`, `.claude/agents/` (as Claude Code writes them),
/// `~/.quire/agents/`, and Codex TOML in `.codex/agents/`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  quire agents list
  quire agents show code-reviewer
  quire agents new test-runner --description \"Runs the tests and reports failures\"
  quire agents validate .claude/agents/*.md")]
pub struct AgentsArgs {
    #[command(subcommand)]
    pub command: AgentsCommand,
}

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// Every definition found, with its file; shadowed and skipped ones too.
    List(ListArgs),
    /// One definition in full.
    Show {
        /// The agent's name (`quire agents list` shows them).
        name: String,
    },
    /// Write a new definition to .quire/agents/NAME.md.
    #[command(visible_alias = "create")]
    New(NewArgs),
    /// Check definition files (default: every one found).
    Validate {
        /// Definition files (.md or .toml) to check; none: every one found.
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// One JSON object per definition.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The agent's name: lowercase letters, digits and hyphens.
    pub name: String,
    /// When the model should use this agent, in one line.
    #[arg(long, default_value = "Describe in one line when to use this agent")]
    pub description: String,
    /// Write into ~/.quire/agents instead of the project.
    #[arg(long)]
    pub user: bool,
}

pub fn run(global: &GlobalArgs, args: &AgentsArgs) -> i32 {
    let setup = match setup::load(global, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    let roots = AgentRoots {
        cwd: setup.cwd.clone(),
        repo: repo_root(&setup.cwd),
        home: setup.home.clone(),
        trusted: setup.config.project_trusted,
        personal: AgentRoots::personal_dirs(),
        extra: Vec::new(),
    };
    let found = quire::agents::discover_with_plugins(&roots, &setup.config);
    match &args.command {
        AgentsCommand::List(a) => list(&found, &roots, a.json),
        AgentsCommand::Show { name } => show(&found, &roots, name),
        AgentsCommand::New(a) => new(&roots, a),
        AgentsCommand::Validate { files } => {
            let skills = skill_names(&setup.config, &roots.home, &roots.cwd);
            validate(&found, &roots, files, &skills)
        }
    }
}

/// The names of the skills a session in `cwd` finds, which agents may
/// name (`agents validate`, `plugins validate`).
pub(crate) fn skill_names(config: &quire::config::Config, home: &Path, cwd: &Path) -> Vec<String> {
    let opts = quire::skills::DiscoverOptions::new(
        cwd.to_path_buf(),
        repo_root(cwd),
        home.to_path_buf(),
        &config.skills,
    )
    .trusting(config.project_trusted);
    quire::skills::discover(&opts)
        .skills
        .into_iter()
        .map(|s| s.name)
        .collect()
}

/// The repository's root (or the working directory outside one).
fn project_root(roots: &AgentRoots) -> PathBuf {
    roots.repo.clone().unwrap_or_else(|| roots.cwd.clone())
}

/// The note that the project's agent folders exist but are not used
/// (untrusted repository), printed on stderr; whether there was one.
fn untrusted_note(roots: &AgentRoots) -> bool {
    let note = super::trust::unused_folders(
        &project_root(roots),
        roots.trusted,
        &quire::agents::discover::PROJECT_DIRS,
        "agents",
    );
    if let Some(n) = &note {
        eprintln!("{n}");
    }
    note.is_some()
}

/// The project's own definition folders, read even when the repository
/// is not trusted (to check them, never to use them).
fn project_folders(roots: &AgentRoots) -> Vec<PathBuf> {
    let all = AgentRoots {
        trusted: true,
        extra: Vec::new(),
        ..roots.clone()
    };
    all.folders()
        .into_iter()
        .filter(|f| !roots.is_personal(f))
        .collect()
}

/// Where a definition comes from: `plugin NAME`, `user` or `project`.
fn source(found: &Discovered, a: &AgentDef, roots: &AgentRoots) -> String {
    match found.plugin_of(&a.name) {
        Some(p) => format!("plugin {p}"),
        None if a.path.starts_with(roots.home.join("agents")) => "user".into(),
        None if roots.is_personal(&a.path) => "user (.claude)".into(),
        None => "project".into(),
    }
}

fn list(found: &Discovered, roots: &AgentRoots, json: bool) -> i32 {
    if json {
        for a in &found.agents {
            if let Ok(mut line) = serde_json::to_value(a) {
                line["source"] = source(found, a, roots).into();
                println!("{line}");
            }
        }
        return EXIT_OK;
    }
    let ignored = untrusted_note(roots);
    if found.agents.is_empty() {
        if ignored {
            println!("no agent definitions in use (the project's are ignored, see the note)");
        } else {
            println!("no agent definitions found (create one with `quire agents new NAME`)");
        }
    }
    for a in &found.agents {
        // Names and descriptions come from repository files: one line
        // each, without escape sequences, on a terminal or not.
        println!(
            "{:<24} {}  ({}: {})",
            one_line(&a.name),
            one_line(&a.description),
            one_line(&source(found, a, roots)),
            one_line(&a.path.display().to_string())
        );
    }
    for (hidden, winner) in &found.shadowed {
        println!(
            "shadowed: {} (by {})",
            one_line(&hidden.display().to_string()),
            one_line(&winner.display().to_string())
        );
    }
    for (path, reason) in &found.skipped {
        println!(
            "skipped: {}: {}",
            one_line(&path.display().to_string()),
            one_line(reason)
        );
    }
    EXIT_OK
}

fn show(found: &Discovered, roots: &AgentRoots, name: &str) -> i32 {
    let Some(a) = found.get(name) else {
        untrusted_note(roots);
        let names: Vec<String> = found.agents.iter().map(|a| one_line(&a.name)).collect();
        eprintln!(
            "error: no agent named '{name}' (known: {}); `quire agents list` shows them",
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        );
        return EXIT_FAILED;
    };
    println!("name:        {}", one_line(&a.name));
    println!("description: {}", one_line(&a.description));
    println!("source:      {}", source(found, a, roots));
    println!("file:        {}", one_line(&a.path.display().to_string()));
    let or = |v: Option<String>, d: &str| v.unwrap_or_else(|| d.to_string());
    println!("tools:       {}", one_line(&tools_shown(a)));
    println!(
        "model:       {}",
        one_line(&or(a.model.clone(), "the parent's"))
    );
    println!(
        "skills:      {}",
        one_line(&or(
            a.skills.as_ref().map(|s| s.join(", ")),
            "selected per task"
        ))
    );
    println!(
        "max_tokens:  {}",
        or(a.max_tokens.map(|n| n.to_string()), "agents.max_tokens")
    );
    if let Some(i) = a.isolation {
        println!(
            "isolation:   {}",
            serde_json::to_value(i)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        );
    }
    if let Some(mode) = a.sandbox {
        println!("sandbox:     {mode} (narrows the session's; never widens it)");
    }
    for w in &a.warnings {
        println!("warning:     {}", one_line(w));
    }
    println!("\n{}", clean(&a.prompt));
    EXIT_OK
}

/// The tools an agent gets: its list (or the parent's) less its
/// `disallowedTools`. Names that are no tool (warned about below) are
/// left out.
fn tools_shown(a: &AgentDef) -> String {
    let refused: Vec<&str> = a
        .disallowed_tools
        .iter()
        .map(String::as_str)
        .filter(|t| definition::is_quire_tool(t))
        .collect();
    match &a.tools {
        None if refused.is_empty() => "the parent's".into(),
        None => format!("the parent's except {}", refused.join(", ")),
        Some(given) => {
            let kept: Vec<&str> = given
                .iter()
                .map(String::as_str)
                .filter(|t| definition::is_quire_tool(t) && !refused.contains(t))
                .collect();
            if kept.is_empty() {
                "none".into()
            } else {
                kept.join(", ")
            }
        }
    }
}

fn new(roots: &AgentRoots, a: &NewArgs) -> i32 {
    if !definition::valid_name(&a.name) {
        eprintln!(
            "error: '{}' is not a usable name: use letters, digits, '-' and '_'",
            a.name
        );
        return EXIT_USAGE;
    }
    let dir = if a.user {
        roots.home.join("agents")
    } else {
        roots
            .repo
            .clone()
            .unwrap_or_else(|| roots.cwd.clone())
            .join(".quire/agents")
    };
    let path = dir.join(format!("{}.md", a.name));
    if path.exists() {
        eprintln!(
            "error: {} exists already; edit it or pick another name",
            path.display()
        );
        return EXIT_FAILED;
    }
    let text = format!(
        "---\nname: {}\ndescription: {}\n# tools: read_file, grep, list_dir, shell\n# model: a model name (default: the parent's)\n# max_tokens: 200000\n# isolation: worktree\n---\n\nYou are {}. Describe how this agent works and what its final answer must contain.\n",
        a.name, a.description, a.name
    );
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return EXIT_FAILED;
    }
    println!("{}", path.display());
    if !a.user && !roots.trusted {
        eprintln!(
            "{}",
            super::trust::ignored_kinds(&project_root(roots), "agents", "this agent")
        );
    }
    EXIT_OK
}

fn validate(found: &Discovered, roots: &AgentRoots, files: &[PathBuf], skills: &[String]) -> i32 {
    let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
    let paths: Vec<PathBuf> = if files.is_empty() {
        // An untrusted repository's own files are checked too (and said to
        // be unused), rather than passed over in silence.
        let project = if !roots.trusted && untrusted_note(roots) {
            quire::agents::discover_in(&project_folders(roots))
        } else {
            Discovered::default()
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        for p in project
            .agents
            .iter()
            .map(|a| &a.path)
            .chain(project.shadowed.iter().map(|(p, _)| p))
            .chain(project.skipped.iter().map(|(p, _)| p))
            .chain(found.agents.iter().map(|a| &a.path))
            .chain(found.skipped.iter().map(|(p, _)| p))
        {
            if !paths.contains(p) {
                paths.push(p.clone());
            }
        }
        paths
    } else {
        files.to_vec()
    };
    let mut bad = 0;
    for p in &paths {
        match definition::read(p) {
            Ok(mut def) => {
                let shown = one_line(&p.display().to_string());
                let plugin = quire::plugins::bundle::plugin_of(p);
                let names = def.skills.clone().unwrap_or_default();
                for n in quire::skills::wanted::unmatched(&names, plugin.as_deref(), &skills) {
                    def.warnings.push(format!(
                        "skills: \"{n}\" matches no skill found here, so the agent runs without it"
                    ));
                }
                if def.warnings.is_empty() {
                    println!("ok: {shown}");
                }
                for w in &def.warnings {
                    println!("warning: {shown}: {}", one_line(w));
                }
                if let Some(model) = &def.model {
                    println!(
                        "note: {shown}: model \"{}\" is not checked against the server here (validate makes no network call); `/model` in a session lists the models the provider has",
                        one_line(model)
                    );
                }
            }
            Err(e) => {
                bad += 1;
                println!(
                    "error: {}: {}",
                    one_line(&p.display().to_string()),
                    one_line(&e)
                );
            }
        }
    }
    if bad > 0 { EXIT_FAILED } else { EXIT_OK }
}
