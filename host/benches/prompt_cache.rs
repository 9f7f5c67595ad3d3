//! Benchmark: how cache-friendly quire's prompts are. Scripted sessions of
//! ten messages (each: a first tool, `read_file`, `list_dir`, then the
//! answer — four requests a message) with 100 skills and 200 tools named
//! like the tools of ten MCP servers, run through a real `Session` against
//! the scripted model server on 127.0.0.1, once per wire API. Two scripts:
//! `one task` (a bug fix: GitHub issue, code work with the built-in tools,
//! Jira and GitHub at the end) and `ten services` (the worst case: every
//! message needs another server's tools, so the tool list grows each time).
//!
//! For every request it reports the share of its bytes that is a prefix
//! shared with the previous request, in the provider's order (tools, then
//! the system prompt, then the items; Anthropic's `cache_control` markers
//! left out), and estimates the session's input cost at published prices
//! with and without the provider's prompt cache (see `share.rs` for the
//! model of each provider's cache).
//!
//! The tools answer with canned text and no server processes run: what is
//! measured is the prompt, which is the same as with real servers.
//!
//! Run: `cargo bench -p quire --bench prompt_cache` (any profile gives the
//! same numbers: nothing is timed). Results go into BENCHMARKS.md by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "prompt_cache/script.rs"]
mod script;
#[path = "prompt_cache/share.rs"]
mod share;
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use quire::agent::{EventSink, Session, SessionOptions, TaskStatus};
use quire::config::{Config, ProviderEntry};
use quire::model::WireApi;
use quire::skills::SkillsConfig;
use quire::skills::extension::attach_with;
use quire::skills::select::{Paths, SelectionOptions};
use quire::tools::approval::DenyAll;
use quire::tools::select::Join;
use serde_json::json;
use support::model_server::{ModelServer, Reply, Step};
use tokio_util::sync::CancellationToken;

const WIRES: [(&str, WireApi); 3] = [
    ("responses", WireApi::Responses),
    ("chat", WireApi::Chat),
    ("anthropic", WireApi::Anthropic),
];

/// A script: the messages of one session.
type Script = fn() -> Vec<script::Message>;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "| script | tools join | wire (prices) | requests | input KB | prefix share (all bytes) | per request: min / median | requests < 0.95 | extend the previous request | tool list changed | est. input cost without cache | with cache | saved |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let scripts: [(&str, Script); 2] = [
        ("one task", script::one_task),
        ("ten services", script::ten_services),
    ];
    for (label, messages) in scripts {
        for join in [Join::Context, Join::List] {
            for (name, wire) in WIRES {
                let bodies = rt.block_on(run_session(wire, join, messages()));
                let mode = match join {
                    Join::Context => "context",
                    Join::List => "list",
                };
                report(&format!("{label} | {mode}"), name, &bodies);
            }
        }
    }
}

