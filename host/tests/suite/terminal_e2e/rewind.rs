//! Going back to an earlier message (Esc Esc in the terminal view,
//! `/rewind N` in both front ends): the next request holds the history
//! before that message and the new text, not the dropped turns (their
//! tool calls and results included), and a resumed session sends the
//! same.

use serde_json::json;

use super::line_session::line_mode;
use crate::support::model_server::{Recorded, Reply};
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, finish};

const ESC: &str = "\x1b";

/// Three exchanges; the second runs a tool call.
fn three_exchanges(env: &TestEnv) {
    env.server.push_all([
        Reply::text("ANSWER-ONE"),
        Reply::tool_call(
            "plan-call",
            "update_plan",
            json!({"plan": [{"step": "PLAN-STEP-TWO", "status": "pending"}]}),
        ),
        Reply::text("ANSWER-TWO"),
        Reply::text("ANSWER-THREE"),
    ]);
}

/// `request` holds the first exchange and `new_text`, nothing of the
/// second and third.
fn holds_only_the_kept_part(request: &Recorded, new_text: &str) {
    let body = &request.raw_body;
    for kept in ["MESSAGE-ONE", "ANSWER-ONE", new_text] {
        assert!(body.contains(kept), "{kept} missing: {body}");
    }
    for dropped in [
        "MESSAGE-TWO",
        "plan-call",
        "PLAN-STEP-TWO",
        "ANSWER-TWO",
        "MESSAGE-THREE",
        "ANSWER-THREE",
    ] {
        assert!(!body.contains(dropped), "{dropped} sent: {body}");
    }
}

/// `quire exec --resume last TEXT`: its request holds the same kept part.
fn resumed_sends_the_same(env: &TestEnv, new_text: &str) {
    env.server.push(Reply::text("RESUMED"));
    let r = finish(
        env.command(&["exec", "--resume", "last", "AFTER-RESUME"])
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let last = env.server.requests().pop().expect("a request");
    holds_only_the_kept_part(&last, new_text);
    assert!(last.raw_body.contains("AFTER-RESUME"));
}

#[test]
fn rewind_in_the_line_mode_drops_the_later_turns_and_resume_keeps_it_so() {
    let env = TestEnv::new("chat");
    three_exchanges(&env);
    env.server.push(Reply::text("ANSWER-NEW"));
    let lines = "MESSAGE-ONE\nMESSAGE-TWO\nMESSAGE-THREE\n/rewind\n/rewind 7\n/rewind 2\nNEW-TWO\n";
    let r = line_mode(&env, lines);
    let err = &r.stderr;
    assert!(err.contains("  2. MESSAGE-TWO"), "the listing: {err}");
    assert!(
        err.contains("there is no message 7: the conversation holds 3"),
        "{err}"
    );
    assert!(
        err.contains(
            "── back to message 2: it and 1 message after it are dropped from the conversation ──"
        ),
        "{err}"
    );
    assert!(err.contains("files the model changed stay as they are"));
    let requests = env.server.requests();
    assert_eq!(requests.len(), 5);
    holds_only_the_kept_part(&requests[4], "NEW-TWO");
    // The file records the rewind as an event of its own.
    assert!(env.session_records().iter().any(|r| {
        r["event"]["type"] == "rewound"
            && r["event"]["to_user_message"] == 2
            && r["event"]["dropped_messages"] == 2
    }));
    // `sessions show` tells the rewind where it happened.
    let shown = env.run(&["sessions", "show", "last"]).stdout;
    let said = "── went back to message 2: it and what came after (2 messages) were dropped ──";
    let at = shown.find(said).unwrap_or_else(|| panic!("{shown}"));
    assert!(shown[at..].contains("> NEW-TWO"), "{shown}");
    assert!(shown[..at].contains("> MESSAGE-THREE"), "{shown}");
    resumed_sends_the_same(&env, "NEW-TWO");
}

#[test]
fn esc_esc_enter_in_the_terminal_view_edits_an_earlier_message() {
    let env = TestEnv::new("chat");
    three_exchanges(&env);
    env.server.push(Reply::text("ANSWER-NEW"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    for (message, answer) in [
        ("MESSAGE-ONE", "ANSWER-ONE"),
        ("MESSAGE-TWO", "ANSWER-TWO"),
        ("MESSAGE-THREE", "ANSWER-THREE"),
    ] {
        pty.send(message);
        pty.send("\r");
        pty.wait_text(answer);
    }
    pty.send(ESC);
    pty.wait_text("Esc again to edit a previous message");
    pty.send(ESC);
    pty.wait_text("message 3 of 3: MESSAGE-THREE");
    pty.send(ESC);
    pty.wait_text("message 2 of 3: MESSAGE-TWO");
    pty.send("\r");
    pty.wait_text("── back to message 2: it and 1 message after it are dropped");
    // The message is back in the input (the transcript shows it once
    // more): edited, then sent.
    pty.wait_for("the message in the input", |s| {
        s.lines().filter(|l| l.trim() == "› MESSAGE-TWO").count() >= 2
    });
    pty.send("\x15NEW-TWO\r");
    pty.wait_text("ANSWER-NEW");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 5);
    holds_only_the_kept_part(&requests[4], "NEW-TWO");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    resumed_sends_the_same(&env, "NEW-TWO");
}

/// A dumb terminal's line cannot start with text to edit: `/rewind N`
/// prints the message's text to copy and says so, instead of claiming it
/// is in the input.
#[test]
fn rewind_on_a_dumb_terminal_prints_the_message_to_copy() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("ANSWER-ONE"), Reply::text("ANSWER-TWO")]);
    let mut pty = super::line_input::dumb(&env, &[]);
    pty.send("MESSAGE-ONE\r");
    pty.wait_text("ANSWER-ONE");
    pty.send("MESSAGE-TWO to copy\r");
    pty.wait_text("ANSWER-TWO");
    pty.send("/rewind 2\r");
    let notice = "cannot put the message back in the input (TERM=dumb)";
    let screen = pty.wait_for(notice, |s| s.replace('\n', "").contains(notice));
    let flat = screen.replace('\n', "");
    let at = flat.find(notice).unwrap_or_default();
    assert!(flat[at..].contains("MESSAGE-TWO to copy"), "{screen}");
    assert!(!flat.contains("in the input to edit"), "{screen}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    assert_eq!(env.server.requests().len(), 2);
}
