//! Interrupts, session files, kill -9 and resume, the interactive session.
use crate::support;
mod call_pairs;
mod codex_resume;
mod concurrent;
mod copies;
mod damaged;
mod disk_full;
mod id_end;
mod last;
mod listing;
mod moved_folder;
mod private;
mod read_only;
mod resume_refused;
mod resume_settings;
mod show_delete;
mod stop_signals;
mod unanswered;

use std::io::Write;
use std::process::Stdio;

use serde_json::json;
use support::model_server::Reply;
use support::quire::{TestEnv, alive, finish, wait_for_file, wait_gone};

fn signal(pid: u32, sig: i32) {
    // SAFETY: sending a signal to a child process we spawned.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// Ctrl-C (SIGINT) interrupts the running turn: the tool's processes are
/// killed, the turn is recorded as interrupted with the output the command
/// printed so far, quire exits 130.
#[test]
fn sigint_interrupts_the_turn_and_kills_tool_processes() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::tool_call(
        "slow",
        "shell",
        json!({"command": "echo PRINTED-BEFORE; sleep 60 & echo $! > sleeper.pid; wait"}),
    ));
    let child = env.spawn(&["exec", "--json", "wait a minute"]);
    let pid_file = env.repo.path().join("sleeper.pid");
    let sleeper: i32 = wait_for_file(&pid_file).parse().unwrap();
    assert!(alive(sleeper));
    signal(child.id(), libc::SIGINT);
    let run = finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(wait_gone(sleeper), "the tool's child process was killed");
    assert_eq!(
        env.server.requests().len(),
        1,
        "no request after the interrupt"
    );
    let done = run.of_type("task_completed");
    assert_eq!(done[0]["status"], "interrupted");
    let records = env.session_records();
    assert!(records.iter().any(|r| r["record"] == "event"
        && r["event"]["type"] == "task_completed"
        && r["event"]["status"] == "interrupted"));
    let result = records
        .iter()
        .find(|r| r["item"]["type"] == "tool_result")
        .expect("the interrupted call has a result");
    let output = result["item"]["output"].as_str().unwrap();
    assert!(output.contains("interrupted"), "{output}");
    assert!(output.contains("PRINTED-BEFORE"), "{output}");
    let completed = run.of_type("tool_completed");
    assert_eq!(completed[0]["status"], "interrupted");
    assert!(
        completed[0]["output"]
            .as_str()
            .unwrap()
            .contains("PRINTED-BEFORE")
    );
}

/// A process killed with SIGKILL mid-turn leaves a session file that resumes
/// with every completed item.
#[test]
fn kill_9_then_resume_keeps_completed_items() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("first", "shell", json!({"command": "echo FIRST-DONE"})),
        Reply::tool_call(
            "second",
            "shell",
            json!({"command": "sleep 60 & echo $! > sleeper.pid; wait"}),
        ),
    ]);
    let mut child = env.spawn(&["exec", "--json", "two steps"]);
    let sleeper: i32 = wait_for_file(&env.repo.path().join("sleeper.pid"))
        .parse()
        .unwrap();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    signal(sleeper as u32, libc::SIGKILL);

    env.server.push(Reply::text("resumed fine"));
    let run = env.exec_json("carry on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["resumed"], true);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    let body = &reqs[2].raw_body;
    for needle in [
        "two steps",
        "FIRST-DONE",
        "second",
        "session stopped before this tool call finished",
        "carry on",
    ] {
        assert!(
            body.contains(needle),
            "resumed request lacks {needle}: {body}"
        );
    }
    assert_eq!(
        env.session_files().len(),
        1,
        "resume appends to the same file"
    );
}

