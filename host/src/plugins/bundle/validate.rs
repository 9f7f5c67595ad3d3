//! `quire plugins validate PATH`: every problem of a bundle, each with its
//! file — manifests (Agent Plugins 1.0, Claude Code, Codex, plugin.toml),
//! every skill against the skills spec, commands, hooks, MCP declarations.

use std::path::{Path, PathBuf};

use super::{Bundle, Layout, Problem, detect};
use crate::plugins::manifest::{Access, MANIFEST_FILE, Manifest};

/// What validation found.
#[derive(Debug, Default)]
pub struct Validation {
    pub bundle: Option<Bundle>,
    pub problems: Vec<Problem>,
}

/// Validates the bundle in `root`.
pub fn validate(root: &Path) -> Validation {
    let mut v = Validation::default();
    let b = match detect(root) {
        Ok(b) => b,
        Err(e) => {
            v.problems.push(Problem {
                file: root.to_path_buf(),
                message: e.to_string(),
            });
            return v;
        }
    };
    v.problems.extend(b.problems.iter().cloned());
    for dir in &b.skills {
        for r in crate::skills::validate::validate_path(dir, false) {
            for p in &r.problems {
                v.problems.push(Problem {
                    file: r.location().to_path_buf(),
                    message: p.clone(),
                });
            }
        }
    }
    let roots = crate::commands::CommandRoots {
        plugins: b
            .commands
            .iter()
            .map(|d| crate::commands::PluginCommands {
                plugin: b.name.clone(),
                dir: d.clone(),
            })
            .collect(),
        ..Default::default()
    };
    for p in crate::commands::discover(&roots).problems {
        v.problems.push(Problem {
            file: PathBuf::new(),
            message: p,
        });
    }
    for h in &b.hooks {
        if let Err(e) = crate::hooks::claude::read_settings(h) {
            v.problems.push(Problem {
                file: h.clone(),
                message: e.to_string(),
            });
        }
    }
    for f in &b.mcp {
        if f.layout == Layout::AgentPlugins
            && let Err(e) = super::mcp::check_schema(&f.path)
        {
            v.problems.push(Problem {
                file: f.path.clone(),
                message: e,
            });
        }
        let mut warnings = Vec::new();
        match crate::mcp::spec::read_mcp_json(&f.path, &mut warnings) {
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
    for c in &b.components {
        let file = c.join(MANIFEST_FILE);
        match crate::plugins::manifest::load(&file) {
            Ok(m) if !m.component.is_file() => v.problems.push(Problem {
                file,
                message: format!(
                    "the component {} does not exist; build it or fix `component`",
                    m.component.display()
                ),
            }),
            Ok(_) => {}
            Err(e) => v.problems.push(Problem {
                file,
                message: e.to_string(),
            }),
        }
    }
    v.bundle = Some(b);
    v
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
