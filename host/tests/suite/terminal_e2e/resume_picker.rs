//! The start-up session picker (`quire resume`) and how a message shows
//! in the transcript: Ctrl-C in the picker quits as it does everywhere
//! (it opened a new session, and the next shell line became its first
//! message); a folder with nothing to resume is told so; a message's
//! indented lines keep their indent, live and when resumed, and a resumed
//! message shows as typed, not with the files its @mentions attached.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";

#[test]
fn ctrl_c_or_ctrl_d_in_the_resume_picker_quits_without_a_new_session() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("the first answer"));
    assert_eq!(env.run(&["exec", "the first question"]).code, 0);
    let mut pty = Pty::spawn(env.command(&["resume"]), 30, 100);
    pty.wait_text("the first question");
    pty.send(CTRL_C);
    assert_eq!(pty.wait_exit(), 130);
    assert!(
        !pty.screen().contains("/help for keys"),
        "no session was opened: {}",
        pty.screen()
    );
    assert_eq!(env.session_files().len(), 1, "no new session file");
    assert_eq!(env.server.requests().len(), 1);
    // Ctrl-D quits too, as at an empty prompt (exit 0).
    let mut pty = Pty::spawn(env.command(&["resume"]), 30, 100);
    pty.wait_text("the first question");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    assert!(!pty.screen().contains("/help for keys"), "{}", pty.screen());
    assert_eq!(env.session_files().len(), 1, "no new session file");
}

#[test]
fn resume_where_nothing_can_be_resumed_says_so() {
    let env = TestEnv::new("chat");
    let mut pty = Pty::spawn(env.command(&["resume"]), 30, 100);
    assert_eq!(pty.wait_exit(), 2);
    let said = pty.output();
    assert!(
        said.contains("no session to resume in this directory")
            && said.contains("`quire` starts a new one"),
        "{said}"
    );
    assert!(env.session_files().is_empty());
}

#[test]
fn indented_lines_keep_their_indent_live_and_resumed_without_attachments() {
    let env = TestEnv::new("chat");
    std::fs::write(env.repo.path().join("shop.py"), "class Shop:\n    pass\n").unwrap();
    env.server.push(Reply::text("seen it"));
    let pty_cmd = env.command(&[]);
    let mut pty = Pty::spawn(pty_cmd, 30, 100);
    pty.wait_text("/help for keys");
    pty.send("code at @shop.py:");
    pty.send("\x1b\r"); // Alt+Enter
    pty.send("    indented line");
    pty.send("\r");
    pty.wait_text("seen it");
    let shown = pty.transcript();
    assert!(
        shown.iter().any(|l| l == "      indented line"),
        "the indent after the prompt's margin is kept: {shown:#?}"
    );
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("<file path=\\\"shop.py\\\">"),
        "attached: {body}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);

    env.server.push(Reply::text("again"));
    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 30, 100);
    pty.wait_text("seen it");
    let shown = pty.transcript();
    assert!(
        shown.iter().any(|l| l == "      indented line"),
        "{shown:#?}"
    );
    assert!(
        !shown.iter().any(|l| l.contains("class Shop")),
        "the attached file is not replayed as typed text: {shown:#?}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
