//! Output with no reader left (the terminal closed, `| head` gone): what
//! cannot be written is dropped, the task stops as on an interrupt (nobody
//! watches what it does), ends on record, and quire exits with 141 (a
//! closed stdout pipe) or 129 (SIGHUP).

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, wait_for_file};

/// `quire exec PROMPT` (the human view) whose stdout and stderr are pipes
/// whose read ends are already closed: every write fails with EPIPE.
fn spawn_without_readers(env: &TestEnv, prompt: &str) -> Child {
    let (out_r, out_w) = std::io::pipe().expect("pipe");
    let (err_r, err_w) = std::io::pipe().expect("pipe");
    drop(out_r);
    drop(err_r);
    let mut cmd = env.command(&["exec", prompt]);
    cmd.stdout(Stdio::from(out_w)).stderr(Stdio::from(err_w));
    cmd.spawn().expect("spawn quire")
}

fn wait_code(mut child: Child) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("quire did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn task_status(env: &TestEnv) -> Vec<String> {
    env.session_records()
        .iter()
        .filter(|r| r["record"] == "event" && r["event"]["type"] == "task_completed")
        .map(|r| r["event"]["status"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_task_whose_output_has_no_reader_still_finishes_on_record() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo from the tool"})),
        Reply::text("the answer\nover two lines"),
    ]);
    let child = spawn_without_readers(&env, "do it");
    assert_eq!(wait_code(child), 141, "stdout had no reader");
    assert_eq!(task_status(&env).len(), 1, "{:?}", env.session_records());
}

/// `quire exec --json … | head -1`: once the reader of the events is gone
/// the task stops; the model's second command never runs.
#[test]
fn a_closed_json_pipe_stops_the_task_before_its_next_command() {
    let env = TestEnv::new("responses");
    let gate = env.repo_path().join("gate");
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": format!(
                "while [ ! -e '{}' ]; do sleep 0.05; done; touch t1.mark",
                gate.display()
            )}),
        ),
        Reply::tool_call("c2", "shell", json!({"command": "touch t2.mark"})),
        Reply::text("both done"),
    ]);
    let mut child = env.spawn(&["exec", "--json", "make two marks"]);
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("read the first event");
    assert!(first.starts_with('{'), "{first:?}");
    // The reader is gone (its BufReader dropped) before the first command
    // may finish: every event after that finds the pipe closed. (The first
    // command may be stopped as it waits, or finish: a race not asserted.)
    std::fs::write(&gate, "").expect("open the gate");
    assert_eq!(wait_code(child), 141);
    assert!(
        !env.repo_path().join("t2.mark").exists(),
        "the second command ran with nobody reading"
    );
    assert_eq!(task_status(&env), ["interrupted"]);
}

/// The human view writes nothing to stdout while tools run: a reader gone
/// before anything was written (`quire exec … 2>/dev/null | true`) still
/// stops the task before its command runs.
#[test]
fn a_text_view_whose_reader_is_gone_runs_no_tool() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran_text.txt"})),
        Reply::text("the answer"),
    ]);
    let (out_r, out_w) = std::io::pipe().expect("pipe");
    drop(out_r);
    let mut cmd = env.command(&["exec", "do it"]);
    cmd.stdout(Stdio::from(out_w)).stderr(Stdio::null());
    let child = cmd.spawn().expect("spawn quire");
    assert_eq!(wait_code(child), 141);
    assert!(
        !env.repo_path().join("ran_text.txt").exists(),
        "the command ran with nobody reading"
    );
    assert!(
        env.server.requests().len() <= 1,
        "the model was asked again"
    );
}

/// The reader of the human view goes away while a command runs: the model
/// is not asked again and its next command never runs.
#[test]
fn a_text_view_whose_reader_leaves_mid_task_stops_before_the_next_command() {
    let env = TestEnv::new("chat");
    let started = env.repo_path().join("started");
    let gate = env.repo_path().join("gate");
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": format!(
                "echo begun > '{}'; while [ ! -e '{}' ]; do sleep 0.05; done; touch t1.mark",
                started.display(),
                gate.display()
            )}),
        ),
        Reply::tool_call("c2", "shell", json!({"command": "touch t2.mark"})),
        Reply::text("both done"),
    ]);
    let mut cmd = env.command(&["exec", "make two marks"]);
    cmd.stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn quire");
    wait_for_file(&started);
    drop(child.stdout.take());
    // Give quire a moment to see the reader gone before the command ends.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&gate, "").expect("open the gate");
    assert_eq!(wait_code(child), 141);
    assert!(
        !env.repo_path().join("t2.mark").exists(),
        "the second command ran with nobody reading"
    );
    assert_eq!(env.server.requests().len(), 1, "the model was asked again");
    assert_eq!(task_status(&env), ["interrupted"]);
}

#[test]
fn sighup_with_the_terminal_gone_ends_the_task_on_record() {
    let env = TestEnv::new("responses");
    let started = env.repo_path().join("started");
    env.server.push_all([Reply::tool_call(
        "c1",
        "shell",
        json!({"command": format!("echo begun > '{}'; sleep 30", started.display())}),
    )]);
    // Stdout's reader stays (a stdout pipe with none stops the task at
    // once, above); stderr's is gone, as the terminal's would be.
    let (_out_r, out_w) = std::io::pipe().expect("pipe");
    let (err_r, err_w) = std::io::pipe().expect("pipe");
    drop(err_r);
    let mut cmd = env.command(&["exec", "wait a while"]);
    cmd.stdout(Stdio::from(out_w)).stderr(Stdio::from(err_w));
    let child = cmd.spawn().expect("spawn quire");
    wait_for_file(&started);
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(pid, libc::SIGHUP) };
    assert_eq!(wait_code(child), 128 + libc::SIGHUP);
    assert_eq!(task_status(&env), ["interrupted"]);
}

/// Stdout that fails otherwise (a full disk: /dev/full) stops the task as
/// a closed pipe does, and quire says so on stderr and exits 1.
#[test]
fn a_failing_stdout_stops_the_task_with_an_error() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran.txt"})),
        Reply::text("the answer"),
    ]);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut cmd = env.command(&["exec", "--json", "do it"]);
    cmd.stdout(Stdio::from(full)).stderr(Stdio::piped());
    let out = cmd.output().expect("run quire");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot write to stdout: No space left on device"),
        "{stderr}"
    );
    assert!(
        !env.repo.path().join("ran.txt").exists(),
        "the tool ran unseen"
    );
    assert_eq!(
        task_status(&env),
        ["interrupted"],
        "{:?}",
        env.session_records()
    );
}

/// A closed stdout (`quire exec … >&-`: writes fail with EBADF, which
/// Rust's stdout takes for success) is refused before anything runs.
#[test]
fn a_closed_stdout_is_refused_before_any_tool_runs() {
    use std::os::unix::process::CommandExt;
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran.txt"})),
        Reply::text("the answer"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "do it"]);
    cmd.stderr(Stdio::piped());
    // SAFETY: close(2) is async-signal-safe; the child closes its own fd 1.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(libc::STDOUT_FILENO);
            Ok(())
        });
    }
    let out = cmd.output().expect("run quire");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: stdout (file descriptor 1) is closed"),
        "{stderr}"
    );
    assert!(stderr.contains(">/dev/null"), "{stderr}");
    assert!(!env.repo.path().join("ran.txt").exists(), "a tool ran");
    assert!(env.server.requests().is_empty(), "the model was asked");
}
