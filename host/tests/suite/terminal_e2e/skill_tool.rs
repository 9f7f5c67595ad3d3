//! A skill the model activates with the `skill` tool, in the terminal
//! view: shown active as one the message activated (the status line's
//! `skills:` part, `●` in `/skills`).

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const SKILL: &str =
    "---\nname: pdf-forms\ndescription: Fill in PDF forms with pdftk.\n---\n\nRun pdftk.\n";

#[test]
fn a_skill_the_model_activates_shows_active() {
    let env = TestEnv::new("anthropic");
    env.write(".agents/skills/pdf-forms/SKILL.md", SKILL);
    env.server.push_all([
        Reply::tool_calls(vec![Step::tool_call(
            "a",
            "skill",
            json!({"action": "activate", "name": "pdf-forms"}),
        )]),
        Reply::text("form filled"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 140);
    pty.wait_text("/help for keys");
    pty.send("go\r");
    let screen = pty.wait_text("form filled");
    // The call's line in words, as other tools' (not its JSON).
    assert!(screen.contains("✓ skill: activate pdf-forms"), "{screen}");
    assert!(!screen.contains("{\"action\""), "{screen}");
    pty.wait_text("skills: pdf-forms");
    pty.send("/skills\r");
    pty.wait_text("● pdf-forms");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
