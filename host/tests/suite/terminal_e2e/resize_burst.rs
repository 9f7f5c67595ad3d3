//! Resizes in quick succession while a turn runs (a window's edge being
//! dragged): they are taken together, and the transcript above the live
//! area — the session header, the user's message — stays, once.

use std::time::Duration;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

#[test]
fn resizes_in_a_row_during_a_turn_keep_the_message_line() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::text("answer A"),
        Reply::gate("held", 2, Reply::text("answer B")),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("first-msg\r");
    pty.wait_for("the first answer", |s| {
        s.contains("answer A") && !s.contains("Esc to interrupt")
    });
    pty.send("second-msg\r");
    pty.wait_text("Esc to interrupt");
    for rows in [44, 5, 44, 20, 8, 30] {
        pty.resize(rows, 100);
        std::thread::sleep(Duration::from_millis(40));
    }
    env.server.pass_gate("held");
    pty.wait_for("the second answer", |s| {
        s.contains("answer B") && !s.contains("Esc to interrupt")
    });
    let rows = pty.transcript();
    for line in ["› first-msg", "› second-msg", "answer A", "answer B"] {
        let n = rows.iter().filter(|r| r.trim_end() == line).count();
        assert_eq!(n, 1, "{line:?} should be in the transcript once: {rows:#?}");
    }
    assert!(
        rows.iter().any(|r| r.starts_with("quire session")),
        "the session header was wiped: {rows:#?}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
