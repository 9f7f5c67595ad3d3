//! `quire plugins remove NAME` for WASM plugins: the plugin `quire plugins
//! list` shows by that name. A repository that is not trusted is not
//! loaded, so its `.quire/plugins` are not what `list` shows: a plugin of
//! the same name there makes the name ambiguous (refused, naming both),
//! and one only there is removed with the output saying where. A plugin
//! from `plugins.paths` or an installed bundle is removed where it comes
//! from.

use std::path::{Path, PathBuf};

use super::consent::ConsentStore;
use super::discover::{self, Scope};
use super::{PluginError, PluginsConfig};

/// Where `remove` looks.
pub struct Places<'a> {
    pub home: &'a Path,
    pub workspace: &'a Path,
    /// The workspace is a trusted repository: its `.quire/plugins` load.
    pub trusted: bool,
    pub config: &'a PluginsConfig,
}

/// What `remove` removed.
#[derive(Debug)]
pub struct Removed {
    pub dir: PathBuf,
    /// It was in the `.quire/plugins` of a repository that is not trusted
    /// (so not loaded, and not listed).
    pub untrusted_repository: bool,
}

/// Removes the plugin `name` and forgets its consent.
pub fn remove(name: &str, at: &Places) -> Result<Removed, PluginError> {
    let project = Some(at.workspace).filter(|_| at.trusted);
    let listed = discover::discover(at.home, project, at.config);
    let listed = listed.by_name(name);
    let ignored = if at.trusted {
        None
    } else {
        discover::in_root(&discover::project_dir(at.workspace))
            .into_iter()
            .find(|m| m.name == name)
    };
    let (dir, untrusted_repository) = match (listed, ignored) {
        (Some(f), Some(repo)) => {
            return Err(PluginError::Ambiguous {
                name: name.into(),
                listed: f.manifest.dir().to_path_buf(),
                scope: f.scope,
                repository: repo.dir().to_path_buf(),
            });
        }
        (Some(f), None) if f.scope == Scope::Configured => {
            let dir = f.manifest.dir().to_path_buf();
            return Err(if discover::in_configured_paths(&dir, at.config) {
                PluginError::Configured { name: name.into() }
            } else {
                PluginError::InBundle {
                    name: name.into(),
                    dir,
                }
            });
        }
        (Some(f), None) => (f.manifest.dir().to_path_buf(), false),
        (None, Some(repo)) => (repo.dir().to_path_buf(), true),
        (None, None) => return Err(PluginError::NotInstalled { name: name.into() }),
    };
    let mut consent = ConsentStore::open(at.home);
    consent.forget(&dir)?;
    std::fs::remove_dir_all(&dir).map_err(|source| PluginError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(Removed {
        dir,
        untrusted_repository,
    })
}
