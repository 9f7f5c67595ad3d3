//! Benchmark: the per-call overhead of tool hooks. One trivial tool call
//! goes through `ToolRegistry::run_calls` with 0, 1 and 5 no-op command
//! hooks on `PreToolUse` (each a `bash -c true` process that reads its
//! input), with 5 hooks whose matcher does not fit the tool (the cost
//! of having hooks that do not fire), and with one WASM hook (the
//! rm-guard example plugin, built from source: a fresh instance per call
//! under its limits, which reads the input and allows the call).
//!
//! Reports the median and p90 wall time of one call over 100 calls (after
//! 5 warm-up calls); the overhead is the difference to the row without
//! hooks.
//!
//! Run: `cargo bench -p quire --bench hooks` (results go into
//! BENCHMARKS.md by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
#[path = "../tests/support/guests.rs"]
mod guests;

use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::agent::EventSink;
use quire::hooks::config::{TrustState, compile_matcher};
use quire::hooks::{Hook, HookDef, HookEvent, HookKind, HookScope, Hooks, SessionInfo};
use quire::model::ToolCall;
use quire::plugins::cache::CompileCache;
use quire::plugins::grants::{self, GrantContext};
use quire::plugins::{LoadedPlugin, PluginEngine, manifest};
use quire::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolRegistry, ToolSpec};
use serde_json::{Value, json};

const CALLS: usize = 100;
const WARMUP: usize = 5;

struct Noop(ToolSpec);

#[async_trait::async_trait]
impl Tool for Noop {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }
    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text("ok"))
    }
}

fn hook(matcher: &str) -> Hook {
    Hook {
        event: HookEvent::PreToolUse,
        def: HookDef {
            matcher: Some(matcher.into()),
            kind: HookKind::Command,
            command: Some("cat > /dev/null; true".into()),
            url: None,
            headers: Default::default(),
            allowed_env_vars: Vec::new(),
            timeout_sec: Some(10),
            plugin: None,
            name: None,
            if_rule: None,
            background: false,
        },
        matcher: compile_matcher(Some(matcher)).ok().flatten(),
        claude_matcher: None,
        source: "bench".into(),
        scope: HookScope::User,
        claude: false,
        plugin_root: None,
        root_alias: None,
        plugin_data: None,
        condition: None,
        hash: "0".repeat(64),
        trust: TrustState::User,
        pinned: None,
        approved_before: false,
    }
}

/// The rm-guard example as a loaded plugin, and its hook on `noop`.
fn wasm_hook(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> (Hook, Arc<LoadedPlugin>) {
    let wasm = guests::build_example("rm-guard");
    let example = guests::root().join("examples/plugins/rm-guard");
    let plugin_dir = dir.join("rm-guard");
    std::fs::create_dir_all(&plugin_dir).expect("plugin dir");
    std::fs::copy(&wasm, plugin_dir.join("rm_guard.wasm")).expect("copy component");
    std::fs::copy(example.join("plugin.toml"), plugin_dir.join("plugin.toml")).expect("copy toml");
    let manifest = manifest::load(&plugin_dir.join("plugin.toml")).expect("manifest");
    let grants = grants::resolve(&manifest, &GrantContext::new(dir.to_path_buf()));
    let cache = CompileCache::new(dir.join("cache"));
    let engine = PluginEngine::global().expect("engine");
    let plugin = rt
        .block_on(LoadedPlugin::load(engine, &cache, manifest, grants))
        .expect("load rm-guard");
    let mut h = hook("noop");
    h.def.kind = HookKind::Wasm;
    h.def.command = None;
    h.def.plugin = Some("rm-guard".into());
    (h, Arc::new(plugin))
}

fn registry(
    hooks: Vec<Hook>,
    plugins: &[Arc<LoadedPlugin>],
    dir: &std::path::Path,
) -> ToolRegistry {
    let mut reg = ToolRegistry::new(16 * 1024);
    reg.register(Arc::new(Noop(ToolSpec {
        name: "noop".into(),
        description: "does nothing".into(),
        parameters: json!({"type": "object"}),
        read_only: false,
        destructive: false,
    })));
    let info = SessionInfo {
        session_id: "bench".into(),
        transcript_path: dir.join("session.jsonl"),
        cwd: dir.to_path_buf(),
        project_dir: dir.to_path_buf(),
        permission_mode: "never".into(),
        claude_permission_mode: "dontAsk".into(),
        env: Vec::new(),
    };
    let (hooks, _) = Hooks::new(hooks, info, EventSink::null()).with_plugins(plugins);
    reg.set_hooks(Some(Arc::new(hooks)));
    reg
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn measure(reg: &ToolRegistry, ctx: &ToolContext) -> (Duration, Duration) {
    let call = vec![ToolCall {
        call_id: "c".into(),
        name: "noop".into(),
        arguments: "{}".into(),
    }];
    for _ in 0..WARMUP {
        reg.run_calls(&call, ctx, &mut |_| {}).await;
    }
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        reg.run_calls(&call, ctx, &mut |_| {}).await;
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.9))
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = ToolContext::standalone(dir.path());
    let rows: Vec<(&str, Vec<Hook>)> = vec![
        ("0 hooks", vec![]),
        ("1 no-op command hook", vec![hook("noop")]),
        (
            "5 no-op command hooks",
            (0..5).map(|_| hook("noop")).collect(),
        ),
        (
            "5 hooks, matcher does not fit",
            (0..5).map(|_| hook("other")).collect(),
        ),
    ];
    let (wasm, plugin) = wasm_hook(&rt, dir.path());
    let rows: Vec<(&str, Vec<Hook>)> = rows
        .into_iter()
        .chain([("1 WASM hook (rm-guard example)", vec![wasm])])
        .collect();
    let plugins = [plugin];
    println!("| hooks | median per call | p90 per call |");
    println!("|---|---:|---:|");
    let mut base = None;
    for (label, hooks) in rows {
        let reg = registry(hooks, &plugins, dir.path());
        let (median, p90) = rt.block_on(measure(&reg, &ctx));
        let base_median = *base.get_or_insert(median);
        println!(
            "| {label} | {:.2} ms (+{:.2} ms) | {:.2} ms |",
            median.as_secs_f64() * 1e3,
            median.saturating_sub(base_median).as_secs_f64() * 1e3,
            p90.as_secs_f64() * 1e3
        );
    }
}
