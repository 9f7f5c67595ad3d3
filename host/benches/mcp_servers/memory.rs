//! The real `quire exec` with 8 `required` MCP servers (the slow-start test
//! server) against the scripted model server on 127.0.0.1: the model calls
//! one tool per server in one response, then answers. Measures the wall
//! time, when the first model request arrives (after every required server
//! is ready), quire's own peak RSS and each server's peak RSS; and the same
//! task with no MCP server (8 `read_file` calls instead) for comparison.
//!
//! quire's peak RSS is `ru_maxrss` from `wait4`: the larger of quire's own
//! peak and its children's, so the servers' peaks are checked to be below
//! it. The servers' peak RSS is `VmHWM` from `/proc/PID/status` (pids from
//! `--pid-file`), polled every 5 ms while they run; quire's polled `VmHWM`
//! is printed as a cross-check.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::support::model_server::{ModelServer, Reply, Step};

const RUNS: usize = 5;
const POLL: Duration = Duration::from_millis(5);

struct Sample {
    wall: Duration,
    first_request: Duration,
    quire_hwm_kb: u64,
    rusage_kb: u64,
    /// Peak RSS of each MCP server.
    servers_kb: Vec<u64>,
}

/// `VmHWM` of `pid` in kB, if it is (still) readable.
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Polls the peak RSS of quire and of the servers whose pid files appear,
/// until `stop`; returns (quire's, each server's) in kB.
fn poll_peaks(quire: u32, pid_files: Vec<PathBuf>, stop: Arc<AtomicBool>) -> (u64, Vec<u64>) {
    let mut pids: Vec<Option<u32>> = vec![None; pid_files.len()];
    let mut peaks = vec![0u64; pid_files.len()];
    let mut own = 0u64;
    while !stop.load(Ordering::SeqCst) {
        own = own.max(vm_hwm_kb(quire).unwrap_or(0));
        for (i, file) in pid_files.iter().enumerate() {
            if pids[i].is_none() {
                pids[i] = std::fs::read_to_string(file)
                    .ok()
                    .and_then(|s| s.trim().parse().ok());
            }
            if let Some(pid) = pids[i] {
                peaks[i] = peaks[i].max(vm_hwm_kb(pid).unwrap_or(0));
            }
        }
        std::thread::sleep(POLL);
    }
    (own, peaks)
}

fn config(base: &str, server: &Path, delays: &[u64], pid_dir: &Path) -> String {
    let mut c = format!(
        "provider = \"bench\"\nmodel = \"bench-model\"\n[providers.bench]\nwire_api = \"responses\"\nbase_url = \"{base}\"\n"
    );
    for (i, ms) in delays.iter().enumerate() {
        let args = json!([
            "--slow-start",
            ms.to_string(),
            "--pid-file",
            pid_dir.join(format!("s{i}")).display().to_string()
        ]);
        let command = json!(server.display().to_string());
        c.push_str(&format!(
            "\n[mcp_servers.s{i}]\ncommand = {command}\nargs = {args}\nrequired = true\n"
        ));
    }
    c
}

