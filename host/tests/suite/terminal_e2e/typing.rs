//! Typed input (keys, not a bracketed paste) arriving in a burst: all of
//! it is read and the composer shows its final state without another key.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn a_burst_of_typed_keys_over_two_kilobytes_is_drawn_whole_and_sent_whole() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("seen it all"));
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    // One write, as a fast typist or `tmux send-keys` delivers it: more
    // than the terminal reader's 1 KiB at once.
    let typed = format!("{}ENDX", "ef ".repeat(700));
    pty.send(&typed);
    pty.wait_text("ENDX");
    pty.send("\r");
    pty.wait_text("seen it all");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains(&typed), "the whole text was sent");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
