//! Benchmark: skill selection over generated sets of 100, 1,000 and 10,000
//! skills written to disk as SKILL.md folders. Reports
//!
//! - **cold**: building the index with no cache (stat + hash + tokenize +
//!   stem + assemble + write the cache file);
//! - **warm**: building it in a fresh process state with the cache file
//!   present (stat + hash + read the cache + assemble), and how much of
//!   that is stating the files alone;
//! - **re-check**: the per-turn check that the loaded skills still match the
//!   in-memory index (hash of the indexed text);
//! - **select**: one turn's selection: query, BM25 scores, ranking,
//!   activation decisions and the rendered catalog;
//! - **bytes**: what one request spends on skills (catalog + injected
//!   bodies), against listing every skill's description.
//!
//! Times are wall-clock medians of 5 runs; the CPU time (user + system,
//! all threads) of the index builds is shown too, as it is less disturbed
//! by other load on the machine.
//!
//! A last part runs the real public skills (`<repo>/../shared/data/
//! real-skills`, when present) with the labelled messages of
//! tests/suite/skills_select/real-eval.json: recall@1/@5, false activations, the
//! catalog's bytes and the selection time per message.
//!
//! With an embeddings endpoint (`QUIRE_BENCH_EMBEDDINGS_URL`, or the
//! local model of `scripts/embed-setup`), the real sets (tuning and
//! held-out) run again lexical against fused (`semantic/skills.rs`).
//! `QUIRE_BENCH_REAL_ONLY=1` runs only the real-skills parts;
//! `QUIRE_BENCH_SELECT_ROUNDS=N` only the 10,000-skill selection, N times
//! over (for a profiler).
//!
//! Run: `cargo bench -p quire --bench skills_select` (results go into
//! BENCHMARKS.md by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use quire::skills::select::catalog::{self, Paths};
use quire::skills::select::content::activation_text;
use quire::skills::select::{SkillSet, testing};
use quire::skills::{Skill, SkillsConfig};

#[allow(dead_code, unused_imports)]
#[path = "../tests/suite/skills_select/real.rs"]
mod real_set;
#[path = "semantic/mod.rs"]
mod semantic;
#[path = "semantic/skills.rs"]
mod semantic_skills;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// Recall, false activations, bytes and time on the real skills.
fn real() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real-skills");
    if !dir.is_dir() {
        println!("\nreal skills: {} is missing; skipped", dir.display());
        return;
    }
    let (set, _) = SkillSet::build(real_set::real_skills(), None);
    let config = SkillsConfig::default();
    // Every labelled set: the tuning set, then the held-out ones in the
    // order they were written.
    let files: [(&str, &str, &str); 19] = [
        (
            "tuning",
            "real-eval.json",
            include_str!("../tests/suite/skills_select/real-eval.json"),
        ),
        (
            "held-out",
            "real-heldout.json",
            include_str!("../tests/suite/skills_select/real-heldout.json"),
        ),
        (
            "fresh",
            "real-fresh.json",
            include_str!("../tests/suite/skills_select/real-fresh.json"),
        ),
        (
            "fourth",
            "real-fresh2.json",
            include_str!("../tests/suite/skills_select/real-fresh2.json"),
        ),
        (
            "fifth",
            "real-fresh3.json",
            include_str!("../tests/suite/skills_select/real-fresh3.json"),
        ),
        (
            "sixth",
            "real-fresh4.json",
            include_str!("../tests/suite/skills_select/real-fresh4.json"),
        ),
        (
            "seventh",
            "real-fresh5.json",
            include_str!("../tests/suite/skills_select/real-fresh5.json"),
        ),
        (
            "eighth",
            "real-fresh6.json",
            include_str!("../tests/suite/skills_select/real-fresh6.json"),
        ),
        (
            "ninth",
            "real-fresh7.json",
            include_str!("../tests/suite/skills_select/real-fresh7.json"),
        ),
        (
            "tenth",
            "real-fresh8.json",
            include_str!("../tests/suite/skills_select/real-fresh8.json"),
        ),
        (
            "eleventh",
            "real-fresh9.json",
            include_str!("../tests/suite/skills_select/real-fresh9.json"),
        ),
        (
            "twelfth",
            "real-fresh10.json",
            include_str!("../tests/suite/skills_select/real-fresh10.json"),
        ),
        (
            "thirteenth",
            "real-fresh11.json",
            include_str!("../tests/suite/skills_select/real-fresh11.json"),
        ),
        (
            "fourteenth",
            "real-fresh12.json",
            include_str!("../tests/suite/skills_select/real-fresh12.json"),
        ),
        (
            "fifteenth",
            "real-fresh13.json",
            include_str!("../tests/suite/skills_select/real-fresh13.json"),
        ),
        (
            "sixteenth",
            "real-fresh14.json",
            include_str!("../tests/suite/skills_select/real-fresh14.json"),
        ),
        (
            "seventeenth",
            "real-fresh15.json",
            include_str!("../tests/suite/skills_select/real-fresh15.json"),
        ),
        (
            "eighteenth",
            "real-fresh16.json",
            include_str!("../tests/suite/skills_select/real-fresh16.json"),
        ),
        (
            "nineteenth",
            "real-fresh17.json",
            include_str!("../tests/suite/skills_select/real-fresh17.json"),
        ),
    ];
    let mut sets = Vec::new();
    for (name, file, text) in files {
        let cases = quire::skills::select::eval::parse(text)
            .unwrap_or_else(|e| panic!("{file} does not parse: {e}"));
        lexical_line(&set, &config, name, &cases);
        sets.push((name, cases));
    }
    // Semantic fusion is measured on the first seven sets (BENCHMARKS.md).
    sets.truncate(7);
    semantic_skills::run(&set, &sets);
}

