//! Retries, faults and compaction, end to end.
mod closed_output;
mod compaction;
mod compaction_parts;
mod compaction_refused;
mod compaction_resumed;
mod compaction_room;
mod compaction_summary;
mod compaction_turn;
mod reader_after_end;
mod task_too_long;
mod window_exceeded;
mod window_wordings;
use crate::support;

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, WIRES};

#[test]
fn a_500_is_retried_then_succeeds() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server
            .push_all([Reply::status(500), Reply::text("fine now")]);
        let run = env.exec_json("hi", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert_eq!(env.server.requests().len(), 2, "{wire}");
        let retry = run.of_type("retry");
        assert_eq!(retry.len(), 1, "{wire}");
        assert_eq!(retry[0]["attempt"], 1);
        assert_eq!(retry[0]["max_attempts"], 4);
    }
}

/// A stream cut after the tool call was announced is retried as a whole;
/// the tool runs exactly once.
#[test]
fn a_cut_stream_is_retried_and_no_tool_runs_twice() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let call = Step::tool_call("once", "shell", json!({"command": "echo ran >> count.txt"}));
        env.server.push_all([
            Reply::cut(vec![Step::text("running it"), call.clone()], 6),
            Reply::steps(vec![Step::text("running it"), call]),
            Reply::text("done"),
        ]);
        let run = env.exec_json("run it once", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert_eq!(
            env.read("count.txt"),
            "ran\n",
            "{wire}: the tool ran exactly once"
        );
        assert_eq!(run.of_type("retry").len(), 1, "{wire}");
        assert_eq!(run.of_type("tool_completed").len(), 1, "{wire}");
        assert_eq!(env.server.requests().len(), 3, "{wire}");
    }
}

/// Text streamed before a cut never reaches a file or a pipe: with stdout
/// not a terminal, a message is printed once it completed.
#[test]
fn a_cut_answer_never_reaches_piped_output() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::cut(vec![Step::text("the first half of an answer")], 6),
        Reply::text("the whole answer"),
    ]);
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "the whole answer\n");
    assert!(run.stderr.contains("retrying"), "{}", run.stderr);
}

/// In `--json`, the retry says the deltas before it are void.
#[test]
fn a_retry_after_streamed_text_marks_that_text_discarded() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::cut(vec![Step::text("the first half of an answer")], 2),
        Reply::status(503),
        Reply::text("the whole answer"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retries = run.of_type("retry");
    assert_eq!(retries.len(), 2, "{:?}", run.events);
    assert_eq!(retries[0]["discarded_text"], true);
    // The 503 came before any text: nothing of it to discard.
    assert_eq!(retries[1]["discarded_text"], false);
    assert_eq!(
        run.of_type("message_completed")[0]["text"],
        "the whole answer"
    );
}

/// On a terminal the text streams, and a cut one is marked discarded.
#[test]
fn a_cut_answer_is_marked_discarded_on_a_terminal() {
    use crate::support::pty::Pty;
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::cut(vec![Step::text("the first half of an answer")], 6),
        Reply::text("the whole answer"),
    ]);
    let mut pty = Pty::spawn(env.command(&["exec", "hi"]), 24, 200);
    assert_eq!(pty.wait_exit(), 0);
    let out = pty.output();
    assert!(
        out.contains("the first half")
            && out.contains("the partial answer above is discarded")
            && out.contains("the whole answer"),
        "{out}"
    );
}

/// A server that sends only keep-alives (SSE comments, Anthropic pings)
/// is as stalled as one that sends nothing: the idle timeout still fires,
/// and the error says keep-alives came, not that nothing did.
#[test]
fn keep_alives_alone_do_not_hold_off_the_idle_timeout() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let pings = || {
            let mut steps: Vec<Step> = (0..10)
                .flat_map(|_| [Step::KeepAlive, Step::DelayMs(300)])
                .collect();
            steps.push(Step::text("too late"));
            Reply::steps(steps)
        };
        env.server.push_all([pings(), pings()]);
        let run = env.exec_json("hi", &["-c", "providers.test.stream_idle_timeout_secs=1"]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        let msg = run.of_type("error")[0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("sent only keep-alives and no data for 1 s"),
            "{wire}: {msg}"
        );
        assert!(run.of_type("message_completed").is_empty(), "{wire}");
    }
}

