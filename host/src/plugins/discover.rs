//! Where plugins are found, highest precedence first: the repository's
//! `.quire/plugins/*/plugin.toml`, `$QUIRE_HOME/plugins/*/plugin.toml`, then
//! each of `plugins.paths` (a folder of plugins, or a plugin folder).

use std::fmt;
use std::path::{Path, PathBuf};

use super::PluginsConfig;
use super::manifest::{self, MANIFEST_FILE, Manifest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `<repo>/.quire/plugins`.
    Project,
    /// `$QUIRE_HOME/plugins`.
    User,
    /// A folder from `plugins.paths`.
    Configured,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Project => "project",
            Scope::User => "user",
            Scope::Configured => "config",
        })
    }
}

/// One discovered plugin.
#[derive(Debug, Clone)]
pub struct Found {
    pub manifest: Manifest,
    pub scope: Scope,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub found: Vec<Found>,
    /// Manifests that could not be read and shadowed plugins.
    pub warnings: Vec<String>,
}

impl Discovery {
    pub fn by_name(&self, name: &str) -> Option<&Found> {
        self.found.iter().find(|f| f.manifest.name == name)
    }
}

/// The folder of user-scope plugins.
pub fn user_dir(home: &Path) -> PathBuf {
    home.join("plugins")
}

/// The folder of project-scope plugins.
pub fn project_dir(workspace: &Path) -> PathBuf {
    workspace.join(".quire").join("plugins")
}

/// The roots to search, in precedence order.
pub fn roots(
    home: &Path,
    workspace: Option<&Path>,
    config: &PluginsConfig,
) -> Vec<(Scope, PathBuf)> {
    let mut roots = Vec::new();
    if let Some(w) = workspace {
        roots.push((Scope::Project, project_dir(w)));
    }
    roots.push((Scope::User, user_dir(home)));
    for p in &config.paths {
        roots.push((Scope::Configured, expand_home(p)));
    }
    // WASM components carried by installed plugin bundles.
    if config.enabled {
        for d in super::bundle::wasm_component_dirs(workspace) {
            roots.push((Scope::Configured, d));
        }
    }
    roots
}

/// Finds every plugin under the roots. A name found twice keeps its first
/// (highest precedence) plugin; the other is reported.
pub fn discover(home: &Path, workspace: Option<&Path>, config: &PluginsConfig) -> Discovery {
    let mut d = Discovery::default();
    let mut seen = std::collections::HashSet::new();
    for (scope, root) in roots(home, workspace, config) {
        for file in manifests_in(&root) {
            // The same folder reached through two roots counts once.
            if !seen.insert(std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone())) {
                continue;
            }
            match manifest::load(&file) {
                Ok(m) => {
                    if let Some(first) = d.by_name(&m.name) {
                        d.warnings.push(format!(
                            "plugin '{}' at {} is shadowed by the one at {}",
                            m.name,
                            m.dir().display(),
                            first.manifest.dir().display()
                        ));
                    } else {
                        d.found.push(Found { manifest: m, scope });
                    }
                }
                Err(e) => d.warnings.push(format!("plugin skipped: {e}")),
            }
        }
    }
    d
}

/// The plugins under `root` alone (those whose manifest loads).
pub fn in_root(root: &Path) -> Vec<Manifest> {
    manifests_in(root)
        .iter()
        .filter_map(|file| manifest::load(file).ok())
        .collect()
}

/// `dir` is one of `plugins.paths` or inside one.
pub fn in_configured_paths(dir: &Path, config: &PluginsConfig) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = canonical(dir);
    config
        .paths
        .iter()
        .any(|p| dir.starts_with(canonical(&expand_home(p))))
}

/// `root/plugin.toml` if present, else `root/*/plugin.toml` (sorted).
fn manifests_in(root: &Path) -> Vec<PathBuf> {
    let own = root.join(MANIFEST_FILE);
    if own.is_file() {
        return vec![own];
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join(MANIFEST_FILE))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn expand_home(p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(h) = std::env::var_os("HOME")
    {
        return PathBuf::from(h).join(rest);
    }
    p.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join(MANIFEST_FILE),
            format!(
                "name = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n"
            ),
        )
        .unwrap();
    }

    #[test]
    fn finds_all_roots_in_precedence_order() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let extra = tempfile::tempdir().unwrap();
        plugin(&repo.path().join(".quire/plugins/a"), "a");
        plugin(&home.path().join("plugins/a"), "a");
        plugin(&home.path().join("plugins/b"), "b");
        plugin(&extra.path().join("c"), "c");
        plugin(&extra.path().join("solo"), "solo");
        std::fs::write(home.path().join("plugins/bad.txt"), "x").unwrap();
        std::fs::create_dir_all(home.path().join("plugins/broken")).unwrap();
        std::fs::write(home.path().join("plugins/broken/plugin.toml"), "name = 1").unwrap();
        let config = PluginsConfig {
            enabled: true,
            paths: vec![extra.path().to_path_buf(), extra.path().join("solo")],
        };
        let d = discover(home.path(), Some(repo.path()), &config);
        let names: Vec<(&str, Scope)> = d
            .found
            .iter()
            .map(|f| (f.manifest.name.as_str(), f.scope))
            .collect();
        assert_eq!(
            names,
            vec![
                ("a", Scope::Project),
                ("b", Scope::User),
                ("c", Scope::Configured),
                ("solo", Scope::Configured),
            ]
        );
        let warnings = d.warnings.join("\n");
        assert!(warnings.contains("plugin 'a'"), "{warnings}");
        assert!(warnings.contains("shadowed"), "{warnings}");
        assert!(warnings.contains("broken/plugin.toml"), "{warnings}");
        assert!(!warnings.contains("solo"), "{warnings}");
    }
}
