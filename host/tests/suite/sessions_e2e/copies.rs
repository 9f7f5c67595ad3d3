//! A second file in the sessions folder holding a session's id (a backup
//! copy, a foreign file whose meta line names it): the file named for the
//! id (`STAMP-ID.jsonl`) is the session, the other is named in a warning
//! of `sessions list` and resume, show and delete by the id work. When no
//! one file is named so, the error names the files, not "give more of the
//! id".
use super::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// A session begun by `quire exec`: its id and its file.
fn one_session(env: &TestEnv) -> (String, std::path::PathBuf) {
    env.server.push(Reply::text("one"));
    let run = env.exec_json("the real conversation", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    (id, env.session_files()[0].clone())
}

#[test]
fn a_copy_of_a_session_file_is_not_listed_and_the_session_resumes_by_its_id() {
    let env = TestEnv::new("chat");
    let (id, file) = one_session(&env);
    let backup = file.with_extension("backup.jsonl");
    std::fs::copy(&file, &backup).unwrap();
    // A foreign file named for another id, whose meta line names this one.
    let text = std::fs::read_to_string(&file).unwrap();
    let foreign = file.with_file_name("20200101T000000-0000aaaa-0000-7000-8000-000000000001.jsonl");
    std::fs::write(&foreign, text.replace("the real conversation", "IMPOSTOR")).unwrap();

    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(
        list.stdout.matches(id.as_str()).count(),
        1,
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains("IMPOSTOR"), "{}", list.stdout);
    for copy in [&backup, &foreign] {
        assert!(
            list.stderr
                .contains(&format!("{} also holds session {id}", copy.display()))
                && list.stderr.contains(&file.display().to_string()),
            "{}",
            list.stderr
        );
    }

    let show = env.run(&["sessions", "show", &id]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.contains("the real conversation"),
        "{}",
        show.stdout
    );

    env.server.push(Reply::text("two"));
    let run = env.exec_json("go on", &["--resume", &id[id.len() - 8..]]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let body = env.server.requests().last().unwrap().raw_body.clone();
    assert!(body.contains("the real conversation"), "{body}");
    assert!(!body.contains("IMPOSTOR"), "{body}");

    let delete = env.run(&["sessions", "delete", &id]);
    assert_eq!(delete.code, 0, "{}", delete.stderr);
    assert!(!file.exists() && backup.exists(), "{}", delete.stderr);
}

#[test]
fn two_files_named_for_one_id_are_named_in_the_error() {
    let env = TestEnv::new("chat");
    let (id, file) = one_session(&env);
    let twin = file.with_file_name(format!("20200101T000000-{id}.jsonl"));
    std::fs::copy(&file, &twin).unwrap();
    for args in [
        vec!["sessions", "show", id.as_str()],
        vec!["exec", "--resume", id.as_str(), "go on"],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("session {id} is held by several files"))
                && run.stderr.contains(&file.display().to_string())
                && run.stderr.contains(&twin.display().to_string())
                && !run.stderr.contains("give more of the id"),
            "{args:?}: {}",
            run.stderr
        );
    }
}
