//! What `quire exec` reads from stdin: piped context after a task given as
//! an argument (`git diff | quire exec "review this"`), never a terminal,
//! `/dev/null` or a closed pipe, never a hang on a silent pipe, and input
//! that is not UTF-8 decoded with a warning.

use std::io::Write;
use std::process::{Child, Stdio};

use serde_json::Value;

use crate::support::model_server::{Recorded, Reply};
use crate::support::quire::{Run, TestEnv, finish};

/// Every text of the user messages of a Chat Completions request.
fn user_text(req: &Recorded) -> String {
    let mut out = String::new();
    for m in req.body["messages"].as_array().into_iter().flatten() {
        if m["role"] != "user" {
            continue;
        }
        match &m["content"] {
            Value::String(s) => out.push_str(s),
            Value::Array(parts) => {
                for p in parts {
                    out.push_str(p["text"].as_str().unwrap_or(""));
                }
            }
            _ => {}
        }
    }
    out
}

/// `quire ARGS` with stdin a pipe holding `input`, already closed by its
/// writer: the data is there before quire starts, then end of input.
fn spawn_with_input(env: &TestEnv, args: &[&str], input: &[u8]) -> Child {
    let (reader, mut writer) = std::io::pipe().expect("pipe");
    writer.write_all(input).expect("fill the pipe");
    drop(writer);
    env.command(args)
        .stdin(Stdio::from(reader))
        .spawn()
        .expect("spawn quire")
}

fn one_request(env: &TestEnv, run: &Run) -> String {
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 1, "{}", run.stderr);
    user_text(&reqs[0])
}

#[test]
fn piped_input_is_added_to_a_task_given_as_an_argument() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("looks fine"));
    let diff = "diff --git a/x.rs b/x.rs\n+let a = 1;\n";
    let run = finish(spawn_with_input(
        &env,
        &["exec", "review this"],
        diff.as_bytes(),
    ));
    let text = one_request(&env, &run);
    assert!(
        text.contains("review this\n\nstdin:\n```\ndiff --git a/x.rs b/x.rs\n+let a = 1;\n```"),
        "{text}"
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn piped_input_with_backticks_gets_a_longer_fence() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let run = finish(spawn_with_input(
        &env,
        &["exec", "--json", "summarise"],
        b"```rust\nfn a() {}\n```\n",
    ));
    let text = one_request(&env, &run);
    assert!(
        text.contains("summarise\n\nstdin:\n````\n```rust\nfn a() {}\n```\n````"),
        "{text}"
    );
}

