//! A large paste sent: the transcript shows its head and how much more
//! was sent, the model gets all of it.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn a_large_paste_is_echoed_as_a_preview_and_sent_whole() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("got the paste"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    let pasted: String = (1..=60)
        .map(|n| format!("row {n:02} {}\n", "Z".repeat(300)))
        .collect();
    pty.send(&format!("\x1b[200~{pasted}\x1b[201~"));
    pty.wait_text("[pasted 60 lines");
    pty.send("\r");
    pty.wait_text("got the paste");
    let sent = &env.server.requests()[0].raw_body;
    assert!(
        sent.contains("row 01") && sent.contains("row 60"),
        "sent whole"
    );
    let out = pty.output();
    assert!(out.contains("row 01"), "the head is shown");
    assert!(!out.contains("row 60"), "the rest is not echoed");
    assert!(
        out.contains("more chars (56 more lines) not shown; sent in full"),
        "{}",
        pty.screen()
    );
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
