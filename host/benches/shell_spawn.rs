//! Benchmark: what tying a child to quire's life costs per command
//! (issue 9). Times `bash -c true` started and waited for four ways:
//!
//! - **plain**: tokio `Command` in a process group of its own;
//! - **die_with_quire**: the same plus [`quire::child::die_with_quire`]
//!   (parent-death signal, race check and the double-forked watchdog);
//! - **shell tool, no sandbox**: a whole `shell` tool call of `true`
//!   (`danger-full-access`: output capture, timeout, die_with_quire);
//! - **shell tool, read-only sandbox**: the same call confined (Landlock
//!   and the network filter, where the kernel has them).
//!
//! Run: `cargo bench -p quire --bench shell_spawn` (results go into
//! BENCHMARKS.md by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use quire::tools::shell::ShellTool;
use quire::tools::{SandboxMode, Tool, ToolContext};
use serde_json::json;

const RUNS: usize = 200;
const WARMUP: usize = 10;

fn command(watchdog: bool) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("bash");
    cmd.args(["-c", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    if watchdog {
        quire::child::die_with_quire(cmd.as_std_mut());
    }
    cmd
}

async fn time_command(watchdog: bool) -> Duration {
    let started = Instant::now();
    let status = command(watchdog)
        .spawn()
        .expect("spawn bash")
        .wait()
        .await
        .expect("wait for bash");
    assert!(status.success());
    started.elapsed()
}

async fn time_tool(tool: &ShellTool, ctx: &ToolContext) -> Duration {
    let started = Instant::now();
    let out = tool
        .call(json!({"command": "true"}), ctx)
        .await
        .expect("shell call");
    assert!(!out.is_error, "{}", out.text);
    started.elapsed()
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
    let at = |q: f64| ms(samples[((samples.len() - 1) as f64 * q) as usize]);
    println!(
        "| {name} | {mean:.3} | {:.3} | {:.3} | {:.3} |",
        at(0.5),
        at(0.95),
        at(1.0)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let tool = ShellTool::new();
    let mut open = ToolContext::standalone(dir.path());
    open.sandbox = SandboxMode::DangerFullAccess;
    let confined = ToolContext::standalone(dir.path());
    rt.block_on(async {
        // Round robin, so a busy machine slows every way alike.
        let mut samples: Vec<Vec<Duration>> = (0..4).map(|_| Vec::with_capacity(RUNS)).collect();
        for i in 0..WARMUP + RUNS {
            let times = [
                time_command(false).await,
                time_command(true).await,
                time_tool(&tool, &open).await,
                time_tool(&tool, &confined).await,
            ];
            if i >= WARMUP {
                for (s, t) in samples.iter_mut().zip(times) {
                    s.push(t);
                }
            }
        }
        println!("| way | mean ms | p50 ms | p95 ms | max ms |");
        println!("| --- | --- | --- | --- | --- |");
        let names = [
            "plain",
            "die_with_quire",
            "shell tool, no sandbox",
            "shell tool, read-only sandbox",
        ];
        for (name, s) in names.iter().zip(samples) {
            report(name, s);
        }
    });
}
