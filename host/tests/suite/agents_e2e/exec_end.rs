//! `quire exec` ending while a background subagent still works: the
//! child stops with the task, a warning says so, and its
//! `agent_completed` comes before `task_completed`; its command is gone.
//! The stopped child's tokens count in the task's usage and the `tokens:`
//! line, and its end says why it stopped (not "by the user").

use support::model_server::Step;
use support::quire::{TestEnv, wait_gone};

use super::{PARENT, parent_leaving_a_child, support};

#[test]
fn a_background_child_still_working_when_exec_ends_is_stopped_and_said() {
    let env = TestEnv::new("responses");
    let pid_file = env.repo_path().join("child.pid");
    parent_leaving_a_child(&env, "CHILD-E", &pid_file, Vec::new());
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let types = run.types();
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("still running in the background: stopped"))
    });
    assert!(warned, "{}", run.stdout);
    let ended = run.of_type("agent_completed");
    assert_eq!(ended.len(), 1, "{}", run.stdout);
    assert_eq!(ended[0]["status"], "interrupted", "{}", ended[0]);
    // The parent's task_completed (a child's own carry its agent_id) is
    // the last event, after the child's end.
    let ended_at = types.iter().position(|x| x == "agent_completed");
    assert!(ended_at < Some(types.len() - 1), "{types:?}");
    let last = run.events.last().expect("events");
    assert_eq!(last["type"], "task_completed", "{types:?}");
    assert!(last.get("agent_id").is_none(), "{last}");
    let child: i32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("the child's pid");
    assert!(wait_gone(child), "the child's command {child} still runs");
}

/// Why the child stopped (its `task_completed` reason).
const TASK_ENDED: &str = "stopped at the end of the parent's task (quire exec ends with its task)";

/// The child's one request reports 7000 input and 11 output tokens, the
/// parent's three 100 and 20 each.
fn parent_leaving_a_child_with_usage(env: &TestEnv, pid: &std::path::Path) {
    parent_leaving_a_child(
        env,
        "CHILD-U",
        pid,
        vec![Step::Usage {
            input: 7000,
            output: 11,
        }],
    );
}

#[test]
fn a_child_stopped_at_exec_end_counts_in_the_task_usage_and_says_why_it_stopped() {
    let env = TestEnv::new("responses");
    let pid_file = env.repo_path().join("child.pid");
    parent_leaving_a_child_with_usage(&env, &pid_file);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let child_end = run.of_type("agent_completed");
    assert_eq!(child_end.len(), 1, "{}", run.stdout);
    assert_eq!(
        child_end[0]["usage"]["input_tokens"], 7000,
        "{}",
        child_end[0]
    );
    let ends = run.of_type("task_completed");
    let child_task = ends
        .iter()
        .find(|e| e.get("agent_id").is_some())
        .expect("the child's task_completed");
    assert_eq!(child_task["status"], "interrupted", "{child_task}");
    assert_eq!(child_task["reason"], TASK_ENDED, "{child_task}");
    let last = run.events.last().expect("events");
    assert_eq!(last["type"], "task_completed", "{}", run.stdout);
    assert!(last.get("agent_id").is_none(), "{last}");
    // Three parent requests and the child's one.
    assert_eq!(last["usage"]["input_tokens"], 7300, "{last}");
    assert_eq!(last["usage"]["output_tokens"], 71, "{last}");
    // The session file's record of the task says the same.
    let recorded = env
        .session_files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .any(|t| t.contains(TASK_ENDED));
    assert!(recorded, "no session file records why the child stopped");
}

#[test]
fn the_tokens_line_of_exec_counts_a_child_stopped_at_its_end() {
    let env = TestEnv::new("chat");
    let pid_file = env.repo_path().join("child.pid");
    parent_leaving_a_child_with_usage(&env, &pid_file);
    let run = env.run(&["exec", &format!("{PARENT} go")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("tokens: 7300 in (0 cached) · 71 out"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("interrupted by the user"),
        "{}",
        run.stderr
    );
}
