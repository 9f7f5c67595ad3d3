//! The installed bundles of a session: `.agents/plugins/NAME` of a trusted
//! repository, then `~/.agents/plugins/NAME` (of two of one name, the
//! user's wins: [`super::clash`]; a repository's folder that is the
//! user's own, quire run in the home folder, is the user's only). A bundle whose files drifted
//! from its `quire.lock` is listed with its drift (and a warning) but none
//! of its components is loaded — its skills are found and flagged
//! ([`super::drift::flag_skills`]) — until it is synced or re-approved.
//! Each kind of component is handed to its own machinery by the functions
//! here, named by plugin.

use std::path::{Path, PathBuf};

use super::{Bundle, detect};
use crate::commands::PluginCommands;
use crate::config::Config;

/// Where a bundle was installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleScope {
    Project,
    User,
}

impl BundleScope {
    pub fn label(self) -> &'static str {
        match self {
            BundleScope::Project => "project",
            BundleScope::User => "user",
        }
    }
}

/// One installed bundle.
#[derive(Debug, Clone)]
pub struct InstalledBundle {
    pub bundle: Bundle,
    pub scope: BundleScope,
    /// How its files differ from its lock: then it is not loaded.
    pub drift: Option<String>,
}

/// `~/.agents/plugins`.
pub fn user_plugins_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".agents").join("plugins"))
}

/// `<repo>/.agents/plugins`.
pub fn project_plugins_dir(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(cwd)
        .join(".agents")
        .join("plugins")
}

/// Every installed bundle (drifted ones too, with their drift), with
/// warnings for the ones left out or not loaded.
pub fn installed_with_warnings(config: &Config, cwd: &Path) -> (Vec<InstalledBundle>, Vec<String>) {
    if !config.plugins.enabled {
        return (Vec::new(), Vec::new());
    }
    scan(config.project_trusted.then_some(cwd))
}

/// The bundles of `project` (a trusted working directory, or none) and
/// the user's.
pub fn scan(project: Option<&Path>) -> (Vec<InstalledBundle>, Vec<String>) {
    scan_at(project, user_plugins_dir())
}

/// [`scan`] with the user's bundle folder given.
pub fn scan_at(
    project: Option<&Path>,
    user: Option<PathBuf>,
) -> (Vec<InstalledBundle>, Vec<String>) {
    let (out, warnings, _) = scan_with_clashes(project, user);
    (out, warnings)
}

/// Why the bundles that share a name with a loaded one are not loaded
/// (a user's plugin wins over a repository's: [`super::clash`]), one line
/// a bundle left out; shown in every session and by `quire plugins list`.
pub fn name_clashes(config: &Config, cwd: &Path) -> Vec<String> {
    if !config.plugins.enabled {
        return Vec::new();
    }
    scan_with_clashes(config.project_trusted.then_some(cwd), user_plugins_dir()).2
}

/// [`scan_at`], with the name clashes' warnings also apart.
fn scan_with_clashes(
    project: Option<&Path>,
    user: Option<PathBuf>,
) -> (Vec<InstalledBundle>, Vec<String>, Vec<String>) {
    let mut out: Vec<InstalledBundle> = Vec::new();
    let mut warnings = Vec::new();
    let mut clashes = Vec::new();
    let mut dirs = Vec::new();
    if let Some(cwd) = project {
        let dir = project_plugins_dir(cwd);
        // Run in the home folder (no repository above it), the project's
        // plugin folder is the user's own: its plugins are the user's,
        // listed once, not also as a repository's.
        let users = [user.clone(), user_plugins_dir()];
        if !users.iter().flatten().any(|u| same_folder(&dir, u)) {
            dirs.push((BundleScope::Project, dir));
        }
    }
    if let Some(u) = user {
        dirs.push((BundleScope::User, u));
    }
    let dirs_user = dirs.iter().find(|(s, _)| *s == BundleScope::User).cloned();
    for (scope, dir) in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut folders: Vec<PathBuf> = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            match entry.file_type() {
                Ok(t) if t.is_dir() => folders.push(entry.path()),
                // A user's own plugin folder may be a link to where they
                // develop it: the user made it, so it is followed (links
                // inside a plugin that lead out of it stay refused).
                Ok(t) if t.is_symlink() && scope == BundleScope::User => {
                    match super::user_link::followed(&entry.path()) {
                        Ok(p) => folders.push(p),
                        Err(w) => {
                            warnings.push(w.clone());
                            clashes.push(w);
                        }
                    }
                }
                _ => {}
            }
        }
        folders.sort();
        for folder in folders {
            match detect(&folder) {
                Ok(bundle) => {
                    if let Some(at) = out.iter().position(|b| b.bundle.name == bundle.name) {
                        let kept = &out[at];
                        let (kept_at, kept_scope) = (kept.bundle.root.clone(), kept.scope);
                        if !super::clash::replaces(kept_scope, scope) {
                            let w = super::clash::warning(
                                &bundle.name,
                                (&kept_at, kept_scope),
                                (&bundle.root, scope),
                            );
                            warnings.push(w.clone());
                            clashes.push(w);
                            continue;
                        }
                        let w = super::clash::warning(
                            &bundle.name,
                            (&bundle.root, scope),
                            (&kept_at, kept_scope),
                        );
                        warnings.push(w.clone());
                        clashes.push(w);
                        out.remove(at);
                    }
                    let drift = super::drift::drift(&bundle);
                    if let Some(why) = &drift {
                        warnings.push(format!(
                            "plugin '{}' is not loaded: {why}; {}",
                            bundle.name,
                            super::drift::fix_hint(&bundle.name, why)
                        ));
                    }
                    out.push(InstalledBundle {
                        bundle,
                        scope,
                        drift,
                    });
                }
                Err(e) => warnings.push(format!("plugin skipped: {e}")),
            }
        }
    }
    // A broken link of the user's still holds its name.
    if let Some((_, dir)) = dirs_user {
        let names = super::user_link::broken_names(&dir);
        out.retain(|b| !(b.scope == BundleScope::Project && names.contains(&b.bundle.name)));
    }
    (out, warnings, clashes)
}

