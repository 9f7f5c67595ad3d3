//! Deep passes are subagents, one per flagged (file, concern): their
//! `agent_spawned` / `agent_completed` events, their parallelism, the hunks
//! each one sees, their usage in the report, and Ctrl-C stopping them.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::repo::*;
use crate::support::model_server::Reply;
use crate::support::model_server::keyed::BarrierState;
use crate::support::quire::{TestEnv, finish};

fn three_files() -> TestEnv {
    let env = repo_with(&[("a.rs", "a\n"), ("b.rs", "b\n"), ("c.rs", "c\n")]);
    env.write("a.rs", "a\nA_MARK\n");
    env.write("b.rs", "b\nB_MARK\n");
    env.write("c.rs", "c\nC_MARK\n");
    env
}

/// The JSON lines of stderr with this `type`.
fn events_of(stderr: &str, ty: &str) -> Vec<Value> {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["type"] == ty)
        .collect()
}

fn names(events: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = events
        .iter()
        .map(|e| e["agent_name"].as_str().unwrap_or("?").to_string())
        .collect();
    v.sort();
    v
}

/// a.rs is flagged for security and tests, b.rs for correctness, c.rs not
/// at all: three subagents, held by the server until all three are in
/// flight, each seeing only its file's hunk and its concern.
#[test]
fn one_subagent_per_flagged_file_and_concern_in_parallel() {
    let env = three_files();
    env.server.barrier(DEEP, 3);
    env.server.push_keyed(
        TRIAGE,
        Reply::text(
            json!({"flags": [
                {"hunk": "H1", "concerns": ["security", "tests"], "reason": "input reaches a query"},
                {"hunk": "H2", "concern": "correctness", "reason": "off by one?"}
            ]})
            .to_string(),
        ),
    );
    let security = json!([finding("a.rs", 2, "P1", "Injection")]);
    let tests = json!([finding("a.rs", 2, "P3", "No test")]);
    let correctness = json!([finding("b.rs", 2, "P2", "Off by one")]);
    env.server
        .push_keyed("CONCERN: security", findings(security.clone()));
    env.server.push_keyed("CONCERN: tests", findings(tests));
    env.server
        .push_keyed("CONCERN: correctness", findings(correctness.clone()));
    env.server.push_keyed(
        MERGE,
        findings(json!([security[0].clone(), correctness[0].clone()])),
    );
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.barrier_state(), Some(BarrierState::Released));

    let spawned = events_of(&run.stderr, "agent_spawned");
    let completed = events_of(&run.stderr, "agent_completed");
    let expected = ["review-correctness", "review-security", "review-tests"];
    assert_eq!(names(&spawned), expected, "{}", run.stderr);
    assert_eq!(names(&completed), expected, "{}", run.stderr);
    let tasks: Vec<&str> = spawned.iter().filter_map(|e| e["task"].as_str()).collect();
    assert!(
        tasks.contains(&"review a.rs for security problems"),
        "{tasks:?}"
    );
    let parent = spawned[0]["parent_id"].as_str().unwrap();
    for e in spawned.iter().chain(&completed) {
        assert_eq!(e["parent_id"], parent, "one review, one parent: {e}");
        assert!(e["agent_id"].as_str().is_some_and(|id| !id.is_empty()));
    }
    for c in &completed {
        assert_eq!(c["status"], "done", "{c}");
        assert!(c["usage"]["input_tokens"].as_u64().unwrap() > 0, "{c}");
    }

    let deep = requests_of(&env, DEEP);
    assert_eq!(deep.len(), 3);
    assert!(
        deep.iter().all(|b| !b.contains("C_MARK")),
        "c.rs was not flagged"
    );
    for (concern, mark, not) in [
        ("security", "A_MARK", "B_MARK"),
        ("tests", "A_MARK", "B_MARK"),
        ("correctness", "B_MARK", "A_MARK"),
    ] {
        let mine: Vec<_> = deep
            .iter()
            .filter(|b| b.contains(&format!("CONCERN: {concern}")))
            .collect();
        assert_eq!(mine.len(), 1, "{concern}");
        assert!(
            mine[0].contains(mark) && !mine[0].contains(not),
            "{concern}"
        );
        assert!(
            mine[0].contains(&format!("review-{concern}")),
            "the subagent's role names its concern"
        );
    }
    assert_eq!(report["stats"]["flagged"], 2);
    assert_eq!(report["stats"]["deep_passes"], 3);
    // triage + three subagents + merge, and every one's tokens counted.
    assert_eq!(report["stats"]["requests"], 5);
    let children: u64 = completed
        .iter()
        .map(|c| c["usage"]["input_tokens"].as_u64().unwrap())
        .sum();
    assert!(report["stats"]["input_tokens"].as_u64().unwrap() > children);
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
}

