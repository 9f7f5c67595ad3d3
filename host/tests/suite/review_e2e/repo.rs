//! A test repository with a first commit, and the scripted answers of the
//! review passes.

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

pub const TRIAGE: &str = "REVIEW-PASS: triage";
pub const DEEP: &str = "REVIEW-PASS: deep";
pub const MERGE: &str = "REVIEW-PASS: merge";

/// Runs git in the test repository; panics when it fails.
pub fn git(env: &TestEnv, args: &[&str]) -> String {
    env.git(args)
}

/// A repository with `files` committed.
pub fn repo_with(files: &[(&str, &str)]) -> TestEnv {
    repo_with_config(files, "")
}

pub fn repo_with_config(files: &[(&str, &str)], config: &str) -> TestEnv {
    let env = TestEnv::with_config("responses", config);
    for (path, text) in files {
        env.write(path, text);
    }
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "first"]);
    env
}

/// `n` numbered lines: `prefix 1` … `prefix n`.
pub fn lines(prefix: &str, n: usize) -> String {
    (1..=n).map(|i| format!("{prefix} {i}\n")).collect()
}

/// Triage flags the hunks with these ids.
pub fn flags(ids: &[&str]) -> Reply {
    let flags: Vec<Value> = ids
        .iter()
        .map(|id| json!({"hunk": id, "concern": "correctness", "reason": "check it"}))
        .collect();
    Reply::text(json!({ "flags": flags }).to_string())
}

/// An answer with these findings.
pub fn findings(list: Value) -> Reply {
    Reply::text(json!({ "findings": list }).to_string())
}

/// A well-formed finding.
pub fn finding(file: &str, line: u32, severity: &str, title: &str) -> Value {
    json!({
        "file": file, "line_start": line, "line_end": line, "severity": severity,
        "category": "correctness", "title": title,
        "explanation": format!("{title}: explained."), "confidence": 0.9
    })
}

/// Every triage request is answered with no flags.
pub fn triage_flags_nothing(env: &TestEnv, times: usize) {
    for _ in 0..times {
        env.server.push_keyed(TRIAGE, flags(&[]));
    }
}

/// The requests of one pass.
pub fn requests_of(env: &TestEnv, pass: &str) -> Vec<String> {
    env.server
        .requests()
        .into_iter()
        .map(|r| r.raw_body)
        .filter(|b| b.contains(pass))
        .collect()
}

/// `quire review --json ARGS`, parsed.
pub fn review_json(env: &TestEnv, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["review", "--json"];
    all.extend_from_slice(args);
    let run = env.run(&all);
    let report = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    (run, report)
}

/// `quire review --json ARGS`, which must succeed with one triage
/// request (answered with no flags): that request's body.
pub fn one_triage(env: &TestEnv, args: &[&str]) -> String {
    let before = requests_of(env, TRIAGE).len();
    triage_flags_nothing(env, 1);
    let (run, _) = review_json(env, args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    let mut triage = requests_of(env, TRIAGE);
    assert_eq!(triage.len(), before + 1, "{args:?}");
    triage.pop().unwrap_or_default()
}