/// Whether `a` and `b` are one folder (by their real paths; a folder
/// that cannot be read is no other's).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The usable bundles (not drifted).
pub fn installed(config: &Config, cwd: &Path) -> Vec<InstalledBundle> {
    let (b, warnings) = installed_with_warnings(config, cwd);
    for w in warnings {
        tracing::warn!("plugins: {w}");
    }
    b.into_iter().filter(|i| i.drift.is_none()).collect()
}

/// The data folders (`${CLAUDE_PLUGIN_DATA}`) of the usable bundles: the
/// model's commands may write them ([`crate::tools::plugin_data`]).
pub fn data_folders(config: &Config, home: &Path, cwd: &Path) -> Vec<PathBuf> {
    installed(config, cwd)
        .iter()
        .map(|i| super::mcp::data_dir(home, &i.bundle.name))
        .collect()
}

/// The bundles' command folders (commands become `/PLUGIN:name`).
pub fn command_folders(config: &Config, _home: &Path, cwd: &Path) -> Vec<PluginCommands> {
    installed(config, cwd)
        .into_iter()
        .flat_map(|i| {
            let plugin = i.bundle.name.clone();
            let root = i.bundle.root.clone();
            i.bundle
                .commands
                .into_iter()
                .map(move |dir| PluginCommands {
                    plugin: plugin.clone(),
                    dir,
                    root: root.clone(),
                })
        })
        .collect()
}

/// A folder or file of agent definitions carried by a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSource {
    pub plugin: String,
    pub path: PathBuf,
}

/// The bundles' agent folders, for the agent definitions loader (agents
/// are named `PLUGIN:agent`).
pub fn agent_sources(config: &Config, cwd: &Path) -> Vec<AgentSource> {
    installed(config, cwd)
        .into_iter()
        .flat_map(|i| {
            let plugin = i.bundle.name.clone();
            i.bundle.agents.into_iter().map(move |path| AgentSource {
                plugin: plugin.clone(),
                path,
            })
        })
        .collect()
}

/// The bundles' skill folders, with their plugin's name.
pub fn skill_folders(config: &Config, cwd: &Path) -> Vec<(String, PathBuf)> {
    installed(config, cwd)
        .into_iter()
        .flat_map(|i| {
            let plugin = i.bundle.name.clone();
            i.bundle
                .skills
                .into_iter()
                .map(move |p| (plugin.clone(), p))
        })
        .collect()
}

/// The bundles' hook files, with their plugin's name.
pub fn hook_files(config: &Config, cwd: &Path) -> Vec<(String, PathBuf)> {
    installed(config, cwd)
        .into_iter()
        .flat_map(|i| {
            let plugin = i.bundle.name.clone();
            i.bundle.hooks.into_iter().map(move |p| (plugin.clone(), p))
        })
        .collect()
}

/// The hook files of the bundles, with each bundle's folder, scope and
/// data folder (`super::mcp::data_dir`, its MCP servers' too).
pub fn hook_files_for(config: &Config, home: &Path, cwd: &Path) -> Vec<PluginHookFile> {
    installed(config, cwd)
        .into_iter()
        .flat_map(|i| {
            let (root, scope) = (i.bundle.root.clone(), i.scope);
            let data = super::mcp::data_dir(home, &i.bundle.name);
            i.bundle.hooks.into_iter().map(move |path| PluginHookFile {
                path,
                root: root.clone(),
                scope,
                data: data.clone(),
            })
        })
        .collect()
}

