//! Loading the plugins of a session: discovery, consent, grants, the
//! compiled-code cache, and one [`PluginTool`] per plugin tool.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cache::{self, CompileCache};
use super::consent::{self, ConsentStore};
use super::discover::{self, Found};
use super::engine::PluginEngine;
use super::grants::{self, GrantContext};
use super::runtime::LoadedPlugin;
use super::tool::PluginTool;
use super::{PluginError, PluginsConfig};
use crate::tools::Tool;

/// What a session gets from its plugins.
#[derive(Default)]
pub struct SessionPlugins {
    pub tools: Vec<Arc<dyn Tool>>,
    pub plugins: Vec<Arc<LoadedPlugin>>,
    /// For the user: skipped, shadowed or refused plugins, missing grants.
    pub warnings: Vec<String>,
}

/// Finds, checks and loads every plugin for a session in `workspace`
/// (whose own `.quire/plugins` count only when `project` is true: a
/// trusted repository).
/// Blocking (it runs the loading on a thread of its own, so it can be
/// called from sync code inside or outside a runtime); a plugin that fails
/// to load is left out with a warning.
pub fn load_for_session(
    config: &PluginsConfig,
    home: &Path,
    workspace: &Path,
    project: bool,
) -> SessionPlugins {
    if !config.enabled {
        return SessionPlugins::default();
    }
    let discovery = discover::discover(home, Some(workspace).filter(|_| project), config);
    let mut out = SessionPlugins {
        warnings: discovery.warnings,
        ..Default::default()
    };
    if discovery.found.is_empty() {
        return out;
    }
    let consent = ConsentStore::open(home);
    let mut accepted = Vec::new();
    for f in discovery.found {
        let status = consent.status(&f.manifest);
        if status.allows_loading() {
            // The code accepted: the bytes loaded must be these (the file
            // may change between this check and the read).
            let code = consent.accepted_sha256(&f.manifest).map(str::to_string);
            let code = code.filter(|_| status == consent::ConsentStatus::Accepted);
            accepted.push((f, code));
        } else {
            out.warnings
                .push(consent::not_loaded_warning(&f.manifest, &status));
        }
    }
    let ctx = GrantContext::new(workspace.to_path_buf());
    let cache = CompileCache::new(cache::default_dir(home));
    let loaded = crate::own_thread::apart(|| load_all(accepted, &ctx, &cache))
        .unwrap_or_else(|e| (Vec::new(), vec![format!("no plugin was loaded: {e}")]));
    let (plugins, warnings) = loaded;
    out.warnings.extend(warnings);
    for p in plugins {
        let (tools, warnings) = PluginTool::all(&p);
        out.warnings.extend(warnings);
        out.tools
            .extend(tools.into_iter().map(|t| Arc::new(t) as Arc<dyn Tool>));
        out.plugins.push(p);
    }
    out
}

/// Loads the plugins `found` at once, each on a task of its own (a plugin
/// whose `list-tools` never returns holds up the others only until its
/// limit, [`super::runtime::LIST_TOOLS_LIMIT`] at most); the result keeps
/// their order.
fn load_all(
    found: Vec<(Found, Option<String>)>,
    ctx: &GrantContext,
    cache: &CompileCache,
) -> (Vec<Arc<LoadedPlugin>>, Vec<String>) {
    let mut warnings = Vec::new();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, found.len().max(1));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return (Vec::new(), vec![format!("plugins not loaded: {e}")]),
    };
    let engine = match PluginEngine::global() {
        Ok(e) => e,
        Err(e) => return (Vec::new(), vec![format!("plugins not loaded: {e}")]),
    };
    let mut tasks = Vec::new();
    for (f, code) in found {
        let grants = grants::resolve(&f.manifest, ctx);
        warnings.extend(grants.warnings.iter().cloned());
        let manifest = f.manifest.clone();
        let cache = cache.clone();
        let task = runtime
            .spawn(async move { LoadedPlugin::load(engine, &cache, f.manifest, grants).await });
        tasks.push((manifest, code, task));
    }
    let mut plugins = Vec::new();
    for (manifest, code, task) in tasks {
        let name = &manifest.name;
        match runtime.block_on(task) {
            Ok(Ok(p)) if code.as_ref().is_some_and(|c| *c != p.load.sha256) => {
                warnings.push(consent::not_loaded_warning(
                    &manifest,
                    &consent::ConsentStatus::CodeChanged,
                ));
            }
            Ok(Ok(p)) => plugins.push(Arc::new(p)),
            Ok(Err(e)) => warnings.push(format!("plugin '{name}' was not loaded: {e}")),
            Err(e) => warnings.push(format!("plugin '{name}' was not loaded: {e}")),
        }
    }
    (plugins, warnings)
}

/// Loads one plugin by manifest, with grants for `workspace` (for the CLI).
pub async fn load_one(
    found: &Found,
    home: &Path,
    workspace: PathBuf,
) -> Result<LoadedPlugin, PluginError> {
    let engine = PluginEngine::global()?;
    let cache = CompileCache::new(cache::default_dir(home));
    // Grants that could not be honoured stay in `grants.warnings`.
    let grants = grants::resolve(&found.manifest, &GrantContext::new(workspace));
    LoadedPlugin::load(engine, &cache, found.manifest.clone(), grants).await
}
