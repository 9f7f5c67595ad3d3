//! The one wasmtime `Engine` of the process: component model, epoch
//! interruption driven by a ticking thread, the pooling allocator, and a
//! linker with WASI p2, `wasi:http` and every supported world version.

use std::hash::Hasher;
use std::sync::OnceLock;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::Linker;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::PluginError;
use super::limits::MAX_TABLE_ELEMENTS;
use super::manifest::MAX_MEMORY_MB;
use super::state::PluginState;
use super::world;

/// How often the epoch advances: the granularity of deadlines.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Calls (stores) that may run at once across all plugins.
const POOL_INSTANCES: u32 = 64;

pub struct PluginEngine {
    engine: Engine,
    linker: Linker<PluginState>,
    pooling: bool,
    compat: String,
}

static GLOBAL: OnceLock<Result<PluginEngine, String>> = OnceLock::new();

impl PluginEngine {
    /// The process-wide engine, made on first use.
    pub fn global() -> Result<&'static PluginEngine, PluginError> {
        GLOBAL
            .get_or_init(|| PluginEngine::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| PluginError::Engine(e.clone()))
    }

    /// A new engine with its own epoch ticker. Prefer [`PluginEngine::global`].
    pub fn new() -> Result<PluginEngine, PluginError> {
        let (engine, pooling) = match Engine::new(&config(true)) {
            Ok(e) => (e, true),
            Err(e) => {
                tracing::warn!(
                    "the pooling allocator is not available ({e}); plugins use on-demand allocation"
                );
                let e =
                    Engine::new(&config(false)).map_err(|e| PluginError::Engine(e.to_string()))?;
                (e, false)
            }
        };
        start_ticker(&engine);
        let mut linker = Linker::new(&engine);
        add_imports(&mut linker).map_err(|e| PluginError::Engine(e.to_string()))?;
        let compat = compat_key(&engine);
        Ok(PluginEngine {
            engine,
            linker,
            pooling,
            compat,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn linker(&self) -> &Linker<PluginState> {
        &self.linker
    }

    pub fn uses_pooling(&self) -> bool {
        self.pooling
    }

    /// Hex digest of the engine's compatibility hash: compiled code is
    /// reusable exactly by engines with the same key.
    pub fn compat_key(&self) -> &str {
        &self.compat
    }
}

fn compat_key(engine: &Engine) -> String {
    let mut h = ShaHasher(Sha256::new());
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut h);
    hex(&h.0.finalize())
}

fn config(pooling: bool) -> Config {
    let mut c = Config::new();
    c.wasm_component_model(true).epoch_interruption(true);
    if pooling {
        let mut p = PoolingAllocationConfig::new();
        p.total_component_instances(POOL_INSTANCES)
            .total_core_instances(POOL_INSTANCES * 8)
            .total_memories(POOL_INSTANCES * 2)
            .total_tables(POOL_INSTANCES * 4)
            .total_stacks(POOL_INSTANCES)
            .max_tables_per_module(2)
            .table_elements(MAX_TABLE_ELEMENTS)
            .max_memory_size((MAX_MEMORY_MB as usize) << 20);
        c.allocation_strategy(InstanceAllocationStrategy::Pooling(p));
    }
    c
}

fn add_imports(linker: &mut Linker<PluginState>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_async(linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker)?;
    world::add_to_linker(linker)
}

/// Advances the epoch every [`EPOCH_TICK`] while the engine lives.
fn start_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("quire-plugin-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        });
    if let Err(e) = spawned {
        // Without ticks deadlines still hold through the outer timeout.
        tracing::warn!("cannot start the plugin epoch ticker: {e}");
    }
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
