//! A message whose typed text holds a `<file path="…">` block of the
//! user's own (a pasted transcript, a prompt template) keeps all of it:
//! the session records how much was typed, so the resumed view, the
//! session list and `/rewind` show the whole typed text, while the files
//! its `@path` mentions attached stay out of it.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

use super::line_input::dumb;

/// What the user types: a block of their own, text after it, a mention.
const TYPED: &str =
    "compare:\n\n<file path=\"b.txt\">\nold\n</file>\n\nkeep this line about @shop.py please";

fn with_shop(env: &TestEnv) {
    std::fs::write(env.repo.path().join("shop.py"), "class Shop:\n    pass\n").unwrap();
}

#[test]
fn exec_list_and_line_rewind_keep_a_typed_file_block_and_what_follows() {
    let env = TestEnv::new("chat");
    with_shop(&env);
    env.server.push(Reply::text("seen it"));
    let r = env.run(&["exec", TYPED]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("class Shop:"), "shop.py attached: {body}");
    assert!(body.contains("keep this line"), "{body}");

    let listed = env.run(&["sessions", "list", "--json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let line: serde_json::Value =
        serde_json::from_str(listed.stdout.lines().next().unwrap_or_default()).unwrap();
    assert_eq!(line["first_prompt"], TYPED, "{}", listed.stdout);

    // The line mode: the resumed summary and `/rewind` (which prints the
    // message on a dumb terminal) have it whole.
    let mut pty = dumb(&env, &["resume", "last"]);
    pty.wait_text("quire: seen it");
    let joined = TYPED.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        pty.screen().contains(&format!("you: {joined}")),
        "{}",
        pty.screen()
    );
    pty.send("/rewind 1\r");
    pty.wait_text("back to message 1");
    pty.wait_for("the message printed", |s| {
        s.matches("keep this line about @shop.py please").count() >= 2
    });
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    let said = pty.output();
    let given = &said[said.find("back to message 1").unwrap_or_default()..];
    for part in TYPED.lines() {
        assert!(given.contains(part), "{part:?} given back: {given}");
    }
    assert!(
        !said.contains("class Shop"),
        "the attached file is not: {said}"
    );
}

#[test]
fn the_terminal_view_rewinds_and_resumes_a_typed_file_block_whole() {
    let env = TestEnv::new("chat");
    with_shop(&env);
    env.server.push(Reply::text("FIRST-ANSWER"));
    env.server.push(Reply::text("SECOND-ANSWER"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    let lines: Vec<&str> = TYPED.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        pty.send(line);
        if i + 1 < lines.len() {
            pty.send("\x1b\r"); // Alt+Enter
        }
    }
    pty.send("\r");
    pty.wait_text("FIRST-ANSWER");
    pty.send("/rewind 1\r");
    pty.wait_text("── back to message 1");
    // The whole text is back in the input (the transcript shows it once
    // more): sent again as it is, it attaches shop.py again.
    pty.wait_for("the message in the input", |s| {
        s.matches("keep this line about @shop.py please").count() >= 2
            && s.matches("<file path=\"b.txt\">").count() >= 2
    });
    pty.send("\r");
    pty.wait_text("SECOND-ANSWER");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2);
    let again = &requests[1].raw_body;
    assert!(
        again.contains("keep this line about @shop.py please")
            && again.contains("<file path=\\\"b.txt\\\">\\nold\\n</file>")
            && again.matches("class Shop:").count() == 1,
        "{again}"
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);

    env.server.push(Reply::text("THIRD-ANSWER"));
    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 30, 100);
    pty.wait_text("SECOND-ANSWER");
    let shown = pty.transcript().join("\n");
    for part in TYPED.lines().filter(|l| !l.is_empty()) {
        assert!(shown.contains(part), "{part:?} replayed: {shown}");
    }
    assert!(
        !shown.contains("class Shop"),
        "the attached file is not replayed as typed text: {shown}"
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
