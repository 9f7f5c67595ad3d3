//! Loading test plugins through the library: the guest component built
//! from source, a plugin folder with a chosen plugin.toml, grants for a
//! temporary workspace, and a compile cache shared by the test process.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use quire::plugins::cache::CompileCache;
use quire::plugins::grants::{self, GrantContext};
use quire::plugins::{LoadedPlugin, PluginEngine, manifest};

use super::guests;

/// The compile cache of the tests (kept between runs under target/).
pub fn shared_cache() -> CompileCache {
    CompileCache::new(guests::target_dir().join("test-compile-cache"))
}

/// Compiles `guest` into the shared cache once per process, so tests that
/// start together do not all compile it at the same time.
pub fn warm(guest: &str) -> PathBuf {
    static WARMED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let wasm = guests::build(guest);
    let mut warmed = WARMED.lock().unwrap_or_else(|p| p.into_inner());
    if !warmed.iter().any(|g| g == guest) {
        let engine = PluginEngine::global().expect("engine");
        shared_cache()
            .load(engine, &wasm)
            .expect("compile the guest component");
        warmed.push(guest.to_string());
    }
    wasm
}

/// A workspace and a plugin folder in one temp dir.
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The workspace (canonical, as grants resolve it).
    pub fn workspace(&self) -> PathBuf {
        let ws = self.dir.path().join("ws");
        std::fs::create_dir_all(&ws).expect("workspace");
        std::fs::canonicalize(ws).expect("canonical workspace")
    }

    /// Loads `guest` as plugin `name` with `extra` appended to its
    /// plugin.toml (permissions, limits).
    pub async fn load(&self, guest: &str, name: &str, extra: &str) -> LoadedPlugin {
        self.try_load(guest, name, extra)
            .await
            .expect("load plugin")
    }

    pub async fn try_load(
        &self,
        guest: &str,
        name: &str,
        extra: &str,
    ) -> Result<LoadedPlugin, quire::plugins::PluginError> {
        let wasm = warm(guest);
        let dir = guests::plugin_dir(
            &self.dir.path().join("plugins").join(name),
            name,
            &wasm,
            extra,
        );
        let m = manifest::load(&dir.join("plugin.toml"))?;
        let mut ctx = GrantContext::new(self.workspace());
        ctx.tmp_root = self.dir.path().join("tmp");
        let g = grants::resolve(&m, &ctx);
        let engine = PluginEngine::global()?;
        LoadedPlugin::load(engine, &shared_cache(), m, g).await
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.workspace().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }
}

/// The text of a path for a JSON argument.
pub fn arg(p: &Path) -> String {
    p.display().to_string()
}
