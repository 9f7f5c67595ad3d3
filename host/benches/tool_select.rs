//! Benchmark: per-turn tool selection over generated tool sets of 100,
//! 1,000 and 10,000 MCP and plugin tools (next to the built-in tools and
//! `skill`). Reports
//!
//! - **build**: `ToolIndex::build` over every tool (tokenize + stem the
//!   name, description and parameters, assemble the postings), and
//!   **refresh**: what a session does when a tool joins (the registry's
//!   specs copied, then the same build);
//! - **pick**: one turn's choice (`pick`: query, BM25 scores, ranking, the
//!   kept tools first) and **turn**: all of `ToolSelection::turn_specs`
//!   (also copying the chosen specs and adding `tool_search`), over 200
//!   messages;
//! - **bytes**: the tool schemas one request carries (the specs serialized
//!   as JSON) with selection, against sending every tool.
//!
//! A first row does the same for the hand-written tools and messages of
//! the recall test (tests/fixtures/tool-corpus).
//!
//! Build times are wall-clock medians of 5 runs, with the CPU time (user +
//! system) beside them, as it is less disturbed by other load.
//!
//! A last part runs the real MCP servers' tools (tests/fixtures/mcp-tools)
//! with their labelled messages: how often a needed tool is sent, and the
//! schema bytes per request.
//!
//! With an embeddings endpoint (`QUIRE_BENCH_EMBEDDINGS_URL`, or the
//! local model of `scripts/embed-setup`), the real sets (tuning and
//! held-out) run again lexical against fused (`semantic/tools.rs`).
//! `QUIRE_BENCH_REAL_ONLY=1` runs only the real-tools parts.
//!
//! Run: `cargo bench -p quire --bench tool_select` (results go into
//! BENCHMARKS.md by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::model::Item;
use quire::skills::SkillsConfig;
use quire::skills::select::catalog::Paths;
use quire::skills::select::{SelectionOptions, SelectionState};
use quire::skills::tool::SkillTool;
use quire::tools::select::pick::pick;
use quire::tools::select::{ToolIndex, ToolSelection, ToolSelectionConfig};
use quire::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolRegistry, ToolSpec};
use serde_json::{Map, Value, json};

#[allow(dead_code, unused_imports)]
#[path = "../tests/suite/tool_select_recall/real_mcp.rs"]
mod real_mcp;
#[path = "semantic/mod.rs"]
mod semantic;
#[path = "semantic/tools.rs"]
mod semantic_tools;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// The built-in tools and `skill`, as a session has them.
fn session_tools() -> Vec<ToolSpec> {
    registry(&[]).0.specs()
}

/// Needed tool sent, and bytes, over the real MCP servers' tools.
fn real() {
    let own = session_tools();
    let keep: BTreeSet<String> = own.iter().map(|s| s.name.clone()).collect();
    let mut specs = own;
    specs.extend(real_mcp::real_tools());
    let index = ToolIndex::build(specs.clone(), 1);
    let cases = real_mcp::real_cases();
    println!(
        "\n{} tools of real MCP servers, {} messages\n\n| min_score_ratio | max_tools | needed tool sent | schemas per request median (MCP part) | max |\n| --- | --- | --- | --- | --- |",
        index.len(),
        cases.len()
    );
    for (ratio, max_tools) in [(0.0, 20), (0.3, 20), (0.3, 16), (0.5, 20)] {
        let config = ToolSelectionConfig {
            min_score_ratio: ratio,
            max_tools,
            ..ToolSelectionConfig::default()
        };
        let (mut ok, mut total, mut mcp) = (0usize, Vec::new(), Vec::new());
        for c in &cases {
            let p = pick(&index, &config, &keep, &c.text, c.previous.as_deref());
            let sent: Vec<&ToolSpec> = p.tools.iter().map(|&i| &index.specs[i]).collect();
            if c.expect.iter().any(|e| sent.iter().any(|s| &s.name == e)) {
                ok += 1;
            }
            let bytes = |f: &dyn Fn(&&&ToolSpec) -> bool| -> usize {
                sent.iter().filter(f).map(|s| real_mcp::spec_bytes(s)).sum()
            };
            total.push(bytes(&|_| true));
            mcp.push(bytes(&|s| !keep.contains(&s.name)));
        }
        total.sort_unstable();
        mcp.sort_unstable();
        println!(
            "| {ratio} | {max_tools} | {:.3} | {} ({}) | {} |",
            ok as f64 / cases.len() as f64,
            total[total.len() / 2],
            mcp[mcp.len() / 2],
            total[total.len() - 1]
        );
    }
    let labelled = |cases: Vec<real_mcp::Case>| -> Vec<semantic_tools::Case> {
        cases
            .into_iter()
            .map(|c| semantic_tools::Case {
                text: c.text,
                previous: c.previous,
                expect: c.expect,
            })
            .collect()
    };
    let sets = [
        ("tuning", labelled(cases)),
        ("held-out", labelled(real_mcp::heldout_cases())),
        ("fresh", labelled(real_mcp::fresh_cases())),
        ("fourth", labelled(real_mcp::fresh2_cases())),
        ("fifth", labelled(real_mcp::fresh3_cases())),
        ("sixth", labelled(real_mcp::fresh4_cases())),
        ("seventh", labelled(real_mcp::fresh5_cases())),
    ];
    semantic_tools::run(specs, &keep, &sets, real_mcp::spec_bytes);
}
const BUILD_RUNS: usize = 5;
const MESSAGES: usize = 200;

