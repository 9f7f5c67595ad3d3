//! Where agent definitions come from, highest precedence first: in each
//! folder from the working directory up to the repository root (deeper
//! wins) `.quire/agents`, `.agents/agents`, `.claude/agents` and
//! `.codex/agents` (only in a trusted repository); then
//! `$QUIRE_HOME/agents` (`~/.quire/agents`); then Claude Code's personal
//! `~/.claude/agents`; then extra folders (plugin bundles). A definition hidden by another of the same name is reported,
//! never silently dropped.

use std::path::{Path, PathBuf};

use super::definition::{self, AgentDef};
use crate::config::Config;

/// The folders a project keeps agent definitions in.
pub const PROJECT_DIRS: [&str; 4] = [
    ".quire/agents",
    ".agents/agents",
    ".claude/agents",
    ".codex/agents",
];

/// What to search.
#[derive(Debug, Clone, Default)]
pub struct AgentRoots {
    pub cwd: PathBuf,
    pub repo: Option<PathBuf>,
    /// `$QUIRE_HOME`.
    pub home: PathBuf,
    /// Whether the repository's own folders may be read.
    pub trusted: bool,
    /// The user's folders of other tools, after `$QUIRE_HOME/agents`
    /// ([`AgentRoots::personal_dirs`]).
    pub personal: Vec<PathBuf>,
    /// Extra folders after the others (plugin bundles' `agents/`).
    pub extra: Vec<PathBuf>,
}

/// The definitions found.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub agents: Vec<AgentDef>,
    /// (hidden file, the file that wins).
    pub shadowed: Vec<(PathBuf, PathBuf)>,
    /// (file, why it was not loaded).
    pub skipped: Vec<(PathBuf, String)>,
    /// (agent name, plugin) of the definitions plugin bundles carry.
    pub from_plugins: Vec<(String, String)>,
}

impl Discovered {
    pub fn get(&self, name: &str) -> Option<&AgentDef> {
        self.agents.iter().find(|a| a.name == name)
    }

    /// The plugin bundle that carries agent `name`, if one does.
    pub fn plugin_of(&self, name: &str) -> Option<&str> {
        self.from_plugins
            .iter()
            .find(|(a, _)| a == name)
            .map(|(_, p)| p.as_str())
    }
}

impl AgentRoots {
    /// Every folder searched, highest precedence first.
    pub fn folders(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if self.trusted {
            let mut dir = Some(self.cwd.as_path());
            while let Some(d) = dir {
                for sub in PROJECT_DIRS {
                    out.push(d.join(sub));
                }
                if self.repo.as_deref().is_none_or(|r| r == d) {
                    break;
                }
                dir = d.parent();
            }
        }
        out.push(self.home.join("agents"));
        out.extend(self.personal.iter().cloned());
        out.extend(self.extra.iter().cloned());
        out
    }

    /// Claude Code's personal agents: `agents/` in `$CLAUDE_CONFIG_DIR`,
    /// else `~/.claude`.
    pub fn personal_dirs() -> Vec<PathBuf> {
        crate::config::other_tools::claude_dir()
            .map(|d| d.join("agents"))
            .into_iter()
            .collect()
    }

    /// Whether `path` is in the user's own folders (quire's or another
    /// tool's), not the project's.
    pub fn is_personal(&self, path: &Path) -> bool {
        path.starts_with(self.home.join("agents"))
            || self.personal.iter().any(|d| path.starts_with(d))
    }
}

/// Reads every definition under `roots`.
pub fn discover(roots: &AgentRoots) -> Discovered {
    discover_in(&roots.folders())
}

/// Every definition a session sees, the one discovery for sessions and
/// `quire agents`: those under `roots`, then the agents of the installed
/// plugin bundles (`PLUGIN:name`; `config` says which bundles count).
pub fn discover_with_plugins(roots: &AgentRoots, config: &Config) -> Discovered {
    let mut found = discover(roots);
    let bundles: Vec<(String, PathBuf)> = crate::plugins::bundle::agent_sources(config, &roots.cwd)
        .into_iter()
        .map(|a| (a.plugin, a.path))
        .collect();
    add_plugin_agents(&mut found, &bundles);
    found
}

