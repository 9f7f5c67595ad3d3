//! The interactive terminal driven like a person would: the real binary on
//! a pseudo-terminal against the model server, keys typed, the screen read.

use std::time::Duration;

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::{Pty, descendants};
use crate::support::quire::{TestEnv, alive, wait_for_file, wait_gone};

const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";
const ESC: &str = "\x1b";

fn start(env: &TestEnv, args: &[&str]) -> Pty {
    let pty = Pty::spawn(env.command(args), 30, 100);
    pty.wait_text("/help for keys");
    pty
}

/// Types a message and sends it.
fn say(pty: &mut Pty, text: &str) {
    pty.send(text);
    pty.send("\r");
}

/// A session on `wire` whose shell call is running `sleep 60` (its pid
/// returned), shown on the screen.
fn running_sleep(wire: &'static str) -> (TestEnv, Pty, i32) {
    let env = TestEnv::new(wire);
    env.server.push_all([
        Reply::tool_call(
            "slow",
            "shell",
            json!({"command": "sleep 60 & echo $! > sleep.pid; wait"}),
        ),
        Reply::text("unused"),
    ]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "run it");
    let pid: i32 = wait_for_file(&env.repo.path().join("sleep.pid"))
        .parse()
        .unwrap();
    assert!(alive(pid));
    pty.wait_text("shell: sleep 60");
    (env, pty, pid)
}

/// The last task in the session file ended `interrupted`.
fn recorded_interrupted(env: &TestEnv) -> bool {
    env.session_records().iter().any(|r| {
        r["event"]["type"] == "task_completed" && r["event"]["status"] == "interrupted"
            || r["type"] == "task_completed" && r["status"] == "interrupted"
    })
}

/// After an interrupt: the note, the message back in the composer, the
/// turn recorded; then Ctrl-D quits, printing how to resume.
fn after_interrupt(env: &TestEnv, pty: &mut Pty, message: &str) {
    pty.wait_text("⊘ interrupted");
    pty.wait_for("the message back in the composer", |s| {
        s.lines()
            .any(|l| l.trim_start().starts_with(&format!("› {message}")))
    });
    // Said so: what is typed next extends it.
    pty.wait_text("your message is back in the input: Enter sends it again, Ctrl-C clears it");
    assert!(recorded_interrupted(env), "{:?}", env.session_records());
    let kids = descendants(pty.pid());
    pty.send(CTRL_C); // clears the composer
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    assert!(pty.output().contains("quire resume "), "{}", pty.screen());
    for k in kids {
        assert!(wait_gone(k), "process {k} outlived quire");
    }
}

#[test]
fn ctrl_c_while_waiting_for_the_model() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::Hang);
    let mut pty = start(&env, &[]);
    say(&mut pty, "wait for me");
    // The working line: "Working" turns into "Waiting for the model" as
    // soon as the request is out, which a busy machine may draw first.
    pty.wait_for("the working line", |s| {
        s.contains("Working") || s.contains("Waiting for the model")
    });
    env.server.wait_for_requests(1, Duration::from_secs(20));
    pty.send(CTRL_C);
    after_interrupt(&env, &mut pty, "wait for me");
}

#[test]
fn esc_while_streaming() {
    interrupt_while_streaming(ESC);
}

#[test]
fn ctrl_c_while_streaming() {
    interrupt_while_streaming(CTRL_C);
}

fn interrupt_while_streaming(key: &str) {
    let env = TestEnv::new("chat");
    env.server.push(Reply::steps(vec![
        Step::text("first part of the answer\n\n"),
        Step::DelayMs(60_000),
        Step::text("never shown"),
    ]));
    let mut pty = start(&env, &[]);
    say(&mut pty, "stream something");
    pty.wait_text("first part of the answer");
    pty.send(key);
    after_interrupt(&env, &mut pty, "stream something");
    assert!(!pty.output().contains("never shown"));
}

#[test]
fn ctrl_c_while_a_command_runs_kills_its_process_group() {
    let (env, mut pty, pid) = running_sleep("anthropic");
    pty.send(CTRL_C);
    assert!(wait_gone(pid), "the command's child was killed");
    after_interrupt(&env, &mut pty, "run it");
}

#[test]
fn esc_at_an_approval_prompt_stops_the_turn() {
    interrupt_at_an_approval_prompt(ESC);
}

