//! A server that accepts and never answers: every front end says quire is
//! waiting for the model (with the time where it can redraw), and Esc or
//! Ctrl-C stops the wait.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";
const ESC: &str = "\x1b";

/// The seconds a line of `screen` shows after `what`.
fn seconds_after(screen: &str, what: &str) -> Option<f64> {
    let line = screen.lines().find(|l| l.contains(what))?;
    let rest = line.split(what).nth(1)?.trim_start();
    rest.split('s').next()?.parse().ok()
}

#[test]
fn the_terminal_view_shows_the_wait_and_esc_ends_it_with_no_hint_left() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::Hang, Reply::text("answered now")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("hello there\r");
    // The time goes on while nothing comes.
    pty.wait_for("a wait of over a second", |s| {
        seconds_after(s, "Waiting for the model").is_some_and(|w| w >= 1.0)
    });
    // Ctrl-D mid-turn says it does not quit (not even at the turn's end)…
    pty.send(CTRL_D);
    pty.wait_text("Ctrl-D does not quit during a turn");
    pty.send(ESC);
    // …and once Esc ended the turn no turn runs: the hint is gone.
    pty.wait_for("the turn interrupted, the hint gone", |s| {
        s.contains("interrupted") && !s.contains("Ctrl-D does not quit during a turn")
    });
    assert!(!pty.screen().contains("Waiting for the model"));
    // The session goes on.
    pty.send("\r");
    pty.wait_text("answered now");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_line_mode_on_a_dumb_terminal_says_it_waits_once() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::Hang, Reply::text("answered now")]);
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("Ctrl-D to quit");
    pty.send("hello there\r");
    pty.wait_text("waiting for the model… (Ctrl-C stops it)");
    pty.send(CTRL_C);
    pty.wait_text("interrupted");
    let out = pty.output();
    assert_eq!(out.matches("waiting for the model").count(), 1, "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "no escape sequence on a dumb terminal"
    );
    pty.send("again\r");
    pty.wait_text("answered now");
    pty.hang_up();
}

#[test]
fn exec_on_a_terminal_spins_with_the_time_and_ctrl_c_stops_it() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::Hang);
    let mut pty = Pty::spawn(env.command(&["exec", "hello there"]), 30, 100);
    pty.wait_for("a wait of over a second", |s| {
        seconds_after(s, "waiting for the model").is_some_and(|w| w >= 1.0)
    });
    assert!(pty.screen().contains("Ctrl-C stops it"));
    pty.send(CTRL_C);
    assert_eq!(pty.wait_exit(), 130);
    assert!(pty.screen().contains("interrupted"), "{}", pty.screen());
}

/// A call that runs is named on the working line, not the model.
#[test]
fn a_running_call_is_shown_rather_than_the_wait() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("s", "shell", json!({"command": "sleep 1.5"})),
        Reply::text("slept"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("nap\r");
    let screen = pty.wait_for("the call's line", |s| {
        s.lines()
            .any(|l| l.contains("shell: sleep 1.5") && l.contains("Esc to interrupt"))
    });
    assert!(!screen.contains("Waiting for the model"), "{screen}");
    pty.wait_text("slept");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// A terminal that never reports the cursor gets the line mode of the
/// line editor (rustyline), made on its own thread while quire installs
/// its signal handlers: the editor must not take SIGINT for itself, or
/// Ctrl-C during the wait reaches nobody (it did, most runs).
#[test]
fn ctrl_c_stops_the_wait_in_the_line_editor_mode() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::Hang, Reply::text("answered now")]);
    let mut pty = Pty::spawn_mute(env.command(&[]), 30, 100);
    pty.wait_text("using the line mode");
    pty.wait_text("Ctrl-D to quit");
    pty.send("hello there\r");
    pty.wait_text("waiting for the model");
    pty.send(CTRL_C);
    pty.wait_text("interrupted");
    // The session goes on: the next message is answered.
    pty.send("again\r");
    pty.wait_text("answered now");
    assert_eq!(pty.quit_at_prompt(), 0);
}
