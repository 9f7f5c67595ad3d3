//! Ctrl-Z and stops from outside: the terminal goes back to the shell in
//! cooked mode, and after `fg` quire takes it again (raw mode, drawn
//! again) and answers keys. quire runs under a job-control shell, which
//! waits for a line while quire is stopped, then puts its own terminal
//! settings back (`stty sane`, as an interactive shell does) and runs `fg`.

use std::time::{Duration, Instant};

use crate::support::model_server::Reply;
use crate::support::pty::{Pty, WAIT, descendants};
use crate::support::quire::TestEnv;

/// quire under `bash -m`: (the terminal, quire's pid).
fn under_a_shell(env: &TestEnv) -> (Pty, i32) {
    under_a_shell_in(env, false)
}

/// quire under `bash -m`, in the line mode when `dumb` (`TERM=dumb`).
fn under_a_shell_in(env: &TestEnv, dumb: bool) -> (Pty, i32) {
    under_a_shell_running(env, dumb, "", "Ctrl-D to quit")
}

/// `quire ARG` (`arg` empty: none) under `bash -m`, once `shown` is on
/// the screen.
fn under_a_shell_running(env: &TestEnv, dumb: bool, arg: &str, shown: &str) -> (Pty, i32) {
    let quire = env!("CARGO_BIN_EXE_quire");
    let mut cmd = env.program("bash");
    if dumb {
        cmd.env("TERM", "dumb");
    }
    cmd.args([
        "--norc",
        "-mc",
        r#""$0" $1; echo "shell has the terminal"; read -r line; stty sane; fg"#,
        quire,
        arg,
    ]);
    let pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text(shown);
    // The shell's own child (quire's watchdog is a fork with the same
    // command line, further down).
    let pid = descendants(pty.pid())
        .into_iter()
        .find(|p| {
            parent(*p) == Some(pty.pid())
                && std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                    .is_ok_and(|c| c.split('\0').next() == Some(quire))
        })
        .expect("quire runs under the shell");
    (pty, pid)
}

fn parent(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')')
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The process state letter from /proc (`T`: stopped).
fn state(pid: i32) -> char {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()?
                .split_whitespace()
                .next()?
                .chars()
                .next()
        })
        .unwrap_or('?')
}

fn wait_until(pty: &Pty, what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; screen:\n{}",
            pty.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stopped by `stop` (which restored the terminal unless `restores` is
/// false: SIGSTOP cannot be caught), then `fg`: quire is drawn again and
/// sends the next message.
fn stop_and_fg(stop: impl FnOnce(&mut Pty, i32), restores: bool) {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("answered after fg"));
    let (mut pty, pid) = under_a_shell(&env);
    assert!(!pty.cooked(), "quire runs in raw mode: {}", pty.screen());
    stop(&mut pty, pid);
    wait_until(&pty, "quire stopped", || state(pid) == 'T');
    pty.wait_text("shell has the terminal");
    if restores {
        assert!(
            pty.cooked(),
            "the shell gets its terminal back in cooked mode"
        );
        let out = pty.output();
        let stopped_at = out.rfind("shell has the terminal").unwrap_or(0);
        assert!(
            out[..stopped_at].contains("\x1b[?2004l"),
            "bracketed paste is turned off before the stop"
        );
    }
    pty.send("go\n");
    wait_until(&pty, "quire continued in raw mode", || {
        state(pid) != 'T' && !pty.cooked()
    });
    pty.send("after fg\r");
    pty.wait_text("answered after fg");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("after fg"), "{body}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0, "{}", pty.screen());
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_it_back() {
    stop_and_fg(|pty, _| pty.send("\x1a"), true);
}

#[test]
fn sigtstp_from_outside_restores_the_terminal_before_stopping() {
    stop_and_fg(
        // SAFETY: a plain kill(2) of the quire process this test started.
        |_, pid| assert_eq!(unsafe { libc::kill(pid, libc::SIGTSTP) }, 0),
        true,
    );
}

#[test]
fn sigstop_then_fg_takes_the_terminal_back_from_cooked_mode() {
    stop_and_fg(
        // SAFETY: a plain kill(2) of the quire process this test started.
        |_, pid| assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0),
        false,
    );
}

/// Lines the model's command wrote so far.
fn ticks(env: &TestEnv) -> usize {
    env.read("ticks").lines().count()
}

#[test]
fn ctrl_z_stops_the_models_running_command_until_fg() {
    command_stops_with_quire(false);
}

#[test]
fn ctrl_z_in_the_line_mode_stops_the_models_running_command_too() {
    command_stops_with_quire(true);
}

/// Ctrl-Z while the model's command writes a line every 100 ms: nothing
/// is written while quire is stopped, the rest after `fg`.
fn command_stops_with_quire(dumb: bool) {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "a",
            "shell",
            serde_json::json!({
                "command": "for i in $(seq 1 60); do echo $i >> ticks; sleep 0.1; done; echo counted"
            }),
        ),
        Reply::text("the ticks are done"),
    ]);
    let (mut pty, pid) = under_a_shell_in(&env, dumb);
    pty.send("tick\r");
    wait_until(&pty, "the command writing", || ticks(&env) >= 3);
    pty.send("\x1a");
    wait_until(&pty, "quire stopped", || state(pid) == 'T');
    pty.wait_text("shell has the terminal");
    let at_stop = ticks(&env);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        ticks(&env),
        at_stop,
        "the model's command wrote while quire was stopped"
    );
    assert!(at_stop < 60, "the command ended before the stop: {at_stop}");
    pty.send("go\n");
    wait_until(&pty, "the command writing again after fg", || {
        ticks(&env) > at_stop
    });
    if dumb {
        // Typed while the turn still runs after `fg` (the shell left the
        // terminal cooked): kept for the prompt, not lost as a line end.
        pty.send("\x04");
    }
    pty.wait_text("the ticks are done");
    assert_eq!(ticks(&env), 60, "{}", env.read("ticks"));
    if !dumb {
        pty.send("\x04");
    }
    assert_eq!(pty.wait_exit(), 0, "{}", pty.screen());
}

/// Ctrl-Z in the session picker (`quire resume`) stops quire as in the
/// main view; after `fg` the picker is drawn again and answers keys.
#[test]
fn ctrl_z_in_the_session_picker_suspends_and_fg_brings_it_back() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("the first answer"));
    assert_eq!(env.run(&["exec", "the first question"]).code, 0);
    let (mut pty, pid) = under_a_shell_running(&env, false, "resume", "the first question");
    pty.send("\x1a");
    wait_until(&pty, "quire stopped", || state(pid) == 'T');
    pty.wait_text("shell has the terminal");
    assert!(
        pty.cooked(),
        "the shell gets its terminal back in cooked mode"
    );
    pty.send("go\n");
    wait_until(&pty, "quire continued in raw mode", || {
        state(pid) != 'T' && !pty.cooked()
    });
    // The picker is up again: Ctrl-D leaves it (exit 0), no session opened.
    pty.wait_for("the picker drawn again", |s| {
        s.rfind("the first question") > s.rfind("shell has the terminal")
    });
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0, "{}", pty.screen());
    assert_eq!(env.session_files().len(), 1, "no new session file");
}
