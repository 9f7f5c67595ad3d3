//! A subagent started in the background asks for approval after its
//! parent's turn ended, or just before it ends: the question shows while
//! the prompt waits for a message, stays until it is answered (the end of
//! a turn is no answer), and the key or line typed under it answers it —
//! in the full-screen view and in the line mode (quire's reading of a
//! dumb terminal, and rustyline's), where the line never becomes a
//! message to the model.

use std::path::Path;

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, wait_for_file};

pub(super) const PARENT: &str = "PARENT-MARK";
pub(super) const CHILD: &str = "CHILD-ASKS";
pub(super) const IN_THE_BACKGROUND: &str = "runs in the background";

pub(super) fn spawn_child() -> Reply {
    Reply::tool_calls(vec![Step::tool_call(
        "s1",
        "spawn_agent",
        json!({"task": format!("{CHILD} write outside"), "background": true}),
    )])
}

/// A command in the sandbox (no question with `on-request`) that waits
/// until the test creates `file`.
pub(super) fn wait_until_exists(id: &str, file: &Path) -> Reply {
    let command = format!("while [ ! -e '{}' ]; do sleep 0.1; done", file.display());
    Reply::tool_call(id, "shell", json!({ "command": command }))
}

/// The child's question: a command outside the sandbox that writes
/// `asked.txt`.
pub(super) fn escalated() -> Reply {
    Reply::tool_call(
        "c2",
        "shell",
        json!({"command": "echo ran > asked.txt", "escalate": true, "justification": "needs it"}),
    )
}

/// The child's requests after its question: the command ran, nobody
/// declined it.
pub(super) fn child_was_approved(env: &TestEnv) {
    let asked = env.repo_path().join("asked.txt");
    assert_eq!(wait_for_file(&asked), "ran");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let answered = loop {
        let reqs = env.server.requests();
        let after: Vec<_> = reqs
            .iter()
            .filter(|r| r.raw_body.contains(CHILD) && r.raw_body.contains("asked.txt"))
            .map(|r| r.raw_body.clone())
            .collect();
        if let Some(body) = after.into_iter().find(|b| b.contains("needs it")) {
            break body;
        }
        assert!(std::time::Instant::now() < deadline, "the child went quiet");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(!answered.contains("the user declined"), "{answered}");
}

#[test]
fn the_full_screen_view_asks_while_the_prompt_waits_and_y_answers() {
    let env = TestEnv::new("chat");
    let go = env.repo_path().join("go");
    env.server
        .route(PARENT, [spawn_child(), Reply::text("STARTED-CHILD")]);
    env.server.route(
        CHILD,
        [
            wait_until_exists("c1", &go),
            escalated(),
            Reply::text("CHILD-DONE"),
        ],
    );
    let mut pty = Pty::spawn(env.command(&["--approval", "on-request"]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send(&format!("{PARENT} start a child\r"));
    pty.wait_text("STARTED-CHILD");
    // The turn is over (the line shows only between turns); the child
    // asks only now.
    pty.wait_text(IN_THE_BACKGROUND);
    std::fs::write(&go, "go").unwrap();
    let screen = pty.wait_text("[y] yes");
    assert!(screen.contains("$ echo ran > asked.txt"), "{screen}");
    pty.send("y");
    child_was_approved(&env);
    pty.wait_for("the child ended", |s| !s.contains(IN_THE_BACKGROUND));
    // Nothing was sent as a message.
    let parent = env.server.requests();
    let parent = parent.iter().filter(|r| r.raw_body.contains(PARENT));
    assert_eq!(parent.count(), 2);
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_end_of_a_turn_leaves_a_background_childs_question_open() {
    let env = TestEnv::new("chat");
    // The parent's last answer is held until the test lets it go (its
    // commands are stopped while a question is open: no command can hold
    // the turn).
    env.server.route(
        PARENT,
        [
            spawn_child(),
            Reply::gate("turn end", 2, Reply::text("PARENT-DONE")),
        ],
    );
    env.server
        .route(CHILD, [escalated(), Reply::text("CHILD-DONE")]);
    let mut pty = Pty::spawn(env.command(&["--approval", "on-request"]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send(&format!("{PARENT} start a child\r"));
    // Asked while the parent's turn runs; the turn then ends unanswered.
    pty.wait_text("[y] yes");
    env.server.pass_gate("turn end");
    pty.wait_for("the turn over, the question still open", |s| {
        s.contains("PARENT-DONE") && s.contains("[y] yes")
    });
    pty.send("y");
    child_was_approved(&env);
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// The line mode: the question comes while the main prompt waits for a
/// line; the `y` typed answers it and is no message.
fn line_mode_answers_at_the_prompt(env: &TestEnv, mut pty: Pty) {
    pty.wait_text("Ctrl-D to quit");
    pty.send(&format!("{PARENT} start a child\r"));
    pty.wait_for("the prompt after the answer", |s| {
        s.split_once("STARTED-CHILD")
            .is_some_and(|(_, after)| after.contains('›'))
    });
    std::fs::write(env.repo_path().join("go"), "go").unwrap();
    let screen = pty.wait_text("[y] yes  [n] no");
    assert!(screen.contains("$ echo ran > asked.txt"), "{screen}");
    pty.send("y\r");
    child_was_approved(env);
    let reqs = env.server.requests();
    let parent: Vec<_> = reqs
        .iter()
        .filter(|r| r.raw_body.contains(PARENT))
        .collect();
    assert_eq!(parent.len(), 2, "the y went to the model as a message");
    // The main prompt reads the next line as a message again.
    pty.send("and now?\r");
    pty.wait_text("PARENT-AGAIN");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

fn line_env() -> TestEnv {
    let env = TestEnv::new("chat");
    let go = env.repo_path().join("go");
    env.server.route(
        PARENT,
        [
            spawn_child(),
            Reply::text("STARTED-CHILD"),
            Reply::text("PARENT-AGAIN"),
        ],
    );
    env.server.route(
        CHILD,
        [
            wait_until_exists("c1", &go),
            escalated(),
            Reply::text("CHILD-DONE"),
        ],
    );
    env
}

#[test]
fn a_dumb_terminals_line_answers_a_background_childs_question() {
    let env = line_env();
    let mut cmd = env.command(&["--approval", "on-request"]);
    cmd.env("TERM", "dumb");
    line_mode_answers_at_the_prompt(&env, Pty::spawn(cmd, 40, 120));
}

#[test]
fn rustylines_line_answers_a_background_childs_question() {
    let env = line_env();
    let cmd = env.command(&["--approval", "on-request"]);
    line_mode_answers_at_the_prompt(&env, Pty::spawn_mute(cmd, 40, 120));
}
