//! Ctrl-C while an answer streams in the line mode: the part already
//! shown stays in the session as the (incomplete) answer, and the model is
//! told it was cut short, not that the message got no answer.

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn ctrl_c_mid_answer_keeps_the_partial_answer() {
    let env = TestEnv::new("chat");
    let never = env.repo_path().join("never-created");
    env.server.push_all([
        Reply::steps(vec![
            Step::Text("PARTIAL-STORY-BEGINS once upon a time".into()),
            Step::Hold(never),
            Step::Text("never sent".into()),
        ]),
        Reply::text("continued the story"),
    ]);
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("Ctrl-D to quit");
    pty.send("tell a story\r");
    pty.wait_text("once upon a time");
    pty.send("\x03");
    pty.wait_text("interrupted");
    pty.send("go on\r");
    pty.wait_text("continued the story");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2);
    let body = &requests[1].raw_body;
    let at = |s: &str| body.find(s).unwrap_or_else(|| panic!("{s} in {body}"));
    assert!(at("tell a story") < at("PARTIAL-STORY-BEGINS"), "{body}");
    assert!(at("PARTIAL-STORY-BEGINS") < at("cut short"), "{body}");
    assert!(at("cut short") < at("go on"), "{body}");
    assert!(!body.contains("got no answer"), "{body}");
    assert!(!body.contains("never sent"), "{body}");
    let messages = requests[1].body["messages"].as_array().expect("messages");
    assert!(
        messages.iter().any(|m| m["role"] == "assistant"
            && m["content"]
                .as_str()
                .is_some_and(|c| c.contains("PARTIAL-STORY-BEGINS"))),
        "the partial answer is the model's: {messages:?}"
    );
    let session = std::fs::read_to_string(&env.session_files()[0]).unwrap();
    assert!(session.contains("PARTIAL-STORY-BEGINS"), "{session}");
}
