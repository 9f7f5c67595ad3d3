//! Tools, lexical against fused with a real embedding model (see
//! [`crate::semantic`]): how often the needed tool is sent, the tool
//! schemas per request and the time per pick, on the real MCP servers'
//! labelled sets; the cost of embedding the tools, and the messages
//! whose outcome changed.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use quire::skills::select::semantic::rank;
use quire::tools::ToolSpec;
use quire::tools::select::pick::pick;
use quire::tools::select::search;
use quire::tools::select::{ToolIndex, ToolSelectionConfig};

use crate::semantic::{median, ms};

/// A labelled message (any of `expect` does the job).
pub struct Case {
    pub text: String,
    pub previous: Option<String>,
    pub expect: Vec<String>,
}

struct Measured {
    sent: Vec<bool>,
    bytes: Vec<usize>,
    mcp: Vec<usize>,
    times: Vec<Duration>,
}

fn measure(
    index: &ToolIndex,
    keep: &BTreeSet<String>,
    cases: &[Case],
    bytes_of: fn(&ToolSpec) -> usize,
) -> Measured {
    let config = ToolSelectionConfig::default();
    let search_bytes = bytes_of(&search::spec());
    let mut m = Measured {
        sent: Vec::new(),
        bytes: Vec::new(),
        mcp: Vec::new(),
        times: Vec::new(),
    };
    for c in cases {
        let t = Instant::now();
        let picked = pick(index, &config, keep, &c.text, c.previous.as_deref());
        m.times.push(t.elapsed());
        let sent: Vec<&ToolSpec> = picked.tools.iter().map(|&i| &index.specs[i]).collect();
        m.sent
            .push(c.expect.iter().any(|e| sent.iter().any(|s| &s.name == e)));
        m.bytes
            .push(sent.iter().map(|s| bytes_of(s)).sum::<usize>() + search_bytes);
        m.mcp.push(
            sent.iter()
                .filter(|s| !keep.contains(&s.name))
                .map(|s| bytes_of(s))
                .sum(),
        );
    }
    m
}

fn row(label: &str, scoring: &str, m: &Measured) -> String {
    let sorted = |v: &[usize]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v
    };
    let (all, mcp) = (sorted(&m.bytes), sorted(&m.mcp));
    let ok = m.sent.iter().filter(|s| **s).count();
    format!(
        "| {label} | {scoring} | {:.3} ({ok} of {}) | {:.1} KB ({:.1} KB) | {:.1} KB | {:.1} |",
        ok as f64 / m.sent.len().max(1) as f64,
        m.sent.len(),
        all[all.len() / 2] as f64 / 1024.0,
        mcp[mcp.len() / 2] as f64 / 1024.0,
        all[all.len() - 1] as f64 / 1024.0,
        ms(median(m.times.clone())),
    )
}

/// Runs `sets` (label, cases) over `specs` (`keep`: always sent),
/// lexical and fused; `bytes_of` is what a tool costs in a request.
pub fn run(
    specs: Vec<ToolSpec>,
    keep: &BTreeSet<String>,
    sets: &[(&str, Vec<Case>)],
    bytes_of: fn(&ToolSpec) -> usize,
) {
    let texts: Vec<String> = specs.iter().map(rank::tool_text).collect();
    let Some((server, embedded)) = crate::semantic::start(&texts) else {
        return;
    };
    let (semantic, cold_time, disk_time) = (&embedded.semantic, embedded.cold, embedded.from_disk);
    println!(
        "\nSemantic scoring ({} at {}): {} tool texts embedded cold in {:.0} ms; from the disk cache (and one message) in {:.0} ms\n",
        server.model,
        server.url,
        texts.len(),
        ms(cold_time),
        ms(disk_time)
    );
    let lexical = ToolIndex::build(specs.clone(), 1);
    let fused = ToolIndex::build(specs, 1).with_semantic(Some(std::sync::Arc::clone(semantic)));
    println!(
        "| set | scoring | needed tool sent | tool schemas per request median (MCP part) | max | pick median ms |\n| --- | --- | --- | --- | --- | --- |"
    );
    let mut changes = Vec::new();
    for (label, cases) in sets {
        let l = measure(&lexical, keep, cases, bytes_of);
        let f = measure(&fused, keep, cases, bytes_of);
        println!("{}", row(label, "lexical", &l));
        println!("{}", row(label, "fused", &f));
        for (i, c) in cases.iter().enumerate() {
            if l.sent[i] != f.sent[i] {
                changes.push(format!(
                    "  {label} {} {:?}: expected {:?}",
                    if f.sent[i] { "gained" } else { "lost" },
                    c.text,
                    c.expect
                ));
            }
        }
    }
    println!(
        "\nneeded tool sent changed by fusion:\n{}",
        changes.join("\n")
    );
}
