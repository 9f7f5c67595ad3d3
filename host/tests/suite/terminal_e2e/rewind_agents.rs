//! Going back to a message whose turn started a subagent in the
//! background (Esc Esc, the line mode's `/rewind N`): the subagent stops,
//! its command with it, and it is not reported to the model afterwards
//! (`wait_agents` without ids waits for none). The same for every
//! subagent of a conversation left for another (`/new`).

use std::io::Write;
use std::process::Stdio;

use serde_json::json;

use crate::support::model_server::{Recorded, Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, finish, wait_for_file, wait_gone};

const ESC: &str = "\x1b";
/// The marker of the parent's messages: its requests are routed by it.
const PARENT: &str = "PARENT-MARK";

/// The parent starts CHILD-R in the background (its command writes its
/// pid to `child.pid` and sleeps), answers STARTED-CHILD; asked again, it
/// waits for every child and answers WAITED-FOR-NONE.
fn script(env: &TestEnv) -> std::path::PathBuf {
    let pid_file = env.repo_path().join("child.pid");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![Step::tool_call(
                "s1",
                "spawn_agent",
                json!({"task": "CHILD-R sleep for long", "background": true}),
            )]),
            Reply::text("STARTED-CHILD"),
            Reply::tool_calls(vec![Step::tool_call("w1", "wait_agents", json!({}))]),
            Reply::text("WAITED-FOR-NONE"),
        ],
    );
    env.server.route(
        "CHILD-R",
        [Reply::tool_call(
            "c1",
            "shell",
            json!({"command": format!("echo $$ > '{}'; exec sleep 300", pid_file.display())}),
        )],
    );
    pid_file
}

/// The request after the rewind: no trace of the dropped child.
fn reports_no_child(last: &Recorded) {
    let waited = last
        .raw_body
        .split("\"w1\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no wait_agents result: {}", last.raw_body));
    assert!(
        !waited.contains("agent_id") && !last.raw_body.contains("CHILD-R"),
        "the dropped subagent was reported to the model: {}",
        last.raw_body
    );
}

#[test]
fn going_back_stops_the_subagents_the_dropped_turn_started() {
    let env = TestEnv::new("responses");
    let pid_file = script(&env);
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    pty.wait_text("/help for keys");
    pty.send(&format!("{PARENT} start a child\r"));
    pty.wait_text("STARTED-CHILD");
    let pid: i32 = wait_for_file(&pid_file).parse().expect("a pid");

    pty.send(ESC);
    pty.wait_text("Esc again to edit a previous message");
    pty.send(ESC);
    pty.wait_text("message 1 of 1:");
    pty.send("\r");
    pty.wait_text("── back to message 1");
    assert!(
        wait_gone(pid),
        "the dropped turn's subagent still runs its command {pid}"
    );

    pty.send(&format!("\x15{PARENT} wait for the children\r"));
    pty.wait_text("WAITED-FOR-NONE");
    reports_no_child(&env.server.requests().pop().expect("a request"));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// In the line mode: a child started, then `command` typed; the child's
/// command must be gone and the model must not hear of it after.
fn line_mode_drops_the_child(command: &str) {
    let env = TestEnv::new("responses");
    let pid_file = script(&env);
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut say = |line: &str| {
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("write a line");
    };
    say(&format!("{PARENT} start a child"));
    let pid: i32 = wait_for_file(&pid_file).parse().expect("a pid");
    say(command);
    assert!(
        wait_gone(pid),
        "after {command} the subagent still runs its command {pid}"
    );
    if command == "/new" {
        // The new conversation has no children of its own to list.
        say("/agents");
    }
    say(&format!("{PARENT} wait for the children"));
    drop(stdin);
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("WAITED-FOR-NONE"), "{}", r.stdout);
    if command == "/new" {
        assert!(
            r.stderr.contains("no subagents in this session"),
            "{}",
            r.stderr
        );
    }
    reports_no_child(&env.server.requests().pop().expect("a request"));
}

#[test]
fn rewind_in_the_line_mode_stops_the_subagents_the_dropped_turn_started() {
    line_mode_drops_the_child("/rewind 1");
}

#[test]
fn a_new_conversation_stops_the_subagents_of_the_one_left() {
    line_mode_drops_the_child("/new");
}