/// Words of tool descriptions: frequent ones every API uses, and generated
/// domain words drawn with a Zipf-like bias (as in the skills_select
/// bench), so some terms have long postings and most are rare.
struct Vocab {
    common: Vec<&'static str>,
    domain: Vec<String>,
}

const COMMON: &str = "list get create update delete search find issue issues project \
    repository branch file files message channel user users event events table query record \
    records status comment page document log logs metric alert deployment service bucket object \
    key value id name time range filter limit team account order report build run job error";

const VERBS: [&str; 12] = [
    "list", "get", "create", "update", "delete", "search", "run", "send", "add", "remove",
    "export", "describe",
];

impl Vocab {
    fn new(rng: &mut fastrand::Rng) -> Vocab {
        let syll = [
            "ka", "lo", "mi", "ter", "van", "qu", "ix", "ra", "zen", "tor", "pel", "dun", "sha",
            "bri", "gol", "fen", "mar", "cy", "dro", "ne",
        ];
        let domain = (0..3000)
            .map(|_| {
                let n = 2 + rng.usize(0..2);
                (0..n).map(|_| syll[rng.usize(0..syll.len())]).collect()
            })
            .collect();
        Vocab {
            common: COMMON.split_whitespace().collect(),
            domain,
        }
    }

    fn word(&self, rng: &mut fastrand::Rng) -> String {
        if rng.f32() < 0.35 {
            return self.common[rng.usize(0..self.common.len())].to_string();
        }
        let u = rng.f64();
        let i = ((u * u) * self.domain.len() as f64) as usize;
        self.domain[i.min(self.domain.len() - 1)].clone()
    }

    /// `min` to `min + spread - 1` words.
    fn words(&self, rng: &mut fastrand::Rng, min: usize, spread: usize) -> String {
        let n = min + rng.usize(0..spread.max(1));
        (0..n).map(|_| self.word(rng)).collect::<Vec<_>>().join(" ")
    }
}

