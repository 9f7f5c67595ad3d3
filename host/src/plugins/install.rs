//! `quire plugins add` and `remove`: copying a checked plugin into the user
//! or project plugin folder, recording consent, and taking it out again.

use std::path::{Path, PathBuf};

use super::PluginError;
use super::consent::ConsentStore;
use super::discover;
use super::manifest::{self, MANIFEST_FILE, Manifest};

/// Where `add` installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallScope {
    /// `$QUIRE_HOME/plugins`.
    User,
    /// `<repo>/.quire/plugins`.
    Project,
}

/// The manifest at `source` (a plugin folder or its `plugin.toml`).
pub fn read_source(source: &Path) -> Result<Manifest, PluginError> {
    let file = if source.is_dir() {
        source.join(MANIFEST_FILE)
    } else {
        source.to_path_buf()
    };
    if !source.exists() {
        return Err(PluginError::NoSuchFolder {
            path: source.to_path_buf(),
        });
    }
    if !file.is_file() {
        if let Some(kind) = bundle_kind(source) {
            return Err(PluginError::Other(format!(
                "{} is a {kind} plugin, not a WASM plugin (it has no {MANIFEST_FILE}); install it with `quire share add {}` (--user for every repository), or from a marketplace with `quire plugins install NAME`",
                source.display(),
                source.display()
            )));
        }
        return Err(PluginError::Other(format!(
            "{} is not a plugin: it has no {MANIFEST_FILE}",
            source.display()
        )));
    }
    manifest::load(&file)
}

/// Which kind of plugin bundle `dir` is, when it is one.
fn bundle_kind(dir: &Path) -> Option<&'static str> {
    if dir.join(".claude-plugin/plugin.json").is_file() {
        Some("Claude Code")
    } else if dir.join(".codex-plugin/plugin.json").is_file() {
        Some("Codex")
    } else if dir.join("plugin.json").is_file() {
        Some("Agent Plugins")
    } else if super::bundle::detect::has_standard_layout(dir) {
        Some("Claude Code")
    } else {
        None
    }
}

/// The folder `manifest`'s plugin is installed to: where it is, when
/// quire already finds it there (a repository's or a configured plugin
/// only needs consent), else `NAME` in the scope's plugin folder.
pub fn destination(
    manifest: &Manifest,
    scope: InstallScope,
    home: &Path,
    workspace: &Path,
    config: &super::PluginsConfig,
) -> PathBuf {
    let here = std::fs::canonicalize(manifest.dir()).ok();
    let found = discover::discover(home, Some(workspace), config);
    let in_place = found
        .found
        .iter()
        .find(|f| here.is_some() && std::fs::canonicalize(f.manifest.dir()).ok() == here);
    if let Some(f) = in_place {
        return f.manifest.dir().to_path_buf();
    }
    match scope {
        InstallScope::User => discover::user_dir(home).join(&manifest.name),
        InstallScope::Project => discover::project_dir(workspace).join(&manifest.name),
    }
}

/// Copies the plugin of `manifest` to `dest` (unless it already is there):
/// `plugin.toml`, the component (as a file next to it) and everything else
/// in its folder, sub-folders included (but `target/` and `.git/` unless a
/// `${plugin}/…` grant names them; a symbolic link or special file stops
/// it). Records consent for its permissions and component. Returns the
/// installed manifest.
pub fn install(manifest: &Manifest, dest: &Path, home: &Path) -> Result<Manifest, PluginError> {
    let same = std::fs::canonicalize(manifest.dir()).ok() == std::fs::canonicalize(dest).ok();
    let mut consent = ConsentStore::open(home);
    if same {
        consent.accept(manifest)?;
        return Ok(manifest.clone());
    }
    let installed = copy_plugin(manifest, dest)?;
    consent.accept_copied(&installed, manifest.dir())?;
    Ok(installed)
}

/// The plugin an install replaces, when it is another one than the
/// plugin being installed: copied from another folder, or from one quire
/// did not record.
#[derive(Debug)]
pub struct Replaced {
    pub version: String,
    pub dir: PathBuf,
    /// The folder it was copied from, when recorded.
    pub from: Option<PathBuf>,
}

/// What installing `manifest` to `dest` replaces (see [`Replaced`]).
pub fn replaces(manifest: &Manifest, dest: &Path, home: &Path) -> Option<Replaced> {
    let here = std::fs::canonicalize(manifest.dir()).ok()?;
    if std::fs::canonicalize(dest).ok().as_ref() == Some(&here) {
        return None;
    }
    let old = manifest::load(&dest.join(MANIFEST_FILE)).ok()?;
    let from = ConsentStore::open(home).source_of(dest);
    if from.as_ref() == Some(&here) {
        return None;
    }
    Some(Replaced {
        version: old.version,
        dir: dest.to_path_buf(),
        from,
    })
}

fn copy_plugin(manifest: &Manifest, dest: &Path) -> Result<Manifest, PluginError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PluginError::Io { path, source }
    };
    if let Some(message) = manifest.component_problem() {
        return Err(PluginError::Runtime {
            plugin: manifest.name.clone(),
            message,
        });
    }
    let file_name = manifest
        .component
        .file_name()
        .ok_or_else(|| PluginError::Other("the component path has no file name".into()))?;
    let keep = super::folder_copy::granted_folders(manifest);
    let component_name = file_name.to_string_lossy();
    // Built beside the installed folder, then swapped in whole: nothing
    // of a version installed before stays.
    let staging = super::folder_swap::Staging::beside(dest)?;
    let built = staging.folder();
    super::folder_copy::copy_folder(
        manifest.dir(),
        built,
        &[MANIFEST_FILE, &component_name],
        &keep,
    )?;
    let to = built.join(file_name);
    std::fs::copy(&manifest.component, &to).map_err(io(&to))?;
    // The manifest, with `component` pointing at the copy.
    let text = std::fs::read_to_string(&manifest.path).map_err(io(&manifest.path))?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| PluginError::Manifest {
        path: manifest.path.clone(),
        message: e.message().to_string(),
    })?;
    table.insert(
        "component".into(),
        toml::Value::String(file_name.to_string_lossy().into_owned()),
    );
    let out = toml::to_string_pretty(&table)
        .map_err(|e| PluginError::Other(format!("cannot write the manifest: {e}")))?;
    let built_manifest = built.join(MANIFEST_FILE);
    std::fs::write(&built_manifest, out).map_err(io(&built_manifest))?;
    staging.swap_into(dest)?;
    manifest::load(&dest.join(MANIFEST_FILE))
}
