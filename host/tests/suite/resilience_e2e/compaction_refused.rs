//! A request the server refuses as too long while `model_context_window`
//! is left at its default: the compaction shrinks for real. The hand-off
//! is smaller than the refused request, the turn's older work is
//! summarised and not kept besides, and the window the server states
//! (llama.cpp's `n_ctx`) is the session's from then on, a resumed one's
//! too.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

/// Three commands whose outputs (marked `one-`, `two-`, `three-`) pass
/// the server's limit together; the fourth request is refused. Returns
/// the environment and the server's limit in bytes.
fn run_refused(n_ctx: bool) -> (TestEnv, usize) {
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
    (env, limit)
}

#[test]
fn a_refused_request_is_retried_smaller_with_the_stated_window() {
    run_refused(true);
}

#[test]
fn a_refused_request_is_retried_smaller_without_a_stated_window() {
    run_refused(false);
}

/// The session resumed for a task that runs `seq` once per word (outputs
/// marked with it) and then answers `answer`; the run, and how many
/// requests the server had before it.
fn resumed_counting(env: &TestEnv, words: &[&str], answer: &str) -> (support::quire::Run, usize) {
    let before = env.server.requests().len();
    let seq = |word: &str| json!({"command": format!("seq -f '{word}-%g' 1 1500")});
    let calls = words
        .iter()
        .enumerate()
        .map(|(i, w)| Reply::tool_call(format!("r{i}"), "shell", seq(w)));
    env.server.push_all(calls.chain([Reply::text(answer)]));
    let run = env.exec_json("count more", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("message_completed");
    assert_eq!(done.last().unwrap()["text"], answer);
    (run, before)
}

/// The window learned from the error is kept in the session file: the
/// resumed session compacts before its requests reach it, instead of
/// sending one the server refuses again.
#[test]
fn a_resumed_session_keeps_the_window_the_server_stated() {
    let (env, limit) = run_refused(true);
    let (run, before) = resumed_counting(&env, &["four", "five"], "THE SECOND ANSWER");
    let refused: Vec<usize> = env.server.requests()[before..]
        .iter()
        .filter(|r| !r.raw_body.contains("hand-off summary"))
        .map(|r| r.raw_body.len())
        .filter(|len| *len > limit)
        .collect();
    assert!(
        refused.is_empty(),
        "the resumed session sent requests over the window it had learned: {refused:?}"
    );
    let reasons: Vec<_> = run
        .of_type("compaction")
        .iter()
        .map(|c| c["reason"].clone())
        .collect();
    assert_eq!(reasons, [json!("auto")], "{:?}", run.types());
}

/// Once the server's window is known, a compaction's hand-off that would
/// not fit it is cut into parts before it is sent: no hand-off request of
/// the resumed session is refused either (tester T25: three refusals per
/// compaction on a 7,500-token local server).
#[test]
fn hand_offs_fit_a_window_learned_from_a_refusal() {
    let (env, limit) = run_refused(true);
    let (run, before) = resumed_counting(&env, &["four", "five", "six"], "THE THIRD ANSWER");
    let requests = &env.server.requests()[before..];
    let hand_offs: Vec<usize> = requests
        .iter()
        .filter(|r| r.raw_body.contains("hand-off summary"))
        .map(|r| r.raw_body.len())
        .collect();
    assert!(!hand_offs.is_empty(), "{:?}", run.types());
    let over: Vec<&usize> = hand_offs.iter().filter(|len| **len > limit).collect();
    assert!(
        over.is_empty(),
        "hand-offs over the learned window of {limit} bytes: {over:?}"
    );
}