/// A server that accepts the request and then sends nothing is given up
/// on after the idle timeout and one retry, with the setting named.
#[test]
fn a_stalled_server_is_retried_once_and_the_idle_timeout_named() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::Hang,
        Reply::steps(vec![Step::text("half"), Step::DelayMs(60_000)]),
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("hi", &["-c", "providers.test.stream_idle_timeout_secs=1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 2, "retried more than once");
    let msg = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("sent nothing for 1 s") && msg.contains("stream_idle_timeout_secs"),
        "{msg}"
    );
    // The hint says what really set the one retry.
    assert!(
        msg.contains(
            "gave up after 1 retry (a stalled stream is retried once, whatever retry.max_retries says)"
        ) && !msg.contains("sets how many"),
        "{msg}"
    );
    let retry = run.of_type("retry");
    assert_eq!(retry[0]["max_attempts"], 1, "a stall is retried once");
    assert!(
        retry[0]["reason"]
            .as_str()
            .unwrap()
            .contains("sent nothing"),
        "{retry:?}"
    );
}

/// An error that was not retried does not say retries were exhausted.
#[test]
fn an_error_that_is_not_retried_does_not_claim_retries() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::status(400));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 1);
    assert_eq!(env.server.requests().len(), 1);
    assert!(
        run.stderr.contains("HTTP 400") && !run.stderr.contains("retries"),
        "{}",
        run.stderr
    );
}

#[test]
fn retry_after_is_honoured() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::rate_limited("1"), Reply::text("after the wait")]);
    // Within retry.max_delay_ms (the test config's 20 ms would cap it).
    let run = env.exec_json("hi", &["-c", "retry.max_delay_ms=5000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retry = run.of_type("retry");
    assert_eq!(retry[0]["delay_ms"], 1000);
    let reqs = env.server.requests();
    let gap = reqs[1].received_at - reqs[0].received_at;
    assert!(gap.as_millis() >= 1000, "waited {gap:?}");
}

#[test]
fn persistent_failure_gives_up_after_the_configured_retries() {
    let env = TestEnv::new("chat");
    for _ in 0..3 {
        env.server.push(Reply::status(503));
    }
    let run = env.exec_json("hi", &["-c", "retry.max_retries=2"]);
    assert_eq!(run.code, 1);
    assert_eq!(env.server.requests().len(), 3);
    let err = run.of_type("error");
    assert!(
        err[0]["message"].as_str().unwrap().contains("503"),
        "{err:?}"
    );
    assert_eq!(run.of_type("task_completed")[0]["status"], "failed");
}

/// Auth errors are reported at once, with what to check, and not retried.
#[test]
fn auth_errors_are_not_retried() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push(Reply::status(401));
        let run = env.exec_json("hi", &[]);
        assert_eq!(run.code, 1, "{wire}");
        assert_eq!(env.server.requests().len(), 1, "{wire}");
        let msg = run.of_type("error")[0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("authentication failed") && msg.contains("API key"),
            "{wire}: {msg}"
        );
        // A key was sent: the message names the variable it came from.
        assert!(msg.contains("QUIRE_TEST_API_KEY"), "{wire}: {msg}");
        // The advice is given once.
        assert_eq!(msg.matches("api_key_env").count(), 1, "{wire}: {msg}");
        assert!(run.stderr.is_empty() || !run.stderr.contains("panicked"));
    }
}

/// A web page with HTTP 200 (a proxy, a wrong base_url) is reported as
/// what it is, with its first bytes and where to look, and not retried as
/// a broken stream.
#[test]
fn an_html_page_instead_of_a_stream_is_named_and_not_retried() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push(Reply::html_page(
            "<!DOCTYPE html><html><head><title>Sign in to the proxy</title></head></html>",
        ));
        let run = env.exec_json("hi", &[]);
        assert_eq!(run.code, 1, "{wire}");
        assert_eq!(env.server.requests().len(), 1, "{wire}: retried");
        let msg = run.of_type("error")[0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(msg.contains("text/html"), "{wire}: {msg}");
        assert!(msg.contains("Sign in to the proxy"), "{wire}: {msg}");
        assert!(msg.contains("base_url"), "{wire}: {msg}");
        assert!(!msg.contains("completion event"), "{wire}: {msg}");
    }
}

