//! Compiled components on disk, keyed by the engine's compatibility hash
//! and the component's sha256, so a plugin is compiled once per quire
//! build and component.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use super::PluginError;
use super::engine::{PluginEngine, hex};
use super::manifest::MAX_COMPONENT_BYTES;

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

/// Why `wasm` could not be compiled, for the plugin's author: a core
/// module (what wasm32-wasip1 and wasm32-unknown-unknown produce) is told
/// apart from a file that is not WebAssembly or is damaged.
fn not_a_component(wasm: &[u8], e: &wasmtime::Error) -> String {
    const BUILD: &str = "Build it with `cargo build --target wasm32-wasip2 --release`";
    match wasm.get(..8) {
        // Magic, then version 1 of the core layer (0).
        Some([0, b'a', b's', b'm', 1, 0, 0, 0]) => "is a core WebAssembly module, not a component (built for wasm32-wasip1 or wasm32-unknown-unknown?): build it for wasm32-wasip2 (`cargo build --target wasm32-wasip2 --release`) or wrap it with `wasm-tools component new`".to_string(),
        Some([0, b'a', b's', b'm', ..]) => {
            format!("not a valid WebAssembly component: {e:#}. {BUILD}")
        }
        _ => format!("is not a WebAssembly file (it does not start with `\\0asm`). {BUILD}"),
    }
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
        self.load_with_sha256(engine, path).map(|(c, o, _)| (c, o))
    }

    /// [`CompileCache::load`], with the sha256 (hex) of the bytes loaded.
    pub fn load_with_sha256(
        &self,
        engine: &PluginEngine,
        path: &Path,
    ) -> Result<(Component, CacheOutcome, String), PluginError> {
        let wasm = read_component(path)?;
        let sha256 = hex(&Sha256::digest(&wasm));
        let (component, outcome) = self.load_bytes(engine, path, &wasm)?;
        Ok((component, outcome, sha256))
    }

    fn load_bytes(
        &self,
        engine: &PluginEngine,
        path: &Path,
        wasm: &[u8],
    ) -> Result<(Component, CacheOutcome), PluginError> {
        let entry = self.entry(engine, wasm);
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
            Component::new(engine.engine(), wasm).map_err(|e| PluginError::Component {
                path: path.to_path_buf(),
                message: not_a_component(wasm, &e),
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

/// The bytes of the component file at `path`, refused when over
/// [`MAX_COMPONENT_BYTES`] (checked on the open file, and never more than
/// that read).
pub fn read_component(path: &Path) -> Result<Vec<u8>, PluginError> {
    use std::io::Read;
    let io = |source| PluginError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::file_kind::open_regular(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let too_big = |bytes| PluginError::Component {
        path: path.to_path_buf(),
        message: format!(
            "is {bytes} bytes, over the limit of {} MiB for a component; it is not read",
            MAX_COMPONENT_BYTES >> 20
        ),
    };
    if len > MAX_COMPONENT_BYTES {
        return Err(too_big(len));
    }
    let mut wasm = Vec::with_capacity(len as usize);
    file.take(MAX_COMPONENT_BYTES + 1)
        .read_to_end(&mut wasm)
        .map_err(io)?;
    if wasm.len() as u64 > MAX_COMPONENT_BYTES {
        return Err(too_big(wasm.len() as u64));
    }
    Ok(wasm)
}
