//! Interrupting the parent's turn (Esc, Ctrl-C) while a subagent working
//! in the background since an earlier turn asks for approval: the turn
//! stops, the question stays open (nobody answered it) and the answer
//! given afterwards is the child's — in the full-screen view and in the
//! line mode.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

use super::background_asks::{
    CHILD, IN_THE_BACKGROUND, PARENT, child_was_approved, escalated, spawn_child, wait_until_exists,
};

const HOLD: &str = "HOLD-TURN";

/// The parent starts a background child, answers, then holds its next
/// turn's request; the child asks once the test lets it.
fn env() -> TestEnv {
    let env = TestEnv::new("chat");
    let go = env.repo_path().join("go");
    env.server.route(
        PARENT,
        [
            spawn_child(),
            Reply::text("STARTED-CHILD"),
            Reply::Hang,
            Reply::text("PARENT-AGAIN"),
        ],
    );
    env.server.route(
        CHILD,
        [
            wait_until_exists("c1", &go),
            escalated(),
            Reply::text("CHILD-DONE"),
        ],
    );
    env
}

/// Waits until the held turn's request reached the server.
fn wait_held(env: &TestEnv) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !env
        .server
        .requests()
        .iter()
        .any(|r| r.raw_body.contains(HOLD))
    {
        assert!(std::time::Instant::now() < deadline, "the turn never asked");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn full_screen_interrupt_keeps_the_question(key: &str) {
    let env = env();
    let mut pty = Pty::spawn(env.command(&["--approval", "on-request"]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send(&format!("{PARENT} start a child\r"));
    pty.wait_text("STARTED-CHILD");
    pty.wait_text(IN_THE_BACKGROUND);
    pty.send(&format!("{HOLD} wait\r"));
    wait_held(&env);
    std::fs::write(env.repo_path().join("go"), "go").unwrap();
    pty.wait_text("[y] yes");
    pty.send(key);
    // The note and the live area may reach the screen in two writes: the
    // question must be there once both are (a question put away never is).
    pty.wait_for("the question still open after the interrupt", |s| {
        s.contains("your message is back in the input") && s.contains("[y] yes")
    });
    // Still open a while later (no late answer put it away).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let screen = pty.screen();
    assert!(screen.contains("[y] yes"), "the question went: {screen}");
    pty.send("y");
    child_was_approved(&env);
    pty.wait_for("the child ended", |s| !s.contains(IN_THE_BACKGROUND));
    // The interrupted message is back in the input: cleared, then quit.
    pty.send("\x15\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn esc_stops_the_turn_and_leaves_a_background_childs_question_open() {
    full_screen_interrupt_keeps_the_question("\x1b");
}

#[test]
fn ctrl_c_stops_the_turn_and_leaves_a_background_childs_question_open() {
    full_screen_interrupt_keeps_the_question("\x03");
}

fn line_mode_interrupt_keeps_the_question(env: &TestEnv, mut pty: Pty) {
    pty.wait_text("Ctrl-D to quit");
    pty.send(&format!("{PARENT} start a child\r"));
    pty.wait_for("the prompt after the answer", |s| {
        s.split_once("STARTED-CHILD")
            .is_some_and(|(_, after)| after.contains('›'))
    });
    pty.send(&format!("{HOLD} wait\r"));
    wait_held(env);
    std::fs::write(env.repo_path().join("go"), "go").unwrap();
    pty.wait_text("[y] yes  [n] no");
    pty.send("\x03");
    pty.wait_text("this question is still open");
    pty.wait_for("the question asked again", |s| {
        s.split_once("this question is still open")
            .is_some_and(|(_, after)| after.contains("[y] yes"))
    });
    pty.send("y\r");
    child_was_approved(env);
    // The main prompt reads messages again.
    pty.send("and now?\r");
    pty.wait_text("PARENT-AGAIN");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_dumb_terminals_ctrl_c_leaves_a_background_childs_question_open() {
    let env = env();
    let mut cmd = env.command(&["--approval", "on-request"]);
    cmd.env("TERM", "dumb");
    line_mode_interrupt_keeps_the_question(&env, Pty::spawn(cmd, 40, 120));
}

#[test]
fn rustylines_ctrl_c_leaves_a_background_childs_question_open() {
    let env = env();
    let cmd = env.command(&["--approval", "on-request"]);
    line_mode_interrupt_keeps_the_question(&env, Pty::spawn_mute(cmd, 40, 120));
}
