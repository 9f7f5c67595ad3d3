//! The line mode's approval question: the same content as the
//! full-screen view's (the request in full, a patch's diff, the `r`
//! answer that tells the model why), plain; and what an interrupt of it,
//! or of `/compact`, looks like.

use serde_json::json;

use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CALC: &str = "def add(a, b):\n    return a - b\n";

fn fix_add() -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n"}),
    )
}

#[test]
fn a_patch_is_shown_with_its_diff_and_r_tells_the_model_why_not() {
    let env = TestEnv::new("chat");
    env.write("calc.py", CALC);
    env.server.push_all([
        fix_add(),
        Reply::tool_call("s", "shell", json!({"command": "cargo test --workspace"})),
        Reply::text("understood"),
    ]);
    let r = line_mode(
        &env,
        "/approvals untrusted\nfix add\nr\nkeep the minus, it is on purpose\nr\n\n",
    );
    let err = &r.stderr;
    assert!(err.contains("apply_patch asks for approval:"), "{err}");
    // Each file with what happens to it, and its numbered diff.
    assert!(err.contains("  M calc.py +1 -1"), "{err}");
    assert!(err.contains("     2 +    return a + b"), "{err}");
    assert!(
        err.contains("apply_patch wants to change files (diff above):"),
        "{err}"
    );
    // (Prompts are not echoed when the input is piped: the pty test
    // below sees the answers offered.)
    // A command: shown in full, with "always" for its prefix.
    assert!(err.contains("shell asks for approval:"), "{err}");
    assert!(err.contains("  $ cargo test --workspace"), "{err}");
    assert_eq!(env.read("calc.py"), CALC, "not applied");
    let reqs = env.server.requests();
    let body = &reqs[1].raw_body;
    assert!(
        body.contains("and said: keep the minus, it is on purpose"),
        "{body}"
    );
    // `r` with no reason is a plain no.
    let body = &reqs[2].raw_body;
    assert!(
        body.contains("the user declined `cargo test --workspace`. Do not retry"),
        "{body}"
    );
}

/// Ctrl-C at the question (a dumb terminal: the driver sends SIGINT)
/// starts a new line before the interrupted call is reported.
#[test]
fn ctrl_c_at_the_question_ends_its_line_first() {
    let env = TestEnv::new("chat");
    env.write("calc.py", CALC);
    env.server.push(fix_add());
    let mut cmd = env.command(&["--approval", "untrusted"]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 40, 120);
    pty.wait_text("Ctrl-D to quit");
    pty.send("fix add\r");
    pty.wait_text("[y] yes  [n] no  [r] no, and tell it why: ");
    pty.send("\x03");
    let screen = pty.wait_text("⊘ apply_patch");
    let line = screen
        .lines()
        .find(|l| l.contains("⊘ apply_patch"))
        .unwrap_or_default();
    assert!(line.starts_with('⊘'), "{screen}");
    assert_eq!(env.read("calc.py"), CALC);
    pty.hang_up();
}

/// Ctrl-C during `/compact` is no error: the conversation is as it was.
#[test]
fn ctrl_c_during_compact_says_nothing_changed() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::text(format!("the answer about ducks:{}", " quack".repeat(400))),
        Reply::Hang,
        Reply::text("still about ducks"),
    ]);
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 40, 120);
    pty.wait_text("Ctrl-D to quit");
    pty.send("tell me about ducks\r");
    pty.wait_text("the answer about ducks");
    pty.send("/compact\r");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while env.server.requests().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no summary asked for");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pty.send("\x03");
    let screen = pty.wait_text("compaction interrupted; nothing changed");
    assert!(!screen.contains("compaction failed"), "{screen}");
    pty.send("and then?\r");
    pty.wait_text("still about ducks");
    let body = &env.server.requests()[2].raw_body;
    assert!(body.contains("the answer about ducks"), "{body}");
    assert!(body.contains("tell me about ducks"), "{body}");
    pty.hang_up();
}
