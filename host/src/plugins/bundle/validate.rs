//! `quire plugins validate PATH`: every problem of a bundle, each with its
//! file — manifests (Agent Plugins 1.0, Claude Code, Codex, plugin.toml),
//! every skill against the skills spec, agent definitions (the skills
//! they name: agent_skills.rs), commands, hooks, MCP declarations.

use std::path::{Path, PathBuf};

pub use super::agent_skills::Seen;
use super::detect::detect_all;
use super::{Bundle, Layout, Problem};
use crate::plugins::manifest::{Access, MANIFEST_FILE, Manifest};

/// What validation found.
#[derive(Debug, Default)]
pub struct Validation {
    pub bundle: Option<Bundle>,
    pub problems: Vec<Problem>,
    /// Worth a look, but the bundle works (an empty `skills/`).
    pub warnings: Vec<Problem>,
    /// Not wrong, worth knowing (how to call a skill named in words);
    /// never counted.
    pub notes: Vec<Problem>,
    /// The commands and agent definitions read (what loads, not the
    /// folders and files naming them).
    pub commands: usize,
    pub agents: usize,
    /// The skills found (each SKILL.md, loaded or not), not their folders.
    pub skills: usize,
}

impl Validation {
    /// How many problems and warnings, as `plugins validate`, `install`
    /// and `list` all count them: `3 problem(s), 1 warning(s)`; empty
    /// when there are none.
    pub fn counted(&self) -> String {
        let mut parts = Vec::new();
        if !self.problems.is_empty() {
            parts.push(format!("{} problem(s)", self.problems.len()));
        }
        if !self.warnings.is_empty() {
            parts.push(format!("{} warning(s)", self.warnings.len()));
        }
        parts.join(", ")
    }
}

/// Validates the bundle in `root`: past a manifest that cannot be read
/// too (named after its folder then), so every problem is listed. `seen`:
/// the skills the user sees outside the plugin, which its agents may name.
pub fn validate(root: &Path, seen: Seen) -> Validation {
    match detect_all(root) {
        Ok(b) => validate_bundle(b, seen),
        Err(e) => Validation {
            problems: vec![Problem {
                file: root.to_path_buf(),
                message: e.to_string(),
            }],
            ..Validation::default()
        },
    }
}