/// Reads the definitions in `folders` (highest precedence first); also the
/// entry point for extra folders from plugin bundles.
pub fn discover_in(folders: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for folder in folders {
        for path in files(folder) {
            match definition::read(&path) {
                Ok(def) => match found.agents.iter().find(|a| a.name == def.name) {
                    Some(winner) => found.shadowed.push((path, winner.path.clone())),
                    None => found.agents.push(def),
                },
                Err(reason) => found.skipped.push((path, reason)),
            }
        }
    }
    found
}

/// Adds the definitions of plugin bundles' agent folders (`plugin`,
/// folder), named `PLUGIN:name` so they never shadow the user's own.
pub fn add_plugin_agents(found: &mut Discovered, sources: &[(String, PathBuf)]) {
    for (plugin, folder) in sources {
        let more = discover_in(std::slice::from_ref(folder));
        found.skipped.extend(more.skipped);
        // A definition linked out of the plugin is not the plugin's.
        let inside =
            crate::plugins::bundle::plugin_folder_of(folder).and_then(|p| p.canonicalize().ok());
        for mut def in more.agents {
            if let Some(root) = &inside
                && !def
                    .path
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(root))
            {
                let why = format!(
                    "it leads out of the plugin {plugin} ({}) through a symbolic link; plugins may only use their own files, so it is not loaded",
                    root.display()
                );
                found.skipped.push((def.path.clone(), why));
                continue;
            }
            def.name = format!("{plugin}:{}", def.name);
            match found.agents.iter().find(|a| a.name == def.name) {
                // The same file named twice: read once.
                Some(winner) if winner.path == def.path => {}
                Some(winner) => found.shadowed.push((def.path.clone(), winner.path.clone())),
                None => {
                    found.from_plugins.push((def.name.clone(), plugin.clone()));
                    found.agents.push(def);
                }
            }
        }
    }
}

/// `.md` and `.toml` files of `folder`, sorted (a missing folder is
/// empty); a plugin's manifest may name one such file instead.
fn files(folder: &Path) -> Vec<PathBuf> {
    if folder.is_file() {
        let ok = folder.extension().is_some_and(|e| e == "md" || e == "toml");
        return if ok {
            vec![folder.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "toml"))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn deeper_and_quire_folders_win_and_shadowing_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        let sub = repo.join("sub");
        write(
            &repo,
            ".claude/agents/rev.md",
            "---\ndescription: root claude\n---\n",
        );
        write(
            &sub,
            ".quire/agents/rev.md",
            "---\ndescription: sub quire\n---\n",
        );
        write(&repo, ".codex/agents/py.toml", "description = \"py\"\n");
        write(&repo, ".agents/agents/bad.md", "no frontmatter");
        // Claude Code's personal agents: read, below the project's.
        write(
            tmp.path(),
            "claude/agents/mine.md",
            "---\ndescription: mine\n---\n",
        );
        write(
            tmp.path(),
            "claude/agents/rev.md",
            "---\ndescription: personal rev\n---\n",
        );
        let roots = AgentRoots {
            cwd: sub.clone(),
            repo: Some(repo.clone()),
            home: tmp.path().join("home"),
            trusted: true,
            personal: vec![tmp.path().join("claude/agents")],
            extra: vec![],
        };
        let d = discover(&roots);
        assert_eq!(d.get("rev").unwrap().description, "sub quire");
        assert!(d.get("py").is_some());
        assert_eq!(d.get("mine").map(|a| a.description.as_str()), Some("mine"));
        assert_eq!(d.shadowed.len(), 2, "{:?}", d.shadowed);
        assert_eq!(d.skipped.len(), 1);
        let untrusted = discover(&AgentRoots {
            trusted: false,
            ..roots
        });
        let names: Vec<&str> = untrusted.agents.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["mine", "rev"], "project folders need trust");
    }

    #[test]
    fn plugin_agents_are_namespaced_and_never_shadow_the_users() {
        let dir = tempfile::tempdir().unwrap();
        let body = "---\nname: reviewer\ndescription: Reviews code.\n---\nReview it.\n";
        write(dir.path(), "user/reviewer.md", body);
        write(dir.path(), "kit/agents/reviewer.md", body);
        let mut found = discover_in(&[dir.path().join("user")]);
        add_plugin_agents(
            &mut found,
            &[("kit".to_string(), dir.path().join("kit/agents"))],
        );
        let names: Vec<&str> = found.agents.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["reviewer", "kit:reviewer"]);
        assert_eq!(found.plugin_of("kit:reviewer"), Some("kit"));
        assert_eq!(found.plugin_of("reviewer"), None);
    }
}