#[test]
fn dev_null_and_a_closed_empty_pipe_leave_the_task_alone() {
    // /dev/null (the test environment's stdin).
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let run = env.run(&["exec", "just this"]);
    let text = one_request(&env, &run);
    assert!(
        text.contains("just this") && !text.contains("stdin:"),
        "{text}"
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // A pipe closed by its writer without a byte.
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let run = finish(spawn_with_input(&env, &["exec", "just this"], b""));
    let text = one_request(&env, &run);
    assert!(
        text.contains("just this") && !text.contains("stdin:"),
        "{text}"
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn a_silent_open_pipe_does_not_hang_the_task() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let mut child = env
        .command(&["exec", "no input coming"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn quire");
    // The writer stays open and never writes until quire has finished.
    let writer = child.stdin.take();
    let run = finish(child);
    drop(writer);
    let text = one_request(&env, &run);
    assert!(!text.contains("stdin:"), "{text}");
    assert!(
        run.stderr
            .contains("warning: nothing arrived on stdin within 3s"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_task_on_stdin_that_is_not_utf8_is_decoded_with_a_warning() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let run = finish(spawn_with_input(
        &env,
        &["exec", "-"],
        b"fix the \xff\xfe title in caf\xe9.txt\n",
    ));
    let text = one_request(&env, &run);
    assert!(
        text.contains("fix the \u{fffd}\u{fffd} title in caf\u{fffd}.txt"),
        "{text}"
    );
    assert!(
        run.stderr
            .contains("warning: stdin is not valid UTF-8: 3 bytes were replaced with U+FFFD"),
        "{}",
        run.stderr
    );
}

#[test]
fn piped_context_that_is_not_utf8_is_decoded_with_a_warning() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let run = finish(spawn_with_input(&env, &["exec", "what is this"], b"\xc3("));
    let text = one_request(&env, &run);
    assert!(text.contains("stdin:\n```\n\u{fffd}(\n```"), "{text}");
    assert!(
        run.stderr
            .contains("warning: stdin is not valid UTF-8: 1 byte was replaced with U+FFFD"),
        "{}",
        run.stderr
    );
}

/// No task argument and nothing on stdin: the message says that none was
/// given, not that "the one given is empty".
#[test]
fn no_task_and_an_empty_stdin_say_none_was_given() {
    let env = TestEnv::new("chat");
    let run = finish(spawn_with_input(&env, &["exec", "--resume", "last"], b""));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("needs a task: none was given as an argument and stdin was empty"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("the one given"), "{}", run.stderr);
    let run = finish(spawn_with_input(&env, &["exec"], b" \n"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("stdin held only blank space"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

/// No task argument and stdin closed (`quire exec <&-`, which the
/// process sees as `/dev/null`) or `/dev/null`: the message says no task
/// can come from stdin, not that it "was empty", and how to give one.
#[test]
fn no_task_and_a_closed_stdin_say_stdin_cannot_give_one() {
    let env = TestEnv::new("chat");
    let quire = env!("CARGO_BIN_EXE_quire");
    let closed = env
        .program("sh")
        .args(["-c", "exec \"$0\" exec <&-", quire])
        .spawn()
        .expect("spawn sh");
    let null = env
        .command(&["exec"])
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn quire");
    for run in [finish(closed), finish(null)] {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "none was given as an argument and stdin is closed or /dev/null, so no task can be read from it: quire exec \"describe the task\""
            ),
            "{}",
            run.stderr
        );
    }
    assert!(env.server.requests().is_empty());
}

/// A task argument that is not UTF-8 (`quire exec $'task \xff\xfe x'`) is
/// decoded as stdin is, not refused by the argument parser.
#[test]
fn a_task_argument_that_is_not_utf8_is_decoded_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let mut cmd = env.command(&["exec"]);
    cmd.arg(std::ffi::OsStr::from_bytes(b"task \xff\xfe x"));
    let run = finish(cmd.spawn().expect("spawn quire"));
    let text = one_request(&env, &run);
    assert!(text.contains("task \u{fffd}\u{fffd} x"), "{text}");
    assert!(
        run.stderr.contains(
            "warning: the task argument is not valid UTF-8: 2 bytes were replaced with U+FFFD"
        ),
        "{}",
        run.stderr
    );
}

/// Input that has started but whose pipe stays open is read to its end
/// (never cut short); after a few seconds quire says on stderr that it is
/// waiting for stdin to close, so a user knows why nothing happens.
#[test]
fn an_open_pipe_after_some_input_is_read_to_its_end_with_a_note() {
    use std::io::{BufRead, BufReader};
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let mut child = env
        .command(&["exec", "why did the build fail"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn quire");
    let mut writer = child.stdin.take().expect("stdin");
    // Without the note the read below would never end: quire is killed
    // after a minute, which ends its stderr.
    let noted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let noted = noted.clone();
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !noted.load(std::sync::atomic::Ordering::SeqCst) {
                if std::time::Instant::now() > deadline {
                    // SAFETY: kills the quire this test started.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        })
    };
    writer
        .write_all(b"ERROR: build failed at step 3\n")
        .unwrap();
    writer.flush().unwrap();
    // Wait (on quire's own word, not a clock) for the note, then send the
    // rest and close the pipe.
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "stderr ended before the note: {seen}"
        );
        seen.push_str(&line);
        if line.contains("note: reading stdin until it closes (30 bytes so far)") {
            break;
        }
    }
    noted.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    writer.write_all(b"ERROR: and step 4\n").unwrap();
    drop(writer);
    let rest = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let run = finish_without_stderr(child);
    let stderr = rest.join().unwrap();
    assert_eq!(run.code, 0, "{seen}{stderr}");
    let text = one_request(&env, &run);
    assert!(text.contains("ERROR: build failed at step 3"), "{text}");
    assert!(text.contains("ERROR: and step 4"), "{text}");
}

/// [`finish`] for a child whose stderr the test reads itself.
fn finish_without_stderr(mut child: Child) -> Run {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(writer);
    child.stderr = Some(std::process::ChildStderr::from(std::os::fd::OwnedFd::from(
        reader,
    )));
    finish(child)
}
