//! No process quire started outlives it: SIGKILL and SIGTERM of the real
//! binary during a shell step, during an MCP call (the server has a
//! grandchild) and during a hook leave nothing behind. Processes are found
//! by a marker in their environment. SIGTERM and SIGHUP also end the task
//! on record.

use serde_json::json;

use super::exec::{marked_env, signal, wait_log_sync};
use super::peers::{marker, wait_none_with, wait_some_with};
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv, finish, wait_for_file};

/// A shell step whose command runs `sleep` (carrying `marker`) under a
/// shell that waits for it.
fn shell_env(m: &str) -> TestEnv {
    let env = TestEnv::new("responses");
    env.server.push_all([Reply::tool_call(
        "c1",
        "shell",
        json!({"command": format!("export {m}; sleep 300; echo slept"), "timeout_ms": 600000}),
    )]);
    env
}

/// Runs `quire exec` until a process carries `m`, sends `sig`, and
/// collects the run.
fn signalled(env: &TestEnv, m: &str, sig: i32) -> Run {
    let child = env.spawn(&["exec", "--json", "go"]);
    assert!(!wait_some_with(m, 1).is_empty());
    signal(child.id(), sig);
    finish(child)
}

fn task_end_recorded(env: &TestEnv) -> bool {
    env.session_records().iter().any(|r| {
        r["record"] == "event"
            && r["event"]["type"] == "task_completed"
            && r["event"]["status"] == "interrupted"
    })
}

#[test]
fn sigkill_during_a_shell_step_leaves_no_process() {
    let m = marker();
    let env = shell_env(&m);
    let run = signalled(&env, &m, libc::SIGKILL);
    assert_eq!(run.code, 128 + libc::SIGKILL, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

/// What left the command's process group — a new session (`setsid`), a
/// group of its own (`setpgid(0, 0)`) — carries the command's mark and is
/// killed by the watchdog when quire is killed with SIGKILL.
#[test]
fn sigkill_during_a_shell_step_leaves_no_process_that_left_its_group() {
    let m = marker();
    let env = TestEnv::new("responses");
    // Each writes its pid once it has left the group.
    let command = format!(
        "export {m}; setsid sh -c 'echo $$ > sid.pid; exec sleep 301' & \
         perl -e 'setpgrp(0, 0); open(my $f, \">\", \"pgid.pid\"); print $f $$; close($f); sleep 302' & \
         sleep 303"
    );
    env.server.push_all([Reply::tool_call(
        "c1",
        "shell",
        json!({"command": command, "timeout_ms": 600000}),
    )]);
    let child = env.spawn(&["exec", "--json", "go"]);
    let sid: i32 = wait_for_file(&env.repo_path().join("sid.pid"))
        .parse()
        .unwrap();
    let pgid: i32 = wait_for_file(&env.repo_path().join("pgid.pid"))
        .parse()
        .unwrap();
    let found = wait_some_with(&m, 3);
    assert!(found.contains(&sid) && found.contains(&pgid), "{found:?}");
    signal(child.id(), libc::SIGKILL);
    let run = finish(child);
    assert_eq!(run.code, 128 + libc::SIGKILL, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[test]
fn sigterm_during_a_shell_step_ends_the_task_on_record_and_exits_143() {
    let m = marker();
    let env = shell_env(&m);
    let run = signalled(&env, &m, libc::SIGTERM);
    assert_eq!(run.code, 143, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
    assert_eq!(run.of_type("task_completed")[0]["status"], "interrupted");
    assert!(task_end_recorded(&env), "{:?}", env.session_records());
}

#[test]
fn sighup_ends_the_task_like_an_interrupt_and_exits_129() {
    let m = marker();
    let env = shell_env(&m);
    let run = signalled(&env, &m, libc::SIGHUP);
    assert_eq!(run.code, 129, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
    assert!(task_end_recorded(&env));
}

#[test]
fn sigkill_during_an_mcp_call_leaves_neither_the_server_nor_its_child() {
    let (env, m, dir) = marked_env(vec![Reply::tool_call("c1", "mcp__s__hang", json!({}))]);
    let child = env.spawn(&["exec", "--json", "go"]);
    wait_log_sync(&dir.path().join("log"), "call hang");
    assert!(wait_some_with(&m, 2).len() >= 2, "server and grandchild");
    signal(child.id(), libc::SIGKILL);
    let run = finish(child);
    assert_eq!(run.code, 128 + libc::SIGKILL);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[test]
fn sigterm_during_an_mcp_call_stops_the_server_and_records_the_task_end() {
    let (env, m, dir) = marked_env(vec![Reply::tool_call("c1", "mcp__s__hang", json!({}))]);
    let child = env.spawn(&["exec", "--json", "go"]);
    wait_log_sync(&dir.path().join("log"), "call hang");
    assert!(wait_some_with(&m, 2).len() >= 2, "server and grandchild");
    signal(child.id(), libc::SIGTERM);
    let run = finish(child);
    assert_eq!(run.code, 143, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
    assert!(task_end_recorded(&env), "{:?}", env.session_records());
}

/// A PreToolUse hook whose command runs `sleep` (carrying `m`) before a
/// shell step.
fn hook_env(m: &str) -> TestEnv {
    let env = TestEnv::new("responses");
    let cfg = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap_or_default();
    text.push_str(&format!(
        "\n[[hooks.PreToolUse]]\nmatcher = \"shell\"\ncommand = {:?}\ntimeout_sec = 600\n",
        format!("export {m}; sleep 300; echo slept")
    ));
    std::fs::write(&cfg, text).unwrap();
    env.server.push_all([Reply::tool_call(
        "c1",
        "shell",
        json!({"command": "echo never"}),
    )]);
    env
}

#[test]
fn sigkill_during_a_hook_leaves_no_process() {
    let m = marker();
    let env = hook_env(&m);
    let run = signalled(&env, &m, libc::SIGKILL);
    assert_eq!(run.code, 128 + libc::SIGKILL, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[test]
fn sigterm_during_a_hook_ends_the_task_on_record_and_leaves_no_process() {
    let m = marker();
    let env = hook_env(&m);
    let run = signalled(&env, &m, libc::SIGTERM);
    assert_eq!(run.code, 143, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
    assert!(task_end_recorded(&env), "{:?}", env.session_records());
}
