//! Per-call overhead over the server's own time: the test server's `timed`
//! tool waits the requested microseconds (asleep, like a server waiting on
//! I/O, or busy spinning) and answers `server_ns=N`, the time it spent in
//! its handler; the client times the whole `Tool::call`
//! (arguments to JSON-RPC, the pipes both ways, rmcp on both sides, the
//! result into quire's `ToolOutput`).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::agent::{EventSink, ToolChange};
use quire::mcp::{McpManager, Status};
use quire::tools::Tool;
use serde_json::json;
use tokio::runtime::Runtime;

const WARMUP: usize = 50;
const CALLS: usize = 500;
/// What `timed` is asked to spend per call: µs, and whether busy (spinning)
/// rather than asleep (a server waiting on I/O).
const WORK: [(u64, bool); 5] = [
    (0, false),
    (1_000, false),
    (10_000, false),
    (1_000, true),
    (10_000, true),
];

/// One server, started and ready, and its `timed` tool.
async fn start(server: &Path) -> (McpManager, Arc<dyn Tool>) {
    let manager = McpManager::start(super::start::specs(server, &[0]), EventSink::null());
    manager.wait_all().await;
    assert_eq!(manager.servers()[0].status(), Status::Ready);
    let tool = manager
        .take_changes()
        .into_iter()
        .find_map(|c| match c {
            ToolChange::Added(t) if t.spec().name == "mcp__s0__timed" => Some(t),
            _ => None,
        })
        .expect("the server's timed tool");
    (manager, tool)
}

/// (client wall time, server's own time) of `n` calls asking for `us`.
async fn time_calls(tool: &dyn Tool, us: u64, spin: bool, n: usize) -> Vec<(Duration, Duration)> {
    let ctx = super::mcp::context();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let args = json!({ "us": us, "spin": spin });
        let t = Instant::now();
        let result = tool.call(args, &ctx).await;
        let client = t.elapsed();
        let text = result.expect("timed answers").text;
        let ns: u64 = text
            .strip_prefix("server_ns=")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected answer of timed: {text}"));
        let server = Duration::from_nanos(ns);
        assert!(server >= Duration::from_micros(us), "slept too little");
        out.push((client, server));
    }
    out
}

pub fn print(rt: &Runtime, server: &Path) {
    let (manager, tool) = rt.block_on(start(server));
    println!(
        "| server's work | calls | client median µs | client p90 µs | server median µs | overhead median µs | overhead p90 µs | overhead p99 µs |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (us, spin) in WORK {
        rt.block_on(time_calls(&*tool, us, spin, WARMUP));
        let samples = rt.block_on(time_calls(&*tool, us, spin, CALLS));
        let mut client: Vec<Duration> = samples.iter().map(|s| s.0).collect();
        let mut own: Vec<Duration> = samples.iter().map(|s| s.1).collect();
        let mut overhead: Vec<Duration> =
            samples.iter().map(|(c, s)| c.saturating_sub(*s)).collect();
        client.sort();
        own.sort();
        overhead.sort();
        let q = super::quantile::<Duration>;
        println!(
            "| {us} µs{} | {CALLS} | {} | {} | {} | {} | {} | {} |",
            match (us, spin) {
                (0, _) => "",
                (_, true) => " busy",
                (_, false) => " asleep",
            },
            super::us(q(&client, 0.5)),
            super::us(q(&client, 0.9)),
            super::us(q(&own, 0.5)),
            super::us(q(&overhead, 0.5)),
            super::us(q(&overhead, 0.9)),
            super::us(q(&overhead, 0.99)),
        );
    }
    manager.shutdown();
}
