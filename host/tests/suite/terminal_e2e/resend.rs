//! A message the model never answered (the request failed, or the user
//! interrupted before the answer began), sent again: the history holds it
//! once, in the terminal view and in the line mode.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::support::model_server::{Recorded, Reply};
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, finish};

/// The user messages of a Chat request that hold `text`.
fn user_messages_with(request: &Recorded, text: &str) -> usize {
    request.body["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter(|m| m["role"] == "user")
                .filter(|m| Value::to_string(&m["content"]).contains(text))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_failed_message_sent_again_from_the_input_is_in_the_history_once() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::status(400),
        Reply::text("second try answered"),
        Reply::text("next answered"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("please answer this\r");
    pty.wait_for("the message back in the input", |s| {
        s.lines()
            .filter(|l| l.trim() == "› please answer this")
            .count()
            >= 2
    });
    // Edited before it is sent again: it replaces the unanswered copy.
    pty.send(" now\r");
    pty.wait_text("second try answered");
    pty.send("next one\r");
    pty.wait_text("next answered");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(user_messages_with(&requests[2], "please answer this"), 1);
    assert_eq!(
        user_messages_with(&requests[2], "please answer this now"),
        1
    );
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
    // Resumed, the history holds it once too.
    env.server.push(Reply::text("resumed answer"));
    let r = finish(
        env.command(&["exec", "--resume", "last", "after resume"])
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let requests = env.server.requests();
    assert_eq!(user_messages_with(&requests[3], "please answer this"), 1);
}

/// The line mode on a dumb terminal, fed `lines`.
fn line_mode(env: &TestEnv, lines: &str) {
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.as_bytes())
        .expect("write");
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_line_mode_sending_a_failed_message_again_keeps_it_once() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::status(400),
        Reply::text("second try answered"),
        Reply::text("next answered"),
    ]);
    line_mode(&env, "please answer this\nplease answer this\nnext one\n");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(user_messages_with(&requests[2], "please answer this"), 1);
}

#[test]
fn another_message_after_a_failed_one_tells_the_model_it_got_no_answer() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::status(400), Reply::text("other answered")]);
    line_mode(&env, "please answer this\nsomething else\n");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(user_messages_with(&requests[1], "please answer this"), 1);
    assert!(
        requests[1]
            .raw_body
            .contains("The user message above got no answer: the request failed"),
        "{}",
        requests[1].raw_body
    );
}
