//! Messages typed while a turn runs: queued in order and sent when the
//! turn ends; an interrupt brings them back to the composer unsent.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const ESC: &str = "\x1b";

/// A session whose first turn waits in a shell call until `go` exists.
fn held_turn() -> (TestEnv, Pty) {
    held_turn_at(100)
}

/// [`held_turn`] in a window `cols` wide.
fn held_turn_at(cols: u16) -> (TestEnv, Pty) {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call(
            "hold",
            "shell",
            json!({"command": "echo up > started; while [ ! -e go ]; do sleep 0.05; done"}),
        ),
        Reply::text("first answer"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, cols);
    pty.wait_text("/help for keys");
    pty.send("first message\r");
    crate::support::quire::wait_for_file(&env.repo_path().join("started"));
    (env, pty)
}

#[test]
fn messages_typed_during_a_turn_are_sent_in_order_when_it_ends() {
    let (env, mut pty) = held_turn();
    env.server
        .push_all([Reply::text("second answer"), Reply::text("third answer")]);
    pty.send("second message\r");
    // Typed at once after it, the next line would be read as pasted.
    pty.wait_text("queued: second message");
    pty.send("third message\r");
    pty.wait_text("queued: third message");
    // Typing goes on in the composer, not into the queued text.
    pty.send("draft");
    std::fs::write(env.repo_path().join("go"), "").unwrap();
    pty.wait_text("third answer");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 4, "one turn per queued message");
    assert!(requests[2].raw_body.contains("second message"));
    assert!(!requests[2].raw_body.contains("third message"));
    assert!(requests[3].raw_body.contains("third message"));
    assert!(!requests[3].raw_body.contains("draft"));
    let screen = pty.wait_for("the draft still in the composer", |s| {
        s.lines().any(|l| l.trim_start() == "› draft")
    });
    assert!(!screen.contains("queued:"), "{screen}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn an_interrupt_brings_the_queued_messages_back_unsent() {
    let (env, mut pty) = held_turn();
    pty.send("second message\r");
    pty.wait_text("queued: second message");
    pty.send(ESC);
    pty.wait_text("⊘ interrupted");
    pty.wait_for("both messages back in the composer", |s| {
        s.contains("› first message") && s.lines().any(|l| l.trim() == "second message")
    });
    assert_eq!(env.server.requests().len(), 1, "nothing more was sent");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn read_only_commands_answer_during_a_turn_and_the_others_wait() {
    let (env, mut pty) = held_turn();
    env.server.push(Reply::text("unused"));
    pty.send("/diff\r");
    // The file the running command made, as git sees it now.
    pty.wait_text("untracked (1 file, not ignored):");
    pty.send("/status\r");
    let screen = pty.wait_text("policy   sandbox");
    assert!(screen.contains("› /status"), "{screen}");
    assert!(!screen.contains("queued:"), "{screen}");
    // Remembered like any command (↑ in a later session).
    let history = std::fs::read_to_string(env.home.path().join("history.jsonl")).unwrap();
    assert!(history.contains("\"/status\""), "{history}");
    // /model changes the conversation: it waits for the turn to end.
    pty.send("/model test-model-large\r");
    pty.wait_text("queued: /model test-model-large");
    std::fs::write(env.repo_path().join("go"), "").unwrap();
    pty.wait_text("model: test-model-large");
    // Model requests only (`/model` also asked the server's model list).
    let asked = env
        .server
        .requests()
        .iter()
        .filter(|r| r.api.is_some())
        .count();
    assert_eq!(asked, 2, "no command was sent");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_failed_turn_puts_the_message_back_in_the_input() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::status(400), Reply::text("second try answered")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("please answer this\r");
    // The echo above, and the message back in the input below it.
    pty.wait_for("the message back in the input", |s| {
        s.lines()
            .filter(|l| l.trim() == "› please answer this")
            .count()
            >= 2
    });
    // Enter sends it again.
    pty.send("\r");
    pty.wait_text("second try answered");
    let requests = env.server.requests();
    assert!(requests[1].raw_body.contains("please answer this"));
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// The screen's rows trimmed and joined by spaces: a row wrapped at word
/// boundaries reads whole.
fn joined(s: &str) -> String {
    s.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

/// In a narrow window the queued row and the Ctrl-D hint wrap: the words
/// that say what happens next are not cut at the edge.
#[test]
fn a_queued_row_and_the_ctrl_d_hint_wrap_in_a_narrow_window() {
    let (env, mut pty) = held_turn_at(40);
    env.server.push(Reply::text("second answer"));
    pty.send("a second message that I queue while it works\r");
    pty.wait_for("the queued row whole", |s| {
        joined(s).contains("(sent when this turn ends)")
    });
    pty.send("\x04");
    pty.wait_for("the Ctrl-D hint whole", |s| {
        joined(s).contains("(Esc or Ctrl-C stops the turn)")
    });
    std::fs::write(env.repo_path().join("go"), "").unwrap();
    pty.wait_for("the queued message answered", |s| {
        s.contains("second answer") && !s.contains("Esc to interrupt")
    });
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
