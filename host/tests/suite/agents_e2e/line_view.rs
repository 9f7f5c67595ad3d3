//! The line mode (no terminal): a child's lines indented under the parent
//! with its status at the end, and `/agents` listing and discarding a
//! worktree child's branch.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

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
fn the_line_repl_shows_children_with_status_and_agents_discards_a_branch() {
    let env = TestEnv::new("chat");
    git(&env, &["config", "user.email", "t@example.com"]);
    git(&env, &["config", "user.name", "T"]);
    env.write("README.md", "hello\n");
    git(&env, &["add", "."]);
    git(&env, &["commit", "-qm", "init"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-L write a file", "isolation": "worktree"}),
            )]),
            Reply::text("delegated"),
        ],
    );
    env.server.route(
        "CHILD-L",
        [
            Reply::tool_call("w1", "shell", json!({"command": "echo x > child.txt"})),
            Reply::text("wrote it"),
        ],
    );
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(
            format!("{PARENT} delegate\n/agents\n/agents show agent\n/agents discard agent\n/agents merge nobody\n")
                .as_bytes(),
        )
        .expect("write");
    let r = support::quire::finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let err = &r.stderr;
    assert!(err.contains("▸ agent: CHILD-L write a file"), "{err}");
    assert!(!err.contains("agent agent"), "said once: {err}");
    assert!(
        err.contains("  │ agent: ✓ shell: echo x > child.txt ("),
        "{err}"
    );
    let end = err
        .lines()
        .find(|l| l.starts_with("◂ agent \"CHILD-L write a file\" done · "))
        .unwrap_or_else(|| panic!("no end line:\n{err}"));
    assert!(
        end.contains(" tokens · 1 tool · branch quire/agent-agent-"),
        "{end}"
    );
    // `/agents`: one row, its id's end first.
    let row = err
        .lines()
        .find(|l| l.contains("  agent done · ") && !l.starts_with('◂'))
        .unwrap_or_else(|| panic!("no /agents row:\n{err}"));
    assert_eq!(row.split("  ").next().unwrap().len(), 8, "{row}");
    assert!(err.contains("  │ task: CHILD-L write a file"), "{err}");
    assert!(err.contains("  │ ✓ shell: echo x > child.txt"), "{err}");
    assert!(err.contains("discarded quire/agent-agent-"), "{err}");
    assert!(
        err.contains("no subagent \"nobody\" in this session; /agents lists them"),
        "{err}"
    );
    assert!(
        git(&env, &["branch", "--list", "quire/agent-*"])
            .trim()
            .is_empty(),
        "the branch is deleted"
    );
}

/// A subagent that could not start and a child's refused call each say
/// why on their line, not `— [` (the first character of the JSON result)
/// or nothing.
#[test]
fn failed_children_and_refused_child_calls_say_why() {
    let env = TestEnv::new("chat");
    env.write(
        ".claude/agents/reader.md",
        "---\nname: reader\ndescription: Reads files\ntools: read_file\n---\nRead.\n",
    );
    env.server.route(
        PARENT,
        [
            // A repository without a commit has no worktree to give.
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-F write", "isolation": "worktree"}),
            )]),
            Reply::tool_calls(vec![spawn_with(
                "s2",
                json!({"task": "CHILD-RD read", "agent_type": "reader"}),
            )]),
            Reply::text("done"),
        ],
    );
    env.server.route(
        "CHILD-RD",
        [
            Reply::tool_call("r1", "shell", json!({"command": "ls"})),
            Reply::text("could not"),
        ],
    );
    let r = env.run(&["exec", &format!("{PARENT} go")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = format!("{}\n{}", r.stdout, r.stderr);
    let failed = all
        .lines()
        .find(|l| l.contains("✗ spawn_agent"))
        .unwrap_or_else(|| panic!("no failed spawn line: {all}"));
    let (_, reason) = failed
        .split_once(" — ")
        .unwrap_or_else(|| panic!("no reason: {failed}"));
    assert!(reason.starts_with("error: "), "{failed}");
    assert!(reason.len() > 10, "{failed}");
    let refused = all
        .lines()
        .find(|l| l.contains("reader: ✗ shell"))
        .unwrap_or_else(|| panic!("no refused call line: {all}"));
    assert!(refused.contains("unknown tool 'shell'"), "{refused}");
}

/// A child's calls are one line each when they end, with a mark and a
/// duration, as the parent's are: a successful one is not left looking
/// unfinished (a start line and nothing after it).
#[test]
fn a_childs_calls_end_with_a_mark_and_duration_as_the_parents_do() {
    let env = TestEnv::new("chat");
    env.write("a.txt", "hello\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![super::spawn("s1", "CHILD-MK marks")]),
            Reply::text("done"),
        ],
    );
    env.server.route(
        "CHILD-MK",
        [
            Reply::tool_calls(vec![
                Step::tool_call("c1", "shell", json!({"command": "echo ok"})),
                Step::tool_call("c2", "shell", json!({"command": "exit 3"})),
                Step::tool_call("c3", "read_file", json!({"path": "a.txt"})),
                // A command with an escape sequence: shown quoted, never sent raw.
                Step::tool_call("c4", "shell", json!({"command": "echo \u{1b}[2Jclear"})),
            ]),
            Reply::text("checked"),
        ],
    );
    let r = env.run(&["exec", &format!("{PARENT} go")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let err = &r.stderr;
    let calls: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("  │ agent: "))
        .collect();
    assert_eq!(calls.len(), 4, "one line per call:\n{err}");
    let ok = calls
        .iter()
        .find(|l| l.contains("shell: echo ok"))
        .unwrap_or_else(|| panic!("no echo line:\n{err}"));
    assert!(ok.starts_with("  │ agent: ✓ shell: echo ok ("), "{ok}");
    assert!(
        ok.ends_with("ms)") || ok.ends_with("s)"),
        "a duration: {ok}"
    );
    assert!(
        calls
            .iter()
            .any(|l| l.starts_with("  │ agent: ✗ shell: exit 3 (exit 3, ")),
        "{err}"
    );
    assert!(
        calls
            .iter()
            .any(|l| l.starts_with("  │ agent: ✓ read_file: a.txt (")),
        "{err}"
    );
    assert!(
        calls
            .iter()
            .any(|l| l.starts_with(r#"  │ agent: ✓ shell: "echo \033[2Jclear" ("#)),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "escape sequences dropped:\n{err}");
    assert!(err.contains(" · 4 tools"), "{err}");
}
