//! Finding skills: which roots, in which order, and what wins a name clash.
//!
//! Roots, highest precedence first: `.quire/skills`, `.agents/skills`,
//! `.claude/skills`, `.codex/skills` in each folder from the cwd up to the
//! repository root (deeper wins); `$QUIRE_HOME/skills`;
//! `$HOME/.agents/skills`; Claude Code's `~/.claude/skills` and Codex's
//! `~/.codex/skills`; `skills.paths`; the bundled skills. A skill
//! whose name an earlier skill already has is *shadowed*: reported, not
//! loaded. A folder that could not be loaded is *skipped*, with the reason.

mod walk;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use walk::{Candidate, MAX_DEPTH, MAX_DIRS};

use super::parse::{self, Origin};
use super::{Scope, Skill, SkillsConfig, bundled};

/// The folders searched in each project directory, highest first.
pub const PROJECT_ROOTS: [&str; 4] = [
    ".quire/skills",
    ".agents/skills",
    ".claude/skills",
    ".codex/skills",
];

/// Where the bundled skills come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundledSkills {
    /// None (tests).
    None,
    /// The skills embedded in the binary, written once into
    /// `$QUIRE_HOME/cache/bundled-skills/<hash>/`.
    Embedded,
    /// A folder of skills standing in for the bundled ones.
    Dir(PathBuf),
}

/// What to search.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// The working directory (made absolute).
    pub cwd: PathBuf,
    /// The repository root; project roots are searched from here down to
    /// the cwd. Without one, only the cwd's own folders.
    pub repo_root: Option<PathBuf>,
    /// `$QUIRE_HOME` (`~/.quire`): `skills/` and the bundled-skills cache.
    pub quire_home: Option<PathBuf>,
    /// `$HOME`, for `~/.agents/skills` and `~` in `skills.paths`.
    pub user_home: Option<PathBuf>,
    /// Claude Code's user folder (`~/.claude`), for its `skills/`.
    pub claude_home: Option<PathBuf>,
    /// Codex's user folder (`~/.codex`), for its `skills/`.
    pub codex_home: Option<PathBuf>,
    /// `skills.paths`: relative paths are taken from the repository root
    /// (the cwd outside a repository).
    pub paths: Vec<PathBuf>,
    pub bundled: BundledSkills,
    /// Search the project roots (false in a repository the user does not
    /// trust; see [`crate::config::trust`]).
    pub project: bool,
}

impl DiscoverOptions {
    /// Options for a session: `$HOME` from the environment, the embedded
    /// bundled skills, `skills.paths` from `config`.
    pub fn new(
        cwd: PathBuf,
        repo_root: Option<PathBuf>,
        quire_home: PathBuf,
        config: &SkillsConfig,
    ) -> Self {
        DiscoverOptions {
            cwd,
            repo_root,
            quire_home: Some(quire_home),
            user_home: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            claude_home: crate::config::other_tools::claude_dir(),
            codex_home: crate::config::other_tools::codex_dir(),
            paths: config.paths.clone(),
            bundled: BundledSkills::Embedded,
            project: true,
        }
    }

    /// Whether project roots are searched (`config.project_trusted`).
    pub fn trusting(mut self, project: bool) -> Self {
        self.project = project;
        self
    }
}

/// One folder searched for skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Root {
    pub path: PathBuf,
    pub scope: Scope,
}

/// A skill that lost a name clash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shadowed {
    pub skill: Skill,
    /// The `SKILL.md` of the skill that won.
    pub by: PathBuf,
    /// Both are the same file reached twice (for example `.claude/skills`
    /// as a symlink to `.agents/skills`).
    pub same_file: bool,
}

/// A folder or file that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// The result of discovery.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Discovery {
    /// The skills in effect, in precedence order: by root, then by depth
    /// below the root, then by folder name.
    pub skills: Vec<Skill>,
    pub shadowed: Vec<Shadowed>,
    pub skipped: Vec<Skipped>,
    /// Skills installed from a `quire.lock` whose changed files keep them
    /// from loading (their `SKILL.md` broken or removed): the folder and
    /// how it differs from the lock.
    pub drifted: Vec<Skipped>,
    /// Every root searched (present or not), highest precedence first.
    pub roots: Vec<Root>,
}

impl Discovery {
    /// The skill called `name`, or else whose [handle](Skill::handle) it is.
    pub fn get(&self, name: &str) -> Option<&Skill> {
        self.skills
            .iter()
            .find(|s| s.name == name)
            .or_else(|| self.skills.iter().find(|s| s.called_by(name)))
    }
}

