//! The tokens `/status` shows for a resumed session: what its file
//! records (each task's `task_completed`, which holds its subagents'
//! tokens), and no crash on absurd numbers a server reported.

use serde_json::{Value, json};

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// `/status` of `quire resume last`.
fn resumed_status(env: &TestEnv) -> String {
    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 40, 160);
    pty.wait_text("/help for keys");
    pty.send("/status\r");
    let screen = pty.wait_text("cost     ");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0, "{screen}");
    screen
}

/// A server reporting u64::MAX input tokens: the task finishes (the sums
/// saturate), and the session resumes in the terminal view.
#[test]
fn usage_of_u64_max_neither_crashes_the_task_nor_the_resume() {
    let env = TestEnv::new("chat");
    let max = u64::MAX;
    env.server.push_all([
        Reply::steps(vec![
            Step::tool_call("c1", "shell", json!({"command": "echo a"})),
            Step::Usage {
                input: max,
                output: 5,
            },
        ]),
        // A context that full is compacted first.
        Reply::text("the hand-off summary"),
        Reply::steps(vec![
            Step::text("second"),
            Step::Usage {
                input: max,
                output: 5,
            },
        ]),
    ]);
    let run = env.exec_json("BIGUSE task", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert_eq!(run.of_type("task_completed")[0]["status"], "done");
    let screen = resumed_status(&env);
    assert!(screen.contains(&format!("tokens   in {max}")), "{screen}");
}

/// A task whose `task_completed` records more than its responses (its
/// subagents' tokens, counted there also when the task was interrupted
/// after its last response): a resumed `/status` shows what the file
/// records.
#[test]
fn a_resumed_status_counts_what_task_completed_records() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("hello"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = env.session_files().pop().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut edited = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            if v["event"]["type"] == "task_completed" {
                v["event"]["usage"]["input_tokens"] = json!(5000);
                v["event"]["usage"]["output_tokens"] = json!(300);
                edited += 1;
            }
            v.to_string()
        })
        .collect();
    assert_eq!(edited, 1, "{text}");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let screen = resumed_status(&env);
    assert!(
        screen.contains("tokens   in 5000 · cached 0 · out 300"),
        "{screen}"
    );
}
