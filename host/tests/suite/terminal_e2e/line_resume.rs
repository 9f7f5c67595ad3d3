//! The line mode continues a session (`quire resume ID`, `--resume last`)
//! on a terminal without the full-screen view; without a terminal the
//! error points at `quire exec --resume`.

use std::process::Stdio;

use super::line_input::{dumb, sent_whole};
use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, finish};

/// A session with one exchange; its id.
fn one_exchange(env: &TestEnv) -> String {
    env.server.push(Reply::text("the first answer"));
    line_mode(env, "remember the word kiwi\n");
    let file = &env.session_files()[0];
    let stem = file.file_stem().unwrap().to_string_lossy().to_string();
    // `<time>-<id>`.
    stem.split_once('-')
        .map(|(_, id)| id.to_string())
        .unwrap_or(stem)
}

/// The answer to "which word?" came with the history sent before it, in
/// the same session file; Ctrl-D then ends quire.
fn answered_with_the_history(env: &TestEnv, pty: &mut Pty) {
    pty.wait_text("kiwi, as you said");
    assert!(sent_whole(env, 1, "remember the word kiwi"));
    assert!(sent_whole(env, 1, "which word?"));
    assert_eq!(env.session_files().len(), 1);
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn resume_on_a_dumb_terminal_continues_the_session() {
    let env = TestEnv::new("chat");
    let id = one_exchange(&env);
    env.server.push(Reply::text("kiwi, as you said"));
    let mut pty = dumb(&env, &["resume", "last"]);
    let screen = pty.wait_text("quire: the first answer");
    assert!(screen.contains("1 turn so far"), "{screen}");
    assert!(screen.contains("you: remember the word kiwi"), "{screen}");
    pty.send("which word?\r");
    answered_with_the_history(&env, &mut pty);
    let out = pty.output();
    assert!(out.contains(&format!("quire resume {id}")), "{out}");
}

#[test]
fn resume_by_id_on_a_dumb_terminal_and_without_a_terminal() {
    let env = TestEnv::new("chat");
    let id = one_exchange(&env);
    let mut pty = dumb(&env, &["--resume", &id[..8]]);
    pty.wait_text("you: remember the word kiwi");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    // No terminal: the line mode cannot ask; exec --resume can.
    let mut cmd = env.command(&["resume", "last"]);
    cmd.stdin(Stdio::null()).env("TERM", "dumb");
    let r = finish(cmd.spawn().unwrap());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("quire exec --resume"), "{}", r.stderr);
}

/// Codex's `resume --last [PROMPT]`: the session used last, the word
/// after --last its first new message.
#[test]
fn resume_last_flag_continues_the_session_with_its_task() {
    let env = TestEnv::new("chat");
    one_exchange(&env);
    env.server.push(Reply::text("kiwi, as you said"));
    let mut pty = dumb(&env, &["resume", "--last", "which word?"]);
    answered_with_the_history(&env, &mut pty);
}

#[test]
fn resume_without_an_id_in_the_line_mode_asks_for_one() {
    let env = TestEnv::new("chat");
    let mut cmd = env.command(&["resume"]);
    cmd.env("TERM", "dumb");
    let mut pty = crate::support::pty::Pty::spawn(cmd, 30, 100);
    pty.wait_text("no session picker");
    assert_eq!(pty.wait_exit(), 2);
}

/// A session compacted down to its last message, whose task stopped at
/// the turn limit: resuming it counts every turn the file recorded and
/// says how the last one stopped instead of "(no answer yet)".
#[test]
fn resume_of_a_compacted_session_counts_every_turn_and_says_how_it_stopped() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("the first answer"));
    let first = env.exec_json("the first message", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let echo = |id: &str| Reply::tool_call(id, "shell", serde_json::json!({"command": "echo hi"}));
    env.server.push_all([echo("a"), echo("b")]);
    let second = env.exec_json(
        "keep running commands",
        &["--resume", "last", "-c", "max_turns=2"],
    );
    assert_eq!(second.of_type("task_completed")[0]["status"], "max_turns");
    // A compaction that kept only the last message.
    let file = env.session_files().pop().unwrap();
    let compacted = serde_json::json!({"record": "compacted", "items": [
        {"type": "compaction_summary", "text": "earlier work"},
        {"type": "user", "text": "keep running commands"},
    ]});
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(&mut f, format!("{compacted}\n").as_bytes()).unwrap();
    drop(f);
    let mut pty = dumb(&env, &["resume", "last"]);
    let screen = pty.wait_text("you: keep running commands");
    assert!(
        screen.contains("2 turns so far (earlier ones compacted)"),
        "{screen}"
    );
    let screen = pty.wait_text("(no answer: stopped at the turn limit after 2 tool calls)");
    assert!(!screen.contains("no answer yet"), "{screen}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