/// `[review] concerns` narrows what triage may ask for: a concern outside
/// the list goes to the first one listed.
#[test]
fn configured_concerns_are_the_only_ones() {
    let env = repo_with_config(
        &[("a.rs", "a\n")],
        "[review]\nconcerns = [\"security\", \"docs\"]\n",
    );
    env.write("a.rs", "a\nA_MARK\n");
    env.server.push_keyed(
        TRIAGE,
        Reply::text(
            json!({"flags": [{"hunk": "H1", "concerns": ["concurrency", "docs"], "reason": "r"}]})
                .to_string(),
        ),
    );
    env.server
        .push_keyed("CONCERN: security", findings(json!([])));
    env.server.push_keyed("CONCERN: docs", findings(json!([])));
    env.server.push_keyed(MERGE, findings(json!([])));
    let (run, _) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE);
    assert!(
        triage[0].contains(r#"\"security\", \"docs\""#),
        "{}",
        triage[0]
    );
    let spawned = events_of(&run.stderr, "agent_spawned");
    assert_eq!(names(&spawned), ["review-docs", "review-security"]);
}

/// Ctrl-C while the subagents wait for the model: each one ends
/// `interrupted`, the review exits 130.
#[test]
fn ctrl_c_stops_the_subagents() {
    let env = three_files();
    env.server.barrier(DEEP, 99);
    env.server.push_keyed(TRIAGE, flags(&["H1", "H2"]));
    let child = env.spawn(&["review", "--json"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while requests_of(&env, DEEP).len() < 2 {
        assert!(Instant::now() < deadline, "the deep passes never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(quire, libc::SIGINT) };
    let run = finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    let completed = events_of(&run.stderr, "agent_completed");
    assert_eq!(completed.len(), 2, "{}", run.stderr);
    for c in completed {
        assert_eq!(c["status"], "interrupted", "{c}");
    }
    assert!(requests_of(&env, MERGE).is_empty());
}

/// GNU `timeout`'s two SIGTERMs (to quire, then to its process group)
/// while the deep passes wait: the second is the same request, so the
/// `--json` review still prints its object (`error: interrupted`) and
/// exits 143.
#[test]
fn two_sigterms_back_to_back_still_print_the_json() {
    let env = three_files();
    env.server.barrier(DEEP, 99);
    env.server.push_keyed(TRIAGE, flags(&["H1", "H2"]));
    let child = env.spawn(&["review", "--json"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while requests_of(&env, DEEP).len() < 2 {
        assert!(Instant::now() < deadline, "the deep passes never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: signals to the quire process this test started, back to
    // back as `timeout` sends them.
    unsafe {
        libc::kill(quire, libc::SIGTERM);
        libc::kill(quire, libc::SIGTERM);
    }
    let run = finish(child);
    assert_eq!(run.code, 143, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no JSON object on stdout ({e}): {:?}", run.stdout));
    assert_eq!(report["error"], "interrupted", "{report}");
    assert!(report["stats"].is_object(), "{report}");
}
