//! Subagents on the interactive terminal: a worktree child started with
//! spawn_agent ends as one collapsed line, Ctrl-O expands its transcript,
//! `/agents` lists it with its branch and `/agents merge` merges it.

use std::process::Command;

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::pty_prompt::say;
use crate::support::quire::TestEnv;

const PARENT: &str = "PARENT-MARK";
const CTRL_O: &str = "\x0f";

fn git(env: &TestEnv, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(env.repo_path())
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_child_ends_as_one_line_expands_on_ctrl_o_and_merges_with_agents() {
    let env = TestEnv::new("responses");
    git(&env, &["config", "user.email", "t@example.com"]);
    git(&env, &["config", "user.name", "T"]);
    env.write("README.md", "hello\n");
    git(&env, &["add", "."]);
    git(&env, &["commit", "-qm", "init"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![Step::tool_call(
                "s1",
                "spawn_agent",
                json!({"task": "CHILD-W write a file", "isolation": "worktree"}),
            )]),
            Reply::text("the parent is done"),
        ],
    );
    env.server.route(
        "CHILD-W",
        [
            Reply::tool_call(
                "w1",
                "shell",
                json!({"command": "echo from-child > child.txt"}),
            ),
            Reply::text("wrote child.txt"),
        ],
    );
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    say(&mut pty, &format!("{PARENT} delegate the file"));
    let screen = pty.wait_text("the parent is done");
    // One collapsed line: name (a child without a definition: its task,
    // never "agent agent"), status, duration, tokens, tool count.
    assert!(!screen.contains("agent agent"), "{screen}");
    let line = screen
        .lines()
        .find(|l| l.contains("▸ agent \"CHILD-W write a file\" done"))
        .unwrap_or_else(|| panic!("no collapsed child line:\n{screen}"));
    assert!(
        line.contains("tokens · 1 tool · branch quire/agent-agent-"),
        "{line}"
    );
    assert!(line.contains("(Ctrl-O expands)"), "{line}");
    // Its transcript is not in the scrollback until expanded.
    assert!(!screen.contains("│ task: CHILD-W"), "{screen}");
    pty.send(CTRL_O);
    let screen = pty.wait_text("│ task: CHILD-W write a file");
    assert!(
        screen.contains("│ ✓ shell: echo from-child > child.txt"),
        "{screen}"
    );
    assert!(screen.contains("│ wrote child.txt"), "{screen}");

    say(&mut pty, "/agents");
    pty.wait_for("the /agents list", |s| {
        s.lines().any(|l| {
            l.contains("agent done · ")
                && !l.contains("▸")
                && l.contains("branch quire/agent-agent-")
        })
    });
    say(&mut pty, "/agents merge agent");
    pty.wait_text("merged quire/agent-agent-");
    assert_eq!(
        std::fs::read_to_string(env.repo_path().join("child.txt")).unwrap(),
        "from-child\n"
    );
    say(&mut pty, "/agents discard agent");
    pty.wait_text("was already merged");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// Two children asking for approval at the same moment are asked one
/// after the other: neither is refused without being shown.
#[test]
fn two_children_asking_at_once_are_each_asked() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![
                Step::tool_call("s1", "spawn_agent", json!({"task": "CHILD-A make a"})),
                Step::tool_call("s2", "spawn_agent", json!({"task": "CHILD-B make b"})),
            ]),
            Reply::text("the parent is done"),
        ],
    );
    for (marker, file) in [("CHILD-A", "a.txt"), ("CHILD-B", "b.txt")] {
        env.server.route(
            marker,
            [
                Reply::tool_call("t", "shell", json!({"command": format!("touch {file}")})),
                Reply::text(format!("{marker} finished")),
            ],
        );
    }
    let mut pty = Pty::spawn(env.command(&["--approval", "untrusted"]), 40, 140);
    pty.wait_text("/help for keys");
    say(&mut pty, &format!("{PARENT} make two files"));
    // The file the prompt on screen asks about (the last command shown
    // above "shell wants to run the command above").
    let asked = |screen: &str| -> Option<&'static str> {
        let lines: Vec<&str> = screen.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("shell wants to run"))?;
        let shown = lines[..at].iter().rev().find(|l| l.contains("touch "))?;
        ["a.txt", "b.txt"].into_iter().find(|f| shown.contains(f))
    };
    let mut answered = Vec::new();
    for _ in 0..2 {
        let screen = pty.wait_for("a prompt not answered yet", |s| {
            s.contains("[y] yes") && asked(s).is_some_and(|f| !answered.contains(&f))
        });
        // The child is named apart from the command (a child without a
        // definition by its short id, as /agents lists it).
        assert!(screen.contains("$ touch "), "{screen}");
        assert!(
            screen
                .lines()
                .any(|l| l.contains("[agent ") && l.contains("] shell asks for approval")),
            "{screen}"
        );
        answered.extend(asked(&screen));
        pty.send("y");
    }
    pty.wait_text("the parent is done");
    for file in ["a.txt", "b.txt"] {
        assert!(
            env.repo_path().join(file).exists(),
            "{file} was never asked for"
        );
    }
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn new_starts_a_clean_count_without_the_old_subagents() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![Step::tool_call(
                "s1",
                "spawn_agent",
                json!({"task": "CHILD-K say hi"}),
            )]),
            Reply::text("the parent is done"),
        ],
    );
    env.server
        .route("CHILD-K", [Reply::text("hi from the kid")]);
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    say(&mut pty, &format!("{PARENT} start a kid"));
    pty.wait_text("the parent is done");
    // Two parent responses and the child's, 100 in / 20 out each.
    pty.wait_text("in 300 · cached 0 · out 60");
    say(&mut pty, "/new");
    // Typed at once after it, the next line would be read as pasted.
    pty.wait_for("a second session line", |s| {
        s.matches("quire session ").count() >= 2
    });
    env.server.route("THIRD", [Reply::text("third answer")]);
    say(&mut pty, "THIRD message");
    pty.wait_text("third answer");
    let screen = pty.wait_text("in 100 · cached 0 · out 20");
    assert!(!screen.contains("in 200"), "{screen}");
    say(&mut pty, "/agents");
    pty.wait_text("no subagents in this session");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