/// Validates a bundle already read (by `detect` when it was loaded): its
/// own problems and those of its parts.
pub fn validate_bundle(b: Bundle, mut seen: Seen) -> Validation {
    let mut v = Validation::default();
    let root = b.root.clone();
    let root = root.as_path();
    v.problems.extend(b.problems.iter().cloned());
    v.problems.extend(links_out(root));
    v.warnings.extend(super::lsp::unused(root));
    for dir in &b.skills {
        skills(&b, dir, &mut v);
    }
    let roots = crate::commands::CommandRoots {
        plugins: b
            .commands
            .iter()
            .map(|d| crate::commands::PluginCommands {
                plugin: b.name.clone(),
                dir: d.clone(),
                root: b.root.clone(),
            })
            .collect(),
        ..Default::default()
    };
    let commands = crate::commands::discover(&roots);
    v.commands = commands.commands.len();
    // What a command's frontmatter has that is ignored (a misspelt key)
    // is a warning: the command works.
    let ignored: Vec<(String, Problem)> = commands
        .commands
        .iter()
        .flat_map(|c| {
            c.warnings.iter().map(|w| {
                let problem = Problem {
                    file: c.path.clone(),
                    message: w.clone(),
                };
                (format!("{}: {w}", c.path.display()), problem)
            })
        })
        .collect();
    v.warnings.extend(ignored.iter().map(|(_, p)| p.clone()));
    for p in commands.problems {
        if ignored.iter().any(|(said, _)| *said == p) {
            continue;
        }
        v.problems.push(Problem {
            file: PathBuf::new(),
            message: p,
        });
    }
    let servers = super::tool_names::servers(&b);
    let own = match b.agents.is_empty() {
        true => Vec::new(),
        false => super::agent_skills::own(&b),
    };
    let mut read = std::collections::HashSet::new();
    for a in &b.agents {
        agents(a, (&b.name, &servers), (&own, &mut seen), &mut v, &mut read);
    }
    for h in &b.hooks {
        match crate::hooks::claude::read_plugin_hooks_skipping(h) {
            Ok((hooks, skipped)) => {
                let notes = super::tool_names::of_hooks(&b, &servers, h, &hooks);
                v.warnings.extend(notes);
                // Each problem, also when other hooks of the file are fine;
                // hooks naming paths out of the plugin are among the
                // bundle's own problems (detect).
                let (notes, skipped): (Vec<_>, Vec<_>) = skipped
                    .into_iter()
                    .partition(|s| crate::hooks::claude::is_note(s));
                v.notes.extend(notes.into_iter().map(|message| Problem {
                    file: h.clone(),
                    message,
                }));
                v.problems.extend(skipped.into_iter().map(|s| Problem {
                    file: h.clone(),
                    message: format!("skipped {s}"),
                }));
            }
            Err(e) => v.problems.push(Problem {
                file: h.clone(),
                message: e.to_string(),
            }),
        }
    }
    v.problems.extend(super::hook_scripts::problems(&b));
    for f in &b.mcp {
        if f.layout == Layout::AgentPlugins
            && f.inline.is_none()
            && let Err(e) = super::mcp::check_schema(&f.path)
        {
            v.problems.push(Problem {
                file: f.path.clone(),
                message: e,
            });
        }
        let mut warnings = Vec::new();
        match super::mcp::servers(f, &mut warnings) {
            Ok(_) => v.problems.extend(warnings.into_iter().map(|w| Problem {
                file: f.path.clone(),
                message: w,
            })),
            Err(e) => v.problems.push(Problem {
                file: f.path.clone(),
                message: e,
            }),
        }
    }
    let home = crate::config::quire_home();
    for (server, why) in super::mcp::refused(&b, &home) {
        v.warnings.push(Problem {
            file: b.root.clone(),
            message: format!(
                "MCP server '{server}' is refused and never runs, enabled or not: {why}"
            ),
        });
    }
    for c in &b.components {
        let file = c.join(MANIFEST_FILE);
        match crate::plugins::manifest::load(&file) {
            Ok(m) => {
                if let Some(problem) = m.component_problem() {
                    v.problems.push(Problem {
                        file,
                        message: format!("plugin '{}': {problem}", m.name),
                    });
                }
            }
            Err(e) => v.problems.push(Problem::of_manifest(&file, &e)),
        }
    }
    v.bundle = Some(b);
    v
}

/// The skills of `dir`, one of the bundle's skill folders: a skill
/// reached through a link out of the bundle is reported by [`links_out`]
/// alone; a folder without skills is a warning, an error when a manifest
/// names it.
fn skills(b: &Bundle, dir: &Path, v: &mut Validation) {
    if !super::paths::stays_inside(&b.root, dir) {
        return;
    }
    use crate::skills::validate::{Fields, validate_path_as};
    let reports = validate_path_as(dir, false, Fields::ClaudeCode);
    let empty = crate::skills::validate::find_skill_md(dir).is_none()
        && matches!(reports.as_slice(), [r] if r.dir == dir);
    if empty {
        let rel = dir.strip_prefix(&b.root).unwrap_or(dir).display();
        let problem = |message| Problem {
            file: dir.to_path_buf(),
            message,
        };
        if b.named_skills.iter().any(|n| n == dir) {
            v.problems.push(problem(format!(
                "the manifest names {rel}/ for its skills, but no skills are in {rel}/ (none of its folders holds a SKILL.md)"
            )));
        } else {
            v.warnings.push(problem(format!(
                "no skills in {rel}/ (none of its folders holds a SKILL.md)"
            )));
        }
        return;
    }
    use crate::skills::validate::{CLAUDE_CODE_FIELDS, UNEXPECTED_FIELDS};
    for mut r in reports {
        if !super::paths::stays_inside(&b.root, &r.dir) {
            continue;
        }
        if r.file.is_some() {
            v.skills += 1;
        }
        if b.layouts.contains(&Layout::ClaudeCode)
            && let Some(note) = super::skill_names::loosen(&b.name, &mut r)
        {
            v.notes.push(Problem {
                file: r.location().to_path_buf(),
                message: note,
            });
        }
        // Claude Code's own fields are fine in a plugin; others are
        // ignored by every client, so worth a warning only.
        let unknown: Vec<&str> = r
            .unexpected_fields
            .iter()
            .map(String::as_str)
            .filter(|f| !CLAUDE_CODE_FIELDS.contains(f))
            .collect();
        if !unknown.is_empty() {
            v.warnings.push(Problem {
                file: r.location().to_path_buf(),
                message: format!(
                    "unknown frontmatter field(s) {}: ignored",
                    unknown.join(", ")
                ),
            });
        }
        for p in r
            .problems
            .iter()
            .filter(|p| !p.starts_with(UNEXPECTED_FIELDS))
        {
            v.problems.push(Problem {
                file: r.location().to_path_buf(),
                message: p.clone(),
            });
        }
    }
}

