//! The data of one store (one call): WASI built from the grants and nothing
//! else, the HTTP allow-list, the memory limiter, captured output and log.

use std::sync::{Arc, Mutex};

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use super::PluginError;
use super::grants::{Grants, HostAllowList};
use super::http::AllowListHooks;
use super::limits::MemoryLimiter;
use super::manifest::{Access, Limits};
use super::output::{BoundedOutput, Captured};

/// The log levels of the world (the same in every version so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// Log lines of one call, bounded like stdout.
#[derive(Debug, Default)]
pub struct CallLog {
    pub lines: Vec<(LogLevel, String)>,
    bytes: usize,
    limit: usize,
    pub dropped: u64,
}

impl CallLog {
    fn new(limit: usize) -> CallLog {
        CallLog {
            limit,
            ..Default::default()
        }
    }

    pub fn push(&mut self, plugin: &str, level: LogLevel, message: String) {
        if self.bytes + message.len() > self.limit {
            self.dropped += 1;
            return;
        }
        match level {
            LogLevel::Trace => tracing::trace!(plugin, "{message}"),
            LogLevel::Debug => tracing::debug!(plugin, "{message}"),
            LogLevel::Info => tracing::info!(plugin, "{message}"),
            LogLevel::Warn => tracing::warn!(plugin, "{message}"),
            LogLevel::Error => tracing::error!(plugin, "{message}"),
        }
        self.bytes += message.len();
        self.lines.push((level, message));
    }
}

/// `T` of `Store<T>` for plugins.
pub struct PluginState {
    pub plugin: Arc<str>,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: AllowListHooks,
    table: ResourceTable,
    pub limiter: MemoryLimiter,
    pub log: CallLog,
    stdout: BoundedOutput,
    stderr: BoundedOutput,
}

/// What a finished call left behind besides its result.
#[derive(Debug, Default)]
pub struct CallTrace {
    pub stdout: Captured,
    pub stderr: Captured,
    pub log: Vec<(LogLevel, String)>,
    pub log_dropped: u64,
    pub refused_hosts: Vec<String>,
    pub memory_limit_hit: bool,
}

impl PluginState {
    /// WASI for one call: preopens, env and cwd from `grants`; stdin closed;
    /// no sockets, no name lookups, no args.
    pub fn new(
        plugin: Arc<str>,
        grants: &Grants,
        allow: Arc<HostAllowList>,
        limits: &Limits,
    ) -> Result<PluginState, PluginError> {
        let out_limit = limits.output_bytes();
        let stdout = BoundedOutput::new(out_limit);
        let stderr = BoundedOutput::new(out_limit);
        let mut b = WasiCtxBuilder::new();
        b.stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        for (k, v) in &grants.env {
            b.env(k, v);
        }
        if let Some(cwd) = &grants.cwd {
            b.initial_cwd(cwd);
        }
        for d in &grants.dirs {
            let perms = match d.access {
                Access::Ro => FsPerms::ReadOnly,
                Access::Rw => FsPerms::ReadWrite,
            };
            b.preopened_dir(d.mount_path(), &d.guest, perms)
                .map_err(|e| PluginError::Runtime {
                    plugin: plugin.to_string(),
                    message: format!("cannot open granted folder {}: {e}", d.host.display()),
                })?;
            // The working directory once more as `.`: wasi-libc (Rust's
            // std on wasm32-wasip2) ignores WASI's initial-cwd and resolves
            // a relative path against the preopen whose name is a prefix of
            // it, so only a `.` preopen makes `std::fs::read("notes.txt")`
            // read the workspace's file. Longer names win: the grants at
            // their real paths are unchanged.
            if grants.cwd.as_deref() == Some(d.guest.as_str()) {
                b.preopened_dir(d.mount_path(), ".", perms)
                    .map_err(|e| PluginError::Runtime {
                        plugin: plugin.to_string(),
                        message: format!("cannot open granted folder {}: {e}", d.host.display()),
                    })?;
            }
        }
        Ok(PluginState {
            hooks: AllowListHooks {
                plugin: plugin.clone(),
                allow,
                refused: Arc::new(Mutex::new(Vec::new())),
            },
            plugin,
            wasi: b.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(limits.memory_bytes()),
            log: CallLog::new(out_limit),
            stdout,
            stderr,
        })
    }

    pub fn trace(&mut self) -> CallTrace {
        CallTrace {
            stdout: self.stdout.captured(),
            stderr: self.stderr.captured(),
            log: std::mem::take(&mut self.log.lines),
            log_dropped: self.log.dropped,
            refused_hosts: self
                .hooks
                .refused
                .lock()
                .map(|r| r.clone())
                .unwrap_or_default(),
            memory_limit_hit: self.limiter.hit,
        }
    }

    /// Handles to read what the guest wrote even when the store is gone
    /// (a call dropped at its timeout).
    pub fn observers(&self) -> Observers {
        Observers {
            stdout: self.stdout.clone(),
            stderr: self.stderr.clone(),
            refused: self.hooks.refused.clone(),
        }
    }
}

/// See [`PluginState::observers`].
#[derive(Clone)]
pub struct Observers {
    stdout: BoundedOutput,
    stderr: BoundedOutput,
    refused: Arc<Mutex<Vec<String>>>,
}

impl Observers {
    pub fn trace(&self) -> CallTrace {
        CallTrace {
            stdout: self.stdout.captured(),
            stderr: self.stderr.captured(),
            refused_hosts: self.refused.lock().map(|r| r.clone()).unwrap_or_default(),
            ..Default::default()
        }
    }
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for PluginState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}
