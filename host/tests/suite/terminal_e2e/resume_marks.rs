//! `quire resume` in the full-screen view shows the history as the live
//! view showed it: an answer the user interrupted keeps its mark.

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const ESC: &str = "\x1b";
const CTRL_D: &str = "\x04";
const CTRL_U: &str = "\x15";

#[test]
fn a_resumed_interrupted_answer_keeps_its_interrupted_mark() {
    let env = TestEnv::new("chat");
    let gate = env.repo_path().join("never");
    env.server.push(Reply::steps(vec![
        Step::text("The plan is: first we delete the old table"),
        Step::Hold(gate),
        Step::text(" and then the rest."),
    ]));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("plan\r");
    pty.wait_text("delete the old table");
    pty.send(ESC);
    pty.wait_text("your message is back in the input");
    pty.send(CTRL_U);
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);

    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 30, 100);
    let screen = pty.wait_text("/help for keys");
    let rows: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let answer = rows
        .iter()
        .position(|r| r.contains("delete the old table"))
        .unwrap_or_else(|| panic!("the answer replayed: {screen}"));
    assert!(
        rows[answer + 1..]
            .iter()
            .find(|r| !r.is_empty())
            .is_some_and(|r| r.contains("⊘ interrupted")),
        "the interrupted mark under the answer: {screen}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// A settings change (`/approvals`) shows in the resumed history where
/// the model was told of it, as `quire sessions show` marks it.
#[test]
fn a_resumed_history_marks_a_settings_change() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("first answer"), Reply::text("second answer")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("one\r");
    pty.wait_text("first answer");
    pty.send("/approvals read-only\r");
    pty.wait_text("Read Only:");
    pty.send("two\r");
    pty.wait_text("second answer");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);

    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 30, 100);
    let screen = pty.wait_text("/help for keys");
    assert!(
        screen.contains("── settings: sandbox read-only"),
        "the change marked: {screen}"
    );
    let at = |text: &str| {
        screen
            .find(text)
            .unwrap_or_else(|| panic!("{text}: {screen}"))
    };
    assert!(at("first answer") < at("── settings:") && at("── settings:") < at("second answer"));
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