/// A context-window error triggers compaction and one retry (the hand-off
/// may be cut in parts: the refused request tells the window).
#[test]
fn context_window_error_compacts_and_retries_once() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.route(
            "hand-off summary",
            (0..4).map(|_| Reply::text("SUMMARY-OF-EVERYTHING")),
        );
        env.server.push_all([
            Reply::text("first answer"),
            Reply::ContextLengthExceeded,
            Reply::text("second answer"),
        ]);
        let first = env.exec_json("first question", &[]);
        assert_eq!(first.code, 0, "{wire}: {}", first.stderr);
        let run = env.exec_json("second question", &["--resume", "last"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        let (last, hand_offs) = reqs[2..].split_last().expect("requests");
        assert!(!hand_offs.is_empty(), "{wire}");
        for h in hand_offs {
            assert!(h.raw_body.contains("hand-off summary"), "{wire}");
        }
        assert!(last.raw_body.contains("SUMMARY-OF-EVERYTHING"), "{wire}");
        assert!(last.raw_body.contains("second question"), "{wire}");
        assert!(
            !last.raw_body.contains("first answer"),
            "{wire}: old history replaced"
        );
        let c = run.of_type("compaction");
        assert_eq!(c.len(), 1, "{wire}");
        assert_eq!(c[0]["reason"], "context_window");
    }
}

/// A second context-window error after compaction is reported, not looped.
#[test]
fn context_window_error_is_retried_only_once() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::ContextLengthExceeded,
        Reply::text("summary"),
        Reply::ContextLengthExceeded,
    ]);
    let run = env.exec_json("too big", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The task alone is too long: not retried, no hand-off asked for.
    assert_eq!(env.server.requests().len(), 1);
    let msg = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("window"), "{msg}");
    assert!(!msg.contains("without --resume"), "{msg}");
}

/// The first request too long, and the hand-off too: the task fails
/// after its one started turn, and `task_completed` counts it.
#[test]
fn a_failed_compaction_for_the_window_counts_the_turn() {
    for wire in ["chat", "anthropic"] {
        let env = TestEnv::new(wire);
        env.server.push_all([
            Reply::ContextLengthExceeded,
            Reply::ContextLengthExceeded,
            Reply::ContextLengthExceeded,
        ]);
        let run = env.exec_json("too big", &[]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        let started = run.of_type("turn_started");
        assert_eq!(started.len(), 1, "{wire}");
        let done = run.of_type("task_completed");
        assert_eq!(done[0]["status"], "failed", "{wire}");
        assert_eq!(done[0]["turns"], 1, "{wire}: {}", done[0]);
    }
}

/// Usage past 90% of the window compacts before the next request: the
/// summary replaces the history, and the turn's work in progress (the
/// tool call just made and its result) is kept, so the model does not
/// call it again.
#[test]
fn usage_past_the_threshold_triggers_compaction() {
    let env = TestEnv::with_config("anthropic", "model_context_window = 20000");
    env.server.push_all([
        Reply::steps(vec![
            Step::tool_call("c1", "list_dir", json!({})),
            Step::Usage {
                input: 19000,
                output: 10,
            },
        ]),
        Reply::text("SUMMARY: listed the repo, next answer the user"),
        Reply::text("final answer"),
    ]);
    let run = env.exec_json("what is in this repo", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs[1].raw_body.contains("hand-off summary"));
    let last = &reqs[2].raw_body;
    assert!(last.contains("SUMMARY: listed the repo"));
    assert!(last.contains("what is in this repo"));
    assert!(last.contains("\"c1\""), "the turn's tool call was kept");
    let c = run.of_type("compaction");
    assert_eq!(c[0]["reason"], "auto");
    assert_eq!(run.of_type("task_completed")[0]["status"], "done");
    let records = env.session_records();
    assert!(records.iter().any(|r| r["record"] == "compacted"));
}

/// A server that is not there: connection errors are retried, then
/// reported with what to check.
#[test]
fn unreachable_server_is_retried_then_reported() {
    let env = TestEnv::new("chat");
    // A port nobody listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("providers.test.base_url=\"http://127.0.0.1:{port}/v1\"");
    let run = env.exec_json("hi", &["-c", &url, "-c", "retry.max_retries=2"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.of_type("retry").len(), 2);
    let msg = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("cannot reach") && msg.contains("base_url"),
        "{msg}"
    );
}

/// A response with no text and no tool call is not passed off as an
/// answer: the user is told, and `--json`'s `task_completed` says
/// `answer: "empty"` (the exit code stays 0).
#[test]
fn an_empty_answer_is_named() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::steps(vec![]));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("the model's answer was empty"),
        "{}",
        run.stderr
    );
    env.server.push(Reply::steps(vec![]));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("task_completed")[0].clone();
    assert_eq!(
        (&done["status"], &done["answer"]),
        (&"done".into(), &"empty".into()),
        "{done}"
    );
}