/// Recall, false activations, catalog bytes and time of one labelled set.
fn lexical_line(
    set: &SkillSet,
    config: &SkillsConfig,
    name: &str,
    cases: &[quire::skills::select::eval::EvalCase],
) {
    let report = quire::skills::select::eval::evaluate(set, config, cases);
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for c in cases {
        let t = Instant::now();
        let plan = set.plan(config, &c.message, c.previous.as_deref(), &HashSet::new());
        let active: Vec<String> = plan
            .activate
            .iter()
            .map(|a| set.skills[a.skill].name.clone())
            .collect();
        let cat = catalog::render(&set.skills, &plan, &active, config, &Paths::default());
        times.push(t.elapsed());
        bytes.push(cat.map(|c| c.text.len()).unwrap_or(0));
    }
    times.sort();
    bytes.sort_unstable();
    println!(
        "{name}: {} real skills, {} messages: recall@1 {:.3} · recall@5 {:.3} · false activations {:.3} · catalog bytes median {} (max {}) · select median {:.0} µs",
        set.skills.len(),
        cases.len(),
        report.recall_at_1,
        report.recall_at_5,
        report.false_activation_rate,
        bytes[bytes.len() / 2],
        bytes[bytes.len() - 1],
        times[times.len() / 2].as_secs_f64() * 1e6
    );
}
const BUILD_RUNS: usize = 5;
const MESSAGES: usize = 200;

/// A vocabulary: common task words and generated domain words, drawn with a
/// Zipf-like bias so some terms are in many skills (long postings).
struct Words {
    common: Vec<&'static str>,
    domain: Vec<String>,
}

impl Words {
    fn new(rng: &mut fastrand::Rng) -> Words {
        let common = vec![
            "file",
            "files",
            "code",
            "test",
            "tests",
            "build",
            "debug",
            "write",
            "create",
            "update",
            "check",
            "review",
            "run",
            "project",
            "data",
            "format",
            "convert",
            "deploy",
            "config",
            "configuration",
            "server",
            "client",
            "api",
            "error",
            "errors",
            "report",
            "docs",
            "document",
            "script",
            "scripts",
            "database",
            "query",
            "service",
            "release",
            "version",
            "package",
            "install",
            "performance",
            "security",
            "logs",
            "table",
            "chart",
            "image",
            "images",
            "page",
            "pages",
            "user",
            "users",
            "workflow",
        ];
        let syll = [
            "ka", "lo", "mi", "ter", "van", "qu", "ix", "ra", "zen", "tor", "pel", "dun", "sha",
            "bri", "gol", "fen", "mar", "cy", "dro", "ne",
        ];
        let domain = (0..4000)
            .map(|_| {
                let n = 2 + rng.usize(0..2);
                (0..n).map(|_| syll[rng.usize(0..syll.len())]).collect()
            })
            .collect();
        Words { common, domain }
    }

    fn pick(&self, rng: &mut fastrand::Rng) -> String {
        if rng.f32() < 0.35 {
            return self.common[rng.usize(0..self.common.len())].to_string();
        }
        // Zipf-ish: squaring a uniform draw favours low indices.
        let u = rng.f64();
        let i = ((u * u) * self.domain.len() as f64) as usize;
        self.domain[i.min(self.domain.len() - 1)].clone()
    }