/// Runs the scripted session on `wire`; returns the request bodies.
async fn run_session(
    wire: WireApi,
    join: Join,
    messages: Vec<script::Message>,
) -> Vec<serde_json::Value> {
    let server = ModelServer::start();
    let home = tempfile::tempdir().expect("temp home");
    let cwd = tempfile::tempdir().expect("temp cwd");
    std::fs::write(cwd.path().join("README.md"), script::readme()).expect("write README");
    let mut config = Config {
        provider: "bench".into(),
        model: "m".into(),
        ..Config::default()
    };
    config.skills.enabled = false;
    config.tool_selection.join = join;
    let base_url = match wire {
        WireApi::Anthropic => server.base_url_anthropic(),
        _ => server.base_url_openai(),
    };
    config.providers.insert(
        "bench".into(),
        ProviderEntry {
            wire_api: Some(wire),
            base_url: Some(base_url),
            ..Default::default()
        },
    );
    let mut session = Session::start(SessionOptions {
        config,
        home: home.path().into(),
        cwd: cwd.path().into(),
        resume: None,
        approver: Arc::new(DenyAll),
        events: EventSink::null(),
    })
    .expect("session");
    for t in script::tools() {
        session.register_tool(Arc::new(t));
    }
    let skills = script::skills();
    let opts = SelectionOptions {
        config: SkillsConfig::default(),
        loader: Arc::new(move || skills.clone()),
        cache_dir: None,
        paths: Paths::default(),
    };
    attach_with(&mut session, opts, 16 * 1024);
    for (m, msg) in messages.into_iter().enumerate() {
        let answer = format!(
            "Done with step {m}. I used {} and read the README; the results are above. Next, tell me what to do with them or ask for the following step in the plan.",
            msg.tool
        );
        // In context mode a tool the list may lack is called through
        // `call_tool` (the built-in ones are always listed).
        let first = if join == Join::Context && msg.tool.contains("__") {
            Reply::tool_call(
                format!("c{m}a"),
                "call_tool",
                json!({"name": msg.tool, "arguments": msg.args}),
            )
        } else {
            Reply::tool_call(format!("c{m}a"), msg.tool, msg.args.clone())
        };
        server.push_all([
            first,
            Reply::tool_call(format!("c{m}b"), "read_file", json!({"path": "README.md"})),
            Reply::tool_call(format!("c{m}c"), "list_dir", json!({})),
            Reply::steps(vec![Step::text(answer)]),
        ]);
        let out = session.run_task(msg.text, CancellationToken::new()).await;
        assert_eq!(out.status, TaskStatus::Done, "{}: {out:?}", msg.text);
    }
    server.requests().into_iter().map(|r| r.body).collect()
}

fn report(label: &str, wire: &str, bodies: &[serde_json::Value]) {
    let flats: Vec<share::Flat> = bodies.iter().map(|b| share::flatten(wire, b)).collect();
    let prices = share::prices(wire);
    let mut shares = Vec::new();
    let (mut total, mut shared_all) = (0usize, 0usize);
    let (mut without, mut with) = (0.0, 0.0);
    let mut tools_changed = 0;
    // Requests whose bytes start with the whole previous request.
    let mut extends = 0;
    for (i, f) in flats.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &flats[p]);
        let shared = prev.map_or(0, |p| share::common_prefix(&p.text, &f.text));
        if let Some(p) = prev {
            if shared == p.text.len() {
                extends += 1;
            }
            shares.push(shared as f64 / f.text.len() as f64);
            shared_all += shared;
            total += f.text.len();
            if p.text[..p.tools_end] != f.text[..f.tools_end] {
                tools_changed += 1;
                if std::env::var_os("PROMPT_CACHE_DEBUG").is_some() {
                    let names = |b: &serde_json::Value| -> Vec<String> {
                        b["tools"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|t| t["name"].as_str().or(t["function"]["name"].as_str()))
                            .map(str::to_string)
                            .collect()
                    };
                    let (a, b) = (names(&bodies[i - 1]), names(&bodies[i]));
                    let joined: Vec<&String> = b.iter().filter(|t| !a.contains(t)).collect();
                    eprintln!(
                        "  {label} {wire}: request {} tools joined {joined:?}",
                        i + 1
                    );
                }
            }
        }
        let input = share::tokens(f.text.len());
        let cached = share::cached_tokens(wire, prev, shared, f.text.len());
        without += input * prices.input / 1e6;
        with += share::cost(wire, &prices, input, cached);
    }
    let mut sorted = shares.clone();
    sorted.sort_by(f64::total_cmp);
    let min = sorted.first().copied().unwrap_or(0.0);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let below = shares.iter().filter(|&&s| s < 0.95).count();
    let bytes: usize = flats.iter().map(|f| f.text.len()).sum();
    println!(
        "| {label} | {wire} ({}) | {} | {:.0} | {:.3} | {min:.3} / {median:.3} | {below} | {extends} | {tools_changed} | ${without:.4} | ${with:.4} | {:.0} % |",
        prices.model,
        flats.len(),
        bytes as f64 / 1024.0,
        shared_all as f64 / total.max(1) as f64,
        (1.0 - with / without) * 100.0,
    );
    for (i, s) in shares.iter().enumerate() {
        if *s < 0.95 {
            eprintln!("  {label} {wire}: request {} shares {s:.3}", i + 2);
        }
    }
}
