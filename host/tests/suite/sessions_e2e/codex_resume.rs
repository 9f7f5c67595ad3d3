//! Codex's resume words: `quire exec resume --last "TASK"` and `quire
//! exec resume ID "TASK"` continue a session as `exec --resume` does
//! (other exec flags still apply); `quire exec resume` naming no session
//! is refused, never sent to the model as the word "resume".
use super::support;

use support::model_server::Reply;
use support::quire::TestEnv;

#[test]
fn exec_resume_last_and_by_id_continue_the_session() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let run = env.exec_json("the first task", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();

    env.server.push(Reply::text("second answer"));
    let run = env.run(&["exec", "resume", "--last", "--json", "the second task"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["session_id"], id.as_str());
    assert_eq!(started["resumed"], true);
    // The model saw the first task and its answer, then the second.
    let body = &env.server.requests()[1].raw_body;
    assert!(
        body.contains("the first task") && body.contains("first answer"),
        "{body}"
    );

    env.server.push(Reply::text("third answer"));
    let prefix = &id[..8];
    let run = env.run(&[
        "exec",
        "--json",
        "--max-turns",
        "3",
        "resume",
        prefix,
        "the third task",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["session_id"], id.as_str());
    assert_eq!(env.session_files().len(), 1);
    assert_eq!(
        super::last::users(&env.session_files()[0]),
        ["the first task", "the second task", "the third task"]
    );
}

#[test]
fn exec_resume_naming_no_session_is_refused_and_nothing_is_sent() {
    let env = TestEnv::new("chat");
    for args in [
        vec!["exec", "resume"],
        vec!["exec", "--json", "resume"],
        vec!["exec", "resume", "fix the tests"],
        vec!["exec", "--resume", "last", "resume", "--last", "go on"],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("quire exec resume --last \""),
            "{args:?}: {}",
            run.stderr
        );
        if args.contains(&"--json") {
            assert_eq!(run.of_type("error").len(), 1, "{}", run.stdout);
        }
    }
    assert!(env.server.requests().is_empty());
    assert!(env.session_files().is_empty());
}
