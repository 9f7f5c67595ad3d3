//! A loaded plugin: its component linked once (pre-instantiated), its tools
//! listed, and calls that each run in a fresh store under the limits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::Store;

use super::PluginError;
use super::cache::{CacheOutcome, CompileCache};
use super::engine::PluginEngine;
use super::explain::{explain, is_deadline};
use super::grants::{Grants, HostAllowList};
use super::limits;
use super::manifest::Manifest;
use super::memory_budget::MemoryBudget;
use super::state::{CallTrace, PluginState};
use super::world::{self, GuestError, HookCall, HookReply, PluginPre, ToolInfo};

/// How the component was loaded.
#[derive(Debug, Clone)]
pub struct LoadInfo {
    pub cache: CacheOutcome,
    /// Reading (or compiling) and linking, without listing tools.
    pub prepare: Duration,
    /// The sha256 (hex) of the component bytes loaded.
    pub sha256: String,
}

/// The longest `list-tools` may run, whatever `limits.timeout_ms` says:
/// every session start waits for it.
pub const LIST_TOOLS_LIMIT: Duration = Duration::from_secs(10);

/// The time `list-tools` gets: the plugin's `timeout_ms`, at most
/// [`LIST_TOOLS_LIMIT`].
pub fn list_tools_limit(timeout_ms: u64) -> Duration {
    Duration::from_millis(timeout_ms).min(LIST_TOOLS_LIMIT)
}

pub struct LoadedPlugin {
    pub manifest: Manifest,
    pub world_version: &'static str,
    pub tools: Vec<ToolInfo>,
    pub grants: Grants,
    pub load: LoadInfo,
    name: Arc<str>,
    allow: Arc<HostAllowList>,
    pre: PluginPre,
    engine: wasmtime::Engine,
    /// What its calls running at once may hold together.
    memory: MemoryBudget,
}

/// Why a call did not return a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The plugin returned a `tool-error`.
    Guest(GuestError),
    /// The host stopped or lost the call (trap, panic, limit, deadline);
    /// the text names the plugin and the cause.
    Stopped(String),
}

impl CallError {
    pub fn message(&self, plugin: &str) -> String {
        match self {
            CallError::Guest(GuestError::InvalidArguments(m)) => format!("invalid arguments: {m}"),
            CallError::Guest(GuestError::UnknownTool(t)) => {
                format!("plugin '{plugin}' has no tool '{t}'")
            }
            CallError::Guest(GuestError::Failed(m)) => m.clone(),
            CallError::Stopped(m) => m.clone(),
        }
    }
}

/// The result of one call and what it printed and logged.
#[derive(Debug)]
pub struct CallOutcome {
    pub result: Result<String, CallError>,
    pub trace: CallTrace,
    pub duration: Duration,
}

