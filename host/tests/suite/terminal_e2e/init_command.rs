//! `/init`: the model is asked to write AGENTS.md, as an ordinary message
//! (the request holds the instruction); an AGENTS.md that exists is never
//! replaced — `/init` alone refuses, `/init TEXT` asks for that change.

use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn init_in_the_line_mode_sends_the_instruction_and_refuses_over_an_agents_md() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("AGENTS.md written"));
    let r = line_mode(&env, "/init mention the Makefile\n");
    assert!(r.stdout.contains("AGENTS.md written"), "{}", r.stderr);
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("Write an AGENTS.md for this repository"),
        "{body}"
    );
    assert!(
        body.contains("The user adds: mention the Makefile"),
        "{body}"
    );
    // Once it exists: /init alone sends nothing, /init TEXT asks to improve it.
    env.write("AGENTS.md", "# Mine\n");
    env.server.push(Reply::text("improved"));
    let r = line_mode(&env, "/init\n/init add the lint command\n");
    assert!(
        r.stderr
            .contains("AGENTS.md already exists; /init does not replace it"),
        "{}",
        r.stderr
    );
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 2, "only /init TEXT was sent");
    assert!(
        reqs[1].raw_body.contains("Improve it as the user asks"),
        "{}",
        reqs[1].raw_body
    );
    assert!(
        reqs[1]
            .raw_body
            .contains("The user asks: add the lint command")
    );
    assert_eq!(env.read("AGENTS.md"), "# Mine\n");
}

#[test]
fn init_in_the_full_screen_view_shows_the_command_and_sends_the_instruction() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("AGENTS.md written"));
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    pty.send("/init\r");
    let screen = pty.wait_text("AGENTS.md written");
    assert!(screen.contains("› /init"), "{screen}");
    assert!(!screen.contains("Write an AGENTS.md"), "{screen}");
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("Write an AGENTS.md for this repository"),
        "{body}"
    );
    env.write("AGENTS.md", "# Mine\n");
    pty.send("/init\r");
    pty.wait_text("already exists; /init does not replace it");
    assert_eq!(env.server.requests().len(), 1, "nothing more was sent");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