/// A hook file of an installed bundle.
#[derive(Debug, Clone)]
pub struct PluginHookFile {
    pub path: PathBuf,
    /// The bundle's folder: `${CLAUDE_PLUGIN_ROOT}`.
    pub root: PathBuf,
    pub scope: BundleScope,
    /// The bundle's data folder: `${CLAUDE_PLUGIN_DATA}`.
    pub data: PathBuf,
}

/// The WASM component folders of the bundles of `workspace` (trusted, or
/// none) and the user's.
pub fn wasm_component_dirs(workspace: Option<&Path>) -> Vec<PathBuf> {
    scan(workspace)
        .0
        .into_iter()
        .filter(|i| i.drift.is_none())
        .flat_map(|i| i.bundle.components)
        .collect()
}

/// The bundles' MCP servers as specs named `PLUGIN_SERVER`, disabled
/// unless the user enabled them; warnings for entries that cannot be used.
/// An enabled server of a plugin held back because it drifted from its
/// `quire.lock` is kept, never to start: `quire mcp list` and the session
/// say why it is not there.
pub fn mcp_servers(config: &Config, cwd: &Path) -> (Vec<crate::mcp::ServerSpec>, Vec<String>) {
    let home = crate::config::quire_home();
    let enabled = super::mcp::Enabled::load(&home);
    let mut specs = Vec::new();
    let mut warnings = Vec::new();
    let (bundles, scan_warnings) = installed_with_warnings(config, cwd);
    for w in scan_warnings {
        tracing::warn!("plugins: {w}");
    }
    for i in bundles {
        if i.bundle.mcp.is_empty() {
            continue;
        }
        let state = enabled.state(&i.bundle);
        if let Some(why) = &i.drift {
            if state != super::mcp::McpConsent::Off {
                specs.extend(held_back(&i.bundle, why, &home, &enabled));
            }
            continue;
        }
        if state == super::mcp::McpConsent::Changed {
            warnings.push(format!(
                "the MCP servers of plugin '{}' ({}) are not started: they changed since you enabled them, another plugin of that name appeared, or you enabled them before quire recorded every file of the plugin's folder; review them with `quire plugins list` and accept them with `quire plugins enable {}`",
                i.bundle.name,
                i.bundle.root.display(),
                i.bundle.name
            ));
        }
        for file in &i.bundle.mcp {
            match super::mcp::specs(&i.bundle, file, &home, &enabled, &mut warnings) {
                Ok(mut s) => specs.append(&mut s),
                Err(e) => warnings.push(e),
            }
        }
    }
    (specs, warnings)
}

/// The servers of the enabled plugin `bundle`, which drifted (`why`):
/// listed, each refusing to start with the reason.
fn held_back(
    bundle: &super::Bundle,
    why: &str,
    home: &Path,
    enabled: &super::mcp::Enabled,
) -> Vec<crate::mcp::ServerSpec> {
    let mut ignored = Vec::new();
    let mut out = Vec::new();
    for file in &bundle.mcp {
        for mut spec in
            super::mcp::specs(bundle, file, home, enabled, &mut ignored).unwrap_or_default()
        {
            // Said after "MCP server 'NAME' is not started: ".
            let reason = format!(
                "plugin '{}' is held back, {why}; {}",
                bundle.name,
                super::drift::fix_hint(&bundle.name, why)
            );
            spec.enabled = true;
            spec.lazy = false;
            spec.sealed = Some(crate::mcp::seal::Sealed::held(
                &bundle.root,
                &bundle.name,
                reason,
            ));
            out.push(spec);
        }
    }
    out
}

/// The skill folders of the bundles of `project` and `user` (the user's
/// `.agents/plugins`), for skills discovery — drifted bundles' too, so
/// their skills are shown flagged rather than silently gone.
pub fn scan_skill_folders(project: Option<&Path>, user: Option<PathBuf>) -> Vec<(String, PathBuf)> {
    scan_at(project, user)
        .0
        .into_iter()
        .flat_map(|i| {
            let plugin = i.bundle.name.clone();
            i.bundle
                .skills
                .into_iter()
                .map(move |p| (plugin.clone(), p))
        })
        .collect()
}

/// The plugin a folder belongs to, when it is inside
/// `.agents/plugins/NAME/`.
pub fn plugin_of(dir: &Path) -> Option<String> {
    plugin_folder_of(dir).and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
}

/// The `.agents/plugins/NAME` folder `dir` is in (or is).
pub fn plugin_folder_of(dir: &Path) -> Option<PathBuf> {
    let mut child: Option<&Path> = None;
    for d in dir.ancestors() {
        if d.file_name().is_some_and(|n| n == "plugins")
            && d.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == ".agents")
        {
            return child.map(Path::to_path_buf);
        }
        child = Some(d);
    }
    None
}
