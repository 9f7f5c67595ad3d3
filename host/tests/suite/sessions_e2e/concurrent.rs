//! Two quire processes continuing one session: the second is refused
//! while the first writes, so the file never interleaves two turns; and
//! `--resume last` refuses the newest session while another quire holds it.
use super::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::{TestEnv, finish, wait_for_file};

#[test]
fn a_second_resume_of_a_session_in_use_is_refused_and_the_file_stays_whole() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("first answer"));
    assert_eq!(env.run(&["exec", "first"]).code, 0);
    // The first resume sits in a tool call until the test lets it go.
    env.server.push(Reply::tool_call(
        "hold",
        "shell",
        json!({"command": "echo go > started; while [ ! -e release ]; do sleep 0.05; done"}),
    ));
    env.server.push(Reply::text("first resume done"));
    let first = env.spawn(&["exec", "--resume", "last", "second"]);
    wait_for_file(&env.repo.path().join("started"));

    let second = env.run(&["exec", "--resume", "last", "third"]);
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second.stderr.contains("in use by another quire")
            && second.stderr.contains(&format!("pid {}", first.id())),
        "names the process holding the session: {}",
        second.stderr
    );
    assert_eq!(
        env.server.requests().len(),
        2,
        "the refused resume sent nothing"
    );

    std::fs::write(env.repo.path().join("release"), "").unwrap();
    let first = finish(first);
    assert_eq!(first.code, 0, "{}", first.stderr);

    // Once the first has ended the session continues, with every turn in
    // order: one user message per exec, each answered.
    env.server.push(Reply::text("third answer"));
    let third = env.run(&["exec", "--resume", "last", "third"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    let users: Vec<String> = env
        .session_records()
        .iter()
        .filter(|r| r["item"]["type"] == "user")
        .map(|r| r["item"].to_string())
        .collect();
    assert_eq!(users.len(), 3, "{users:?}");
    for (u, word) in users.iter().zip(["first", "second", "third"]) {
        assert!(u.contains(word), "{u} should be the turn '{word}'");
    }
}

/// The user messages of the session file `path`.
fn users(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("read session")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["item"]["type"] == "user")
        .map(|r| r["item"].to_string())
        .collect()
}

/// `last` is the newest session: while another quire holds it, resuming
/// `last` is refused naming it, its file and the holder's pid, and how to
/// go on — never sent on to the older session, where the message would
/// land in another conversation unseen.
#[test]
fn resume_last_refuses_the_newest_session_while_another_quire_holds_it() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("older answer"));
    assert_eq!(env.run(&["exec", "older"]).code, 0);
    let older = env.session_files();
    assert_eq!(older.len(), 1);
    env.server.push(Reply::text("newer answer"));
    assert_eq!(env.run(&["exec", "newer"]).code, 0);
    let newer: Vec<_> = env
        .session_files()
        .into_iter()
        .filter(|f| !older.contains(f))
        .collect();
    assert_eq!(newer.len(), 1);

    // A quire continuing the newest session sits in a tool call.
    env.server.push(Reply::tool_call(
        "hold",
        "shell",
        json!({"command": "echo go > started; while [ ! -e release ]; do sleep 0.05; done"}),
    ));
    let holder = env.spawn(&["exec", "--resume", "last", "holding"]);
    wait_for_file(&env.repo.path().join("started"));

    let r = env.run(&["exec", "--resume", "last", "continue"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("in use by another quire")
            && r.stderr.contains(&format!("pid {}", holder.id()))
            && r.stderr.contains(&newer[0].display().to_string())
            && r.stderr.contains("`quire resume` lists them"),
        "names the session, its file, the holder and the way on: {}",
        r.stderr
    );
    assert_eq!(users(&older[0]).len(), 1, "the older session is untouched");

    env.server.push(Reply::text("held one done"));
    std::fs::write(env.repo.path().join("release"), "").unwrap();
    let holder = finish(holder);
    assert_eq!(holder.code, 0, "{}", holder.stderr);
    let newer_users = users(&newer[0]);
    assert_eq!(newer_users.len(), 2, "{newer_users:?}");
    assert!(newer_users[1].contains("holding"), "{newer_users:?}");
    assert_eq!(env.session_files().len(), 2, "no new session was started");
}
