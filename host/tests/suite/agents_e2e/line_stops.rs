//! The line mode stopping a background subagent: `/new` and leaving
//! quire (end of input) each stop it, and its end (recorded in its
//! session file) says which, not "interrupted by the user"; its command
//! is gone.

use std::io::Write;
use std::process::Stdio;

use support::quire::{TestEnv, wait_gone};

use super::{PARENT, parent_leaving_a_child, support};

/// Runs the line mode with `after` typed after the parent's task, whose
/// background child still runs a command when the task ends; the text of
/// every session file and quire's stderr.
fn stop_child_with(after: &str) -> (String, String) {
    let env = TestEnv::new("chat");
    let pid_file = env.repo_path().join("child.pid");
    parent_leaving_a_child(&env, "CHILD-N", &pid_file, Vec::new());
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PARENT} go\n{after}").as_bytes())
        .expect("write");
    let r = support::quire::finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sleeper: i32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("the child's pid");
    assert!(
        wait_gone(sleeper),
        "the child's command {sleeper} still runs"
    );
    let files: String = env
        .session_files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    (files, r.stderr)
}

#[test]
fn new_stops_a_background_child_saying_the_conversation_was_left() {
    let (files, stderr) = stop_child_with("/new\n");
    assert!(
        files.contains("stopped: the user started a new conversation (/new)"),
        "{files}"
    );
    assert!(!files.contains("interrupted by the user"), "{files}");
    assert!(stderr.contains("interrupted"), "its end is shown: {stderr}");
}

#[test]
fn leaving_the_line_mode_stops_a_background_child_and_records_why() {
    let (files, stderr) = stop_child_with("");
    assert!(files.contains("stopped: the user left quire"), "{files}");
    assert!(!files.contains("interrupted by the user"), "{files}");
    assert!(stderr.contains("interrupted"), "its end is shown: {stderr}");
}