#[test]
fn sessions_list_shows_id_date_cwd_and_first_prompt() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("hello"));
    let run = env.exec_json("the very first prompt", &[]);
    assert_eq!(run.code, 0);
    let id = run.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let line = list
        .stdout
        .lines()
        .find(|l| l.contains(&id))
        .expect("listed");
    assert!(line.contains("the very first prompt"));
    assert!(line.contains("20"), "has a date: {line}");
    let json = env.run(&["sessions", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["cwd"], env.repo_path().display().to_string());
    let bad = env.run(&["exec", "--resume", "doesnotexist", "hi"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no session matches"), "{}", bad.stderr);
}

/// The interactive session reads lines (here from a pipe), runs turns and
/// understands slash commands.
#[test]
fn interactive_session_runs_turns_and_slash_commands() {
    let env = TestEnv::new("anthropic");
    env.server.push_all([
        // Long enough to be worth compacting.
        Reply::text(format!("first reply{}", " and more".repeat(300))),
        Reply::text("COMPACT-SUMMARY"),
        Reply::text("after new"),
    ]);
    let run = repl(
        &env,
        &[],
        "/help\nhello there\n/compact\n/model test-model-large\n/new\nsecond\n/quit\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("/compact"),
        "help was shown: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("context compacted (manual)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("first reply"));
    assert!(run.stdout.contains("after new"));
    // Model requests (`/model` also asked the server's model list).
    let reqs = env.server.model_requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].body["model"], "test-model");
    assert!(reqs[1].raw_body.contains("hand-off summary"));
    assert_eq!(reqs[2].body["model"], "test-model-large");
    assert!(
        !reqs[2].raw_body.contains("hello there"),
        "/new starts afresh"
    );
    assert_eq!(
        env.session_files().len(),
        2,
        "/new opens a new session file"
    );
}

/// Approval prompts: `a` approves this command for the session, `n` denies.
#[test]
fn interactive_approval_yes_always_and_no() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        // "always" covers a command prefix (`mkdir -p`), not the program.
        Reply::tool_call("t1", "shell", json!({"command": "mkdir -p one"})),
        Reply::tool_call("t2", "shell", json!({"command": "mkdir -p two"})),
        Reply::tool_call("t3", "shell", json!({"command": "rm -r one"})),
        Reply::text("done"),
    ]);
    let run = repl(
        &env,
        &["--approval", "untrusted"],
        "make files\na\nn\n/quit\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo.path().join("one").is_dir(),
        "approved, and not removed"
    );
    assert!(env.repo.path().join("two").is_dir(), "approved by 'always'");
    assert_eq!(
        run.stderr.matches("wants to run").count(),
        2,
        "{}",
        run.stderr
    );
    let body = &env.server.requests()[3].raw_body;
    assert!(body.contains("the user declined `rm -r one`"), "{body}");
}

fn repl(env: &TestEnv, args: &[&str], input: &str) -> support::quire::Run {
    env.run_with_input(args, input)
}

/// In the interactive session the first Ctrl-C interrupts the turn (its
/// processes die, the session goes on), the second exits.
#[test]
fn interactive_ctrl_c_interrupts_then_exits() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::tool_call(
        "slow",
        "shell",
        json!({"command": "sleep 60 & echo $! > sleeper.pid; wait"}),
    ));
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"wait a minute\n").unwrap();
    let sleeper: i32 = wait_for_file(&env.repo.path().join("sleeper.pid"))
        .parse()
        .unwrap();
    signal(child.id(), libc::SIGINT);
    assert!(wait_gone(sleeper), "the turn's process was killed");
    // The session is still there, waiting for the next line.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "one Ctrl-C does not exit"
    );
    signal(child.id(), libc::SIGINT);
    let run = finish(child);
    drop(stdin);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
}

/// `exec --resume last` continues the newest session of this directory,
/// never one started elsewhere.
#[test]
fn resume_last_only_continues_a_session_of_this_directory() {
    let env = TestEnv::new("chat");
    let none = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(
        none.stderr.contains("and there are no past sessions"),
        "{}",
        none.stderr
    );
    env.server.push(Reply::text("first answer"));
    let run = env.exec_json("question in the repo", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path().to_str().unwrap();
    let run = env.exec_json("go on", &["-C", other, "--resume", "last"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no session to resume in")
            && run.stderr.contains(
                "the one session `quire sessions list` shows is another folder's: a session resumes in its own folder, so cd there (or pass -C DIR)"
            ),
        "{}",
        run.stderr
    );
    assert_eq!(env.server.requests().len(), 1);
    env.server.push(Reply::text("second answer"));
    let run = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["resumed"], true);
}
