//! Typed input arriving in one burst of more than a read's worth (a long
//! string typed by a tool, a paste into a terminal without bracketed
//! paste): all of it reaches the composer at once, with no further key.

use std::time::Duration;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// About 3,000 printable characters, numbered words so that any gap shows,
/// ending in a word that says the end arrived.
fn long_text() -> String {
    let words: Vec<String> = (0..500).map(|i| format!("w{i:04}")).collect();
    format!("{} the-end", words.join(" "))
}

fn start(env: &TestEnv) -> Pty {
    let pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty
}

#[test]
fn a_burst_of_typed_text_reaches_the_composer_whole() {
    let env = TestEnv::new("responses");
    let mut pty = start(&env);
    let text = long_text();
    assert!(text.len() > 3000);
    // One write, no bracketed paste, and no key after it.
    pty.send(&text);
    pty.wait_text("the-end");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_burst_ending_in_enter_is_sent_whole() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("got it all"));
    let mut pty = start(&env);
    let text = long_text();
    pty.send(&format!("{text}\r"));
    let requests = env.server.wait_for_requests(1, Duration::from_secs(20));
    assert!(
        requests[0].raw_body.contains(&text),
        "the message sent was cut: {}",
        requests[0].raw_body
    );
    pty.wait_text("got it all");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// The burst is taken in whole and drawn once (or a few times, as the
/// terminal hands it over in pieces), not redrawn after every key: a
/// frame shows the cursor once at its end.
#[test]
fn a_burst_is_drawn_in_a_few_frames_not_one_per_key() {
    let env = TestEnv::new("responses");
    let mut pty = start(&env);
    let before = pty.output().len();
    pty.send(&long_text());
    pty.wait_text("the-end");
    std::thread::sleep(Duration::from_millis(300));
    let frames = pty.output()[before..].matches("\u{1b}[?25h").count();
    assert!(frames < 100, "{frames} frames for one burst of 3,000 keys");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
