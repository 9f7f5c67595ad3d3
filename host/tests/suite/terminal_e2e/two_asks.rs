//! Two subagents in the background ask for approval at the same moment,
//! in the line mode: one question at a time, and the line typed under a
//! question answers that question (not the one asked first, printed
//! above it).

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, wait_for_file};

const PARENT: &str = "PARENT-TWO";
const KIDS: [&str; 2] = ["KID-ALPHA", "KID-BETA"];
const CHOICES: &str = "[y] yes  [n] no";

/// The file kid `i`'s command outside the sandbox writes.
fn file(i: usize) -> String {
    format!("kid{i}.txt")
}

#[test]
fn a_dumb_terminal_asks_two_background_questions_one_at_a_time() {
    let env = TestEnv::new("chat");
    let go = env.repo_path().join("go");
    let spawn = |i: usize| {
        Step::tool_call(
            format!("s{i}"),
            "spawn_agent",
            json!({"task": format!("{} write outside", KIDS[i]), "background": true}),
        )
    };
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn(0), spawn(1)]),
            Reply::text("STARTED-KIDS"),
        ],
    );
    for (i, kid) in KIDS.iter().enumerate() {
        // Both wait for `go`, then ask at once.
        let wait = format!("while [ ! -e '{}' ]; do sleep 0.1; done", go.display());
        env.server.route(
            kid,
            [
                Reply::tool_call("w", "shell", json!({ "command": wait })),
                Reply::tool_call(
                    "e",
                    "shell",
                    json!({"command": format!("echo ran > {}", file(i)), "escalate": true}),
                ),
                Reply::text("KID-DONE"),
            ],
        );
    }
    let mut cmd = env.command(&["--approval", "on-request"]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 50, 160);
    pty.wait_text("Ctrl-D to quit");
    pty.send(&format!("{PARENT} start two\r"));
    pty.wait_for("the prompt after the answer", |s| {
        s.split_once("STARTED-KIDS")
            .is_some_and(|(_, after)| after.contains('›'))
    });
    std::fs::write(&go, "go").unwrap();
    // The question on screen is the one the typed line answers.
    let screen = pty.wait_text(CHOICES);
    let shown = |screen: &str| {
        let at = |i: usize| screen.rfind(&format!("$ echo ran > {}", file(i)));
        match (at(0), at(1)) {
            (Some(a), Some(b)) => usize::from(b > a),
            (Some(_), None) => 0,
            _ => 1,
        }
    };
    let first = shown(&screen);
    assert_eq!(
        screen.matches(CHOICES).count(),
        1,
        "two questions at once:\n{screen}"
    );
    pty.send("y\r");
    // Then the other one, alone (commands wait while a question is open:
    // the approved one runs once both are answered).
    let screen = pty.wait_for("the second question", |s| s.matches(CHOICES).count() >= 2);
    let after = &screen[screen
        .find(&format!("$ echo ran > {}", file(first)))
        .unwrap_or(0)..];
    assert!(
        after.contains(&format!("$ echo ran > {}", file(1 - first))),
        "{screen}"
    );
    pty.send("n\r");
    let repo = env.repo_path();
    assert_eq!(wait_for_file(&repo.join(file(first))), "ran");
    pty.wait_for("both kids answered", |_| {
        env.server
            .requests()
            .iter()
            .filter(|r| {
                r.raw_body
                    .contains(&format!("echo ran > {}", file(1 - first)))
            })
            .any(|r| r.raw_body.contains("declined"))
    });
    assert!(
        !repo.join(file(1 - first)).exists(),
        "the refused command ran"
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
