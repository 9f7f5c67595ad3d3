//! Concurrent start: servers with slow starts, started by one
//! `McpManager::start`, timed until every one is ready with its tools
//! listed (what a session's first request waits for when all are
//! `required`).

use std::path::Path;
use std::time::{Duration, Instant};

use quire::agent::{EventSink, ToolChange};
use quire::mcp::{McpManager, McpServerConfig, ServerSpec, Source, Status};
use tokio::runtime::Runtime;

const RUNS: usize = 5;

/// Specs for the test server, one per delay, named `s0`, `s1`, ….
pub fn specs(server: &Path, delays: &[u64]) -> Vec<ServerSpec> {
    delays
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            let config = McpServerConfig::stdio(
                server.display().to_string(),
                vec!["--slow-start".into(), ms.to_string()],
            );
            ServerSpec::new(
                &format!("s{i}"),
                Source::Config,
                &config,
                &std::env::temp_dir(),
            )
        })
        .collect()
}

/// One start of all `delays` servers; checks that each is ready and its
/// tools were handed over.
async fn once(server: &Path, delays: &[u64]) -> Duration {
    let specs = specs(server, delays);
    let t = Instant::now();
    let manager = McpManager::start(specs, EventSink::null());
    manager.wait_all().await;
    let elapsed = t.elapsed();
    let added: Vec<String> = manager
        .take_changes()
        .into_iter()
        .filter_map(|c| match c {
            ToolChange::Added(t) => Some(t.spec().name.clone()),
            _ => None,
        })
        .collect();
    for (i, s) in manager.servers().iter().enumerate() {
        assert_eq!(s.status(), Status::Ready, "server s{i} is not ready");
        for tool in ["echo", "timed"] {
            let name = format!("mcp__s{i}__{tool}");
            assert!(added.contains(&name), "{name} was not listed");
        }
    }
    manager.shutdown();
    elapsed
}

/// Prints one row per case: 8 spread delays, the slowest alone, and both
/// without any delay (the cost of the starts themselves).
pub fn print(rt: &Runtime, server: &Path, spread: &[u64]) {
    let slowest = spread.iter().copied().max().unwrap_or(0);
    let cases: [(&str, Vec<u64>); 4] = [
        ("8 servers, 0.2–1.0 s starts", spread.to_vec()),
        ("1 server, 1.0 s start", vec![slowest]),
        ("8 servers, no delay", vec![0; spread.len()]),
        ("1 server, no delay", vec![0]),
    ];
    println!(
        "| servers | runs | slowest delay ms | sum of delays ms | all ready: median ms | max ms | min ms | median − slowest ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (label, delays) in cases {
        let mut samples: Vec<Duration> = (0..RUNS)
            .map(|_| rt.block_on(once(server, &delays)))
            .collect();
        samples.sort();
        let slow = Duration::from_millis(delays.iter().copied().max().unwrap_or(0));
        let median = super::quantile(&samples, 0.5);
        println!(
            "| {label} | {RUNS} | {} | {} | {} | {} | {} | {} |",
            slow.as_millis(),
            delays.iter().sum::<u64>(),
            super::ms(median),
            super::ms(samples[samples.len() - 1]),
            super::ms(samples[0]),
            super::ms(median.saturating_sub(slow)),
        );
    }
}