    /// `min` to `min + spread - 1` words.
    fn sentence(&self, rng: &mut fastrand::Rng, min: usize, spread: usize) -> String {
        let n = min + rng.usize(0..spread.max(1));
        (0..n).map(|_| self.pick(rng)).collect::<Vec<_>>().join(" ")
    }
}

fn generate(root: &Path, n: usize, seed: u64) -> Vec<Skill> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let words = Words::new(&mut rng);
    (0..n)
        .map(|i| {
            let name =
                format!("{}-{}-{i}", words.pick(&mut rng), words.pick(&mut rng)).to_lowercase();
            let description = format!(
                "{}. Use when {}.",
                words.sentence(&mut rng, 14, 12),
                words.sentence(&mut rng, 6, 6)
            );
            let mut s = testing::skill(&name, &description);
            let headings: Vec<String> = (0..3 + rng.usize(0..3))
                .map(|_| words.sentence(&mut rng, 2, 2))
                .collect();
            s.body = headings
                .iter()
                .map(|h| format!("## {h}\n{}\n", words.sentence(&mut rng, 60, 1)))
                .collect();
            s.headings = headings;
            if rng.f32() < 0.3 {
                s.keywords = (0..3).map(|_| words.pick(&mut rng)).collect();
            }
            testing::write(root, s)
                .unwrap_or_else(|e| panic!("writing skill {name} under {}: {e}", root.display()))
        })
        .collect()
}

/// Messages built from the words of random skills plus filler, so they
/// match some skills strongly and many weakly.
fn messages(skills: &[Skill], seed: u64) -> Vec<String> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..MESSAGES)
        .map(|_| {
            let s = &skills[rng.usize(0..skills.len())];
            let ws: Vec<&str> = s.description.split_whitespace().collect();
            let mut picked: Vec<&str> = (0..5).map(|_| ws[rng.usize(0..ws.len())]).collect();
            picked.extend([
                "please", "fix", "the", "build", "and", "check", "the", "tests",
            ]);
            rng.shuffle(&mut picked);
            picked.join(" ")
        })
        .collect()
}

/// CPU time (user + system) of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    if std::env::var_os("QUIRE_BENCH_REAL_ONLY").is_some() {
        real();
        return;
    }
    let config = SkillsConfig::default();
    if let Some(rounds) = std::env::var("QUIRE_BENCH_SELECT_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        select_rounds(&config, rounds);
        return;
    }
    let mut timing = vec![
        "| skills | index cold ms (CPU ms) | index warm ms (CPU ms) | stat alone ms | re-check per turn ms | select mean µs | select p95 µs | select max µs |".to_string(),
        "| --- | --- | --- | --- | --- | --- | --- | --- |".to_string(),
    ];
    let mut bytes = vec![
        "| skills | catalog mean | bodies mean | skills per request mean (max) | with a `$name` in every message: mean (max) | listing every skill instead |".to_string(),
        "| --- | --- | --- | --- | --- | --- |".to_string(),
    ];
    for n in SIZES {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("skills");
        let cache = tmp.path().join("cache");
        let skills = generate(&root, n, 7);

        let (mut cold, mut cold_cpu) = (Vec::new(), Vec::new());
        for _ in 0..BUILD_RUNS {
            let _ = std::fs::remove_dir_all(&cache);
            let copy = skills.clone();
            let (t, c) = (Instant::now(), cpu_time());
            let (_, stats) = SkillSet::build(copy, Some(&cache));
            cold.push(t.elapsed());
            cold_cpu.push(cpu_time() - c);
            assert_eq!(stats.tokenized, n);
        }
        let (mut warm, mut warm_cpu) = (Vec::new(), Vec::new());
        let mut set = SkillSet::default();
        for _ in 0..BUILD_RUNS {
            let copy = skills.clone();
            let (t, c) = (Instant::now(), cpu_time());
            let (s, stats) = SkillSet::build(copy, Some(&cache));
            warm.push(t.elapsed());
            warm_cpu.push(cpu_time() - c);
            assert_eq!(stats.from_cache, n, "warm build must hit the cache");
            set = s;
        }
        let mut stat = Vec::new();
        for _ in 0..BUILD_RUNS {
            let t = Instant::now();
            let ok = par_stat(&skills);
            stat.push(t.elapsed());
            assert_eq!(ok, n);
        }
        let mut recheck = Vec::new();
        for _ in 0..BUILD_RUNS {
            let copy = skills.clone();
            let t = Instant::now();
            let s = set.refreshed(copy, Some(&cache));
            recheck.push(t.elapsed());
            assert!(std::sync::Arc::ptr_eq(&s.index, &set.index));
        }

        let msgs = messages(&skills, 11);
        let (times, plain) = turns(&set, &config, &msgs);
        let named: Vec<String> = msgs
            .iter()
            .enumerate()
            .map(|(i, m)| format!("${} {m}", skills[i * 37 % n].name))
            .collect();
        let (_, with_name) = turns(&set, &config, &named);
        let listing_all: usize = set
            .skills
            .iter()
            .map(|s| format!("- {}: {} ({})\n", s.name, s.description, s.dir.display()).len())
            .sum();
        let mut sorted = times.clone();
        sorted.sort();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let mean = sorted.iter().map(|d| us(*d)).sum::<f64>() / sorted.len() as f64;
        timing.push(format!(
            "| {n} | {:.1} ({:.1}) | {:.1} ({:.1}) | {:.1} | {:.2} | {mean:.0} | {:.0} | {:.0} |",
            ms(median(cold)),
            ms(median(cold_cpu)),
            ms(median(warm)),
            ms(median(warm_cpu)),
            ms(median(stat)),
            ms(median(recheck)),
            us(sorted[sorted.len() * 95 / 100]),
            us(sorted[sorted.len() - 1]),
        ));
        bytes.push(format!(
            "| {n} | {} | {} | {} ({}) | {} ({}) | {listing_all} |",
            plain.catalog,
            plain.bodies,
            plain.catalog + plain.bodies,
            plain.max,
            with_name.catalog + with_name.bodies,
            with_name.max,
        ));
    }
    println!("{}\n\n{}", timing.join("\n"), bytes.join("\n"));
    real();
}

