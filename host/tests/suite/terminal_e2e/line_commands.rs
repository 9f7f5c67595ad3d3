//! The line mode's commands: the one of the full-screen view it does not
//! have (`/resume`) says where it works, instead of "unknown command".

use super::line_session::line_mode;
use crate::support::quire::TestEnv;

#[test]
fn full_screen_commands_in_the_line_mode_say_where_they_work() {
    let env = TestEnv::new("chat");
    let r = line_mode(&env, "/resume\n/bogus\n/help\n");
    let err = &r.stderr;
    assert!(
        err.contains("/resume works in the full-screen view, not in the line mode"),
        "{err}"
    );
    assert!(err.contains("unknown command /bogus"), "{err}");
    // /help lists the session commands, says where /resume works, and
    // gives /review's whole usage.
    for c in [
        "/status",
        "/diff",
        "/undo",
        "/skills",
        "/mcp",
        "/approvals",
        "/init",
    ] {
        assert!(err.contains(&format!("\n  {c} ")), "{c} missing: {err}");
    }
    assert!(
        err.contains("/resume (a picker of past sessions) works in"),
        "{err}"
    );
    assert!(err.contains("[--run-tests]"), "{err}");
    assert!(env.server.requests().is_empty(), "nothing was sent");
}

/// A server that reports no usage (llama.cpp, some local servers): /status
/// gives quire's own count of the context in use, marked as estimated,
/// instead of 0%.
#[test]
fn status_estimates_the_context_when_the_server_reports_no_usage() {
    use crate::support::model_server::{Reply, Step};
    let env = TestEnv::with_config("chat", "model_context_window = 40000");
    env.server.push(Reply::steps(vec![
        Step::text("y".repeat(8000)),
        Step::Usage {
            input: 0,
            output: 0,
        },
    ]));
    let r = line_mode(&env, &format!("{}\n/status\n", "x".repeat(8000)));
    let line = r
        .stderr
        .lines()
        .chain(r.stdout.lines())
        .find(|l| l.contains("context "))
        .unwrap_or_else(|| panic!("no context line: {}", r.stderr))
        .to_string();
    assert!(line.contains("~"), "{line}");
    assert!(!line.contains(" 0% "), "{line}");
    assert!(line.contains("estimated"), "{line}");
}
