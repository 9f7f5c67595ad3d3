//! What holds the user's prompts and transcripts is theirs alone: session
//! files and the composer's history 0600, the sessions folder 0700, as the
//! line mode's history.txt; ones made wider before are tightened.
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
