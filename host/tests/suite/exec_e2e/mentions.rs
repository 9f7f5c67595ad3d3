//! `@path` outside the full-screen view: `quire exec` and the line mode
//! attach a mentioned workspace file after the message as the
//! full-screen view does, and name a mention they could not attach.

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

const FILE_BLOCK: &str = "<file path=\"src/a.rs\">\nfn marked() {} // MENTION-MARK\n</file>";

fn sent_text(env: &TestEnv) -> String {
    env.server.requests()[0].raw_body.clone()
}

#[test]
fn exec_attaches_a_mentioned_file_and_names_one_it_cannot() {
    let env = TestEnv::new("chat");
    env.write("src/a.rs", "fn marked() {} // MENTION-MARK\n");
    env.server.push(Reply::text("done"));
    let run = env.exec_json("see @src/a.rs and @nope.txt, mail me@example.com", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body: serde_json::Value = serde_json::from_str(&sent_text(&env)).unwrap_or_default();
    let user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .map(|m| m["content"].to_string())
        .unwrap_or_default();
    let user: String = serde_json::from_str(&user).unwrap_or(user);
    assert!(user.contains(FILE_BLOCK), "{user}");
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.contains("@nope.txt is not attached"))
            .count(),
        1,
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("example.com")),
        "{warnings:?}"
    );
}

#[test]
fn the_line_mode_attaches_a_mentioned_file() {
    use std::io::Write;
    let env = TestEnv::new("chat");
    env.write("src/a.rs", "fn marked() {} // MENTION-MARK\n");
    env.server.push(Reply::text("done"));
    let mut cmd = env.command(&[]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("start quire");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(b"see @src/a.rs @nope.txt\n")
            .expect("write stdin");
    }
    let run = crate::support::quire::finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent = sent_text(&env);
    assert!(
        sent.contains("MENTION-MARK") && sent.contains("src/a.rs"),
        "{sent}"
    );
    assert!(
        run.stderr.contains("@nope.txt is not attached"),
        "{}",
        run.stderr
    );
}
