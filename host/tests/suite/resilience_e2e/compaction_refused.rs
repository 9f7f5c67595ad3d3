//! A request the server refuses as too long while `model_context_window`
//! is left at its default: the compaction shrinks for real. The hand-off
//! is smaller than the refused request, the turn's older work is
//! summarised and not kept besides, and the window the server states
//! (llama.cpp's `n_ctx`) is the session's from then on.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

/// Three commands whose outputs (marked `one-`, `two-`, `three-`) pass
/// the server's limit together; the fourth request is refused.
fn run_refused(n_ctx: bool) {
    let env = TestEnv::new("chat");
    // The fixed part of a request (instructions, tools), measured.
    env.server.push(Reply::text("hello"));
    let probe = env.exec_json("hi", &[]);
    assert_eq!(probe.code, 0, "{}", probe.stderr);
    let fixed = env.server.requests()[0].raw_body.len();
    let limit = fixed + 40_000;
    if n_ctx {
        env.server.refuse_over_n_ctx(limit, (limit / 4) as u64);
    } else {
        env.server.refuse_over(limit);
    }
    env.server.route(
        "hand-off summary",
        (1..=5).map(|k| Reply::text(format!("SUMMARY-{k}"))),
    );
    let seq = |word: &str| json!({"command": format!("seq -f '{word}-%g' 1 1500")});
    env.server.push_all([
        Reply::tool_call("c1", "shell", seq("one")),
        Reply::tool_call("c2", "shell", seq("two")),
        Reply::tool_call("c3", "shell", seq("three")),
        Reply::text("THE ANSWER"),
    ]);
    let run = env.exec_json("count three times", &[]);
    let mode = if n_ctx { "n_ctx" } else { "no size" };
    assert_eq!(run.code, 0, "{mode}: {}", run.stderr);
    let done = run.of_type("message_completed");
    assert_eq!(done.last().unwrap()["text"], "THE ANSWER", "{mode}");
    let compactions = run.of_type("compaction");
    assert_eq!(compactions.len(), 1, "{mode}: {:?}", run.types());
    assert_eq!(compactions[0]["reason"], "context_window", "{mode}");

    let reqs = &env.server.requests()[1..];
    let refused: Vec<usize> = reqs
        .iter()
        .map(|r| r.raw_body.len())
        .filter(|len| *len > limit)
        .collect();
    assert_eq!(refused.len(), 1, "{mode}: only one refusal: {refused:?}");
    let hand_offs: Vec<_> = reqs
        .iter()
        .filter(|r| r.raw_body.contains("hand-off summary"))
        .collect();
    assert!(!hand_offs.is_empty(), "{mode}");
    for h in &hand_offs {
        assert!(
            h.raw_body.len() < refused[0],
            "{mode}: a hand-off of {} bytes, the refused request had {}",
            h.raw_body.len(),
            refused[0]
        );
    }
    // The retry: the summary, the message and the latest round only.
    let retry = &reqs.last().unwrap().raw_body;
    assert!(retry.contains("SUMMARY-"), "{mode}");
    assert!(
        retry.contains("three-1500"),
        "{mode}: the latest output is kept"
    );
    assert!(
        !retry.contains("one-1500") && !retry.contains("two-1500"),
        "{mode}: summarised outputs are kept too"
    );
    if n_ctx {
        let told = run.of_type("warning").iter().any(|w| {
            w["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("context window is {} tokens", limit / 4)))
        });
        assert!(
            told,
            "the stated window is not named: {:?}",
            run.of_type("warning")
        );
    }
}

#[test]
fn a_refused_request_is_retried_smaller_with_the_stated_window() {
    run_refused(true);
}

#[test]
fn a_refused_request_is_retried_smaller_without_a_stated_window() {
    run_refused(false);
}
