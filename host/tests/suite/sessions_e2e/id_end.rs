//! A session is named by the start or the end of its id. Ids are UUIDv7:
//! sessions begun within about a minute share their first 8 digits, so
//! the 8-digit start the help shows would match them all.
use super::support;

use support::model_server::Reply;
use support::quire::TestEnv;

#[test]
fn the_end_of_an_id_names_one_session_where_its_start_matches_several() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("one"));
    let run = env.exec_json("the first conversation", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = env.session_files()[0].clone();
    let id = run.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    // A second session begun in the same minute: same start, other end.
    let twin = format!("{}aaaabbbbcccc", &id[..id.len() - 12]);
    let text = std::fs::read_to_string(&first).unwrap();
    let twin_text = text
        .replace(&id, &twin)
        .replace("the first conversation", "the twin conversation");
    let name = first
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .replace(&id, &twin);
    std::fs::write(first.with_file_name(name), twin_text).unwrap();

    let run = env.exec_json("go on", &["--resume", &id[..8]]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("matches several sessions")
            && run.stdout.contains("its last 8 characters"),
        "{}",
        run.stdout
    );

    env.server.push(Reply::text("two"));
    let run = env.exec_json("go on", &["--resume", "bbbbcccc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["session_id"], twin);
    let body = env.server.requests().last().unwrap().raw_body.clone();
    assert!(body.contains("the twin conversation"), "{body}");

    env.server.push(Reply::text("three"));
    let run = env.exec_json("again", &["--resume", &id[id.len() - 8..]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["session_id"], id.as_str());
}
