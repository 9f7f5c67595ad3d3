//! A running command's output shows live under its working line (its
//! last lines, dimmed, as a terminal leaves them), and goes when the
//! command ends: its finished cell shows the output once, as before.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// Prints its lines (none of them written in the command itself: the
/// working line shows the command), then waits for `gate` to exist.
const COMMAND: &str = "echo live-$((40+2)); printf 'bar %s%%\\r' 10 50; printf 'bar %s%%\\n' $((99+1)); printf '\\033[31mred-%s\\033[0m\\n' $((6*7)); while [ ! -e gate ]; do sleep 0.05; done; echo end-$((5*5))";

/// Rows of scrollback and screen holding `text`.
fn rows_with(pty: &Pty, text: &str) -> usize {
    pty.transcript().iter().filter(|r| r.contains(text)).count()
}

#[test]
fn a_running_commands_last_lines_show_until_it_ends() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": COMMAND, "timeout_ms": 60000}),
        ),
        Reply::text("all done"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("run it\r");
    // The command waits for the gate: all of this shows while it runs.
    let screen = pty.wait_for("the command's output under its working line", |s| {
        s.contains("└ live-42") && s.contains("bar 100%") && s.contains("red-42")
    });
    assert!(
        !screen.contains("[31m"),
        "escape sequences dropped: {screen}"
    );
    assert!(!screen.contains("end-25"), "{screen}");
    std::fs::write(env.repo_path().join("gate"), "").expect("gate");
    pty.wait_for("the turn to end", |s| {
        s.contains("all done") && s.contains("end-25") && !s.contains("Esc to interrupt")
    });
    // The live lines are gone: each output line is in the finished
    // cell, once.
    for line in ["live-42", "bar 100%", "red-42", "end-25"] {
        assert_eq!(rows_with(&pty, line), 1, "{line}: {:#?}", pty.transcript());
    }
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// A line longer than one event (4 KiB) then another written at once:
/// the last line shows (its end, cut to the width), not nothing.
#[test]
fn a_long_last_line_shows_while_the_command_runs() {
    let env = TestEnv::new("responses");
    let command = "head -c 5000 /dev/zero | tr '\\0' L; echo; yes 中 | head -n 3000 | tr -d '\\n'; echo; while [ ! -e gate ]; do sleep 0.05; done; echo end-$((5*5))";
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": command, "timeout_ms": 60000}),
        ),
        Reply::text("all done"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("run it\r");
    pty.wait_for("the long last line under the working line", |s| {
        s.lines()
            .any(|l| l.trim_start().starts_with("└ ") && l.contains("中中中中"))
            || s.contains("    中中中中")
    });
    std::fs::write(env.repo_path().join("gate"), "").expect("gate");
    pty.wait_for("the turn to end", |s| {
        s.contains("all done") && s.contains("end-25") && !s.contains("Esc to interrupt")
    });
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
