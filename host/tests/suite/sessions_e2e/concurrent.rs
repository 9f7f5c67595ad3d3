//! Two quire processes continuing one session: the second is refused
//! while the first writes, so the file never interleaves two turns.
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