/// `QUIRE_BENCH_SELECT_ROUNDS=N`: only the selection of the 10,000-skill
/// set, its messages N times over, for a profiler (`perf record`); prints
/// the mean per message.
fn select_rounds(config: &SkillsConfig, rounds: usize) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let skills = generate(&tmp.path().join("skills"), 10_000, 7);
    let (set, _) = SkillSet::build(skills.clone(), Some(&tmp.path().join("cache")));
    let msgs = messages(&skills, 11);
    let mut all = Vec::new();
    for _ in 0..rounds {
        all.extend(turns(&set, config, &msgs).0);
    }
    let mean = all.iter().map(Duration::as_secs_f64).sum::<f64>() / all.len().max(1) as f64;
    println!("{} messages, mean {:.0} µs", all.len(), mean * 1e6);
}

/// Stats every SKILL.md on two threads, as the index build does; returns
/// how many succeeded.
fn par_stat(skills: &[Skill]) -> usize {
    let (a, b) = skills.split_at(skills.len() / 2);
    let count = |part: &[Skill]| {
        part.iter()
            .filter(|s| std::fs::metadata(&s.file).is_ok())
            .count()
    };
    std::thread::scope(|scope| {
        let h = scope.spawn(|| count(a));
        count(b) + h.join().unwrap_or(0)
    })
}

/// Mean bytes per request spent on skills, and the largest.
struct Bytes {
    catalog: usize,
    bodies: usize,
    max: usize,
}

/// Runs `msgs` as consecutive turns of fresh sessions (nothing active, the
/// previous message counting): the time of each selection and the bytes.
fn turns(set: &SkillSet, config: &SkillsConfig, msgs: &[String]) -> (Vec<Duration>, Bytes) {
    let paths = Paths::default();
    let active = HashSet::new();
    let mut times = Vec::with_capacity(msgs.len());
    let (mut catalog_bytes, mut body_bytes, mut max) = (0usize, 0usize, 0usize);
    let mut previous: Option<&str> = None;
    for m in msgs {
        let t = Instant::now();
        let plan = set.plan(config, m, previous, &active);
        let names: Vec<String> = plan
            .activate
            .iter()
            .map(|a| set.skills[a.skill].name.clone())
            .collect();
        let cat = catalog::render(&set.skills, &plan, &names, config, &paths);
        times.push(t.elapsed());
        let c = cat.map(|c| c.text.len()).unwrap_or(0);
        let b: usize = plan
            .activate
            .iter()
            .map(|a| activation_text(&set.skills[a.skill]).len())
            .sum();
        catalog_bytes += c;
        body_bytes += b;
        max = max.max(c + b);
        previous = Some(m);
    }
    let k = msgs.len().max(1);
    (
        times,
        Bytes {
            catalog: catalog_bytes / k,
            bodies: body_bytes / k,
            max,
        },
    )
}
