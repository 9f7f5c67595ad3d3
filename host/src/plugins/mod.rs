//! WASM plugins: WebAssembly components for the world in `sdk/wit`, run by
//! wasmtime with only the folders, hosts and variables their manifest
//! declares and the user accepted, under enforced memory, time and output
//! limits. Each plugin tool is a [`crate::tools::Tool`] named
//! `PLUGIN__TOOL`.
//!
//! - [`manifest`]: `plugin.toml`; [`grants`]: permissions resolved;
//!   [`consent`]: what the user accepted.
//! - [`engine`]: the one `Engine` (epoch ticker, pooling allocator, linker);
//!   [`cache`]: compiled code on disk; [`world`]: the world versions.
//! - [`runtime`]: a loaded plugin and its calls (fresh store per call,
//!   [`limits`], [`output`], [`http`] allow-list, [`explain`] for failures).
//! - [`discover`]: where plugins are found; [`tool`]: the Tool adapter;
//!   [`install`]: `add`; [`remove`]: `remove`; [`scaffold`]: `quire plugins new`.

pub mod bundle;
pub mod cache;
pub(crate) mod cache_prune;
pub mod consent;
pub mod discover;
pub(crate) mod engine;
pub(crate) mod explain;
pub(crate) mod folder_copy;
pub(crate) mod folder_swap;
pub mod grants;
pub(crate) mod hook_decl;
pub(crate) mod http;
pub mod install;
pub(crate) mod limits;
pub mod manifest;
pub mod market;
pub mod memory_budget;
pub(crate) mod output;
pub mod remove;
pub mod run_tmp;
pub(crate) mod runtime;
pub mod scaffold;
pub mod session;
pub(crate) mod state;
pub(crate) mod tool;
pub(crate) mod world;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use discover::{Found, Scope};
pub use engine::PluginEngine;
pub use manifest::Manifest;
pub use runtime::{CallError, CallOutcome, LoadedPlugin};
pub use session::{SessionPlugins, load_for_session};
pub use tool::{PluginTool, offered as tool_offered, tool_name};

/// `[plugins]` in config.toml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginsConfig {
    /// Load plugins at all.
    pub enabled: bool,
    /// More folders of plugins (each holds `NAME/plugin.toml`, or is a
    /// plugin folder itself).
    pub paths: Vec<PathBuf>,
}

impl Default for PluginsConfig {
    fn default() -> Self {
        PluginsConfig {
            enabled: true,
            paths: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("component {path}: {message}")]
    Component { path: PathBuf, message: String },
    #[error("plugin '{plugin}': {message}")]
    Runtime { plugin: String, message: String },
    #[error("no installed plugin is named '{name}': see `quire plugins list`")]
    NotInstalled { name: String },
    #[error("plugin '{name}' comes from plugins.paths in config.toml: remove it there")]
    Configured { name: String },
    #[error("plugin '{name}' ({}) is a component of an installed plugin bundle: remove that bundle (`quire plugins bundles` lists them)", dir.display())]
    InBundle { name: String, dir: PathBuf },
    #[error("'{name}' names two plugins: the {scope} plugin in {} (the one `quire plugins list` shows) and one in {}, the plugins folder of this repository, which is not trusted (so not loaded); nothing was removed. Run `quire plugins remove {name}` outside this repository to remove the {scope} plugin, or delete {} yourself to remove the repository's", listed.display(), repository.display(), repository.display())]
    Ambiguous {
        name: String,
        listed: PathBuf,
        scope: discover::Scope,
        repository: PathBuf,
    },
    #[error("no such folder: {}", path.display())]
    NoSuchFolder { path: PathBuf },
    #[error("{} {why}", path.display())]
    NotCopyable { path: PathBuf, why: &'static str },
    #[error("the WebAssembly engine cannot start: {0}")]
    Engine(String),
    #[error("{0}")]
    Other(String),
}

impl PluginError {
    /// The input named no plugin (a name, a folder): a usage error, not a
    /// failure of the plugin.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            PluginError::NotInstalled { .. }
                | PluginError::Configured { .. }
                | PluginError::InBundle { .. }
                | PluginError::Ambiguous { .. }
                | PluginError::NoSuchFolder { .. }
                | PluginError::NotCopyable { .. }
        )
    }
}
