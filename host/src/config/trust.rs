//! Repository trust. A repository's own settings — `.quire/config.toml`,
//! `.mcp.json` (which starts programs), project skill folders and
//! `.quire/plugins` — are used only once the user trusts it: a
//! `[projects."PATH"] trust = "trusted"` table in the user's config.toml
//! (`quire trust` writes it; the interactive session asks). Trusting a
//! folder trusts every repository inside it; the closest entry wins, so a
//! repository can be marked `untrusted` inside a trusted folder. Trust is
//! per repository: a repository nested in another (a vendored clone, a
//! submodule) is not covered by the entry of the repository around it, nor
//! by a folder's above that — it has settings of its own, which the user
//! never saw when trusting the outer one. A repository's own config cannot
//! trust itself: only the user's file counts. Codex CLI's entries,
//! `trust_level = "trusted"`, are read as Codex reads them: for that
//! folder itself (the repository root, or the folder quire runs in), not
//! the repositories inside it; a `trust` in the same entry wins.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Table;
use toml_edit::{DocumentMut, Item, value};

/// Project-level settings that need trust, relative to the repository
/// root.
pub const PROJECT_SETTINGS: &[&str] = &[
    ".quire/config.toml",
    ".mcp.json",
    ".quire/skills",
    ".agents/skills",
    ".claude/skills",
    ".codex/skills",
    ".quire/plugins",
    ".agents/plugins",
    ".quire/agents",
    ".agents/agents",
    ".claude/agents",
    ".codex/agents",
    ".quire/commands",
    ".claude/commands",
    ".claude/settings.json",
    ".claude/settings.local.json",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrustLevel {
    Trusted,
    Untrusted,
}

/// `[projects."PATH"]` in the user's config.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectEntry {
    pub trust: Option<TrustLevel>,
    /// Codex CLI's key: the trust of this folder only.
    pub trust_level: Option<TrustLevel>,
}

/// The project settings present in `workspace` (see [`PROJECT_SETTINGS`]).
/// Files in the user's own folders ([`super::protected`]: `$QUIRE_HOME`,
/// `~/.claude`, … when quire runs in `$HOME`) are theirs, not a
/// repository's, and are not listed.
pub fn project_settings(workspace: &Path) -> Vec<&'static str> {
    let own = super::protected::folders();
    PROJECT_SETTINGS
        .iter()
        .copied()
        .filter(|rel| {
            let path = workspace.join(rel);
            path.exists() && super::protected::holding(&own, &canonical(&path)).is_none()
        })
        .collect()
}

/// `path` made absolute and canonical where it exists.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The trust the user's `projects` table gives `workspace`: the entry of
/// the closest folder at or above it that sets `trust`, as long as no
/// repository lies between (see [`covers`]).
pub fn decide(projects: Option<&Table>, workspace: &Path) -> Option<TrustLevel> {
    let entries = projects.into_iter().flatten().map(|(key, entry)| {
        let level = |name: &str| {
            entry
                .get(name)
                .and_then(|v| v.as_str())
                .and_then(|s| match s {
                    "trusted" => Some(TrustLevel::Trusted),
                    "untrusted" => Some(TrustLevel::Untrusted),
                    _ => None,
                })
        };
        (key.as_str(), level("trust"), level("trust_level"))
    });
    closest(entries, workspace)
}

/// [`decide`] over a loaded config's `projects`.
pub fn decide_in(
    projects: &std::collections::BTreeMap<String, ProjectEntry>,
    workspace: &Path,
) -> Option<TrustLevel> {
    closest(
        projects
            .iter()
            .map(|(k, e)| (k.as_str(), e.trust, e.trust_level)),
        workspace,
    )
}

