//! What `--resume last` continues: the conversation used last, not a
//! newer session with no message (a `/new` left unused) and not one that
//! merely began later than a session resumed and continued since.
use super::support;

use std::io::Write;
use std::process::Stdio;

use support::model_server::Reply;
use support::quire::{TestEnv, finish};

/// The user messages of the session file `path`.
pub(super) fn users(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["item"]["type"] == "user")
        .map(|r| r["item"]["text"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A message, then `/new` (a new session file, only its meta line), then
/// the end: `last` is the conversation, and the list leaves the empty
/// session out.
#[test]
fn last_is_not_a_session_new_left_empty() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"the real conversation\n/new\n")
        .unwrap();
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = env.session_files();
    assert_eq!(files.len(), 2, "{files:?}\n{}", r.stderr);
    let (talked, empty) = (&files[0], &files[1]);
    assert_eq!(users(empty), Vec::<String>::new());

    env.server.push(Reply::text("resumed"));
    let run = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.of_type("session_started")[0]["session_file"],
        talked.display().to_string()
    );
    assert_eq!(users(talked), ["the real conversation", "go on"]);
    assert_eq!(users(empty), Vec::<String>::new());
}

/// A older session resumed and continued is used after a newer one:
/// `last` is the older one now.
#[test]
fn last_is_the_session_used_last_not_the_one_begun_last() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("a"), Reply::text("b"), Reply::text("c")]);
    let first = env.exec_json("the older task", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let older = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = env.exec_json("the newer task", &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let again = env.exec_json("more on the older", &["--resume", &older]);
    assert_eq!(again.code, 0, "{}", again.stderr);

    env.server.push(Reply::text("d"));
    let run = env.exec_json("and again", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["session_id"], older);
}
