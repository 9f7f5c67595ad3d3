//! A window of 60 columns: what quire writes wider than that is wrapped
//! at words by quire, each line going on under its own text, never left
//! to the terminal to break mid-word at its edge.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// The rows' words, one space between them (a word the terminal broke
/// at the edge shows as two).
fn words(rows: &[String]) -> String {
    rows.iter()
        .flat_map(|r| r.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn rewind_and_status_listings_wrap_at_words_under_their_text() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let mut pty = Pty::spawn(env.command(&[]), 40, 60);
    pty.wait_text("/help for keys");
    pty.send("hello there\r");
    pty.wait_text("first answer");
    pty.send("/rewind\r");
    pty.wait_text("1. hello there");
    pty.send("/status\r");
    pty.wait_text("policy");
    let rows = pty.transcript();
    let all = words(&rows);
    for said in [
        "messages to go back to: /rewind N drops message N and all after it from the conversation and gives its text back to edit",
        "(files the model changed stay as they are (/undo reverts the last task's patches, one task at a time))",
        "cost unknown price for test-model (local or unlisted model): no estimate",
    ] {
        assert!(
            all.contains(said),
            "{said:?} not whole:\n{}",
            rows.join("\n")
        );
    }
    // A value goes on under itself, past its key's column.
    let cost = rows
        .iter()
        .position(|r| r.starts_with("cost "))
        .expect("a cost row");
    assert!(
        rows[cost + 1].starts_with(&" ".repeat(9)) && !rows[cost + 1].trim().is_empty(),
        "{}",
        rows.join("\n")
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// At 60 x 15 the approval question and what "always" would allow are
/// read whole: wrapped, not cut at the edge.
#[test]
fn an_approval_prompt_wraps_its_question_and_choices_in_a_small_window() {
    let env = TestEnv::new("chat");
    let command = "touch a-rather-long-file-name-for-a-small-window.txt";
    env.server.push_all([
        Reply::tool_call(
            "t",
            "shell",
            json!({"command": command, "escalate": true, "justification": "marker"}),
        ),
        Reply::text("as you wish"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 15, 60);
    pty.wait_text("/help for keys");
    pty.send("approve something\r");
    pty.wait_text("[y] yes");
    let rows = pty.transcript();
    let all = words(&rows);
    for said in [
        "shell wants to run the command above OUTSIDE the sandbox (network, full disk access):",
        &format!("[a] always allow \"{command}"),
    ] {
        assert!(
            all.contains(said),
            "{said:?} not whole:\n{}",
            rows.join("\n")
        );
    }
    assert!(
        rows.iter().all(|r| r.chars().count() < 60),
        "{}",
        rows.join("\n")
    );
    pty.send("n");
    pty.wait_text("as you wish");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
