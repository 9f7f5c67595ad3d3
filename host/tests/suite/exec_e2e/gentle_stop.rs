//! A command quire stops (Ctrl-C, SIGTERM to quire, its timeout) gets
//! SIGTERM first and a grace period to clean up — a `trap` runs, git
//! removes its `index.lock` — and SIGKILL only for what is left: a command
//! that ignores SIGTERM is still gone. A lock a stopped command left
//! behind is told, not removed.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, alive, finish, wait_for_file};

/// SIGINT to quire, as Ctrl-C in a terminal.
fn interrupt(pid: u32) {
    // SAFETY: a signal to the quire process this test spawned.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
}

#[test]
fn an_interrupted_command_runs_its_trap() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::tool_call(
        "t",
        "shell",
        json!({
            "command": "trap 'echo cleaned > cleaned.txt' TERM INT; echo up > started.txt; sleep 300 & wait",
            "timeout_ms": 600000
        }),
    ));
    let child = env.spawn(&["exec", "--json", "--approval", "never", "go"]);
    wait_for_file(&env.repo_path().join("started.txt"));
    interrupt(child.id());
    let run = finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert_eq!(env.read("cleaned.txt"), "cleaned\n", "the trap never ran");
}

#[test]
fn a_timed_out_command_runs_its_trap_and_one_ignoring_sigterm_is_killed() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        // Runs its trap when its timeout stops it.
        Reply::tool_call(
            "trap",
            "shell",
            json!({
                "command": "trap 'echo cleaned > cleaned.txt' TERM; sleep 300 & wait",
                "timeout_ms": 3000
            }),
        ),
        // Ignores SIGTERM (so does its `sleep`, which inherits that).
        Reply::tool_call(
            "deaf",
            "shell",
            json!({
                "command": "trap '' TERM; sleep 300 & echo $! > deaf.pid; wait",
                "timeout_ms": 3000
            }),
        ),
        // Looks, in the same session, whether that `sleep` still runs.
        Reply::tool_call(
            "look",
            "shell",
            json!({
                "command": "s=$(cut -d' ' -f3 /proc/$(cat deaf.pid)/stat 2>/dev/null); echo \"${s:-gone}\" > state.txt"
            }),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 3, "{done:?}");
    assert!(
        done[..2].iter().all(|d| d["status"] == "timed_out"),
        "{done:?}"
    );
    assert_eq!(env.read("cleaned.txt"), "cleaned\n", "the trap never ran");
    let state = env.read("state.txt");
    assert!(
        state == "gone\n" || state == "Z\n",
        "the command ignoring SIGTERM still ran after its stop: {state}"
    );
    let deaf: i32 = env
        .read("deaf.pid")
        .trim()
        .parse()
        .expect("the sleep's pid");
    assert!(!alive(deaf));
}

#[test]
fn a_git_commit_interrupted_in_its_hook_removes_its_lock() {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.email", "t@example.com"]);
    env.git(&["config", "user.name", "t"]);
    env.write("a.txt", "one\n");
    env.commit_all();
    env.write("a.txt", "two\n");
    env.write(
        ".git/hooks/pre-commit",
        "#!/bin/sh\necho up > hooked.txt\nsleep 300\n",
    );
    let hook = env.repo_path().join(".git/hooks/pre-commit");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&hook)
        .status()
        .expect("chmod");
    env.server.push(Reply::tool_call(
        "g",
        "shell",
        json!({"command": "git commit -qam wip", "timeout_ms": 600000}),
    ));
    let child = env.spawn(&["exec", "--json", "-s", "danger-full-access", "commit"]);
    wait_for_file(&env.repo_path().join("hooked.txt"));
    interrupt(child.id());
    let run = finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(
        !env.repo_path().join(".git/index.lock").exists(),
        "git had no chance to remove its lock: {}",
        run.stderr
    );
    assert!(
        run.of_type("warning")
            .iter()
            .all(|w| { !w["message"].as_str().unwrap_or("").contains("index.lock") })
    );
}

#[test]
fn a_lock_a_stopped_command_left_is_told_and_kept() {
    let env = TestEnv::new("chat");
    // A stand-in for a git killed before it could clean up: it ignores
    // SIGTERM, so SIGKILL ends it with its lock in place.
    env.server.push(Reply::tool_call(
        "g",
        "shell",
        json!({
            "command": "trap '' TERM; touch .git/index.lock; echo up > started.txt; sleep 300",
            "timeout_ms": 600000
        }),
    ));
    let child = env.spawn(&["exec", "--json", "-s", "danger-full-access", "go"]);
    wait_for_file(&env.repo_path().join("started.txt"));
    interrupt(child.id());
    let run = finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    let lock = env.repo_path().join(".git/index.lock");
    assert!(lock.exists(), "quire removed a lock it does not own");
    let warnings = run.of_type("warning");
    let told = warnings
        .iter()
        .filter_map(|w| w["message"].as_str())
        .find(|m| m.contains(&lock.display().to_string()))
        .unwrap_or_else(|| {
            panic!(
                "no warning names {}: {}\n{}",
                lock.display(),
                run.stdout,
                run.stderr
            )
        });
    assert!(told.contains("a git command was interrupted"), "{told}");

    // Already there before the command: nothing to tell.
    let env2 = TestEnv::new("chat");
    env2.write(".git/index.lock", "");
    env2.server.push(Reply::tool_call(
        "g",
        "shell",
        json!({"command": "echo up > started.txt; sleep 300", "timeout_ms": 600000}),
    ));
    let child = env2.spawn(&["exec", "--json", "-s", "danger-full-access", "go"]);
    wait_for_file(&env2.repo_path().join("started.txt"));
    interrupt(child.id());
    let run = finish(child);
    assert!(
        run.of_type("warning")
            .iter()
            .all(|w| !w["message"].as_str().unwrap_or("").contains("index.lock")),
        "{}",
        run.stdout
    );
}
