//! `!COMMAND` at the prompt (Claude Code's bash mode, Codex's `!`): the
//! user's command runs in the repository, no request is sent, its output
//! goes with the next message; Ctrl-C stops it and what it started.

use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, wait_for_file, wait_gone};

/// Typed as `!echo $((40+2))-done`: the output (`42-done`) is nowhere in
/// what was typed.
const ECHO: &str = "!echo $((40+2))-done\r";
const PRINTED: &str = "42-done";
/// A command that starts a child and waits for it: the child's pid in
/// `sleeper`.
const HOLD: &str = "!sleep 30 & echo $! > sleeper; wait\r";

const BLOCK: &str = "$ echo $((40+2))-done\\n42-done";

/// The JSON body's text of a command and its output in the block.
fn carried(body: &str) -> bool {
    body.contains(BLOCK)
}

/// Runs [`HOLD`], stops it with Ctrl-C once its child started, waits
/// for `shown`; the child must be gone.
fn stop_held(pty: &mut Pty, env: &TestEnv, shown: &str) {
    pty.send(HOLD);
    let pid: i32 = wait_for_file(&env.repo_path().join("sleeper"))
        .parse()
        .unwrap();
    pty.send("\x03");
    pty.wait_text(shown);
    assert!(wait_gone(pid), "the command's child {pid} still runs");
}

#[test]
fn a_bang_line_runs_the_command_and_its_output_goes_with_the_next_message() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::text("seen the output"), Reply::text("plain answer")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send(ECHO);
    pty.wait_text(PRINTED);
    pty.send("!\r");
    pty.wait_text("runs COMMAND in your shell");
    assert!(env.server.requests().is_empty(), "no turn for a ! line");
    pty.send("what did it print\r");
    pty.wait_text("seen the output");
    pty.wait_text("(with the output of 1 command run with `!`)");
    // A leading space sends the text as a message, nothing runs.
    pty.send(" !touch made\r");
    pty.wait_text("plain answer");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0].raw_body;
    assert!(first.contains("what did it print"), "{first}");
    assert!(carried(first), "{first}");
    let second = &requests[1].raw_body;
    assert!(second.contains("!touch made"), "{second}");
    // Sent once, with the first message, unchanged in the history since.
    assert_eq!(second.matches(BLOCK).count(), 1, "{second}");
    assert!(!env.repo_path().join("made").exists());
    // The session file holds the message as sent: a resume sends it again.
    let session = std::fs::read_to_string(&env.session_files()[0]).unwrap();
    assert!(carried(&session), "{session}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn ctrl_c_stops_a_bang_command_and_what_it_started() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("after the stop"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    stop_held(&mut pty, &env, "interrupted");
    // Back at the prompt: the next message is sent, with the stop said.
    pty.send("it hung\r");
    pty.wait_text("after the stop");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("$ sleep 30 &"), "{body}");
    assert!(body.contains("(interrupted)"), "{body}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_line_mode_runs_bang_lines_and_ctrl_c_stops_them() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("seen both"));
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("Ctrl-D to quit");
    pty.send(ECHO);
    pty.wait_text(PRINTED);
    stop_held(&mut pty, &env, "(interrupted)");
    assert!(env.server.requests().is_empty(), "no turn for a ! line");
    pty.send("what now\r");
    pty.wait_text("seen both");
    let body = &env.server.requests()[0].raw_body;
    assert!(carried(body), "{body}");
    assert!(body.contains("(interrupted)"), "{body}");
    assert_eq!(pty.quit_at_prompt(), 0);
}

#[test]
fn piped_lines_run_bang_commands_too() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("seen it"));
    let r = line_mode(&env, "!echo $((40+2))-done\n\\!not run\n");
    assert!(r.stderr.contains(PRINTED), "{}", r.stderr);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].raw_body;
    assert!(body.contains("!not run"), "{body}");
    assert!(!body.contains("\\\\!not run"), "the backslash goes: {body}");
    assert!(carried(body), "{body}");
}

