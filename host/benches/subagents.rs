//! Benchmark: subagents. The real `quire exec` against the scripted model
//! server, every response delayed 50 ms: one child making 5 tool calls
//! (`shell true`) vs 8 such children spawned in one response
//! (`agents.max_parallel = 8`); peak memory of the quire process for 1 and
//! 8 children (memory per child); spawn overhead: 8 children that answer at
//! once, no delay, against one.
//!
//! Run: `cargo bench -p quire --bench subagents`. Results go into
//! BENCHMARKS.md by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, finish};

const PARENT: &str = "PARENT-MARK";

fn delayed(delay: u64, steps: Vec<Step>) -> Reply {
    let mut all = vec![Step::DelayMs(delay)];
    all.extend(steps);
    Reply::Stream(all)
}

/// Wall time and peak RSS (KiB) of one run with `children` children of
/// `calls` tool calls each.
fn run(children: usize, calls: usize, delay: u64) -> (Duration, i64) {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 8\n");
    let spawns: Vec<Step> = (0..children)
        .map(|i| {
            Step::tool_call(
                format!("s{i}"),
                "spawn_agent",
                json!({"task": format!("CHILD-{i}X work")}),
            )
        })
        .collect();
    env.server.route(
        PARENT,
        [
            delayed(delay, spawns),
            delayed(delay, vec![Step::Text("done".into())]),
        ],
    );
    for i in 0..children {
        let mut replies: Vec<Reply> = (0..calls)
            .map(|c| {
                delayed(
                    delay,
                    vec![Step::tool_call(
                        format!("c{c}"),
                        "shell",
                        json!({"command": "true"}),
                    )],
                )
            })
            .collect();
        replies.push(delayed(delay, vec![Step::Text("ok".into())]));
        env.server.route(&format!("CHILD-{i}X"), replies);
    }
    let started = Instant::now();
    let child = env.spawn(&["exec", "--json", &format!("{PARENT} go")]);
    let status = format!("/proc/{}/status", child.id());
    let sampler = std::thread::spawn(move || {
        let mut peak = 0i64;
        while let Ok(text) = std::fs::read_to_string(&status) {
            let rss = text
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0);
            peak = peak.max(rss);
            std::thread::sleep(Duration::from_millis(2));
        }
        peak
    });
    let r = finish(child);
    let wall = started.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    (wall, sampler.join().unwrap_or(0))
}

fn main() {
    let (one, _) = run(1, 5, 50);
    let (eight, _) = run(8, 5, 50);
    println!(
        "1 child x 5 tool calls, 50 ms per response: {:.0} ms",
        one.as_secs_f64() * 1000.0
    );
    println!(
        "8 children x 5 tool calls, 50 ms per response: {:.0} ms ({:.2}x one child)",
        eight.as_secs_f64() * 1000.0,
        eight.as_secs_f64() / one.as_secs_f64()
    );
    let (_, rss1) = run(1, 0, 0);
    let (_, rss8) = run(8, 0, 0);
    println!(
        "peak RSS: 1 child {rss1} KiB, 8 children {rss8} KiB (per extra child ≈ {} KiB)",
        (rss8 - rss1).max(0) / 7
    );
    let mut base = Vec::new();
    let mut many = Vec::new();
    for _ in 0..3 {
        base.push(run(1, 0, 0).0);
        many.push(run(8, 0, 0).0);
    }
    let b = base.iter().min().copied().unwrap_or_default();
    let m = many.iter().min().copied().unwrap_or_default();
    println!(
        "spawn overhead: 1 child {:.0} ms, 8 children {:.0} ms → {:.1} ms per extra child",
        b.as_secs_f64() * 1000.0,
        m.as_secs_f64() * 1000.0,
        (m.as_secs_f64() - b.as_secs_f64()) * 1000.0 / 7.0
    );
}
