//! What holds the user's prompts and transcripts is theirs alone: session
//! files and the composer's history 0600, the sessions folder 0700, as the
//! line mode's history.txt; ones made wider before are tightened. A
//! `sessions_dir` that exists already keeps its mode.
use super::support;

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use support::model_server::Reply;
use support::pty::Pty;
use support::quire::TestEnv;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn widen(p: &Path, m: u32) {
    std::fs::set_permissions(p, Permissions::from_mode(m)).unwrap();
}

#[test]
fn session_files_and_their_folder_are_the_users_alone() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("noted"));
    let run = env.exec_json("my secret key is hunter2", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = env.session_files().pop().expect("a session file");
    let dir = file.parent().unwrap().to_path_buf();
    assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    assert_eq!(mode(&file), 0o600, "{}", file.display());

    // Made readable by others before (older quire): continuing the
    // session tightens both.
    widen(&dir, 0o755);
    widen(&file, 0o644);
    env.server.push(Reply::text("continued"));
    let run = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn the_terminal_views_history_is_the_users_alone() {
    let env = TestEnv::new("chat");
    let history = env.home.path().join("history.jsonl");
    std::fs::write(&history, "\"an older prompt\"\n").unwrap();
    widen(&history, 0o644);
    env.server.push(Reply::text("got it"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("a pasted token abc123\r");
    pty.wait_text("got it");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    let text = std::fs::read_to_string(&history).unwrap();
    assert!(text.contains("a pasted token abc123"), "{text}");
    assert_eq!(mode(&history), 0o600);
    let file = env.session_files().pop().expect("a session file");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
}

fn full_mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// `sessions_dir` naming a folder that exists (/tmp, a team share, the
/// workspace): its mode is not quire's to change, so it is left as it is,
/// sticky and setgid bits included; the session file in it is still 0600.
/// A folder quire creates for it is 0700.
#[test]
fn an_existing_sessions_dir_keeps_its_mode() {
    let env = TestEnv::new("chat");
    let place = tempfile::tempdir().unwrap();
    for (name, m) in [("faketmp", 0o1777), ("team", 0o2775), ("work", 0o755)] {
        let dir = place.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        widen(&dir, m);
        env.server.push(Reply::text("noted"));
        let setting = format!("sessions_dir={:?}", dir.display().to_string());
        let run = env.exec_json("hi", &["-c", &setting]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(full_mode(&dir), m, "{name} changed");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "{name}: {files:?}");
        assert_eq!(mode(&files[0].path()), 0o600, "{name}");
    }
    let fresh = place.path().join("new/sessions");
    env.server.push(Reply::text("noted"));
    let setting = format!("sessions_dir={:?}", fresh.display().to_string());
    let run = env.exec_json("hi", &["-c", &setting]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(full_mode(&fresh), 0o700);
}

/// A `sessions_dir` that is a file cannot hold sessions: quire says so
/// and what to do, before asking the model anything.
#[test]
fn a_sessions_dir_that_is_a_file_is_refused_clearly() {
    let env = TestEnv::new("chat");
    let place = tempfile::tempdir().unwrap();
    let file = place.path().join("not-a-folder");
    std::fs::write(&file, "").unwrap();
    let setting = format!("sessions_dir={:?}", file.display().to_string());
    let run = env.run(&["exec", "-c", &setting, "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let want = format!(
        "cannot write sessions to {}: it exists and is not a folder",
        file.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert!(env.server.requests().is_empty());
}
