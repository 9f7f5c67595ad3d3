//! Benchmark of the interactive terminal, driven on a pseudo-terminal as a
//! person would: (1) keypress to screen — the time from writing one key to
//! the pty until the character shows on the virtual screen; (2) a streamed
//! answer of 2,000 markdown lines — from Enter until its last line is on
//! the screen, against the same answer through `quire exec` on the same
//! kind of pty (the terminal's cost paid by both) and as a whole process
//! with piped output; (3) the same for a 2,000-item list (one block that
//! never has a blank line).
//!
//! Run: `cargo bench -p quire --bench tui` (numbers go into BENCHMARKS.md).
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

use support::model_server::{Reply, Step};
use support::pty::Pty;
use support::quire::TestEnv;

const KEYS: usize = 100;
const LINES: usize = 2000;

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn wait(pty: &Pty, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pty.screen().contains(text) {
        assert!(
            Instant::now() < deadline,
            "never saw {text:?}:\n{}",
            pty.screen()
        );
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn keypress() {
    let env = TestEnv::new("responses");
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    wait(&pty, "/help for keys");
    let mut samples = Vec::new();
    let letters: Vec<char> = ('a'..='z').collect();
    let mut typed = String::new();
    for i in 0..KEYS {
        let c = letters[i % letters.len()];
        if typed.len() >= 60 {
            pty.send("\x15"); // Ctrl-U clears the line
            let old = format!("› {typed}");
            while pty.screen().contains(&old) {
                std::thread::sleep(Duration::from_millis(1));
            }
            typed.clear();
        }
        typed.push(c);
        let expect = format!("› {typed}");
        let started = Instant::now();
        pty.send(&c.to_string());
        wait(&pty, &expect);
        samples.push(started.elapsed());
    }
    pty.send("\x15\x04");
    let _ = pty.wait_exit();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let (p50, p95, max) = (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
        percentile(&mut samples, 1.0),
    );
    println!(
        "keypress→screen over {KEYS} keys: mean {:.2} ms, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(mean),
        ms(p50),
        ms(p95),
        ms(max)
    );
}

/// Mixed markdown: headings, lists, paragraphs, blank lines.
fn mixed(i: usize) -> String {
    match i % 10 {
        0 => format!("## Section {i}\n\n"),
        1 => format!("- item **{i}** with `code` and a [link](https://example.org/{i})\n"),
        2 => "\n".to_string(),
        _ => format!(
            "Line {i} of the answer, some *prose* that goes on for a while to fill the width.\n"
        ),
    }
}

/// One tight list of 2,000 items.
fn list(i: usize) -> String {
    format!("- item **{i}** of a long list, with `code` and some words\n")
}

fn answer_steps(line: fn(usize) -> String) -> Vec<Step> {
    let mut steps: Vec<Step> = (0..LINES).map(|i| Step::text(line(i))).collect();
    steps.push(Step::text("\nEND-OF-ANSWER\n"));
    steps
}

/// Enter (or the start of `quire exec`) until the answer's end is on the
/// screen of a 120×40 pty.
fn on_pty(env: &TestEnv, line: fn(usize) -> String, exec: bool) -> Duration {
    env.server.push(Reply::steps(answer_steps(line)));
    let args: &[&str] = if exec {
        &["exec", "write a long answer"]
    } else {
        &[]
    };
    let started = Instant::now();
    let mut pty = Pty::spawn(env.command(args), 40, 120);
    let started = if exec {
        started
    } else {
        wait(&pty, "/help for keys");
        let t = Instant::now();
        pty.send("write a long answer\r");
        t
    };
    wait(&pty, "END-OF-ANSWER");
    let took = started.elapsed();
    if !exec {
        pty.send("\x04");
    }
    let _ = pty.wait_exit();
    took
}

fn streamed(what: &str, line: fn(usize) -> String) {
    let env = TestEnv::new("responses");
    let tui = on_pty(&env, line, false);
    let exec_pty = on_pty(&env, line, true);
    env.server.push(Reply::steps(answer_steps(line)));
    let started = Instant::now();
    let run = env.run(&["exec", "write a long answer"]);
    let exec = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    println!(
        "{LINES}-line streamed answer ({what}): interactive view {:.0} ms (Enter to last line on screen), quire exec on a pty {:.0} ms, quire exec piped {:.0} ms (whole processes)",
        ms(tui),
        ms(exec_pty),
        ms(exec)
    );
}

fn main() {
    keypress();
    streamed("mixed markdown", mixed);
    streamed("one list", list);
}