/// The roots for `opts`, highest precedence first, without duplicates.
pub fn roots(opts: &DiscoverOptions) -> Vec<Root> {
    let cwd = absolute(&opts.cwd, Path::new("/"));
    let base = opts
        .repo_root
        .as_deref()
        .map(|r| absolute(r, &cwd))
        .unwrap_or_else(|| cwd.clone());
    let mut out = Vec::new();
    let project_dirs: Vec<&Path> = match &opts.repo_root {
        _ if !opts.project => Vec::new(),
        Some(_) if cwd.starts_with(&base) => cwd
            .ancestors()
            .take_while(|d| d.starts_with(&base))
            .collect(),
        _ => vec![cwd.as_path()],
    };
    for dir in project_dirs {
        for r in PROJECT_ROOTS {
            out.push(Root {
                path: dir.join(r),
                scope: Scope::Project,
            });
        }
    }
    if let Some(home) = &opts.quire_home {
        out.push(Root {
            path: absolute(home, &cwd).join("skills"),
            scope: Scope::User,
        });
    }
    if let Some(home) = &opts.user_home {
        out.push(Root {
            path: absolute(home, &cwd).join(".agents/skills"),
            scope: Scope::User,
        });
    }
    // The personal skills of Claude Code and Codex, as in the projects.
    for home in [&opts.claude_home, &opts.codex_home].into_iter().flatten() {
        out.push(Root {
            path: absolute(home, &cwd).join("skills"),
            scope: Scope::User,
        });
    }
    for p in opts.paths.iter().filter(|p| !p.as_os_str().is_empty()) {
        out.push(Root {
            path: configured_root(opts, p, &base),
            scope: Scope::Configured,
        });
    }
    // Skills of installed plugin bundles, named `PLUGIN:skill`.
    let user_bundles = opts
        .user_home
        .as_ref()
        .map(|h| absolute(h, &cwd).join(".agents/plugins"));
    let project_bundles = opts.project.then_some(base.as_path());
    for (_, path) in crate::plugins::bundle::scan_skill_folders(project_bundles, user_bundles) {
        out.push(Root {
            path,
            scope: Scope::Configured,
        });
    }
    if let BundledSkills::Dir(d) = &opts.bundled {
        out.push(Root {
            path: absolute(d, &cwd),
            scope: Scope::Bundled,
        });
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|r| seen.insert(std::fs::canonicalize(&r.path).unwrap_or_else(|_| r.path.clone())));
    out
}

/// Where a `skills.paths` entry points: `~/…` in the home folder, a
/// relative path from `base` (the repository root, else the cwd).
fn configured_root(opts: &DiscoverOptions, p: &Path, base: &Path) -> PathBuf {
    match (p.strip_prefix("~"), &opts.user_home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => absolute(p, base),
    }
}

/// The `skills.paths` entries that name nothing, as skipped roots: a
/// typo or a `$HOME/…` (not expanded in config.toml) would load nothing
/// without a word. (The usual roots may well be absent.)
fn missing_configured(opts: &DiscoverOptions) -> Vec<Skipped> {
    let cwd = absolute(&opts.cwd, Path::new("/"));
    let base = opts
        .repo_root
        .as_deref()
        .map(|r| absolute(r, &cwd))
        .unwrap_or(cwd);
    opts.paths
        .iter()
        .filter(|p| !p.as_os_str().is_empty())
        .filter_map(|p| {
            let path = configured_root(opts, p, &base);
            if std::fs::metadata(&path).is_ok() {
                return None;
            }
            let hint = if p.to_string_lossy().contains('$') {
                " (config.toml does not expand variables: write ~/… or the whole path)"
            } else {
                ""
            };
            Some(Skipped {
                reason: format!(
                    "skills.paths names {}, which does not exist{hint}",
                    crate::printable::quoted_name(&p.to_string_lossy())
                ),
                path,
            })
        })
        .collect()
}

fn absolute(p: &Path, base: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Finds every `SKILL.md` under the roots (no parsing).
pub fn scan(roots: &[Root]) -> (Vec<Candidate>, Vec<Skipped>) {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        let from = found.len();
        walk::scan(root, i, &mut found, &mut skipped);
        // A plugin's skill folder (or its SKILL.md) linked out of the
        // plugin is not the plugin's.
        let plugin = crate::plugins::bundle::plugin_folder_of(&root.path)
            .and_then(|p| p.canonicalize().ok());
        if let Some(plugin) = plugin {
            let mut kept = found.split_off(from);
            kept.retain(|c| {
                let inside = [&c.dir, &c.file]
                    .iter()
                    .all(|p| p.canonicalize().is_ok_and(|real| real.starts_with(&plugin)));
                if !inside {
                    skipped.push(Skipped {
                        path: c.dir.clone(),
                        reason: format!(
                            "it leads out of the plugin's folder {} through a symbolic link; plugins may only use their own files, so it is not loaded",
                            plugin.display()
                        ),
                    });
                }
                inside
            });
            found.extend(kept);
        }
    }
    (found, skipped)
}

/// Finds, parses and ranks every skill. Never fails: what cannot be
/// loaded is in [`Discovery::skipped`].
///
/// The steps are public for a caller that caches parsed skills (keyed by
/// the candidate's path, size and modification time):
/// [`all_roots`] → [`scan`] → [`parse_candidate`] for the changed ones →
/// [`assemble`].
pub fn discover(opts: &DiscoverOptions) -> Discovery {
    let (roots, mut skipped) = all_roots(opts);
    let (candidates, scan_skipped) = scan(&roots);
    skipped.extend(scan_skipped);
    let parsed = parse_all(&candidates, &roots);
    finish(opts, assemble(roots, &candidates, parsed, skipped))
}

