//! A subagent started in the background still running when the parent's
//! turn ends: one compact line above the prompt says so until it ends.

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, wait_for_file};

const PARENT: &str = "PARENT-MARK";
const SHOWN: &str = "runs in the background";

#[test]
fn a_background_child_stays_in_sight_after_the_turn_until_it_ends() {
    let env = TestEnv::new("responses");
    let started = env.repo_path().join("child.started");
    let release = env.repo_path().join("child.release");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![Step::tool_call(
                "s1",
                "spawn_agent",
                json!({"task": "CHILD-B wait for the release", "background": true}),
            )]),
            Reply::text("STARTED-CHILD"),
        ],
    );
    let command = format!(
        "echo up > '{}'; while [ ! -e '{}' ]; do sleep 0.1; done",
        started.display(),
        release.display()
    );
    env.server.route(
        "CHILD-B",
        [
            Reply::tool_call("c1", "shell", json!({ "command": command })),
            Reply::text("CHILD-DONE"),
        ],
    );
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    pty.wait_text("/help for keys");
    pty.send(&format!("{PARENT} start a child\r"));
    let screen = pty.wait_text("STARTED-CHILD");
    // The call's line in words, as other tools' (not its JSON).
    assert!(
        screen.contains("✓ spawn_agent: background: CHILD-B wait for the release"),
        "{screen}"
    );
    wait_for_file(&started);
    let screen = pty.wait_text(SHOWN);
    let line = screen.lines().find(|l| l.contains(SHOWN)).unwrap_or("");
    assert!(line.contains("(/agents)"), "{screen}");
    std::fs::write(&release, "go").unwrap();
    pty.wait_for("the line gone once the child ended", |s| {
        !s.contains(SHOWN) && s.contains("(Ctrl-O expands)")
    });
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
