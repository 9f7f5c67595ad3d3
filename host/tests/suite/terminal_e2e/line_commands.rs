//! The line mode's commands: those of the full-screen view it does not
//! have say where they work, instead of "unknown command".

use std::io::Write;
use std::process::Stdio;

use crate::support::quire::{TestEnv, finish};

#[test]
fn full_screen_commands_in_the_line_mode_say_where_they_work() {
    let env = TestEnv::new("chat");
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"/undo\n/status\n/bogus\n/help\n")
        .expect("write");
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let err = &r.stderr;
    assert!(
        err.contains("/undo works in the full-screen view, not in the line mode"),
        "{err}"
    );
    assert!(
        err.contains("/status works in the full-screen view"),
        "{err}"
    );
    assert!(err.contains("unknown command /bogus"), "{err}");
    // /help says which they are, and /review's whole usage.
    assert!(
        err.contains("/resume, /status, /diff, /undo, /skills, /mcp and /approvals work in the"),
        "{err}"
    );
    assert!(err.contains("[--run-tests]"), "{err}");
    assert!(env.server.requests().is_empty(), "nothing was sent");
}
