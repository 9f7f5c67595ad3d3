//! A plugin developed where it lives (`~/.agents/plugins/ckit` a link to
//! the working folder) with an approved UserPromptSubmit hook: a file of
//! the plugin edited during the session stops the hook and drops the next
//! message with a message for the user; `quire hooks trust` run in
//! another shell is picked up by the running session, whose next message
//! runs the hook again, without a restart.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// The plugin `ckit` in `dir`: a UserPromptSubmit hook adding context and
/// a skill.
fn ckit(dir: &std::path::Path) {
    for sub in [".claude-plugin", "hooks", "skills/greet"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(
        dir.join(".claude-plugin/plugin.json"),
        r#"{"name": "ckit"}"#,
    )
    .unwrap();
    let hooks = json!({"hooks": {"UserPromptSubmit": [{"hooks": [
        {"type": "command", "command": "echo CKIT-PROMPT-CONTEXT"}
    ]}]}});
    std::fs::write(dir.join("hooks/hooks.json"), hooks.to_string()).unwrap();
    std::fs::write(
        dir.join("skills/greet/SKILL.md"),
        "---\nname: greet\ndescription: Greets the user warmly.\n---\nSay hello.\n",
    )
    .unwrap();
}

#[test]
fn a_plugin_edited_in_the_session_runs_again_once_approved_in_another_shell() {
    let env = TestEnv::new("responses");
    let user = env.home.path().join("user");
    let work = env.home.path().join("work/ckit");
    ckit(&work);
    let plugins = user.join(".agents/plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    std::os::unix::fs::symlink(&work, plugins.join("ckit")).unwrap();
    let with_home = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.env("HOME", &user);
        cmd
    };
    let trust = crate::support::quire::finish(with_home(&["hooks", "trust"]).spawn().unwrap());
    assert_eq!(trust.code, 0, "{}{}", trust.stdout, trust.stderr);

    env.server
        .push_all([Reply::text("first answer"), Reply::text("third answer")]);
    let mut pty = Pty::spawn(with_home(&[]), 40, 200);
    pty.wait_text("/help for keys");
    pty.send("one\r");
    pty.wait_text("first answer");
    let sent = |n: usize| env.server.model_requests()[n].raw_body.clone();
    assert!(sent(0).contains("CKIT-PROMPT-CONTEXT"), "the hook ran");

    // The developer edits a skill of the plugin: the approval covers the
    // whole folder, so the hook stops and the prompt is not sent.
    std::fs::write(
        work.join("skills/greet/SKILL.md"),
        "---\nname: greet\ndescription: Greets the user.\n---\nSay hi.\n",
    )
    .unwrap();
    pty.send("two\r");
    let screen = pty.wait_text("it was not sent");
    assert!(screen.contains("prompt blocked by a hook"), "{screen}");
    assert!(screen.contains("skills/greet/SKILL.md"), "{screen}");
    assert!(
        screen.contains("every file of its plugin's folder"),
        "{screen}"
    );
    assert!(screen.contains("then send the message again"), "{screen}");
    assert!(
        !screen.contains("The user can"),
        "words for the model: {screen}"
    );
    assert_eq!(
        env.server.model_requests().len(),
        1,
        "the blocked prompt was sent"
    );

    // Approved from another shell; the session takes it up.
    let trust = crate::support::quire::finish(with_home(&["hooks", "trust"]).spawn().unwrap());
    assert_eq!(trust.code, 0, "{}{}", trust.stdout, trust.stderr);
    assert!(trust.stdout.contains("approved"), "{}", trust.stdout);
    pty.send("three\r");
    pty.wait_text("third answer");
    let third = sent(1);
    assert!(third.contains("three"), "{third}");
    assert!(
        third.matches("CKIT-PROMPT-CONTEXT").count() >= 2,
        "the hook ran again for the third message: {third}"
    );
    pty.wait_for("the turn to end", |s| !s.contains("Working"));
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
