//! Benchmark: `quire exec` against the scripted model server for a task of
//! 20 tool calls. Reports wall time, quire's own time per model round trip
//! (from the end of one response to the next request, which includes
//! running the tool) and peak memory (max RSS of the quire process).
//!
//! Run: `cargo bench -p quire --bench exec_roundtrip` (results go into
//! BENCHMARKS.md by hand).
//!
//! Side by side: `QUIRE_BENCH_BINS="before=/path/a,after=/path/b"` runs
//! those binaries instead of this build's, interleaved over
//! `QUIRE_BENCH_ROUNDS` rounds (default 3), so machine noise hits them
//! alike. `scripts/bench-ab REV...` builds revisions and does that.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::model_server::{ModelServer, Reply};

const TOOL_CALLS: usize = 20;
const RUNS: usize = 5;

struct Sample {
    wall: Duration,
    per_trip: Vec<Duration>,
    startup: Duration,
    max_rss_kb: i64,
}

fn one_run(bin: &str, wire: &str) -> Sample {
    let server = ModelServer::start();
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.path())
        .status()
        .expect("git init");
    std::fs::write(repo.path().join("notes.txt"), "a small file\n".repeat(50)).expect("write");
    let base = if wire == "anthropic" {
        server.base_url_anthropic()
    } else {
        server.base_url_openai()
    };
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "provider = \"bench\"\nmodel = \"bench-model\"\n[providers.bench]\nwire_api = \"{wire}\"\nbase_url = \"{base}\"\n"
        ),
    )
    .expect("config");
    for i in 0..TOOL_CALLS {
        let reply = if i % 2 == 0 {
            Reply::tool_call(format!("c{i}"), "read_file", json!({"path": "notes.txt"}))
        } else {
            Reply::tool_call(format!("c{i}"), "list_dir", json!({"path": "."}))
        };
        server.push(reply);
    }
    server.push(Reply::text("finished"));
    let started = Instant::now();
    // Reaped by `wait4` in `wait_with_rss`, which also reads its rusage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(bin)
        .args(["exec", "--json", "do twenty things"])
        .current_dir(repo.path())
        .env("QUIRE_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run quire");
    let (code, max_rss_kb) = wait_with_rss(child.id());
    let wall = started.elapsed();
    assert_eq!(code, Some(0), "{bin} failed");
    let reqs = server.requests();
    assert_eq!(reqs.len(), TOOL_CALLS + 1);
    let per_trip = reqs
        .windows(2)
        .map(|w| {
            let done = w[0].response_done_at.expect("response finished");
            w[1].received_at.saturating_duration_since(done)
        })
        .collect();
    let startup = reqs[0].received_at.saturating_duration_since(started);
    Sample {
        wall,
        per_trip,
        startup,
        max_rss_kb,
    }
}

/// Waits for the child `pid`: its exit code (None if a signal ended it)
/// and its own peak RSS in KB (`wait4`, so each run and each binary is
/// measured alone).
fn wait_with_rss(pid: u32) -> (Option<i32>, i64) {
    // SAFETY: wait4 fills the status and the struct we pass; `pid` is our
    // child, not yet waited for (std's Child does not wait on drop).
    unsafe {
        let mut status = 0;
        let mut ru: libc::rusage = std::mem::zeroed();
        let r = libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru);
        assert_eq!(r, pid as libc::pid_t, "wait4");
        let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        (code, ru.ru_maxrss)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The binaries to run, with their labels.
fn binaries() -> Vec<(String, String)> {
    match std::env::var("QUIRE_BENCH_BINS") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|entry| match entry.split_once('=') {
                Some((label, path)) => (label.trim().to_string(), path.trim().to_string()),
                None => (entry.trim().to_string(), entry.trim().to_string()),
            })
            .collect(),
        _ => vec![(String::new(), env!("CARGO_BIN_EXE_quire").to_string())],
    }
}

fn main() {
    // `cargo test --benches` passes --bench-less args; run only under bench.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let bins = binaries();
    let rounds = if bins.len() > 1 {
        std::env::var("QUIRE_BENCH_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(3)
    } else {
        1
    };
    println!("quire exec, {TOOL_CALLS} tool calls + final answer, {RUNS} runs per wire API");
    println!(
        "{:<22} {:>9} {:>11} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "wire",
        "wall ms",
        "startup ms",
        "trip mean ms",
        "trip p50 ms",
        "trip p95 ms",
        "trip max ms",
        "peak RSS MB"
    );
    for round in 1..=rounds {
        for (label, bin) in &bins {
            if bins.len() > 1 {
                println!("-- {label} (round {round}): {bin}");
            }
            for wire in ["responses", "chat", "anthropic"] {
                report(wire, (0..RUNS).map(|_| one_run(bin, wire)).collect());
            }
        }
    }
}

fn report(wire: &str, samples: Vec<Sample>) {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    walls.sort();
    let mut startups: Vec<Duration> = samples.iter().map(|s| s.startup).collect();
    startups.sort();
    let mut trips: Vec<Duration> = samples.iter().flat_map(|s| s.per_trip.clone()).collect();
    trips.sort();
    let rss = samples.iter().map(|s| s.max_rss_kb).max().unwrap_or(0);
    let mean = trips.iter().sum::<Duration>() / trips.len().max(1) as u32;
    println!(
        "{:<22} {:>9.1} {:>11.1} {:>12.3} {:>12.3} {:>12.3} {:>12.3} {:>12.1}",
        wire,
        ms(percentile(&walls, 0.5)),
        ms(percentile(&startups, 0.5)),
        ms(mean),
        ms(percentile(&trips, 0.5)),
        ms(percentile(&trips, 0.95)),
        ms(*trips.last().unwrap_or(&Duration::ZERO)),
        rss as f64 / 1024.0
    );
}
