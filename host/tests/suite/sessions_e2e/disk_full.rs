//! A session file on a disk that refuses a write: the record that failed
//! is the only one lost; what is written after it resumes.
use super::support;

use std::os::unix::process::CommandExt;

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, finish};

/// Files quire writes may grow to this size; larger writes fail (EFBIG),
/// as on a full disk: the part that fits is written, then the error.
const FILE_LIMIT: u64 = 128 * 1024;

/// Runs `cmd` with files limited to [`FILE_LIMIT`] bytes.
fn limit_file_size(cmd: &mut std::process::Command) {
    limit_file_size_to(cmd, FILE_LIMIT);
}

/// Runs `cmd` with files limited to `bytes`, as `ulimit -f` does: SIGXFSZ
/// keeps its default action (it would kill a program that does not
/// handle it).
fn limit_file_size_to(cmd: &mut std::process::Command, bytes: u64) {
    // SAFETY: setrlimit(2) is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Past `ulimit -f` quire is not killed by SIGXFSZ: the record that does
/// not fit is reported like one on a full disk, the answer reaches stdout
/// whole, and a command quire runs gets SIGXFSZ's default action back (an
/// ignored signal would be inherited).
#[test]
fn a_file_size_limit_is_a_full_disk_not_a_kill() {
    let env = TestEnv::new("chat");
    let big = "lorem ipsum ".repeat(30_000);
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": "head -c 1000000 /dev/zero > big.bin; echo \"head ended: $?\""}),
        ),
        Reply::text(format!("BIG {big} END")),
    ]);
    let mut cmd = env.command(&["exec", "the task"]);
    limit_file_size(&mut cmd);
    let run = finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim_end(), format!("BIG {big} END"));
    assert!(
        run.stderr.contains("session file not updated"),
        "{}",
        run.stderr
    );
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(last.contains("misses 1 record"), "{}", run.stderr);
    // 128 + SIGXFSZ: `head` was stopped by the signal, as in a shell.
    let result = env
        .session_records()
        .into_iter()
        .find(|r| r["item"]["type"] == "tool_result")
        .expect("the command's result");
    let text = result["item"]["output"].as_str().unwrap_or_default();
    assert!(text.contains("head ended: 153"), "{text}");
}

/// A session file that could not get its meta line is removed: no empty
/// file is left for `sessions list` to warn about or `--resume last` to
/// take, and the session before it resumes.
#[test]
fn a_session_that_cannot_be_started_leaves_no_file() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    assert_eq!(env.exec_json("first", &[]).code, 0);
    let before = env.session_files();
    assert_eq!(before.len(), 1);

    let mut cmd = env.command(&["exec", "second"]);
    limit_file_size_to(&mut cmd, 0);
    let run = finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot write sessions"),
        "{}",
        run.stderr
    );
    assert_eq!(env.session_files(), before);

    let listed = env.run(&["sessions", "list"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(!listed.stderr.contains("warning"), "{}", listed.stderr);
    env.server.push(Reply::text("resumed"));
    let resumed = env.exec_json("third", &["--resume", "last"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let reqs = env.server.requests();
    let body = &reqs.last().expect("a request").raw_body;
    assert!(body.contains("first answer"), "{body}");
}

/// An answer too big for the limit fails half-written; the tool result and
/// the final answer after it are small and fit once it is cut off again.
#[test]
fn records_after_a_failed_write_survive_a_resume() {
    let env = TestEnv::new("chat");
    let big = "lorem ipsum ".repeat(30_000);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo one"})),
        Reply::steps(vec![
            Step::text(format!("BIG {big} END")),
            Step::tool_call("c2", "shell", json!({"command": "echo two"})),
        ]),
        Reply::text("FINAL ANSWER KEPT"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "the task"]);
    limit_file_size(&mut cmd);
    let run = finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("session file not updated"))
    });
    assert!(warned, "the failed write was not reported: {}", run.stdout);
    let done = run.of_type("task_completed");
    assert_eq!(done[0]["status"], "done");
    assert_eq!(
        done[0]["unsaved_records"], 1,
        "the final line says what the file misses: {}",
        done[0]
    );

    // Every line of the file is a whole record: nothing glued to half a line.
    let file = env.session_files().pop().expect("a session file");
    let text = std::fs::read_to_string(&file).expect("read the session");
    for line in text.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "a broken line: {}",
            &line[..line.len().min(200)]
        );
    }
    assert!(
        !text.contains("BIG lorem"),
        "the failed record is not cut off"
    );
    assert!(text.contains("FINAL ANSWER KEPT"), "{text}");

    env.server.push(Reply::text("resumed ok"));
    let resumed = env.exec_json("continue", &["--resume", "last"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let reqs = env.server.requests();
    let body = &reqs.last().expect("a request").raw_body;
    assert!(body.contains("FINAL ANSWER KEPT"), "{body}");
    assert!(
        body.contains("two"),
        "the tool result after the failure: {body}"
    );
    assert!(body.contains("continue"), "{body}");
}

/// `quire exec` without `--json` ends with a line naming what is missing.
#[test]
fn the_text_view_ends_saying_the_file_misses_records() {
    let env = TestEnv::new("chat");
    let big = "lorem ipsum ".repeat(30_000);
    env.server.push(Reply::text(format!("BIG {big} END")));
    let mut cmd = env.command(&["exec", "the task"]);
    limit_file_size(&mut cmd);
    let run = finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(
        last.contains("misses 1 record") && last.contains("--resume"),
        "{}",
        run.stderr
    );
}
