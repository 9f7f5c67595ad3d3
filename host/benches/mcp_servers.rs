//! Benchmark of quire's MCP client with several stdio servers (the Rust
//! test server `examples/mcp_test_server.rs`, built here in the bench
//! profile):
//!
//! 1. concurrent start: 8 servers whose start takes 0.2–1.0 s each, started
//!    by one `McpManager::start`, until all are ready with their tools listed;
//! 2. per-call overhead: the `timed` tool (waits `us` µs asleep or busy,
//!    reports its own handling time) called through quire's tool object as
//!    a session calls it; overhead = client wall time − the server's own time;
//! 3. the real `quire exec` with 8 required servers against the scripted
//!    model server on 127.0.0.1: wall time, quire's peak RSS and the
//!    servers' peak RSS, next to the same task with no MCP server.
//!
//! Run: `cargo bench -p quire --bench mcp_servers` (results go into
//! BENCHMARKS.md by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "mcp_servers/calls.rs"]
mod calls;
#[path = "mcp_servers/memory.rs"]
mod memory;
#[path = "mcp_servers/start.rs"]
mod start;

#[path = "plugins/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use support::shell_cargo;

/// Start delays of the 8 servers, spread evenly over 0.2–1.0 s.
fn spread_delays() -> Vec<u64> {
    (0..8).map(|i| 200 + i * 800 / 7).collect()
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--list`-style args.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let server = mcp::test_server();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let delays = spread_delays();
    println!(
        "start delays (ms): {delays:?}; slowest {} ms, sum {} ms",
        delays.iter().max().unwrap_or(&0),
        delays.iter().sum::<u64>()
    );

    println!("\n## concurrent start (McpManager::start to all ready, tools listed)\n");
    start::print(&rt, &server, &delays);

    println!("\n## per-call overhead (the `timed` tool through `Tool::call`)\n");
    calls::print(&rt, &server);
    drop(rt);

    println!("\n## quire exec with 8 required servers (real binary)\n");
    memory::print(&server, &delays);
}

/// The value at quantile `q` of sorted `samples`.
fn quantile<T: Copy>(sorted: &[T], q: f64) -> T {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}
