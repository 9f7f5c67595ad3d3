//! Ctrl-C at the line mode's prompt: the first clears what was typed (on
//! an empty line: says a second quits), the second quits with the resume
//! line — on a dumb terminal (the driver edits the line and sends SIGINT)
//! and on one rustyline edits (Ctrl-C comes as a key).

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const HINT: &str = "press Ctrl-C again (or Ctrl-D) to quit";

fn resume_line_of(env: &TestEnv, out: &str) {
    let line = out
        .lines()
        .find(|l| l.contains("To continue this session: quire resume "))
        .unwrap_or_else(|| panic!("no resume line:\n{out}"));
    let id = line.trim().rsplit(' ').next().unwrap_or_default();
    let file = env.session_files()[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert!(!id.is_empty() && file.contains(id), "{line} vs {file}");
}

/// Waits until `text` is on the screen `n` times.
fn wait_count(pty: &Pty, text: &str, n: usize) {
    pty.wait_for(&format!("{text} {n} times"), |s| {
        s.matches(text).count() >= n
    });
}

#[test]
fn ctrl_c_on_a_dumb_terminal_clears_the_line_then_quits() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("answered the second"));
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("Ctrl-D to quit");
    pty.send("some typed text");
    pty.wait_text("some typed text");
    pty.send("\x03");
    pty.wait_text(&format!("(input cleared) {HINT}"));
    // Still reading: the text typed before the Ctrl-C is gone.
    pty.send("second\r");
    pty.wait_text("answered the second");
    let sent = &env.server.requests()[0].raw_body;
    assert!(sent.contains("second"), "{sent}");
    assert!(!sent.contains("some typed text"), "{sent}");
    pty.send("\x03");
    wait_count(&pty, HINT, 2);
    pty.send("\x03");
    assert_eq!(pty.wait_exit(), 0);
    resume_line_of(&env, &pty.output());
}

#[test]
fn ctrl_c_where_rustyline_edits_clears_the_line_then_quits() {
    let env = TestEnv::new("chat");
    let mut pty = Pty::spawn_mute(env.command(&[]), 30, 120);
    pty.wait_text("Ctrl-D to quit");
    pty.send("some typed text");
    pty.wait_text("some typed text");
    // Text on the line: cleared, no hint.
    pty.send("\x03");
    pty.wait_for("the line cleared", |s| !s.contains("some typed text"));
    assert!(!pty.output().contains(HINT));
    pty.send("\x03");
    pty.wait_text(HINT);
    pty.send("\x03");
    assert_eq!(pty.wait_exit(), 0);
    resume_line_of(&env, &pty.output());
    assert!(env.server.requests().is_empty(), "nothing was sent");
}

#[test]
fn sigterm_during_a_turn_of_the_line_mode_prints_the_resume_line() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::tool_call(
        "hold",
        "shell",
        serde_json::json!({"command": "echo up > started; sleep 30"}),
    ));
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("Ctrl-D to quit");
    pty.send("hold on\r");
    crate::support::quire::wait_for_file(&env.repo_path().join("started"));
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(pty.pid(), libc::SIGTERM) };
    assert_eq!(pty.wait_exit(), 128 + libc::SIGTERM);
    resume_line_of(&env, &pty.output());
}

/// Ctrl-C at the approval question interrupts the turn (no further
/// request, the call recorded as interrupted, not denied) and the next
/// line typed is the next message, not an answer to a question gone.
fn ctrl_c_at_an_approval_question(mut pty: Pty, env: &TestEnv) {
    pty.wait_text("Ctrl-D to quit");
    pty.send("make a file\r");
    pty.wait_text("no, and tell it why: ");
    pty.send("\x03");
    pty.wait_text("interrupted");
    pty.send("after the interrupt\r");
    pty.wait_text("answered after");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2, "no request after the Ctrl-C");
    assert!(
        requests[1].raw_body.contains("after the interrupt"),
        "{}",
        requests[1].raw_body
    );
    assert!(!env.repo_path().join("made").exists(), "the call ran");
    let out = pty.output();
    assert!(!out.contains("declined"), "{out}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    let session = std::fs::read_to_string(&env.session_files()[0]).unwrap();
    assert!(session.contains("interrupted"), "{session}");
}

fn asking_env() -> TestEnv {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "mk",
            "shell",
            serde_json::json!({"command": "echo up > made"}),
        ),
        Reply::text("answered after"),
    ]);
    env
}

#[test]
fn ctrl_c_at_an_approval_question_on_a_dumb_terminal_interrupts_the_turn() {
    let env = asking_env();
    let mut cmd = env.command(&["--approval", "untrusted"]);
    cmd.env("TERM", "dumb");
    ctrl_c_at_an_approval_question(Pty::spawn(cmd, 30, 100), &env);
}

#[test]
fn ctrl_c_at_an_approval_question_where_rustyline_edits_interrupts_the_turn() {
    let env = asking_env();
    let cmd = env.command(&["--approval", "untrusted"]);
    ctrl_c_at_an_approval_question(Pty::spawn_mute(cmd, 30, 120), &env);
}
