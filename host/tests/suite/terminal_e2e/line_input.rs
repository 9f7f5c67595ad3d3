//! The line mode's reading of a dumb terminal (`TERM=dumb` on a pty):
//! lines longer than the driver's 4095 bytes arrive whole, a paste of
//! many lines is one message, typed lines stay one message each.

use serde_json::Value;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// Every string in a request's body.
pub(super) fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Whether request `n` carried `text` as one whole message (on the Chat
/// wire, context such as the skills that fit follows it after a blank
/// line).
pub(super) fn sent_whole(env: &TestEnv, n: usize, text: &str) -> bool {
    let mut all = Vec::new();
    strings(&env.server.requests()[n].body, &mut all);
    let with_context = format!("{text}\n\n");
    all.iter()
        .any(|s| s == text || s.starts_with(&with_context))
}

/// `quire` on a dumb terminal, its prompt shown.
pub(super) fn dumb(env: &TestEnv, args: &[&str]) -> Pty {
    crate::support::pty_prompt::line_mode(env, args, 30, 100)
}

#[test]
fn lines_longer_than_the_drivers_limit_reach_the_model_whole() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("got the a's"), Reply::text("got the accents")]);
    let mut pty = dumb(&env, &[]);
    let long = "a".repeat(5000);
    pty.send(&format!("{long}\r"));
    pty.wait_text("got the a's");
    assert!(sent_whole(&env, 0, &long), "the 5000 a's were cut");
    // 5000 bytes of two-byte characters: the driver's cut fell inside one.
    let accents = "é".repeat(2500);
    pty.send(&format!("{accents}\r"));
    pty.wait_text("got the accents");
    assert!(sent_whole(&env, 1, &accents), "the é line was cut");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    // The terminal's own editing and echo are back for the shell.
    assert!(pty.cooked());
}

#[test]
fn bytes_that_are_not_utf8_are_said_and_the_session_goes_on() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("fine after all"));
    let mut pty = dumb(&env, &[]);
    // Latin-1 "café": not UTF-8.
    pty.send_bytes(b"caf\xe9\r");
    pty.wait_text("not UTF-8 text");
    pty.send("plain\r");
    pty.wait_text("fine after all");
    assert_eq!(env.server.requests().len(), 1);
    assert!(sent_whole(&env, 0, "plain"));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_paste_of_many_lines_is_one_message_and_typed_lines_are_one_each() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::text("one answer for the paste"),
        Reply::text("answer to first"),
        Reply::text("answer to second"),
    ]);
    let mut pty = dumb(&env, &[]);
    let lines: Vec<String> = (1..=300).map(|i| format!("pasted line {i}")).collect();
    // A terminal pastes with Enter (CR) between lines, all at once.
    pty.send(&format!("{}\r", lines.join("\r")));
    pty.wait_text("[pasted 300 lines");
    pty.wait_text("one answer for the paste");
    assert!(sent_whole(&env, 0, &lines.join("\n")), "not one message");
    pty.send("first\r");
    pty.wait_text("answer to first");
    pty.send("second\r");
    pty.wait_text("answer to second");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 3, "one request per message");
    assert!(sent_whole(&env, 1, "first") && sent_whole(&env, 2, "second"));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn erase_and_kill_edit_the_line_without_escape_sequences() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("edited"));
    let mut pty = dumb(&env, &[]);
    // Typed "wrong", killed (Ctrl-U), "helo", one erase, "lo", an arrow key.
    pty.send("wrong\x15helo\x7flo\x1b[A\r");
    pty.wait_text("edited");
    assert!(
        sent_whole(&env, 0, "hello"),
        "{}",
        env.server.requests()[0].raw_body
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// A Ctrl-D typed while a turn runs is kept for the prompt that follows,
/// as the terminal's own line editing kept it: quire leaves when the turn
/// is over.
#[test]
fn ctrl_d_typed_during_a_turn_ends_the_session_after_it() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "w",
            "shell",
            serde_json::json!({"command": "while [ ! -f go ]; do sleep 0.05; done; echo went"}),
        ),
        Reply::text("the turn is over"),
    ]);
    let mut pty = dumb(&env, &[]);
    pty.send("wait for go\r");
    env.server
        .wait_for_requests(1, std::time::Duration::from_secs(30));
    // The command is waiting: the turn runs while Ctrl-D is typed.
    pty.send("\x04");
    std::fs::write(env.repo_path().join("go"), "").unwrap();
    pty.wait_text("the turn is over");
    assert_eq!(pty.wait_exit(), 0);
    assert_eq!(env.server.requests().len(), 2);
}

/// `\` then Enter is a new line in the message (the backslash dropped),
/// as in the full-screen view: on a dumb terminal and where rustyline
/// edits.
#[test]
fn a_backslash_before_enter_is_a_new_line_in_the_message() {
    for dumb_terminal in [true, false] {
        let env = TestEnv::new("chat");
        env.server.push(Reply::text("two lines seen"));
        let mut pty = if dumb_terminal {
            dumb(&env, &[])
        } else {
            let pty = Pty::spawn_mute(env.command(&[]), 30, 120);
            pty.wait_text("Ctrl-D to quit");
            pty
        };
        pty.send("first line\\");
        pty.wait_text("first line\\");
        let row = pty.cursor_row();
        pty.send("\r");
        // Typed after the Enter was taken, as a person types (a line
        // ending in `\` inside a paste keeps it).
        pty.wait_cursor_below(row);
        pty.send("second line");
        pty.wait_text("second line");
        pty.send("\r");
        pty.wait_text("two lines seen");
        assert!(
            sent_whole(&env, 0, "first line\nsecond line"),
            "dumb terminal {dumb_terminal}: {}",
            env.server.requests()[0].raw_body
        );
        pty.send("\x04");
        assert_eq!(pty.wait_exit(), 0);
    }
}

#[test]
fn a_line_and_the_end_of_file_in_one_read_run_the_line_then_exit() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("answered before the end"));
    let mut pty = dumb(&env, &[]);
    // What `script` sends when its input ends: the last line and the end
    // of file in one write. Not a paste: the line runs, then quire exits.
    pty.send("hello there\r\x04");
    pty.wait_text("answered before the end");
    assert_eq!(pty.wait_exit(), 0);
    assert!(sent_whole(&env, 0, "hello there"));
    let mut pty = dumb(&env, &[]);
    pty.send("/quit\r\x04");
    assert_eq!(pty.wait_exit(), 0);
}
