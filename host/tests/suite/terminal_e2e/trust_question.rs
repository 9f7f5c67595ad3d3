//! The question asked at start in a repository with settings of its own
//! ("Trust this repository?"): Ctrl-C stops quire with a message and exit
//! 130, nothing trusted, in the full-screen view (the question is asked
//! before the terminal is raw, Ctrl-C is SIGINT) and in the line mode; a
//! line typed before the question appeared is said and not taken as its
//! answer.

use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const STOPPED: &str =
    "error: stopped at the trust question; nothing was trusted (run quire again to answer it)";

/// A repository with an `.mcp.json` that nobody decided about.
fn undecided() -> TestEnv {
    let env = TestEnv::new("chat");
    env.write(
        ".mcp.json",
        r#"{"mcpServers":{"probe":{"command":"sh","args":["-c","exit 3"]}}}"#,
    );
    let run = env.run(&["trust", "--revoke"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env
}

/// Ctrl-C at the question: the message, 130, the repository not trusted
/// and nothing sent to the model.
fn stopped_by_ctrl_c(env: &TestEnv, mut pty: Pty) -> String {
    pty.wait_text("Trust this repository? [y]es, [n]o: ");
    pty.send("\x03");
    let code = pty.wait_exit();
    let screen = pty.screen();
    assert_eq!(code, 130, "{screen}");
    assert!(screen.contains(STOPPED), "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(!config.contains("\"trusted\""), "{config}");
    assert!(env.server.requests().is_empty());
    screen
}

#[test]
fn ctrl_c_at_the_trust_question_of_the_full_screen_view_stops_quire() {
    let env = undecided();
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    // Typed at once, long before the question: not its answer.
    pty.send("y\r");
    let screen = stopped_by_ctrl_c(&env, pty);
    assert!(
        screen.contains("(typed before this question, so not taken as its answer: \"y\")"),
        "{screen}"
    );
}

#[test]
fn ctrl_c_at_the_trust_question_of_the_line_mode_stops_quire() {
    let env = undecided();
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    stopped_by_ctrl_c(&env, Pty::spawn(cmd, 30, 120));
}
