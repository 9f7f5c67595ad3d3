//! Resuming a session by id that cannot be continued here: one started in
//! another directory, one whose file lost its meta line (by id or as
//! `last`).
use super::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// A session of another directory is refused by `exec --resume ID`,
/// naming its directory and how to get there (its history speaks of that
/// directory's files; it used to run with this one as its workspace);
/// `-C DIR` continues it.
#[test]
fn resuming_a_session_of_another_directory_is_refused() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("noted"));
    let first = env.exec_json("work in the repository", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let repo = env.repo_path().display().to_string();
    let elsewhere = tempfile::tempdir().unwrap();

    let mut cmd = env.command(&["exec", "--resume", &id[..13], "now delete the build folder"]);
    cmd.current_dir(elsewhere.path());
    let run = support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "session {id} belongs to {repo}; cd there or pass -C {repo}"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(env.server.requests().len(), 1, "nothing was sent");

    env.server.push(Reply::text("continued"));
    let mut cmd = env.command(&["exec", "--json", "-C", &repo, "--resume", &id, "go on"]);
    cmd.current_dir(elsewhere.path());
    let run = support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["resumed"], true);
    assert_eq!(started["cwd"], repo.as_str());
}

/// A session whose file lost its meta line is named as damaged, with its
/// file, when resumed by id (it used to be "no session matches").
#[test]
fn resuming_a_session_with_a_damaged_meta_line_names_its_file() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("noted"));
    let first = env.exec_json("a session to damage", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = env.session_files().pop().unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(50)
        .unwrap();

    let run = env.exec_json("continue", &["--resume", &id[..13]]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(&format!(
            "session {} exists but its file {} is damaged (empty or no meta line); it cannot be resumed",
            &id[..13],
            file.display()
        )),
        "{said}"
    );
    assert!(!said.contains("no session matches"), "{said}");
}

/// `--resume last` when the only session's file lost its meta line: the
/// damaged file is named with what to do (it used to be "no session to
/// resume", as if there had never been one).
#[test]
fn resuming_last_when_the_newest_file_is_damaged_names_it() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("noted"));
    let first = env.exec_json("a session to damage", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let file = env.session_files().pop().unwrap();
    std::fs::write(&file, "{\"type\":\"meta\",\"id\":").unwrap();

    let run = env.exec_json("continue", &["--resume", "last"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(&format!(
            "the newest session file, {}, is damaged (empty or no meta line)",
            file.display()
        )) && said.contains("move or delete it, or resume another session by its id"),
        "{said}"
    );
    assert!(!said.contains("no session to resume in"), "{said}");
    assert_eq!(env.server.requests().len(), 1, "nothing was sent");
}

#[test]
fn resuming_last_past_a_damaged_newer_file_says_so() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::text("one"), Reply::text("two"), Reply::text("on")]);
    let first = env.exec_json("the older session", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = env.exec_json("a session to damage", &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let files = env.session_files();
    let damaged = files.last().unwrap();
    std::fs::write(damaged, "{\"type\":\"meta\",\"id\":").unwrap();

    let run = env.exec_json("continue", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(&format!(
            "the newest session file {} cannot be resumed",
            damaged.display()
        )),
        "not silent: {said}"
    );
    // The older conversation is what went on.
    let reqs = env.server.requests();
    assert!(reqs[2].raw_body.contains("the older session"));
}