impl LoadedPlugin {
    /// Compiles (or loads from `cache`) and links the component, checks
    /// its world version and lists its tools.
    pub async fn load(
        engine: &PluginEngine,
        cache: &CompileCache,
        manifest: Manifest,
        grants: Grants,
    ) -> Result<LoadedPlugin, PluginError> {
        let started = Instant::now();
        if let Some(message) = manifest.component_problem() {
            return Err(PluginError::Runtime {
                plugin: manifest.name.clone(),
                message,
            });
        }
        let (component, outcome, sha256) = cache.load_with_sha256(engine, &manifest.component)?;
        let component_err = |message: String| PluginError::Component {
            path: manifest.component.clone(),
            message,
        };
        let version = world::version_of(&component, engine.engine())
            .map_err(|m| component_err(m.explain()))?;
        let pre = engine
            .linker()
            .instantiate_pre(&component)
            .map_err(|e| component_err(format!("cannot be linked: {e}")))?;
        let pre = PluginPre::new(version, pre).map_err(|e| component_err(e.to_string()))?;
        let load = LoadInfo {
            cache: outcome,
            prepare: started.elapsed(),
            sha256,
        };
        let name: Arc<str> = Arc::from(manifest.name.as_str());
        let mut plugin = LoadedPlugin {
            world_version: version,
            tools: Vec::new(),
            grants,
            load,
            allow: Arc::new(HostAllowList::default()),
            pre,
            engine: engine.engine().clone(),
            memory: MemoryBudget::new(manifest.limits.memory_mb),
            name,
            manifest,
        };
        plugin.allow = Arc::new(plugin.grants.net.clone());
        plugin.tools = plugin.list_tools().await?;
        Ok(plugin)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why `list-tools` was stopped at `limit` ([`list_tools_limit`]).
    fn not_listed(&self, limit: Duration) -> String {
        format!(
            "plugin '{}' did not list its tools within {} ms (listing is limited to the smaller of limits.timeout_ms in {} and {} ms)",
            self.name,
            limit.as_millis(),
            self.manifest.path.display(),
            LIST_TOOLS_LIMIT.as_millis()
        )
    }

    /// Runs `list-tools` in a store with no grants, within
    /// [`list_tools_limit`].
    async fn list_tools(&self) -> Result<Vec<ToolInfo>, PluginError> {
        let outcome = self
            .run(&Grants::default(), Arc::default(), Op::ListTools)
            .await;
        match outcome.result {
            Ok(Answer::Tools(tools)) => Ok(tools),
            Ok(Answer::Text(_) | Answer::Hook(_)) => Ok(Vec::new()),
            Err(e) => Err(PluginError::Runtime {
                plugin: self.name.to_string(),
                message: format!("list-tools failed: {}", e.message(&self.name)),
            }),
        }
    }

    /// Runs one tool in a fresh store.
    pub async fn call(&self, tool: &str, arguments: &str) -> CallOutcome {
        let out = self
            .run(&self.grants, self.allow.clone(), Op::Call(tool, arguments))
            .await;
        let mut result = out.result.map(|a| match a {
            // Raw: the registry caps (at most `limits.output_kb`).
            Answer::Text(t) => t,
            Answer::Tools(_) | Answer::Hook(_) => String::new(),
        });
        // A guest may hide why its request failed; the model should know.
        if let Err(CallError::Guest(GuestError::Failed(m))) = &mut result
            && !out.trace.refused_hosts.is_empty()
            && !m.contains("quire refused")
        {
            m.push_str(&format!(
                " (quire refused the plugin's HTTP requests to {}: not in its permissions.net)",
                out.trace.refused_hosts.join(", ")
            ));
        }
        CallOutcome {
            result,
            trace: out.trace,
            duration: out.duration,
        }
    }

    /// Whether the component's world has the `hooks` export (0.2.0 on).
    pub fn handles_hooks(&self) -> bool {
        self.pre.has_hooks()
    }

    /// Handles one hook event in a fresh store, under the same grants and
    /// limits as a tool call.
    pub async fn hook(&self, event: &str, payload: &str) -> HookOutcome {
        let call = HookCall { event, payload };
        let out = self
            .run(&self.grants, self.allow.clone(), Op::Hook(call))
            .await;
        let result = out.result.map(|a| match a {
            Answer::Hook(reply) => reply,
            Answer::Tools(_) | Answer::Text(_) => HookReply::default(),
        });
        HookOutcome {
            result,
            duration: out.duration,
        }
    }

    /// One operation in a fresh store: WASI from `grants`, memory capped,
    /// stopped at the deadline by the epoch and by an outer timeout (which
    /// also covers a guest waiting in a host call).
    /// Waits first while the plugin's calls running hold too much of its
    /// memory budget for one more ([`MemoryBudget`]).
    async fn run(&self, grants: &Grants, allow: Arc<HostAllowList>, op: Op<'_>) -> Outcome {
        let in_use = self.memory.in_use_mb();
        let memory = self.memory.reserve().await;
        if memory.waited {
            tracing::debug!(
                plugin = &*self.name,
                "waited for memory: its calls running held {in_use} of the {} MiB they may hold together",
                self.memory.total_mb()
            );
        }
        let started = Instant::now();
        let limits = self.manifest.limits;
        let listing = matches!(op, Op::ListTools);
        let timeout = if listing {
            list_tools_limit(limits.timeout_ms)
        } else {
            Duration::from_millis(limits.timeout_ms)
        };
        let state = match PluginState::new(self.name.clone(), grants, allow, &limits) {
            Ok(s) => s,
            Err(e) => {
                return Outcome {
                    result: Err(CallError::Stopped(e.to_string())),
                    trace: CallTrace::default(),
                    duration: started.elapsed(),
                };
            }
        };
        let observers = state.observers();
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        limits::set_deadline(&mut store, started + timeout);
        let pre = &self.pre;
        let call = async move {
            let r = match op {
                Op::ListTools => pre
                    .list_tools(&mut store)
                    .await
                    .map(|t| Ok(Answer::Tools(t))),
                Op::Call(tool, args) => pre
                    .call_tool(&mut store, tool, args)
                    .await
                    .map(|r| r.map(Answer::Text)),
                Op::Hook(call) => pre
                    .handle_hook(&mut store, &call)
                    .await
                    .map(|r| r.map(Answer::Hook).map_err(GuestError::Failed)),
            };
            (r, store.data_mut().trace())
        };
        let (result, trace) = match tokio::time::timeout(timeout, call).await {
            Ok((Ok(Ok(v)), trace)) => (Ok(v), trace),
            Ok((Ok(Err(g)), trace)) => (Err(CallError::Guest(g)), trace),
            Ok((Err(e), trace)) if listing && is_deadline(&e) => {
                (Err(CallError::Stopped(self.not_listed(timeout))), trace)
            }
            Ok((Err(e), trace)) => {
                let why = explain(&self.manifest, &e, &trace);
                (Err(CallError::Stopped(why)), trace)
            }
            Err(_elapsed) if listing => {
                let trace = observers.trace();
                (Err(CallError::Stopped(self.not_listed(timeout))), trace)
            }
            Err(_elapsed) => {
                let trace = observers.trace();
                let e = wasmtime::Error::new(limits::DeadlineReached);
                let why = explain(&self.manifest, &e, &trace);
                (Err(CallError::Stopped(why)), trace)
            }
        };
        log_trace(&self.name, &trace);
        Outcome {
            result,
            trace,
            duration: started.elapsed(),
        }
    }
}

enum Op<'a> {
    ListTools,
    Call(&'a str, &'a str),
    Hook(HookCall<'a>),
}

enum Answer {
    Tools(Vec<ToolInfo>),
    Text(String),
    Hook(HookReply),
}

/// The result of one hook call.
#[derive(Debug)]
pub struct HookOutcome {
    pub result: Result<HookReply, CallError>,
    pub duration: Duration,
}

struct Outcome {
    result: Result<Answer, CallError>,
    trace: CallTrace,
    duration: Duration,
}

fn log_trace(plugin: &str, trace: &CallTrace) {
    for (name, c) in [("stdout", &trace.stdout), ("stderr", &trace.stderr)] {
        if !c.text.is_empty() {
            tracing::debug!(plugin, stream = name, dropped = c.dropped, "{}", c.text);
        }
    }
    if trace.log_dropped > 0 {
        tracing::warn!(
            plugin,
            "… {} more log lines dropped (limits.output_kb)",
            trace.log_dropped
        );
    }
}