/// The closest entry's level; an entry is a folder, its `trust` and its
/// Codex `trust_level` (which holds for that folder only).
fn closest<'a>(
    entries: impl Iterator<Item = (&'a str, Option<TrustLevel>, Option<TrustLevel>)>,
    workspace: &Path,
) -> Option<TrustLevel> {
    let workspace = canonical(workspace);
    let mut best: Option<(usize, TrustLevel)> = None;
    for (key, trust, trust_level) in entries {
        let folder = canonical(Path::new(key));
        let level = match (trust, trust_level) {
            (Some(level), _) => level,
            (None, Some(level)) if folder == workspace => level,
            _ => continue,
        };
        if !covers(&folder, &workspace) {
            continue;
        }
        let depth = folder.components().count();
        if best.is_none_or(|(d, _)| depth > d) {
            best = Some((depth, level));
        }
    }
    best.map(|(_, level)| level)
}

/// Whether the entry of `folder` holds for `workspace` (both canonical):
/// it is the workspace, or a folder above it, and the repository the
/// workspace is in (the closest folder holding `.git`) is not nested in
/// another repository at or below `folder`. So `quire trust` in `app/`
/// covers `app/` and not `app/vendor/lib/` with a `.git` of its own, and
/// `quire trust ~/work` covers `~/work/app` but not the repositories nested
/// in it.
fn covers(folder: &Path, workspace: &Path) -> bool {
    if folder == workspace {
        return true;
    }
    if !workspace.starts_with(folder) {
        return false;
    }
    let Some(repo) = workspace.ancestors().find(|d| d.join(".git").exists()) else {
        return true;
    };
    !repo
        .ancestors()
        .skip(1)
        .take_while(|d| d.starts_with(folder))
        .any(|d| d.join(".git").exists())
}

/// The warning for an untrusted repository whose settings are not used.
pub fn ignored_warning(workspace: &Path, found: &[&str]) -> String {
    // Claude Code's deny and ask rules restrict: they apply untrusted too.
    let claude = found.iter().any(|f| f.starts_with(".claude/settings"));
    format!(
        "{} is not a trusted repository, so its project settings are not used: {}. Run `quire trust` there to use them.{}",
        workspace.display(),
        found.join(", "),
        if claude {
            " The permission deny and ask rules of its .claude/settings files apply all the same."
        } else {
            ""
        }
    )
}