#[test]
fn a_killed_bang_command_is_worded_as_the_model_s_killed_command() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("seen it"));
    let r = line_mode(&env, "!echo before; kill -9 $$\nwhy?\n");
    let killed = "before\n(killed by SIGKILL (signal 9))\n";
    assert!(r.stderr.contains(killed), "{}", r.stderr);
    assert!(!r.stderr.contains("Killed by signal"), "{}", r.stderr);
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("before\\n(killed by SIGKILL (signal 9))"),
        "{body}"
    );
}

/// What is said when `!` output is left with the conversation it ran in.
const LEFT_BEHIND: &str = "stays with the conversation you left";

#[test]
fn bang_output_before_new_is_not_sent_in_the_new_conversation() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("fresh answer"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send(ECHO);
    pty.wait_text(PRINTED);
    pty.send("/new\r");
    // Typed at once after it, the next line would be read as pasted.
    pty.wait_for("a second session line", |s| {
        s.matches("quire session ").count() >= 2
    });
    pty.send("fresh start\r");
    let screen = pty.wait_text("fresh answer");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("fresh start"), "{body}");
    assert!(!body.contains(PRINTED), "{body}");
    assert!(!screen.contains("(with the output of"), "{screen}");
    assert!(screen.contains(LEFT_BEHIND), "{screen}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn bang_output_before_resume_is_not_sent_in_the_session_switched_to() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::text("answer one"), Reply::text("answer two")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("first conversation\r");
    pty.wait_text("answer one");
    pty.send("/new\r");
    pty.wait_for("a second session line", |s| {
        s.matches("quire session ").count() >= 2
    });
    pty.send(ECHO);
    pty.wait_text(PRINTED);
    pty.send("/resume\r");
    pty.wait_text("keeps this one");
    pty.send("\r");
    pty.wait_text(LEFT_BEHIND);
    pty.send("back again\r");
    pty.wait_text("answer two");
    let requests = env.server.requests();
    let body = &requests[1].raw_body;
    assert!(body.contains("first conversation"), "{body}");
    assert!(body.contains("back again"), "{body}");
    assert!(!body.contains(PRINTED), "{body}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_line_mode_leaves_bang_output_with_the_conversation_before_new() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("fresh answer"));
    let r = line_mode(&env, "!echo $((40+2))-done\n/new\nfresh start\n");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].raw_body;
    assert!(body.contains("fresh start"), "{body}");
    assert!(!body.contains(PRINTED), "{body}");
    assert!(r.stderr.contains(LEFT_BEHIND), "{}", r.stderr);
}

/// Prints a line (not written in the command itself: the working line
/// shows the command), then waits for `gate` to exist.
const GATED: &str =
    "!echo live-$((40+2)); while [ ! -e gate ]; do sleep 0.05; done; echo end-$((5*5))\r";

#[test]
fn a_bang_commands_last_lines_show_while_it_runs_and_go_when_it_ends() {
    let env = TestEnv::new("responses");
    // Wide enough for the whole working line ("Esc to interrupt").
    let mut pty = Pty::spawn(env.command(&[]), 30, 160);
    pty.wait_text("/help for keys");
    pty.send(GATED);
    // The command waits for the gate: its line shows under the working
    // line while it runs.
    let screen = pty.wait_for("the command's output under its working line", |s| {
        s.contains("└ live-42") && s.contains("Esc to interrupt")
    });
    assert!(!screen.contains("end-25"), "{screen}");
    std::fs::write(env.repo_path().join("gate"), "").expect("gate");
    pty.wait_for("the command to end", |s| {
        s.contains("end-25") && !s.contains("Esc to interrupt")
    });
    // The live line is gone: the output is in the finished cell, once.
    for line in ["live-42", "end-25"] {
        let rows = pty.transcript().iter().filter(|r| r.contains(line)).count();
        assert_eq!(rows, 1, "{line}: {:#?}", pty.transcript());
    }
    assert!(env.server.requests().is_empty(), "no turn for a ! line");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
