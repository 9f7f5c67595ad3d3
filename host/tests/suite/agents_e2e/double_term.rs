//! GNU `timeout` sends SIGTERM twice: to quire, then to its whole process
//! group. The second is the same request, not "exit now": the task's end
//! is still recorded and a worktree child's worktree removed (what it
//! did stays committed on its branch, as after one SIGTERM).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use support::model_server::Reply;
use support::quire::finish;

use super::worktree::{committed_env, git};
use super::{PARENT, spawn_with, support};

/// The child's `child.pid`, in whichever worktree quire made for it.
fn child_pid_file(repo: &Path) -> PathBuf {
    let root = repo.join(".git/quire-worktrees");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("child.pid"))
            .find(|p| std::fs::read_to_string(p).is_ok_and(|s| !s.trim().is_empty()));
        if let Some(p) = found {
            return p;
        }
        assert!(Instant::now() < deadline, "the child's command never ran");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn two_sigterms_back_to_back_still_record_the_end_and_remove_the_worktree() {
    let env = committed_env();
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-T sleep", "isolation": "worktree"}),
            )]),
            Reply::text("parent done"),
        ],
    );
    env.server.route(
        "CHILD-T",
        [Reply::tool_call(
            "c1",
            "shell",
            json!({"command": "echo $$ > child.pid; exec sleep 300", "timeout_ms": 600000}),
        )],
    );
    let child = env.spawn(&["exec", "--json", &format!("{PARENT} delegate")]);
    child_pid_file(&env.repo_path());
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: signals to the quire process this test started, as
    // `timeout` sends them: one to the process, one to its group (here
    // the process again), with nothing in between.
    unsafe {
        libc::kill(quire, libc::SIGTERM);
        libc::kill(quire, libc::SIGTERM);
    }
    let run = finish(child);
    assert_eq!(run.code, 143, "{}\n{}", run.stderr, run.stdout);
    let task = run
        .of_type("task_completed")
        .into_iter()
        .find(|e| e.get("agent_id").is_none())
        .cloned()
        .unwrap_or_else(|| panic!("the task's end was not recorded: {}", run.stdout));
    assert_eq!(task["status"], "interrupted", "{task}");
    assert!(
        task["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("stopped by SIGTERM")),
        "{task}"
    );
    assert_eq!(run.of_type("agent_completed").len(), 1, "{}", run.stdout);
    assert_eq!(
        git(&env, &["worktree", "list"]).lines().count(),
        1,
        "the child's worktree was left: {}",
        git(&env, &["worktree", "list"])
    );
    assert!(
        !env.repo_path().join(".git/quire-worktrees").exists()
            || std::fs::read_dir(env.repo_path().join(".git/quire-worktrees"))
                .map(|mut d| d.next().is_none())
                .unwrap_or(true),
        "a worktree folder was left"
    );
}
