//! Before and while a turn: new repository hooks are approved before the
//! first turn (as in the line REPL); the reasoning summary shows under the
//! working indicator while the model thinks, and is gone once it answers.

use serde_json::{Value, json};

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

#[test]
fn new_repository_hooks_are_approved_before_the_first_turn() {
    let env = TestEnv::new("chat");
    let seen = env.home.path().join("prompt-seen");
    env.write(
        ".claude/settings.json",
        &json!({"hooks": {"UserPromptSubmit": [{"hooks": [
            {"type": "command", "command": format!("cat > {}", seen.display())}
        ]}]}})
        .to_string(),
    );
    env.server.push(Reply::text("the hooked answer"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    let screen = pty.wait_text("Approve these hooks? [y]es, [n]o:");
    assert!(
        screen.contains("new or changed since you approved"),
        "{screen}"
    );
    assert!(screen.contains("UserPromptSubmit"), "{screen}");
    pty.send("y\r");
    pty.wait_text("approved 1 hook(s)");
    pty.wait_text("/help for keys");
    pty.send("hello\r");
    pty.wait_text("the hooked answer");
    let text = crate::support::quire::wait_for_file(&seen);
    let input: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(input["prompt"], "hello", "the approved hook ran");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);

    // Approved once: not asked again.
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    pty.wait_text("/help for keys");
    assert!(!pty.output().contains("Approve these hooks?"));
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn declined_hooks_do_not_run() {
    let env = TestEnv::new("responses");
    let seen = env.home.path().join("prompt-seen");
    env.write(
        ".claude/settings.json",
        &json!({"hooks": {"UserPromptSubmit": [{"hooks": [
            {"type": "command", "command": format!("touch {}", seen.display())}
        ]}]}})
        .to_string(),
    );
    env.server.push(Reply::text("answered"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    pty.wait_text("Approve these hooks?");
    pty.send("n\r");
    pty.wait_text("not approved: they do not run");
    pty.wait_text("/help for keys");
    pty.send("hello\r");
    pty.wait_text("answered");
    assert!(!seen.exists(), "a declined hook does not run");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_reasoning_summary_shows_while_waiting() {
    for wire in ["responses", "anthropic", "chat"] {
        let env = TestEnv::new(wire);
        env.server.push(Reply::steps(vec![
            Step::Reasoning("Weighing the two approaches to the parser".into()),
            Step::DelayMs(1500),
            Step::text("use the second approach"),
        ]));
        let mut pty = Pty::spawn(env.command(&[]), 30, 120);
        pty.wait_text("/help for keys");
        pty.send("which approach?\r");
        let screen = pty.wait_text("Weighing the two approaches");
        let rows: Vec<&str> = screen.lines().collect();
        let working = rows.iter().position(|l| l.contains("Working"));
        let thought = rows.iter().position(|l| l.contains("Weighing the two"));
        assert!(
            matches!((working, thought), (Some(w), Some(t)) if t == w + 1),
            "{wire}: the reasoning sits under the working line:\n{screen}"
        );
        pty.wait_text("use the second approach");
        pty.wait_for("the reasoning gone", |s| !s.contains("Weighing the two"));
        // Ctrl-D quits only when no turn runs: wait for the turn's end.
        pty.wait_for("the turn to end", |s| {
            !s.contains("Working") && s.contains("out 20")
        });
        pty.send(CTRL_D);
        assert_eq!(pty.wait_exit(), 0);
    }
}

/// `quire` with nothing configured asks the guided setup's questions
/// before the terminal view starts (it used to exit with "needs an API
/// key", though the README promised the setup for `quire` too).
#[test]
fn with_nothing_configured_the_setup_runs_then_the_session_starts() {
    let env = TestEnv::new("chat");
    std::fs::remove_file(env.home.path().join("config.toml")).unwrap();
    env.server.push(Reply::text("hello from the set-up server"));
    let mut cmd = env.command(&[]);
    for var in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL"] {
        cmd.env_remove(var);
    }
    cmd.env("QUIRE_PROBE_PORTS", env.server.port().to_string());
    let mut pty = Pty::spawn(cmd, 30, 120);
    pty.wait_text("provider [3]:");
    // 3: the local server found (1 and 2 are OpenAI and Anthropic).
    pty.send("3\r");
    pty.wait_text("model [1] (a number, or type a name):");
    pty.send("1\r");
    pty.wait_text("API key (empty: none):");
    pty.send("\r");
    pty.wait_text("/help for keys");
    pty.send("hello\r");
    pty.wait_text("hello from the set-up server");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("provider = \"local\""), "{config}");
    assert!(
        config.contains(&format!("base_url = \"{}\"", env.server.base_url_openai())),
        "{config}"
    );
}