#[test]
fn ctrl_c_at_an_approval_prompt_stops_the_turn() {
    interrupt_at_an_approval_prompt(CTRL_C);
}

fn interrupt_at_an_approval_prompt(key: &str) {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("t", "shell", json!({"command": "touch made.txt"})),
        Reply::text("unused"),
    ]);
    let mut pty = start(&env, &["--approval", "untrusted"]);
    say(&mut pty, "make a file");
    pty.wait_text("[y] yes");
    pty.send(key);
    after_interrupt(&env, &mut pty, "make a file");
    assert!(!env.repo.path().join("made.txt").exists());
    assert_eq!(env.server.requests().len(), 1, "the turn did not go on");
    // Recorded as interrupted, whichever key: not as the user declining
    // (a resumed model would believe it was refused).
    let result = env
        .session_records()
        .into_iter()
        .find(|r| r["item"]["type"] == "tool_result")
        .expect("the call has a result");
    let output = result["item"]["output"].as_str().unwrap_or("").to_string();
    assert!(
        output.contains("interrupted") && !output.contains("declined"),
        "{output}"
    );
}

#[test]
fn ctrl_c_while_waiting_for_mcp_servers() {
    let env = TestEnv::with_config(
        "responses",
        "[mcp_servers.slow]\ncommand = \"sleep\"\nargs = [\"60\"]\nrequired = true\n",
    );
    let mut pty = start(&env, &[]);
    say(&mut pty, "use the slow server");
    pty.wait_text("Working");
    std::thread::sleep(Duration::from_millis(300));
    pty.send(CTRL_C);
    after_interrupt(&env, &mut pty, "use the slow server");
    assert!(
        env.server.requests().is_empty(),
        "no request before the servers"
    );
}

#[test]
fn ctrl_c_twice_at_an_empty_composer_exits() {
    let env = TestEnv::new("responses");
    let mut pty = start(&env, &[]);
    pty.send(CTRL_C);
    pty.wait_text("Ctrl-C again");
    pty.send(CTRL_C);
    assert_eq!(pty.wait_exit(), 0);
    assert!(
        pty.output()
            .contains("To continue this session: quire resume ")
    );
}

