//! A window the fixed part of the request (instructions, tool definitions)
//! nearly fills, as a local server started with a small context: quire
//! does not compact on every turn, says why once, and still compacts a
//! conversation that is big beside the fixed part.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::{Run, TestEnv, WIRES};

const WARNING: &str = "too small for compaction to help";

fn hand_offs(env: &TestEnv) -> usize {
    env.server
        .requests()
        .iter()
        .filter(|r| r.raw_body.contains("hand-off summary"))
        .count()
}

fn small_window_warnings(run: &Run) -> usize {
    run.of_type("warning")
        .iter()
        .filter(|w| w["message"].as_str().unwrap_or("").contains(WARNING))
        .count()
}

/// The window is the size of the first request: several round trips and
/// tasks make no hand-off request, and the warning comes once per
/// session, naming the parts and what to set.
#[test]
fn a_window_the_fixed_part_fills_is_never_compacted() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push(Reply::text("first answer"));
        let first = env.exec_json("first question", &[]);
        assert_eq!(first.code, 0, "{wire}: {}", first.stderr);
        let window = env.server.requests()[0].raw_body.len() / 4;
        let setting = format!("model_context_window={window}");
        env.server.push_all([
            Reply::tool_call("c1", "shell", json!({"command": "echo one"})),
            Reply::tool_call("c2", "shell", json!({"command": "echo two"})),
            Reply::tool_call("c3", "shell", json!({"command": "echo three"})),
            Reply::text("second answer"),
            Reply::text("third answer"),
        ]);
        let run = env.exec_json("second question", &["-c", &setting, "--resume", "last"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert_eq!(run.of_type("turn_started").len(), 4, "{wire}");
        assert!(
            run.of_type("compaction").is_empty(),
            "{wire}: {:?}",
            run.events
        );
        assert_eq!(small_window_warnings(&run), 1, "{wire}: {:?}", run.events);
        let warning = run.of_type("warning")[0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        let named = format!("of the {window} tokens of `model_context_window`");
        for part in [
            named.as_str(),
            "quire's instructions",
            "tool definitions",
            "llama-server -c",
            "num_ctx",
            "[tool_selection]",
        ] {
            assert!(warning.contains(part), "{wire}: {part}: {warning}");
        }
        // Another task, in a new process: told again, still no hand-off.
        let run = env.exec_json("third question", &["-c", &setting, "--resume", "last"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert_eq!(small_window_warnings(&run), 1, "{wire}");
        assert_eq!(hand_offs(&env), 0, "{wire}: no compaction request");
        assert_eq!(env.server.requests().len(), 6, "{wire}");
    }
}

/// In line mode, several messages in one session: the warning is printed
/// once.
#[test]
fn line_mode_says_it_once() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let first = env.exec_json("first question", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let window = env.server.requests()[0].raw_body.len() / 4;
    env.server
        .push_all((0..3).map(|i| Reply::text(format!("answer {i}"))));
    let mut cmd = env.command(&["-c", &format!("model_context_window={window}")]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn quire");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"one\ntwo\nthree\n/quit\n")
            .expect("write stdin");
    }
    let run = support::quire::finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches(WARNING).count(), 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("answer 2"),
        "stdout: {:?} stderr: {:?}",
        run.stdout,
        run.stderr
    );
    assert_eq!(hand_offs(&env), 0);
}

/// The server refuses a request longer than its (small) window, and what
/// a compaction leaves would not fit it either: the server's error is
/// shown, and no hand-off request throws the conversation away.
#[test]
fn a_refused_request_is_not_compacted_when_it_cannot_fit() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let first = env.exec_json("first question", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // A window smaller than the fixed part alone.
    let window = env.server.requests()[0].raw_body.len() / 8;
    env.server.push(Reply::ContextLengthExceeded);
    let setting = format!("model_context_window={window}");
    let run = env.exec_json("second question", &["-c", &setting, "--resume", "last"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(hand_offs(&env), 0);
    assert!(run.of_type("compaction").is_empty());
    let error = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("maximum context length is 128000 tokens"),
        "the server's own words: {error}"
    );
    assert!(error.contains("model_context_window"), "{error}");
    // The server's sentence ends with a full stop; quire's follows it.
    assert!(
        error.contains("length of the messages. The fixed part"),
        "{error}"
    );
    assert!(!error.contains(".."), "{error}");
    assert_eq!(small_window_warnings(&run), 1, "{:?}", run.events);
}

/// A conversation that is big beside the fixed part still compacts with
/// the same small window, and no warning says otherwise.
#[test]
fn a_long_conversation_still_compacts() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let first = env.exec_json("first question", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let fixed = env.server.requests()[0].raw_body.len();
    // Long answers: the history grows to twice the fixed part.
    let long = "lorem ipsum dolor sit amet ".repeat(fixed / 27 / 2);
    for i in 0..4 {
        env.server.push(Reply::text(format!("answer {i}: {long}")));
        let run = env.exec_json(&format!("question {i}"), &["--resume", "last"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let last = env
        .server
        .requests()
        .last()
        .expect("requests")
        .raw_body
        .len();
    assert!(last > 2 * fixed, "fixed {fixed}, last {last}");
    let setting = format!("model_context_window={}", last / 4);
    env.server.push_all([
        Reply::text("SUMMARY-OF-THE-LONG-TALK"),
        Reply::text("the answer after compaction"),
    ]);
    let run = env.exec_json("one more question", &["-c", &setting, "--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c = run.of_type("compaction");
    assert_eq!(c.len(), 1, "{:?}", run.events);
    assert_eq!(c[0]["reason"], "auto");
    assert_eq!(small_window_warnings(&run), 0, "{:?}", run.events);
    let reqs = env.server.requests();
    assert!(reqs[reqs.len() - 2].raw_body.contains("hand-off summary"));
    assert!(
        reqs[reqs.len() - 1]
            .raw_body
            .contains("SUMMARY-OF-THE-LONG-TALK")
    );
}