/// One `quire exec` with a server per delay (none: built-in tools).
fn once(server: &Path, delays: &[u64]) -> Sample {
    let model = ModelServer::start();
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.path())
        .status()
        .expect("git init");
    assert!(status.success());
    std::fs::write(repo.path().join("notes.txt"), "a small file\n".repeat(50)).expect("write");
    let pid_dir = home.path().join("pids");
    std::fs::create_dir(&pid_dir).expect("pid dir");
    let text = config(&model.base_url_openai(), server, delays, &pid_dir);
    std::fs::write(home.path().join("config.toml"), text).expect("config");
    let calls: Vec<Step> = (0..8)
        .map(|i| {
            if delays.is_empty() {
                Step::tool_call(format!("c{i}"), "read_file", json!({"path": "notes.txt"}))
            } else {
                let name = format!("mcp__s{i}__echo");
                Step::tool_call(format!("c{i}"), name, json!({"text": format!("hello {i}")}))
            }
        })
        .collect();
    model.push(Reply::tool_calls(calls));
    model.push(Reply::text("finished"));

    let out_path = home.path().join("events.jsonl");
    let out = std::fs::File::create(&out_path).expect("events file");
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["exec", "--json", "call every server"])
        .current_dir(repo.path())
        .env("QUIRE_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run quire");
    let pid = child.id();
    let stop = Arc::new(AtomicBool::new(false));
    let pid_files = (0..delays.len())
        .map(|i| pid_dir.join(format!("s{i}")))
        .collect();
    let poller = {
        let stop = stop.clone();
        std::thread::spawn(move || poll_peaks(pid, pid_files, stop))
    };
    let mut status = 0;
    // SAFETY: wait4 fills `status` and the zeroed rusage we pass; `pid` is
    // our child, never waited for elsewhere (`child` is not waited on).
    let (waited, ru) = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        let waited = libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru);
        (waited, ru)
    };
    let wall = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let (quire_hwm_kb, servers_kb) = poller.join().expect("poller");
    drop(child);
    assert_eq!(waited, pid as libc::pid_t, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "quire failed: status {status}"
    );
    check_events(&out_path, delays.is_empty());
    let reqs = model.requests();
    assert_eq!(reqs.len(), 2, "one request for the calls, one after");
    Sample {
        wall,
        first_request: reqs[0].received_at.saturating_duration_since(started),
        quire_hwm_kb,
        rusage_kb: ru.ru_maxrss as u64,
        servers_kb,
    }
}

/// Every one of the 8 calls succeeded with the right output.
fn check_events(path: &Path, builtin: bool) {
    let text = std::fs::read_to_string(path).expect("events");
    let done: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["type"] == "tool_completed")
        .collect();
    assert_eq!(done.len(), 8, "{text}");
    for e in &done {
        assert_eq!(e["is_error"], false, "{e}");
        if !builtin {
            let name = e["name"].as_str().unwrap_or_default();
            let i = name.trim_start_matches("mcp__s").trim_end_matches("__echo");
            assert_eq!(e["output"], format!("echo: hello {i}"), "{e}");
        }
    }
}

fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

pub fn print(server: &Path, delays: &[u64]) {
    println!(
        "| MCP servers | runs | exec wall median ms | max ms | first model request median ms | quire peak RSS MB median | max | each server's peak RSS MB | servers together MB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut notes = Vec::new();
    for delays in [Vec::new(), delays.to_vec()] {
        let samples: Vec<Sample> = (0..RUNS).map(|_| once(server, &delays)).collect();
        let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
        walls.sort();
        let mut firsts: Vec<Duration> = samples.iter().map(|s| s.first_request).collect();
        firsts.sort();
        // ru_maxrss is the larger of quire's peak and its children's: with
        // every server's peak below it, it is quire's own.
        for s in &samples {
            let biggest_child = s.servers_kb.iter().copied().max().unwrap_or(0);
            assert!(biggest_child < s.rusage_kb, "a server outgrew quire");
        }
        let mut own: Vec<u64> = samples.iter().map(|s| s.rusage_kb).collect();
        own.sort();
        let polled = samples.iter().map(|s| s.quire_hwm_kb).max().unwrap_or(0);
        let each: Vec<u64> = samples.iter().flat_map(|s| s.servers_kb.clone()).collect();
        let together = samples
            .iter()
            .map(|s| s.servers_kb.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        let each = match (each.iter().min(), each.iter().max()) {
            (Some(lo), Some(hi)) => format!("{}–{}", mb(*lo), mb(*hi)),
            _ => "–".to_string(),
        };
        println!(
            "| {} | {RUNS} | {} | {} | {} | {} | {} | {each} | {} |",
            delays.len(),
            super::ms(super::quantile(&walls, 0.5)),
            super::ms(walls[walls.len() - 1]),
            super::ms(super::quantile(&firsts, 0.5)),
            mb(super::quantile(&own, 0.5)),
            mb(own[own.len() - 1]),
            mb(together),
        );
        notes.push(format!(
            "{} servers: quire's VmHWM as polled every 5 ms, max {} MB (polling can miss the last ms)",
            delays.len(),
            mb(polled)
        ));
    }
    println!();
    for n in notes {
        println!("{n}");
    }
}
