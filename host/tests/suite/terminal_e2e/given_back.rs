//! An interrupted message comes back to the input: before what was typed
//! meanwhile, its large paste as a placeholder again, and the note names
//! the key that clears all of it.

use std::time::Duration;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";

#[test]
fn an_interrupted_message_comes_back_before_the_draft_with_its_paste_as_a_placeholder() {
    let env = TestEnv::new("chat");
    env.server.push_all([Reply::Hang, Reply::text("got both")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    let pasted: String = (1..=40)
        .map(|n| format!("row {n:02} of the paste\n"))
        .collect();
    pty.send(&format!("see \x1b[200~{pasted}\x1b[201~"));
    pty.wait_text("[pasted 40 lines");
    pty.send("\r");
    env.server.wait_for_requests(1, Duration::from_secs(20));
    pty.send("typed meanwhile");
    pty.wait_text("› typed meanwhile");
    pty.send(ESC);
    let screen = pty.wait_text("what you typed meanwhile under it");
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Enter sends both, Ctrl-C clears the input"),
        "{screen}"
    );
    let screen = pty.wait_for("the message and the draft in the input", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines
            .windows(2)
            .any(|w| w[0].starts_with("› see [pasted 40 lines") && w[1].trim() == "typed meanwhile")
    });
    assert!(!screen.contains("row 40 of the paste"), "{screen}");
    pty.send("\r");
    // The turn over (a key sent before would reach it).
    pty.wait_for("the turn over", |s| {
        s.contains("got both") && !s.contains("Esc to interrupt")
    });
    let sent = &env.server.requests()[1].raw_body;
    assert!(
        sent.contains("see row 01 of the paste") && sent.contains("row 40 of the paste"),
        "{sent}"
    );
    assert!(sent.contains("typed meanwhile"), "{sent}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn ctrl_c_clears_a_multi_line_message_given_back() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::Hang);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    // Two lines (a small paste is inserted as typed).
    pty.send("\x1b[200~first line\nsecond line\x1b[201~");
    pty.wait_text("  second line");
    pty.send("\r");
    env.server.wait_for_requests(1, Duration::from_secs(20));
    pty.send(ESC);
    pty.wait_text("your message is back in the input: Enter sends it again, Ctrl-C clears it");
    let echoes = |s: &str| s.lines().filter(|l| l.starts_with("› first line")).count();
    // The echo in the transcript and the message in the input…
    pty.wait_for("the message in the input", |s| echoes(s) == 2);
    pty.send(CTRL_C);
    // …then only the echo: the input is empty, both lines gone.
    let screen = pty.wait_for("the input cleared", |s| echoes(s) == 1);
    assert_eq!(
        screen.lines().filter(|l| l.trim() == "second line").count(),
        1,
        "{screen}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
