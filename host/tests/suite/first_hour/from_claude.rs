//! A Claude Code user's command-line habits: its options quire lacks are
//! refused with quire's way to the same thing (not clap's nearest
//! spelling), `-p "a task"` says -p is --profile here, and `cat err.log |
//! quire "why"` is one task with the log as its context.

use std::io::Write;
use std::process::Stdio;

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish};

#[test]
fn claude_code_options_are_refused_with_what_quire_offers() {
    let env = TestEnv::new("chat");
    for (args, says) in [
        (&["--output-format", "json", "hi"][..], "quire exec --json"),
        (&["--continue"][..], "quire --resume last"),
        (
            &["exec", "--permission-mode", "plan", "hi"][..],
            "-s read-only",
        ),
        (&["--dangerously-skip-permissions"][..], "--yolo"),
        (
            &["-p", "fix the bug"][..],
            "to run one task and print its answer: quire exec",
        ),
        (
            &["-c", "fix the bug"][..],
            "to continue the last session: quire --resume last",
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert!(env.server.requests().is_empty());
}

#[test]
fn a_log_piped_into_quire_with_a_question_is_one_task_with_the_log() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("the value was bad"));
    let mut cmd = env.command(&["why does this fail"]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: bad\n",
        )
        .unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "the value was bad");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 1, "one task, not one per line");
    let sent = &requests[0].raw_body;
    assert!(
        sent.contains("why does this fail") && sent.contains("  File \\\"x.py\\\", line 1"),
        "{sent}"
    );
}
