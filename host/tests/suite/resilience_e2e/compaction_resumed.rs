//! A long session resumed on a smaller window (tester TF: 5,000 turns
//! resumed against a 128k-token server sent a 3.4 MB hand-off, then part
//! after part each refused before being halved — 18 refusals — and left
//! 38% of the history out): the hand-off is cut to the window before it
//! is sent, and a refusal during a compaction sizes the parts after it.

use serde_json::json;

use crate::support;

use support::model_server::Reply;
use support::quire::{Run, TestEnv};

/// A session of `calls` shell outputs of about 12 KB each, on a window
/// that holds them all (no compaction yet).
fn long_session(calls: usize) -> TestEnv {
    let env = TestEnv::new("chat");
    let seq = |i: usize| json!({"command": format!("seq -f 'w{i}-%g' 1 1500")});
    env.server.push_all(
        (0..calls)
            .map(|i| Reply::tool_call(format!("c{i}"), "shell", seq(i)))
            .chain([Reply::text("BUILT")]),
    );
    let run = env.exec_json(
        "build a long history",
        &["-c", "model_context_window=1000000"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.server.route(
        "hand-off summary",
        (1..=40).map(|k| Reply::text(format!("SUMMARY-{k}"))),
    );
    env
}

/// The session resumed with `window`, answering RESUMED; the run and the
/// sizes of the requests it sent.
fn resumed(env: &TestEnv, window: &str) -> (Run, Vec<usize>) {
    let before = env.server.requests().len();
    env.server.push(Reply::text("RESUMED"));
    let setting = format!("model_context_window={window}");
    let run = env.exec_json("go on", &["--resume", "last", "-c", &setting]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("message_completed");
    assert_eq!(done.last().unwrap()["text"], "RESUMED");
    let warnings = run.of_type("warning");
    assert!(
        !warnings
            .iter()
            .any(|w| w["message"].as_str().unwrap_or("").contains("left out")),
        "history was left out: {warnings:?}"
    );
    let sizes = env.server.requests()[before..]
        .iter()
        .map(|r| r.raw_body.len())
        .collect();
    (run, sizes)
}

#[test]
fn a_long_session_resumed_on_a_smaller_window_is_summarised_in_parts_cut_before_sending() {
    let env = long_session(20);
    // About 280 KB of history against a server taking 200 KB.
    let limit = 200_000;
    env.server.refuse_over(limit);
    // 20,000 tokens: about 80 KB; a window only configured is taken as
    // a guess to a factor of two (parts of at most 160 KB).
    let (run, sizes) = resumed(&env, "20000");
    let refused: Vec<&usize> = sizes.iter().filter(|s| **s > limit).collect();
    assert!(
        refused.is_empty(),
        "requests over the window sent and refused: {refused:?} of {sizes:?}"
    );
    assert_eq!(run.of_type("compaction").len(), 1, "{:?}", run.types());
}

#[test]
fn a_refused_part_sizes_the_parts_after_it() {
    let env = long_session(20);
    // The server takes 100 KB and says nothing of its size; quire's
    // window (600 KB) holds the whole history, so the turn's request is
    // the first refused.
    let limit = 100_000;
    env.server.refuse_over(limit);
    let (run, sizes) = resumed(&env, "150000");
    let refused = sizes.iter().filter(|s| **s > limit).count();
    // Each refused part lowers the limit to 3/4 of itself: with the
    // server's limit at about 0.7 of the first refused part (whose size
    // depends on the prompt's), one more part may be refused before the
    // parts fit, never more.
    assert!(
        refused <= 3,
        "{refused} refusals (the turn's request and at most two parts): {sizes:?}"
    );
    assert_eq!(run.of_type("compaction").len(), 1, "{:?}", run.types());
    assert!(
        sizes.last().is_some_and(|s| *s <= limit),
        "the turn was not sent once compacted: {sizes:?}"
    );
}