/// The agent definitions of `path` (a folder or one file): a file that
/// cannot be read is a problem, one read leniently a warning. A file
/// `seen` already (named and in a folder named) counts once.
/// `plugin`: the plugin's name and its MCP servers; `skills`: its own
/// skills and those the user sees.
fn agents(
    path: &Path,
    plugin: (&str, &[String]),
    skills: (&[String], &mut Seen),
    v: &mut Validation,
    seen: &mut std::collections::HashSet<PathBuf>,
) {
    let found = if path.is_file() {
        match crate::agents::definition::read(path) {
            Ok(def) => crate::agents::discover::Discovered {
                agents: vec![def],
                ..Default::default()
            },
            Err(reason) => crate::agents::discover::Discovered {
                skipped: vec![(path.to_path_buf(), reason)],
                ..Default::default()
            },
        }
    } else {
        crate::agents::discover::discover_in(&[path.to_path_buf()])
    };
    for (file, message) in found.skipped {
        if seen.insert(file.clone()) {
            v.problems.push(Problem { file, message });
        }
    }
    for def in found.agents {
        if !seen.insert(def.path.clone()) {
            continue;
        }
        v.agents += 1;
        let mut notes = super::tool_names::of_agent(plugin.0, plugin.1, &def);
        notes.extend(super::agent_skills::of_agent(
            plugin.0, skills.0, skills.1, &def,
        ));
        for message in def.warnings.into_iter().chain(notes) {
            v.warnings.push(Problem {
                file: def.path.clone(),
                message,
            });
        }
    }
}

/// Every symbolic link in the bundle that leaves it (or leads nowhere):
/// quire does not load what such a link names.
fn links_out(root: &Path) -> Vec<Problem> {
    let Ok(real_root) = std::fs::canonicalize(root) else {
        return Vec::new();
    };
    let walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    let mut out = Vec::new();
    for e in walk.filter_map(Result::ok) {
        if !e.path_is_symlink() {
            continue;
        }
        let target = std::fs::read_link(e.path())
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        let message = match std::fs::canonicalize(e.path()) {
            Ok(real) if real.starts_with(&real_root) => continue,
            Ok(real) => format!(
                "is a symbolic link to {target} ({}), outside the plugin; plugins may only use their own files, so it is not loaded",
                real.display()
            ),
            Err(_) => format!("is a symbolic link to {target}, which does not exist"),
        };
        out.push(Problem {
            file: e.path().to_path_buf(),
            message,
        });
    }
    out
}

/// A component's grants, one line each (`fs read ${workspace}`, `net
/// api.example.com`, `env TOKEN`), as recorded in `quire.lock`.
pub fn grant_lines(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    for f in &m.permissions.fs {
        let access = match f.access {
            Access::Ro => "ro",
            Access::Rw => "rw",
        };
        out.push(format!("fs {access} {}", f.path));
    }
    out.extend(m.permissions.net.iter().map(|h| format!("net {h}")));
    out.extend(m.permissions.env.iter().map(|e| format!("env {e}")));
    out
}
