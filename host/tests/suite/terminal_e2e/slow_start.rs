//! A session whose start takes a while (a plugin whose `list-tools` does
//! not return holds it up to the listing's limit): the view says what it
//! waits for before the plugin answers, and Ctrl-C quits at once with the
//! terminal given back as it was.

use std::time::{Duration, Instant};

use crate::support::guests::odd_plugin;
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, wait_for_file, wait_gone};

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

/// An MCP server that writes its pid and its child's, then waits a long
/// time before it reads anything (its `initialize` is never answered in
/// time).
const SLOW_SERVER: &str = r#"import os, subprocess, sys, time
child = subprocess.Popen(["sleep", "600"])
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{os.getpid()}\n{child.pid}\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
"#;

/// Quitting while the session starts (a plugin holds the start up) with
/// an MCP server launched and not yet answering: quire exits at once and
/// no process of the server is left behind.
#[test]
fn quitting_during_the_start_leaves_no_mcp_server_running() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("slow.py");
    let pids = dir.path().join("pids");
    std::fs::write(&script, SLOW_SERVER).unwrap();
    let env = TestEnv::with_config(
        "chat",
        &format!(
            "[mcp_servers.slow]\ncommand = \"python3\"\nargs = [{:?}, {:?}]\n",
            script.display().to_string(),
            pids.display().to_string()
        ),
    );
    odd_plugin(
        &env.repo_path().join(".quire/plugins/spin-a"),
        "spin-a",
        "spin",
        "[limits]\ntimeout_ms = 600000",
    );
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("loading plugins");
    let started: Vec<i32> = wait_for_file(&pids)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(started.len(), 2, "{started:?}");
    pty.send("\x03");
    assert_eq!(pty.wait_exit(), 130);
    for pid in started {
        assert!(wait_gone(pid), "process {pid} of the MCP server survived");
    }
}