#[test]
fn approval_choices() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("a", "shell", json!({"command": "touch yes.txt"})),
        Reply::tool_call("b", "shell", json!({"command": "touch no.txt"})),
        Reply::tool_call("c", "shell", json!({"command": "mkdir -p d1"})),
        Reply::tool_call("d", "shell", json!({"command": "mkdir -p d2"})),
        Reply::text("all done"),
    ]);
    let mut pty = start(&env, &["--approval", "untrusted"]);
    say(&mut pty, "make files");
    // The choices show once the prompt takes keys (the Enter or the
    // answer just typed make it wait for a pause, tui/approve.rs).
    let armed = |cmd: &'static str| move |s: &str| s.contains(cmd) && s.contains("[y] yes");
    pty.wait_for("the first prompt", armed("$ touch yes.txt"));
    pty.send("y");
    pty.wait_for("the second prompt", armed("$ touch no.txt"));
    pty.send("r");
    pty.wait_text("why not?");
    pty.send("use the scratch dir instead\r");
    pty.wait_text("always allow \"mkdir -p\"");
    pty.send("a");
    pty.wait_text("all done");
    assert!(env.repo.path().join("yes.txt").exists());
    assert!(!env.repo.path().join("no.txt").exists());
    assert!(env.repo.path().join("d1").is_dir() && env.repo.path().join("d2").is_dir());
    let reqs = env.server.requests();
    assert!(
        reqs[2]
            .raw_body
            .contains("the user declined `touch no.txt` and said: use the scratch dir instead"),
        "the reason reached the model"
    );
    // "always" covered the second mkdir -p without asking.
    assert_eq!(reqs.len(), 5);
    assert_eq!(pty.output().matches("$ mkdir -p").count(), 1, "asked once");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn multi_line_input_is_sent_whole() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("got both lines"));
    let mut pty = start(&env, &[]);
    pty.send("line one");
    pty.send("\n"); // Ctrl-J
    pty.send("line two");
    pty.send("\x1b\r"); // Alt+Enter
    pty.send("line three\r");
    pty.wait_text("got both lines");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("line one\\nline two\\nline three"), "{body}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn resume_picks_a_session_and_shows_its_history() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("the first answer"));
    let run = env.run(&["exec", "the first question"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.server.push(Reply::text("the second answer"));
    let mut pty = Pty::spawn(env.command(&["resume"]), 30, 100);
    pty.wait_text("Resume a session");
    pty.wait_text("the first question");
    pty.send("\r");
    pty.wait_text("/help for keys");
    let screen = pty.wait_text("the first answer");
    assert!(screen.contains("› the first question"), "{screen}");
    say(&mut pty, "and again");
    pty.wait_text("the second answer");
    let body = &env.server.requests()[1].raw_body;
    assert!(body.contains("the first question") && body.contains("the first answer"));
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    assert_eq!(env.session_files().len(), 1, "the same session continued");
}

/// A session another process holds open (its writer's lock) is marked in
/// the picker with that process's pid and cannot be picked; a free one
/// can.
#[test]
fn resume_marks_sessions_open_elsewhere_and_refuses_them() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("the older answer"));
    assert_eq!(env.run(&["exec", "the older question"]).code, 0);
    env.server.push(Reply::text("the newer answer"));
    assert_eq!(env.run(&["exec", "the newer question"]).code, 0);
    let files = env.session_files();
    let newer = files.last().expect("two sessions").clone();
    // Held as a running quire holds its session file.
    let held = std::fs::File::open(&newer).unwrap();
    held.lock().unwrap();
    let size = std::fs::metadata(&newer).unwrap().len();
    let mut pty = Pty::spawn(env.command(&["resume"]), 30, 120);
    let screen = pty.wait_text("the older question");
    let mark = format!("[in use by pid {}]", std::process::id());
    let line = screen
        .lines()
        .find(|l| l.contains("the newer question"))
        .expect("the held session is listed");
    assert!(line.contains(&mark), "{screen}");
    assert!(
        !screen
            .lines()
            .find(|l| l.contains("the older question"))
            .unwrap()
            .contains("in use"),
        "{screen}"
    );
    // The held one is selected first: Enter refuses it.
    pty.send("\r");
    pty.wait_text("that session is in use by pid");
    pty.send("\x1b[B");
    pty.send("\r");
    pty.wait_text("/help for keys");
    pty.wait_text("the older answer");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    assert_eq!(std::fs::metadata(&newer).unwrap().len(), size);
    drop(held);
}

