//! A session whose start takes a while (a plugin whose `list-tools` does
//! not return holds it up to the listing's limit): the view says what it
//! waits for before the plugin answers, and Ctrl-C quits at once with the
//! terminal given back as it was.

use std::time::{Duration, Instant};

use crate::support::guests::odd_plugin;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn a_slow_start_is_said_and_ctrl_c_quits_during_it() {
    let env = TestEnv::new("chat");
    odd_plugin(
        &env.repo_path().join(".quire/plugins/spin-a"),
        "spin-a",
        "spin",
        "[limits]\ntimeout_ms = 600000",
    );
    let started = Instant::now();
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    let screen = pty.wait_text("loading plugins");
    // Said before the plugin's listing could have answered (its limit).
    assert!(started.elapsed() < Duration::from_secs(8), "{screen}");
    assert!(!screen.contains("/help for keys"), "{screen}");
    assert!(screen.contains("Ctrl-C quits"), "{screen}");
    let asked = Instant::now();
    pty.send("\x03");
    assert_eq!(pty.wait_exit(), 130);
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "quit only after {:?}",
        asked.elapsed()
    );
    assert!(pty.cooked(), "the terminal is left raw");
    let screen = pty.screen();
    assert!(
        screen.contains("stopped before the session started"),
        "{screen}"
    );
    assert!(!screen.contains("loading plugins"), "{screen}");
}
