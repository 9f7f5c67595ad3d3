//! Benchmark: `quire review` of a 5,000-line diff (20 files of 250 new
//! lines) against the scripted model server, each answer delayed by
//! `LATENCY_MS` like a real model. Triage flags 8 hunks in 8 files, the
//! first `TWO_CONCERNS` of them for correctness and security, the rest for
//! correctness: one deep subagent per (file, concern); a merge pass ranks. Reports requests made, tokens
//! sent (request bytes / 4, the codebase's estimate), and wall time with
//! deep passes one at a time and four at a time.
//!
//! Run: `cargo bench -p quire --bench review` (results go into
//! BENCHMARKS.md by hand).
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
use support::model_server::{ModelServer, Reply, Step};

const FILES: usize = 20;
const LINES: usize = 250;
const FLAGGED: usize = 8;
const TWO_CONCERNS: usize = 4;
const LATENCY_MS: u64 = 400;

fn git(repo: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.name=B",
            "-c",
            "user.email=b@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(repo)
        .stdout(Stdio::null())
        .status()
        .expect("git")
        .success();
    assert!(ok, "git {args:?}");
}

fn slow(text: String) -> Reply {
    Reply::steps(vec![Step::DelayMs(LATENCY_MS), Step::Text(text)])
}

struct Sample {
    wall: Duration,
    requests: usize,
    tokens_sent: usize,
    triage: usize,
    deep: usize,
}

fn one_run(parallel: usize) -> Sample {
    let server = ModelServer::start();
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    git(repo.path(), &["init", "-q"]);
    std::fs::write(repo.path().join("README.md"), "bench\n").expect("write");
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "first"]);
    for f in 0..FILES {
        let text: String = (0..LINES)
            .map(|l| format!("pub fn f{f}_{l}(x: u32) -> u32 {{ x + {l} }}\n"))
            .collect();
        std::fs::write(repo.path().join(format!("m{f:02}.rs")), text).expect("write");
    }
    git(repo.path(), &["add", "-A"]);
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "provider = \"bench\"\nmodel = \"bench-model\"\n[providers.bench]\nwire_api = \"responses\"\nbase_url = \"{}\"\n[review]\nparallel = {parallel}\n",
            server.base_url_openai()
        ),
    )
    .expect("config");
    let flags: Vec<_> = (0..FLAGGED)
        .map(|i| {
            let concerns = if i < TWO_CONCERNS {
                vec!["correctness", "security"]
            } else {
                vec!["correctness"]
            };
            json!({"hunk": format!("H{}", i * 2 + 1), "concerns": concerns, "reason": "look"})
        })
        .collect();
    server.push_keyed(
        "REVIEW-PASS: triage",
        slow(json!({ "flags": flags }).to_string()),
    );
    for _ in 0..40 {
        server.push_keyed(
            "REVIEW-PASS: triage",
            slow(json!({"flags": []}).to_string()),
        );
    }
    let mut all = Vec::new();
    for i in 0..FLAGGED {
        let file = format!("m{:02}.rs", i * 2);
        let f = json!({"file": file, "line_start": 3, "severity": "P2", "category": "correctness",
            "title": format!("Problem {i}"), "explanation": "e", "confidence": 0.7});
        for _ in 0..(if i < TWO_CONCERNS { 2 } else { 1 }) {
            server.push_keyed(
                &format!("AREA: {file}"),
                slow(json!({"findings": [f.clone()]}).to_string()),
            );
        }
        all.push(f);
    }
    server.push_keyed(
        "REVIEW-PASS: merge",
        slow(json!({ "findings": all }).to_string()),
    );
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["review", "--json"])
        .current_dir(repo.path())
        .env("QUIRE_HOME", home.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run quire");
    let wall = started.elapsed();
    assert!(status.success(), "quire review failed");
    let reqs = server.requests();
    let of = |m: &str| reqs.iter().filter(|r| r.raw_body.contains(m)).count();
    Sample {
        wall,
        requests: reqs.len(),
        tokens_sent: reqs.iter().map(|r| r.raw_body.len() / 4).sum(),
        triage: of("REVIEW-PASS: triage"),
        deep: of("REVIEW-PASS: deep"),
    }
}

fn main() {
    println!(
        "review of {} lines in {FILES} files, {LATENCY_MS} ms per answer",
        FILES * LINES
    );
    println!("| deep passes at once | requests (triage/deep/merge) | tokens sent | wall time |");
    println!("|---|---|---|---|");
    for parallel in [1, 4] {
        let s = one_run(parallel);
        println!(
            "| {parallel} | {} ({}/{}/{}) | {} | {:.2} s |",
            s.requests,
            s.triage,
            s.deep,
            s.requests - s.triage - s.deep,
            s.tokens_sent,
            s.wall.as_secs_f64()
        );
    }
}
