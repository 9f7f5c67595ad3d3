//! A plugin's calls running at once hold at most its memory budget
//! together (the larger of 1 GiB and one call's `limits.memory_mb`): two
//! read-only calls of one response, each allowed 700 MiB, run one after
//! the other; allowed 64 MiB each, side by side. No timings are asserted:
//! the second call says in the log that it waited.

use serde_json::json;

use crate::support::guests::odd_plugin;
use crate::support::model_server::{Reply, Step};
use crate::support::quire::{Run, TestEnv, finish};

/// Two `nap` calls of 1 s in one response to a plugin whose calls may
/// each use `memory_mb`; the run, with quire's debug log on stderr.
fn two_naps(memory_mb: u64) -> Run {
    let env = TestEnv::new("responses");
    odd_plugin(
        &env.repo.path().join(".quire/plugins/napper"),
        "napper",
        "nap",
        &format!("[limits]\nmemory_mb = {memory_mb}"),
    );
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call("a", "napper__nap", json!({"ms": 1000})),
            Step::tool_call("b", "napper__nap", json!({"ms": 1000})),
        ]),
        Reply::text("done"),
    ]);
    let run = finish(
        env.command(&["exec", "--json", "nap twice"])
            .env("QUIRE_LOG", "quire::plugins=debug")
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 2, "{}", run.stdout);
    for d in &done {
        assert_eq!(d["output"], "slept", "{d}");
    }
    run
}

#[test]
fn calls_that_would_exceed_the_budget_together_run_one_after_the_other() {
    let run = two_naps(700);
    let waited: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("waited for memory"))
        .collect();
    assert_eq!(waited.len(), 1, "{}", run.stderr);
    assert!(
        waited[0].contains("napper")
            && waited[0]
                .contains("its calls running held 700 of the 1024 MiB they may hold together"),
        "{}",
        run.stderr
    );

    let run = two_naps(64);
    assert!(!run.stderr.contains("waited for memory"), "{}", run.stderr);
}
