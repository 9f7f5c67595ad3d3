//! Tool selection on a realistic tool set: the tools a developer's MCP
//! servers and plugins expose (GitHub and GitLab next to Jira and Linear,
//! Slack, Postgres, Kubernetes, AWS, a browser, small plugins...), written
//! for this test in tests/fixtures/tool-corpus/tools.json, and labelled
//! messages in messages.toml. The index and the pick go through the public
//! API, with the built-in tools and `skill` kept as in a session. Recall
//! (every expected tool among the ones sent) and the top pick are asserted
//! as floors and printed, misses with where the expected tools ranked.
mod real_mcp;
mod real_mcp_heldout;

use std::collections::BTreeSet;
use std::sync::Arc;

use quire::mcp::naming;
use quire::skills::SkillsConfig;
use quire::skills::select::catalog::Paths;
use quire::skills::select::{SelectionOptions, SelectionState};
use quire::skills::tool::SkillTool;
use quire::tools::select::pick::pick;
use quire::tools::select::{ToolIndex, ToolSelectionConfig};
use quire::tools::{Tool, ToolSpec, builtin_tools};
use serde::Deserialize;
use serde_json::Value;

/// Measured when the set was written (186 tools, 76 messages): recall@20
/// 0.961 (73), top-1 0.724 (55); with issue 18's phrases and name cover
/// (tuned on the real MCP servers) top-1 is 0.697 (53), recall the same.
const RECALL_FLOOR: f64 = 0.90;
const TOP1_FLOOR: f64 = 0.68;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Messages {
    message: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    text: String,
    #[serde(default)]
    previous: Option<String>,
    expect: Vec<String>,
}

fn corpus() -> Vec<ToolSpec> {
    serde_json::from_str(include_str!("../fixtures/tool-corpus/tools.json")).unwrap()
}

fn cases() -> Vec<Case> {
    let m: Messages =
        toml::from_str(include_str!("../fixtures/tool-corpus/messages.toml")).unwrap();
    m.message
}

/// The session's built-in tools and `skill`, as a session registers them.
pub fn session_tools() -> Vec<ToolSpec> {
    let mut specs: Vec<ToolSpec> = builtin_tools(10_000)
        .iter()
        .map(|t| t.spec().clone())
        .collect();
    let state = Arc::new(SelectionState::new(SelectionOptions {
        config: SkillsConfig::default(),
        loader: Arc::new(Vec::new),
        cache_dir: None,
        paths: Paths::default(),
    }));
    specs.push(SkillTool::new(state, 16 * 1024).spec().clone());
    specs
}

/// The index over the session's tools and the names kept on every turn.
fn session() -> (ToolIndex, BTreeSet<String>) {
    let own = session_tools();
    let keep = own.iter().map(|s| s.name.clone()).collect();
    let mut specs = own;
    specs.extend(corpus());
    (ToolIndex::build(specs, 1), keep)
}

fn sent(
    index: &ToolIndex,
    keep: &BTreeSet<String>,
    text: &str,
    previous: Option<&str>,
) -> Vec<String> {
    let picked = pick(index, &ToolSelectionConfig::default(), keep, text, previous);
    assert!(
        picked.selecting,
        "{} tools must be selected from",
        index.len()
    );
    picked
        .tools
        .iter()
        .map(|&i| index.specs[i].name.clone())
        .collect()
}

#[test]
fn the_corpus_is_big_consistent_and_named_as_quire_names_tools() {
    let tools = corpus();
    let cases = cases();
    assert!(tools.len() >= 150, "{} tools", tools.len());
    assert!(cases.len() >= 60, "{} messages", cases.len());
    let names: BTreeSet<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), tools.len(), "tool names must be unique");
    for t in &tools {
        match t.name.strip_prefix("mcp__") {
            Some(rest) => {
                let (server, tool) = rest.split_once("__").unwrap();
                assert_eq!(naming::exposed_name(server, tool), t.name);
            }
            None => {
                let (plugin, tool) = t.name.split_once("__").unwrap();
                assert!(!plugin.is_empty() && !tool.is_empty(), "{}", t.name);
            }
        }
        assert!(
            t.description.len() >= 20,
            "{}: description too short",
            t.name
        );
        assert_eq!(t.parameters["type"], "object", "{}", t.name);
        let props = t.parameters["properties"].as_object().unwrap();
        for (p, schema) in props {
            let d = schema.get("description").and_then(Value::as_str);
            assert!(
                d.is_some_and(|d| !d.is_empty()),
                "{}.{p}: no description",
                t.name
            );
        }
    }
    for c in &cases {
        assert!(!c.expect.is_empty(), "{:?} expects nothing", c.text);
        for e in &c.expect {
            assert!(
                names.contains(e.as_str()),
                "{:?} expects unknown tool {e}",
                c.text
            );
        }
    }
}

#[test]
fn the_expected_tools_are_sent_and_usually_ranked_first() {
    let (index, keep) = session();
    let cases = cases();
    let max = ToolSelectionConfig::default().max_tools;
    let (mut hits, mut top1) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut wrong_top = Vec::new();
    for c in &cases {
        let previous = c.previous.as_deref();
        let sent = sent(&index, &keep, &c.text, previous);
        assert!(
            sent.len() <= max,
            "{} tools sent for {:?}",
            sent.len(),
            c.text
        );
        let ranked: Vec<&str> = index
            .rank(&c.text, previous)
            .into_iter()
            .map(|(i, _)| index.specs[i].name.as_str())
            .filter(|n| !keep.contains(*n))
            .collect();
        let missing: Vec<&String> = c.expect.iter().filter(|e| !sent.contains(e)).collect();
        if missing.is_empty() {
            hits += 1;
        } else {
            let places: Vec<String> = missing
                .iter()
                .map(|m| match ranked.iter().position(|r| r == m) {
                    Some(p) => format!("{m} ranked {}", p + 1),
                    None => format!("{m} not ranked"),
                })
                .collect();
            misses.push(format!(
                "  {:?}: {}; top 3: {:?}",
                c.text,
                places.join(", "),
                &ranked[..ranked.len().min(3)]
            ));
        }
        match ranked.first() {
            Some(first) if c.expect.iter().any(|e| e == first) => top1 += 1,
            other => wrong_top.push(format!(
                "  {:?}: top {:?}, expected {:?}",
                c.text, other, c.expect
            )),
        }
    }
    let n = cases.len() as f64;
    let recall = hits as f64 / n;
    let top = top1 as f64 / n;
    println!(
        "{} tools ({} kept), {} messages: recall@{max} {recall:.3} ({hits}), top-1 {top:.3} ({top1})",
        index.len(),
        keep.len(),
        cases.len()
    );
    println!("not sent:\n{}", misses.join("\n"));
    println!("top pick not expected:\n{}", wrong_top.join("\n"));
    assert!(
        recall >= RECALL_FLOOR,
        "recall@{max} {recall:.3} is below {RECALL_FLOOR}; not sent:\n{}",
        misses.join("\n")
    );
    assert!(
        top >= TOP1_FLOOR,
        "top-1 {top:.3} is below {TOP1_FLOOR}; wrong top picks:\n{}",
        wrong_top.join("\n")
    );
}

#[test]
fn a_message_about_nothing_sends_only_the_kept_tools() {
    let (index, keep) = session();
    for text in ["thanks, that's all", "great, thank you!"] {
        let sent: BTreeSet<String> = sent(&index, &keep, text, None).into_iter().collect();
        assert_eq!(sent, keep, "{text:?}");
        assert!(index.rank(text, None).is_empty(), "{text:?}");
    }
}