/// Records `level` for `workspace` in the config file at `path` (`None`
/// removes the entry), keeping the rest of the file as it was.
pub fn record(path: &Path, workspace: &Path, level: Option<TrustLevel>) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut doc = text
        .parse::<DocumentMut>()
        .map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
    let key = canonical(workspace).display().to_string();
    let projects = doc
        .entry("projects")
        .or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| format!("{}: `projects` is not a table", path.display()))?;
    match level {
        Some(level) => {
            let entry = projects
                .entry(&key)
                .or_insert_with(|| Item::Table(toml_edit::Table::new()))
                .as_table_mut()
                .ok_or_else(|| format!("{}: projects.\"{key}\" is not a table", path.display()))?;
            let v = match level {
                TrustLevel::Trusted => "trusted",
                TrustLevel::Untrusted => "untrusted",
            };
            entry.insert("trust", value(v));
        }
        None => {
            projects.remove(&key);
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, doc.to_string())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse::<Table>().unwrap()
    }

    #[test]
    fn the_closest_entry_decides_and_other_folders_are_untouched() {
        let root = tempfile::tempdir().unwrap();
        let work = root.path().join("work");
        let repo = work.join("repo");
        let other = root.path().join("other");
        for d in [&repo, &other] {
            std::fs::create_dir_all(d).unwrap();
        }
        let t = table(&format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n",
            work.display().to_string()
        ));
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), Some(TrustLevel::Trusted));
        assert_eq!(decide(projects, &work), Some(TrustLevel::Trusted));
        assert_eq!(decide(projects, &other), None);
        assert_eq!(decide(None, &repo), None);
        let t = table(&format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n[projects.{:?}]\ntrust = \"untrusted\"\n",
            work.display().to_string(),
            repo.display().to_string()
        ));
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), Some(TrustLevel::Untrusted));
        // A sibling whose name starts the same is not inside.
        let t = table(&format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n",
            format!("{}/rep", work.display())
        ));
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), None);
    }

    /// A repository inside a trusted repository (a vendored clone, a
    /// submodule: `.git` a folder or a file) is not trusted by it, nor by
    /// a trusted folder above both; a plain folder or a top-level
    /// repository in a trusted folder is.
    #[test]
    fn a_nested_repository_is_not_covered_by_the_trust_around_it() {
        let root = tempfile::tempdir().unwrap();
        let work = root.path().join("work");
        let app = work.join("app");
        let lib = app.join("vendor/lib");
        let sub = app.join("vendor/sub");
        for d in [&lib, &sub, &app.join(".git")] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::create_dir_all(lib.join(".git")).unwrap();
        std::fs::write(sub.join(".git"), "gitdir: ../../.git/modules/sub\n").unwrap();
        let entry = |dir: &Path| {
            table(&format!(
                "[projects.{:?}]\ntrust = \"trusted\"\n",
                dir.display().to_string()
            ))
        };
        let t = entry(&app);
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &app), Some(TrustLevel::Trusted));
        assert_eq!(decide(projects, &lib), None);
        assert_eq!(decide(projects, &sub), None);
        assert_eq!(
            decide(projects, &app.join("vendor")),
            Some(TrustLevel::Trusted)
        );
        let t = entry(&work);
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &app), Some(TrustLevel::Trusted));
        assert_eq!(decide(projects, &lib), None);
        // Trusted by its own entry, it is.
        let t = table(&format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n[projects.{:?}]\ntrust = \"trusted\"\n",
            app.display().to_string(),
            lib.display().to_string()
        ));
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &lib), Some(TrustLevel::Trusted));
    }

    /// Codex's `trust_level` holds for its folder only, as in Codex: not
    /// for a repository inside a trusted folder (quire's `trust` would
    /// cover it); a `trust` in the same entry wins.
    #[test]
    fn a_codex_trust_level_trusts_that_folder_only() {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        let repo = home.join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        let entry = |dir: &Path, keys: &str| {
            table(&format!(
                "[projects.{:?}]\n{keys}\n",
                dir.display().to_string()
            ))
        };
        let t = entry(&home, "trust_level = \"trusted\"");
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &home), Some(TrustLevel::Trusted));
        assert_eq!(decide(projects, &repo), None);
        let t = entry(&repo, "trust_level = \"trusted\"");
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), Some(TrustLevel::Trusted));
        let t = entry(&repo, "trust_level = \"trusted\"\ntrust = \"untrusted\"");
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), Some(TrustLevel::Untrusted));
        let loaded: std::collections::BTreeMap<String, ProjectEntry> = [(
            home.display().to_string(),
            ProjectEntry {
                trust: None,
                trust_level: Some(TrustLevel::Trusted),
            },
        )]
        .into();
        assert_eq!(decide_in(&loaded, &home), Some(TrustLevel::Trusted));
        assert_eq!(decide_in(&loaded, &repo), None);
    }

    #[test]
    fn record_adds_changes_and_removes_keeping_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "# mine\nmodel = \"m\"\n").unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        record(&file, &repo, Some(TrustLevel::Trusted)).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("# mine\nmodel = \"m\"\n"), "{text}");
        let t = table(&text);
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), Some(TrustLevel::Trusted));
        record(&file, &repo, Some(TrustLevel::Untrusted)).unwrap();
        let t = table(&std::fs::read_to_string(&file).unwrap());
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), Some(TrustLevel::Untrusted));
        record(&file, &repo, None).unwrap();
        let t = table(&std::fs::read_to_string(&file).unwrap());
        let projects = t.get("projects").and_then(|v| v.as_table());
        assert_eq!(decide(projects, &repo), None);
    }

    #[test]
    fn project_settings_lists_what_exists() {
        let dir = tempfile::tempdir().unwrap();
        assert!(project_settings(dir.path()).is_empty());
        std::fs::write(dir.path().join(".mcp.json"), "{}").unwrap();
        std::fs::create_dir_all(dir.path().join(".claude/skills")).unwrap();
        assert_eq!(
            project_settings(dir.path()),
            vec![".mcp.json", ".claude/skills"]
        );
    }
}
