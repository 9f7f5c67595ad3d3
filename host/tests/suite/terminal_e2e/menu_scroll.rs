//! The `/` menu shows six entries at a time: ↓ past them scrolls it (the
//! entry Enter takes is always on screen, a row says how many more there
//! are), and an approval asked while it is open takes its place.

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const DOWN: &str = "\x1b[B";
const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";

#[test]
fn the_slash_menu_scrolls_to_the_selection_and_enter_takes_what_is_shown() {
    let env = TestEnv::new("chat");
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("/");
    let screen = pty.wait_text("/status");
    assert!(screen.contains("↓ "), "{screen}");
    assert!(!screen.contains("/undo"), "{screen}");
    // The 8th entry, /undo: the window moved down with the selection.
    for _ in 0..7 {
        pty.send(DOWN);
    }
    let screen = pty.wait_for("the menu scrolled to /undo", |s| {
        s.contains("/undo") && s.contains("↑ 2 more")
    });
    assert!(!screen.contains("/new "), "{screen}");
    pty.send("\r");
    pty.wait_text("nothing to undo");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn an_approval_asked_while_the_menu_is_open_takes_its_place() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::steps(vec![
            Step::DelayMs(1500),
            Step::tool_call("a", "shell", json!({"command": "touch x1"})),
        ]),
        Reply::text("after x1"),
    ]);
    let mut pty = Pty::spawn(env.command(&["--approval", "untrusted"]), 13, 80);
    pty.wait_text("/help for keys");
    pty.send("make x1\r");
    pty.wait_text("› make x1");
    pty.send("/");
    pty.wait_text("keys and commands");
    // The prompt is shown whole, its choices too, and the menu is gone.
    let screen = pty.wait_text("[n] no");
    assert!(!screen.contains("keys and commands"), "{screen}");
    assert!(!screen.contains("enlarge the window"), "{screen}");
    pty.send("n");
    // The turn over (a key sent before would reach it).
    pty.wait_for("the turn over", |s| {
        s.contains("after x1") && !s.contains("Esc to interrupt")
    });
    pty.send(CTRL_C);
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
