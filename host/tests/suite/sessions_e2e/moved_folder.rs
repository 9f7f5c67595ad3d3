//! A session whose folder was moved or deleted: resuming it by id says
//! the folder is gone and names the command that continues it here
//! (`--here`), which does; a session of a folder that still exists is
//! still refused elsewhere unless `--here` says so.
use super::support;

use support::model_server::Reply;
use support::quire::TestEnv;

#[test]
fn a_session_whose_folder_is_gone_resumes_here_with_here() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let gone = tempfile::tempdir().unwrap();
    let gone_path = gone.path().display().to_string();
    let first = env.exec_json("in the old folder", &["-C", &gone_path]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = first.of_type("session_started")[0]["session_file"]
        .as_str()
        .unwrap()
        .to_string();
    drop(gone);

    let refused = env.exec_json("go on", &["--resume", &id]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let command = format!("quire exec --resume {id} --here \"TASK\"");
    assert!(
        refused
            .stderr
            .contains(&format!("belongs to {gone_path}, which no longer exists"))
            && refused.stderr.contains(&command),
        "says the folder is gone and how to go on: {}",
        refused.stderr
    );
    assert_eq!(env.server.requests().len(), 1);

    // The command named, and Codex's `exec resume ID` form, continue it.
    env.server
        .push_all([Reply::text("continued here"), Reply::text("and again")]);
    let here = env.exec_json("go on", &["--resume", &id, "--here"]);
    assert_eq!(here.code, 0, "{}", here.stderr);
    assert_eq!(
        here.of_type("session_started")[0]["session_id"],
        id.as_str()
    );
    assert_eq!(here.of_type("session_started")[0]["resumed"], true);
    let warned = here.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("(--here)"))
    });
    assert!(warned, "{}", here.stdout);
    let codex = env.run(&["exec", "resume", &id, "--here", "once more"]);
    assert_eq!(codex.code, 0, "{}", codex.stderr);
    assert_eq!(
        super::last::users(std::path::Path::new(&file)),
        ["in the old folder", "go on", "once more"]
    );

    // `--here` with `last`, or with no session, is refused.
    let last = env.exec_json("x", &["--resume", "last", "--here"]);
    assert_eq!(last.code, 2, "{}", last.stderr);
    assert!(
        last.stderr
            .contains("--here continues a session named by its id"),
        "{}",
        last.stderr
    );
    let none = env.exec_json("x", &["--here"]);
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(
        none.stderr.contains("--here goes with the session"),
        "{}",
        none.stderr
    );
}

/// A session of a folder that still exists is not offered `--here`: cd
/// there, as before (no session of another repository goes on here by
/// accident).
#[test]
fn a_session_of_another_existing_folder_is_still_refused() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    let other = tempfile::tempdir().unwrap();
    let other_path = other.path().display().to_string();
    let first = env.exec_json("elsewhere", &["-C", &other_path]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = env.exec_json("go on", &["--resume", &id]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains(&format!("belongs to {other_path}; cd there or pass -C"))
            && !refused.stderr.contains("--here"),
        "{}",
        refused.stderr
    );
}