/// `n` tools from `n / 12` MCP servers and a few plugins: names like
/// `mcp__SERVER__VERB_NOUN`, descriptions of 18–45 words, 1–5 parameters
/// with descriptions of 4–12 words.
fn generate(n: usize, seed: u64) -> Vec<ToolSpec> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let v = Vocab::new(&mut rng);
    let servers: Vec<String> = (0..(n / 12).max(3)).map(|_| v.word(&mut rng)).collect();
    let mut taken = HashSet::new();
    (0..n)
        .map(|i| {
            let source = &servers[rng.usize(0..servers.len())];
            let verb = VERBS[rng.usize(0..VERBS.len())];
            let mut name = if rng.f32() < 0.15 {
                format!("{source}-tools__{verb}_{}", v.word(&mut rng))
            } else {
                format!("mcp__{source}__{verb}_{}", v.word(&mut rng))
            };
            if !taken.insert(name.clone()) {
                name = format!("{name}_{i}");
                taken.insert(name.clone());
            }
            let description = format!(
                "{}. {}.",
                v.words(&mut rng, 12, 20),
                v.words(&mut rng, 6, 8)
            );
            let mut props = Map::new();
            for _ in 0..1 + rng.usize(0..5) {
                let ty = ["string", "string", "integer", "boolean", "array"][rng.usize(0..5)];
                let mut p = json!({"type": ty, "description": v.words(&mut rng, 4, 9)});
                if ty == "array" {
                    p["items"] = json!({"type": "string"});
                }
                props.insert(v.word(&mut rng).replace(' ', "_"), p);
            }
            let first = props.keys().next().cloned().unwrap_or_default();
            ToolSpec {
                name,
                description,
                parameters: json!({
                    "type": "object",
                    "properties": props,
                    "required": [first],
                    "additionalProperties": false
                }),
                read_only: rng.bool(),
                destructive: false,
            }
        })
        .collect()
}

/// Messages made of words of random tools' descriptions plus filler, so
/// they match a few tools strongly and many weakly.
fn messages(specs: &[ToolSpec], seed: u64) -> Vec<String> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..MESSAGES)
        .map(|_| {
            let s = &specs[rng.usize(0..specs.len())];
            let ws: Vec<&str> = s.description.split_whitespace().collect();
            let mut picked: Vec<&str> = (0..4).map(|_| ws[rng.usize(0..ws.len())]).collect();
            picked.extend(["can", "you", "please", "check", "this", "for", "me"]);
            rng.shuffle(&mut picked);
            picked.join(" ")
        })
        .collect()
}

/// A generated tool in the registry (never called here).
struct Generated(ToolSpec);

#[async_trait::async_trait]
impl Tool for Generated {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }
    async fn call(&self, _: Value, _: &ToolContext) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text("ok"))
    }
}

