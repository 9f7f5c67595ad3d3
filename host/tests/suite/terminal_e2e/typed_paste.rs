//! A paste that arrives as plain keys (no bracketed-paste markers: `tmux
//! paste-buffer`, `xdotool type`, a terminal without bracketed paste) is
//! one message: its line breaks are new lines in the input, nothing is
//! sent and no pasted `/command` runs until Enter.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn lines_pasted_as_keys_are_one_message_and_run_no_command() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("got the paste"));
    let mut pty = Pty::spawn(env.command(&["--approval", "untrusted"]), 30, 100);
    pty.wait_text("/help for keys");
    // One write: it arrives in one read, as a paste does.
    pty.send("please review this:\rfn main() {}\r/approvals never\rthanks");
    let screen = pty.wait_text("thanks");
    assert!(screen.contains("/approvals never"), "{screen}");
    assert!(env.server.requests().is_empty(), "a pasted line was sent");
    pty.send("\r");
    pty.wait_text("got the paste");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 1, "one message");
    let body = &reqs[0].raw_body;
    assert!(
        body.contains(r"please review this:\nfn main() {}\n/approvals never\nthanks"),
        "{body}"
    );
    // The status line still names the approval policy chosen.
    let screen = pty.screen();
    assert!(screen.contains("untrusted"), "{screen}");
    assert!(!screen.contains("approval: never"), "{screen}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