/// Flags skills installed by `quire share` that drifted from the
/// repository's or the user's `quire.lock` (see
/// [`crate::share::mark_drift`]).
pub fn finish(opts: &DiscoverOptions, mut d: Discovery) -> Discovery {
    let project = opts.repo_root.as_ref().filter(|_| opts.project);
    for root in [project, opts.quire_home.as_ref()].into_iter().flatten() {
        if root.join(crate::share::lock::FILE).is_file() {
            crate::share::mark_drift(&mut d, root);
        }
    }
    crate::plugins::bundle::drift::flag_skills(&mut d.skills);
    d
}

/// [`roots`] plus the embedded bundled skills (written to disk on first
/// use); a failure to write them is reported as skipped.
pub fn all_roots(opts: &DiscoverOptions) -> (Vec<Root>, Vec<Skipped>) {
    let mut roots = roots(opts);
    let mut skipped = missing_configured(opts);
    if opts.bundled == BundledSkills::Embedded {
        match bundled::materialise(opts.quire_home.as_deref()) {
            Ok(dir) => roots.push(Root {
                path: dir,
                scope: Scope::Bundled,
            }),
            Err(e) => skipped.push(Skipped {
                path: PathBuf::from("(bundled skills)"),
                reason: e.to_string(),
            }),
        }
    }
    (roots, skipped)
}

/// Ranks parsed candidates (`parsed[i]` belongs to `candidates[i]`, in
/// [`scan`] order): the first skill of each name wins, later ones are
/// shadowed, parse failures are skipped.
pub fn assemble(
    roots: Vec<Root>,
    candidates: &[Candidate],
    parsed: Vec<Result<Skill, parse::ParseError>>,
    skipped: Vec<Skipped>,
) -> Discovery {
    let mut out = Discovery {
        roots,
        skipped,
        ..Default::default()
    };
    let mut winners: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (candidate, result) in candidates.iter().zip(parsed) {
        match result {
            Err(e) => out.skipped.push(Skipped {
                path: candidate.file.clone(),
                reason: e.0,
            }),
            Ok(skill) => match winners.get(&skill.name) {
                Some(&i) => {
                    let by = out.skills[i].file.clone();
                    let same_file = same_file(&by, &skill.file);
                    out.shadowed.push(Shadowed {
                        skill,
                        by,
                        same_file,
                    });
                }
                None => {
                    winners.insert(skill.name.clone(), out.skills.len());
                    out.skills.push(skill);
                }
            },
        }
    }
    out
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Parses one candidate.
pub fn parse_candidate(c: &Candidate, roots: &[Root]) -> Result<Skill, parse::ParseError> {
    let root = roots
        .get(c.root)
        .map(|r| (r.path.as_path(), r.scope))
        .unwrap_or((Path::new(""), Scope::Configured));
    let mut skill = parse::read_skill(Origin {
        dir: &c.dir,
        file: &c.file,
        root: root.0,
        scope: root.1,
    })?;
    if let Some(folder) = crate::plugins::bundle::plugin_folder_of(root.0) {
        let plugin = folder.file_name().unwrap_or_default().to_string_lossy();
        skill.name = format!("{plugin}:{}", skill.name);
        // As in Claude Code, a plugin's skill may name its files through
        // the plugin's folder, and its data folder.
        let r = folder.display().to_string();
        let data = crate::plugins::bundle::mcp::data_dir(&crate::config::quire_home(), &plugin);
        let d = data.display().to_string();
        skill.body = skill
            .body
            .replace("${CLAUDE_PLUGIN_ROOT}", &r)
            .replace("${PLUGIN_ROOT}", &r)
            .replace("${CLAUDE_PLUGIN_DATA}", &d)
            .replace("${PLUGIN_DATA}", &d);
    }
    if c.file.file_name().is_some_and(|n| n == "skill.md") {
        skill
            .warnings
            .push("the file is named skill.md; SKILL.md is the standard name".into());
    }
    Ok(skill)
}

/// Parses candidates on rayon's pool, keeping their order. A panic while
/// parsing one skill becomes that skill's error and loses no other.
pub fn parse_all(
    candidates: &[Candidate],
    roots: &[Root],
) -> Vec<Result<Skill, parse::ParseError>> {
    let one = |c: &Candidate| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_candidate(c, roots)))
            .unwrap_or_else(|_| {
                Err(parse::ParseError(format!(
                    "internal error while reading {}",
                    c.file.display()
                )))
            })
    };
    if candidates.len() < 64 {
        return candidates.iter().map(one).collect();
    }
    use rayon::prelude::*;
    candidates.par_iter().map(one).collect()
}

#[cfg(test)]
mod tests;
