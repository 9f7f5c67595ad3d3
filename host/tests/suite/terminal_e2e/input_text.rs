//! What the input shows and sends of pasted text: a trailing backslash of
//! a paste is kept and Enter sends, tabs are drawn to their stops of 4
//! (in the input and in the message's echo) and sent as tabs.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

#[test]
fn a_pasted_trailing_backslash_stays_and_enter_sends() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("got the path"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("\x1b[200~C:\\path\\\x1b[201~");
    pty.wait_text("› C:\\path\\");
    pty.send("\r");
    // The turn over (a key sent before would reach it).
    pty.wait_for("the turn over", |s| {
        s.contains("got the path") && !s.contains("Esc to interrupt")
    });
    let sent = &env.server.requests()[0].raw_body;
    assert!(sent.contains(r#""content":"C:\\path\\"#), "{sent}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn tabs_in_the_input_and_its_echo_go_to_stops_of_four() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("got the tabs"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("\x1b[200~a\t\t\tbcd\n\tif x\x1b[201~");
    let shown = "› a           bcd";
    pty.wait_for("the tabs expanded in the input", |s| {
        let mut lines = s.lines().map(str::trim_end);
        lines.any(|l| l == shown) && lines.any(|l| l == "      if x")
    });
    pty.send("\r");
    let screen = pty.wait_for("the turn over", |s| {
        s.contains("got the tabs") && !s.contains("Esc to interrupt")
    });
    // The echo shows them alike…
    assert!(screen.lines().any(|l| l.trim_end() == shown), "{screen}");
    // …and the model gets the tabs.
    let sent = &env.server.requests()[0].raw_body;
    assert!(sent.contains(r"a\t\t\tbcd\n\tif x"), "{sent}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
