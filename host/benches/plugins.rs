//! Benchmark of the plugin host with the smallest plugin (host/tests/guests/
//! echo, built from source): first load (compiling the component), cached
//! load (compiled code from the disk cache), and the overhead of one call
//! of a 1 KB JSON echo tool, each call in a fresh store — next to the same
//! echo served over MCP stdio (`examples/mcp_test_server.rs`, built here in
//! the bench profile) and called through quire's own MCP client.
//!
//! Run: `cargo bench -p quire --bench plugins` (results go into
//! BENCHMARKS.md by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "plugins/mcp.rs"]
mod mcp;

#[allow(dead_code)]
#[path = "../tests/support/guests.rs"]
mod guests;
#[path = "../tests/support/shell_cargo.rs"]
mod shell_cargo;

use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::plugins::cache::{CacheOutcome, CompileCache};
use quire::plugins::{LoadedPlugin, PluginEngine, PluginTool, manifest};
use quire::tools::Tool;

const COMPILE_RUNS: usize = 5;
const LOAD_RUNS: usize = 200;
const WARMUP_CALLS: usize = 500;
const CALLS: usize = 20_000;
const MCP_STARTS: usize = 20;

fn main() {
    let wasm = guests::build("echo");
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin_dir = guests::plugin_dir(&dir.path().join("echo"), "echo", &wasm, "");
    let manifest = manifest::load(&plugin_dir.join("plugin.toml")).expect("manifest");
    let engine = PluginEngine::global().expect("engine");
    println!(
        "component: {} bytes; pooling allocator: {}",
        std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0),
        engine.uses_pooling()
    );

    // First load: compile into an empty cache.
    let mut compile = Vec::new();
    for i in 0..COMPILE_RUNS {
        let cache = CompileCache::new(dir.path().join(format!("cold-{i}")));
        let t = Instant::now();
        let (_, outcome) = cache.load(engine, &manifest.component).expect("compile");
        compile.push(t.elapsed());
        assert_eq!(outcome, CacheOutcome::Compiled { stored: true });
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cache = CompileCache::new(dir.path().join("cold-0"));

    // Cached load: from the disk cache to a plugin whose tools are listed.
    let mut prepare = Vec::new();
    let mut ready = Vec::new();
    let mut plugin = None;
    for _ in 0..LOAD_RUNS {
        let t = Instant::now();
        let p = rt
            .block_on(LoadedPlugin::load(
                engine,
                &cache,
                manifest.clone(),
                Default::default(),
            ))
            .expect("load");
        ready.push(t.elapsed());
        prepare.push(p.load.prepare);
        assert_eq!(p.load.cache, CacheOutcome::Hit);
        plugin = Some(p);
    }
    let plugin = plugin.expect("a plugin");

    // Call overhead: a 1 KB JSON argument, echoed back, fresh store per call.
    let args = one_kb_json();
    let mut calls = Vec::with_capacity(CALLS);
    rt.block_on(async {
        for _ in 0..WARMUP_CALLS {
            let _ = plugin.call("echo", &args).await;
        }
        for _ in 0..CALLS {
            let t = Instant::now();
            let out = plugin.call("echo", &args).await;
            calls.push(t.elapsed());
            assert_eq!(out.result.as_deref(), Ok(args.as_str()));
        }
    });

    // The same call as a session makes it, through the `Tool` trait, on a
    // multi-thread runtime like the binary's: the plugin tool, then the
    // echo of the MCP test server over stdio.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let plugin = Arc::new(plugin);
    let (tools, _) = PluginTool::all(&plugin);
    let echo = tools
        .into_iter()
        .find(|t| t.spec().name == "echo__echo")
        .expect("echo__echo");
    let value: serde_json::Value = serde_json::from_str(&args).expect("JSON");
    let mut tool_calls = rt.block_on(time_calls(&echo, &value, &args));

    let server = mcp::test_server();
    let (mut mcp_starts, mut mcp_calls) = rt.block_on(async {
        let mut starts = Vec::with_capacity(MCP_STARTS);
        for _ in 0..MCP_STARTS {
            let t = Instant::now();
            let started = mcp::start(&server).await;
            starts.push(t.elapsed());
            drop(started);
        }
        let (manager, tool) = mcp::start(&server).await;
        let text = value["text"].as_str().expect("text");
        let calls = time_calls(&*tool, &value, &format!("echo: {text}")).await;
        manager.shutdown();
        (starts, calls)
    });

    println!("\n| measure | runs | median | p90 | p99 | min |");
    println!("| --- | --- | --- | --- | --- | --- |");
    row("first load (compile)", &mut compile);
    row("cached load: deserialize + link", &mut prepare);
    row("cached load: ready (+ list-tools)", &mut ready);
    row("call of a 1 KB JSON echo (fresh store)", &mut calls);
    row("same, as a session tool (`Tool::call`)", &mut tool_calls);
    row("MCP stdio: start + handshake + tools/list", &mut mcp_starts);
    row("MCP stdio: call of the 1 KB JSON echo", &mut mcp_calls);
}

/// Times `CALLS` calls of `tool` with `args` after a warm-up, each result
/// checked against `expected`.
async fn time_calls(tool: &dyn Tool, args: &serde_json::Value, expected: &str) -> Vec<Duration> {
    let ctx = mcp::context();
    for _ in 0..WARMUP_CALLS {
        let _ = tool.call(args.clone(), &ctx).await;
    }
    let mut out = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let a = args.clone();
        let t = Instant::now();
        let result = tool.call(a, &ctx).await;
        out.push(t.elapsed());
        assert_eq!(result.map(|o| o.text).ok().as_deref(), Some(expected));
    }
    out
}

fn one_kb_json() -> String {
    let base = serde_json::json!({"text": ""}).to_string().len();
    let text = "x".repeat(1024 - base);
    let s = serde_json::json!({ "text": text }).to_string();
    assert_eq!(s.len(), 1024);
    s
}

fn row(name: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "| {name} | {} | {} | {} | {} | {} |",
        samples.len(),
        fmt(at(0.5)),
        fmt(at(0.9)),
        fmt(at(0.99)),
        fmt(samples[0])
    );
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 10_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}