/// A session's registry: the built-in tools, `skill`, then `generated`;
/// the names of the built-in tools.
fn registry(generated: &[ToolSpec]) -> (ToolRegistry, Vec<String>) {
    let mut reg = ToolRegistry::new(16 * 1024);
    let builtin: Vec<String> = quire::tools::builtin_tools(10_000)
        .into_iter()
        .map(|t| reg.register(t))
        .collect();
    let state = Arc::new(SelectionState::new(SelectionOptions {
        config: SkillsConfig::default(),
        loader: Arc::new(Vec::new),
        cache_dir: None,
        paths: Paths::default(),
    }));
    reg.register(Arc::new(SkillTool::new(state, 16 * 1024)));
    for s in generated {
        reg.register(Arc::new(Generated(s.clone())));
    }
    (reg, builtin)
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

/// The value at quantile `q` (0..=1) of sorted `v`.
fn at(v: &[Duration], q: f64) -> Duration {
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn json_len(specs: &[ToolSpec]) -> usize {
    specs
        .iter()
        .map(|s| serde_json::to_string(s).map(|j| j.len()).unwrap_or(0))
        .sum()
}

/// The hand-written tools of the recall test and its messages' texts.
fn fixture() -> (Vec<ToolSpec>, Vec<String>) {
    let tools = include_str!("../tests/fixtures/tool-corpus/tools.json");
    let specs = serde_json::from_str(tools).expect("tools.json parses");
    let messages: toml::Value =
        toml::from_str(include_str!("../tests/fixtures/tool-corpus/messages.toml"))
            .expect("messages.toml parses");
    let texts = messages["message"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["text"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    (specs, texts)
}

/// Table rows: timing and bytes.
struct Rows {
    timing: Vec<String>,
    bytes: Vec<String>,
}

fn main() {
    if std::env::var_os("QUIRE_BENCH_REAL_ONLY").is_some() {
        real();
        return;
    }
    let mut rows = Rows {
        timing: vec![
            "| tools | build ms (CPU ms) | refresh ms | tools matched mean | pick median µs | pick p90 µs | pick max µs | turn median µs | turn p90 µs |".to_string(),
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |".to_string(),
        ],
        bytes: vec![
            "| tools | bytes per tool mean | tools per request mean (max) | bytes per request mean (max) | every tool |".to_string(),
            "| --- | --- | --- | --- | --- |".to_string(),
        ],
    };
    let (specs, texts) = fixture();
    measure(
        &format!("{} (fixture)", specs.len()),
        &specs,
        &texts,
        &mut rows,
    );
    for n in SIZES {
        let generated = generate(n, 7);
        let msgs = messages(&generated, 11);
        measure(&n.to_string(), &generated, &msgs, &mut rows);
    }
    println!("{}\n\n{}", rows.timing.join("\n"), rows.bytes.join("\n"));
    real();
}

/// Measures one tool set (`generated`, after the built-in tools and
/// `skill`) over `msgs`, consecutive messages of one session.
fn measure(label: &str, generated: &[ToolSpec], msgs: &[String], rows: &mut Rows) {
    let config = ToolSelectionConfig::default();
    let n = generated.len();
    let (mut reg, builtin) = registry(generated);
    let specs = reg.specs();
    let all_bytes = json_len(&specs);

    let (mut build, mut build_cpu) = (Vec::new(), Vec::new());
    let mut index = ToolIndex::default();
    for run in 0..BUILD_RUNS {
        let copy = specs.clone();
        let (t, c) = (Instant::now(), cpu_time());
        index = ToolIndex::build(copy, run as u64);
        build.push(t.elapsed());
        build_cpu.push(cpu_time() - c);
    }
    build.sort();
    build_cpu.sort();

    // A tool joins: the next refresh re-indexes everything.
    let selection = Arc::new(ToolSelection::new(config.clone(), builtin.clone()));
    let mut refresh = Vec::new();
    for (run, joining) in generated.iter().take(BUILD_RUNS).enumerate() {
        let mut spec = joining.clone();
        spec.name = format!("mcp__late__joined_{run}");
        reg.register(Arc::new(Generated(spec)));
        let t = Instant::now();
        selection.refresh(&reg);
        refresh.push(t.elapsed());
    }
    refresh.sort();

    let mut keep: BTreeSet<String> = builtin.iter().cloned().collect();
    keep.insert("skill".into());
    let (mut picks, mut turns) = (Vec::new(), Vec::new());
    let (mut matched, mut sent_tools, mut max_tools, mut sent_bytes, mut max_bytes) =
        (0, 0, 0, 0, 0);
    let mut previous: Option<&str> = None;
    for m in msgs {
        let t = Instant::now();
        let picked = pick(&index, &config, &keep, m, previous);
        picks.push(t.elapsed());
        assert!(picked.selecting && picked.tools.len() <= config.max_tools);
        matched += index.rank(m, previous).len();

        let history: Vec<Item> = previous
            .into_iter()
            .chain([m.as_str()])
            .map(|text| Item::User {
                text: text.into(),
                typed: None,
            })
            .collect();
        let t = Instant::now();
        let sent = selection.turn_specs(&history, m);
        turns.push(t.elapsed());
        let b = json_len(&sent);
        sent_tools += sent.len();
        max_tools = max_tools.max(sent.len());
        sent_bytes += b;
        max_bytes = max_bytes.max(b);
        previous = Some(m);
    }
    picks.sort();
    turns.sort();
    let k = msgs.len().max(1);
    rows.timing.push(format!(
        "| {label} | {:.2} ({:.2}) | {:.2} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
        ms(at(&build, 0.5)),
        ms(at(&build_cpu, 0.5)),
        ms(at(&refresh, 0.5)),
        matched / k,
        us(at(&picks, 0.5)),
        us(at(&picks, 0.9)),
        us(at(&picks, 1.0)),
        us(at(&turns, 0.5)),
        us(at(&turns, 0.9)),
    ));
    rows.bytes.push(format!(
        "| {label} | {} | {:.1} ({max_tools}) | {} ({max_bytes}) | {all_bytes} |",
        json_len(generated) / n.max(1),
        sent_tools as f64 / k as f64,
        sent_bytes / k,
    ));
}