#[test]
fn undo_reverts_the_last_turns_patch() {
    let env = TestEnv::new("responses");
    // Outside a git repository /diff shows the session's patches.
    env.leave_git();
    env.write("calc.py", "def add(a, b):\n    return a - b\n");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** Add File: new.txt\n+hello\n*** End Patch\n"}),
        ),
        Reply::text("fixed"),
    ]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "fix add");
    let screen = pty.wait_text("fixed");
    assert!(
        screen.contains("+    return a + b"),
        "the diff is shown: {screen}"
    );
    assert_eq!(env.read("calc.py"), "def add(a, b):\n    return a + b\n");
    // Changed by hand since: that file's undo is refused and stays
    // recorded; the other file is undone.
    env.write("calc.py", "def add(a, b):\n    return a + b  # mine\n");
    say(&mut pty, "/undo");
    pty.wait_text("undone: new.txt");
    pty.wait_text("cannot undo calc.py: it changed since the patch");
    assert!(!env.repo.path().join("new.txt").exists());
    assert_eq!(
        env.read("calc.py"),
        "def add(a, b):\n    return a + b  # mine\n"
    );
    let shown = |pty: &Pty| pty.output().matches("return a + b").count();
    let before = shown(&pty);
    say(&mut pty, "/diff");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while shown(&pty) <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "/diff did not show calc.py's change: {}",
            pty.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Fixed by hand, the undo goes through.
    env.write("calc.py", "def add(a, b):\n    return a + b\n");
    say(&mut pty, "/undo");
    pty.wait_text("undone: calc.py");
    assert_eq!(env.read("calc.py"), "def add(a, b):\n    return a - b\n");
    // Everything undone: /diff says so, not that nothing was patched.
    say(&mut pty, "/diff");
    pty.wait_text("the 2 files patched in this session were undone");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn an_at_path_sends_the_path_and_the_file_as_context() {
    let env = TestEnv::new("chat");
    env.write("calc.py", "def add(a, b):\n    return a - b\n");
    env.server.push(Reply::text("it subtracts"));
    let mut pty = start(&env, &[]);
    say(&mut pty, "what is wrong in @calc.py?");
    pty.wait_text("it subtracts");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("what is wrong in @calc.py?"), "{body}");
    assert!(
        body.contains("<file path=\\\"calc.py\\\">\\ndef add(a, b):\\n    return a - b\\n</file>"),
        "{body}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_completed_path_with_spaces_is_attached_and_a_missed_one_named() {
    let env = TestEnv::new("chat");
    env.write("my file ü.txt", "spaced out\n");
    env.server
        .push_all([Reply::text("read it"), Reply::text("nothing there")]);
    let mut pty = start(&env, &[]);
    pty.send("read @my");
    pty.wait_text("@\"my file ü.txt\"");
    pty.send("\t");
    say(&mut pty, "");
    pty.wait_text("read it");
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("<file path=\\\"my file ü.txt\\\">\\nspaced out\\n</file>"),
        "{body}"
    );
    say(&mut pty, "and @../a.txt, or mail me@example.com");
    let screen = pty.wait_text("nothing there");
    assert!(
        screen.contains("warning: @../a.txt is not attached: it is outside the workspace"),
        "{screen}"
    );
    assert!(!screen.contains("me@example.com is not"), "{screen}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn sigterm_stops_the_turn_restores_the_terminal_and_exits_143() {
    let (env, mut pty, pid) = running_sleep("chat");
    // SAFETY: a plain kill(2) of the quire process this test started.
    assert_eq!(unsafe { libc::kill(pty.pid(), libc::SIGTERM) }, 0);
    assert_eq!(pty.wait_exit(), 128 + libc::SIGTERM);
    assert!(wait_gone(pid), "the command's child was killed");
    assert!(recorded_interrupted(&env), "{:?}", env.session_records());
    let out = pty.output();
    assert!(out.contains("quire resume "), "{out}");
    assert!(
        out.contains("\x1b[?2004l"),
        "bracketed paste is turned off again (the terminal restored)"
    );
}

#[test]
fn ctrl_d_in_the_line_mode_of_a_dumb_terminal_says_how_to_resume() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("plain answer"));
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("Ctrl-D to quit");
    pty.send("hello\r");
    pty.wait_text("plain answer");
    assert_eq!(pty.quit_at_prompt(), 0);
    let screen = pty.screen();
    let id = &env.session_files()[0];
    let id = id.file_stem().unwrap().to_string_lossy();
    let line = screen
        .lines()
        .find(|l| l.contains("To continue this session: quire resume"))
        .unwrap_or_else(|| panic!("no resume line:\n{screen}"));
    // On its own line, not after the prompt.
    assert!(line.starts_with("To continue"), "{screen}");
    assert!(
        id.contains(line.rsplit(' ').next().unwrap().trim()),
        "{line} vs {id}"
    );
}

#[test]
fn a_terminal_that_never_reports_the_cursor_gets_the_line_mode() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("plain answer"));
    let mut pty = Pty::spawn_mute(env.command(&[]), 30, 120);
    pty.wait_text("using the line mode");
    pty.wait_text("Ctrl-D to quit");
    pty.send("hello\r");
    pty.wait_text("plain answer");
    assert_eq!(pty.quit_at_prompt(), 0);
}

/// Keys typed while quire waited for the cursor report that never came
/// are not lost: a whole line is the first message, a part of one starts
/// the prompt's line.
#[test]
fn keys_typed_while_the_terminal_was_asked_for_the_cursor_are_kept() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    env.server.push(Reply::text("second answer"));
    let mut pty = Pty::spawn_mute(env.command(&[]), 30, 120);
    // Sent at once: quire is still waiting for the cursor report (2 s).
    pty.send("hello early\rand a dra");
    pty.wait_text("using the line mode");
    pty.wait_text("first answer");
    pty.wait_text("› and a dra");
    pty.send("ft\r");
    pty.wait_text("second answer");
    let sent: Vec<String> = env
        .server
        .requests()
        .iter()
        .filter(|r| r.api.is_some())
        .map(|r| r.body.to_string())
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].contains("hello early"), "{}", sent[0]);
    assert!(sent[1].contains("and a draft"), "{}", sent[1]);
    assert_eq!(pty.quit_at_prompt(), 0);
}
