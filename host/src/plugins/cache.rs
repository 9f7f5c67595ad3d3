//! Compiled components on disk, keyed by the engine's compatibility hash
//! and the component's sha256, so a plugin is compiled once per quire
//! build and component.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use super::PluginError;
use super::engine::{PluginEngine, hex};

/// Where compiled code goes: `$QUIRE_HOME/cache/plugins`.
pub fn default_dir(home: &Path) -> PathBuf {
    home.join("cache").join("plugins")
}

/// The engine part of an entry's name (`<engine>-<sha256>.cwasm`).
fn engine_prefix(entry: &Path) -> String {
    let name = entry
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.split_once('-') {
        Some((engine, _)) => format!("{engine}-"),
        None => name,
    }
}

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded compiled code from the cache.
    Hit,
    /// Compiled now (and stored, unless the cache could not be written).
    Compiled { stored: bool },
}

#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: PathBuf,
}

impl CompileCache {
    pub fn new(dir: PathBuf) -> CompileCache {
        CompileCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache file for `wasm` bytes under `engine`.
    pub fn entry(&self, engine: &PluginEngine, wasm: &[u8]) -> PathBuf {
        let digest = hex(&Sha256::digest(wasm));
        let compat = engine.compat_key();
        self.dir.join(format!(
            "{}-{digest}.cwasm",
            &compat[..compat.len().min(16)]
        ))
    }

    /// The component at `path`, from the cache or compiled (and cached).
    pub fn load(
        &self,
        engine: &PluginEngine,
        path: &Path,
    ) -> Result<(Component, CacheOutcome), PluginError> {
        let wasm = std::fs::read(path).map_err(|source| PluginError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let entry = self.entry(engine, &wasm);
        if entry.is_file() {
            // SAFETY: the file was written by `store` below from
            // `Component::serialize` of an engine with the same
            // compatibility key (part of the name), atomically by rename,
            // in the user's own cache folder; wasmtime checks its header.
            match unsafe { Component::deserialize_file(engine.engine(), &entry) } {
                Ok(c) => {
                    super::cache_prune::touch(&entry);
                    return Ok((c, CacheOutcome::Hit));
                }
                Err(e) => {
                    tracing::warn!(entry = %entry.display(), "unusable cached plugin code, compiling again: {e}");
                }
            }
        }
        let component =
            Component::new(engine.engine(), &wasm).map_err(|e| PluginError::Component {
                path: path.to_path_buf(),
                message: format!(
                    "not a valid WebAssembly component: {e}. Build it with `cargo build --target wasm32-wasip2 --release`"
                ),
            })?;
        let stored = match self.store(&component, &entry) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(dir = %self.dir.display(), "cannot cache compiled plugin code: {e}");
                false
            }
        };
        Ok((component, CacheOutcome::Compiled { stored }))
    }

    fn store(&self, component: &Component, entry: &Path) -> Result<(), String> {
        let bytes = component.serialize().map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let tmp = entry.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, entry).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            e.to_string()
        })?;
        let compat = engine_prefix(entry);
        super::cache_prune::prune(&self.dir, &compat, entry, super::cache_prune::MAX_BYTES);
        Ok(())
    }
}
