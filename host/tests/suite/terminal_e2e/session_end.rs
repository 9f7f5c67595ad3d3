//! `SessionEnd` hooks run when the interactive terminal ends: Ctrl-D,
//! `/exit`, Ctrl-C twice (`prompt_input_exit`) and SIGTERM (`other`).

use serde_json::Value;

use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// Starts the terminal view with a SessionEnd hook appending its input to
/// a log, ends it with `end`, and returns the hooks' inputs.
fn ended_by(end: impl FnOnce(&mut Pty)) -> Vec<Value> {
    let env = TestEnv::new("chat");
    let log = env.home.path().join("hook.log");
    let file = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!(
        "\n[[hooks.SessionEnd]]\ncommand = \"cat >> '{}'; echo >> '{}'\"\n",
        log.display(),
        log.display()
    ));
    std::fs::write(&file, text).unwrap();
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    end(&mut pty);
    pty.wait_exit();
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    logged
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// How the terminal is left, the way it is done, the reason expected.
type Quit = (&'static str, fn(&mut Pty), &'static str);

#[test]
fn leaving_the_terminal_runs_the_session_end_hooks() {
    let quits: [Quit; 4] = [
        ("Ctrl-D", |p| p.send("\x04"), "prompt_input_exit"),
        ("/exit", |p| p.send("/exit\r"), "prompt_input_exit"),
        ("Ctrl-C twice", |p| p.send("\x03\x03"), "prompt_input_exit"),
        (
            "SIGTERM",
            |p| unsafe {
                libc::kill(p.pid(), libc::SIGTERM);
            },
            "other",
        ),
    ];
    for (how, end, reason) in quits {
        let inputs = ended_by(end);
        assert_eq!(inputs.len(), 1, "{how}: {inputs:?}");
        assert_eq!(inputs[0]["hook_event_name"], "SessionEnd", "{how}");
        assert_eq!(inputs[0]["reason"], reason, "{how}");
    }
}
