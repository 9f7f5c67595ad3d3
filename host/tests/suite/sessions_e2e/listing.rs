//! `quire sessions list` (and `--resume last`, which reads the same
//! listing) over odd sessions folders: a FIFO named like a session, a
//! huge session file, a first prompt full of terminal controls.
use super::support;

use std::io::Write;

use support::model_server::Reply;
use support::quire::TestEnv;

/// `mkfifo PATH`.
fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// A FIFO named `*.jsonl` in the sessions folder is named in a warning,
/// never opened for a read that blocks: the listing and `--resume last`
/// finish (they used to hang until killed).
#[test]
fn a_fifo_in_the_sessions_folder_is_named_not_read() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("hello"));
    let run = env.exec_json("a real session", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fifo = env.home.path().join("sessions/20991204T170000-fifo.jsonl");
    mkfifo(&fifo);

    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("a real session"), "{}", list.stdout);
    assert!(
        list.stderr.contains(&format!(
            "warning: {} is not a readable session (a named pipe, not a regular file); move or delete it",
            fifo.display()
        )),
        "{}",
        list.stderr
    );

    env.server.push(Reply::text("resumed"));
    let run = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["resumed"], true);
}

/// A session file far longer than what the listing reads (here a first
/// part of 400 KiB, a user message after it and then an 8 GiB hole) is
/// listed from its first part: first prompt and id as always, its turns
/// counted in that part and marked as a lower bound.
#[test]
fn a_huge_session_file_is_listed_from_its_first_part() {
    let env = TestEnv::new("responses");
    let mut f = one_answered_session(&env, "the first prompt of a long one");
    let filler = serde_json::json!({"record": "item", "item": {"type": "assistant", "text": "x".repeat(1000)}});
    for _ in 0..400 {
        writeln!(f, "{filler}").unwrap();
    }
    let later =
        serde_json::json!({"record": "item", "item": {"type": "user", "text": "a later message"}});
    writeln!(f, "{later}").unwrap();
    // A sparse tail: nothing the listing may read.
    let len = f.metadata().unwrap().len();
    f.set_len(len + (8 << 30)).unwrap();
    drop(f);

    let list = env.run(&["sessions", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: Vec<serde_json::Value> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{}", list.stdout);
    assert_eq!(rows[0]["first_prompt"], "the first prompt of a long one");
    assert_eq!(rows[0]["turns"], 1, "counted in the first part only");
    assert_eq!(rows[0]["turns_partial"], true, "{}", list.stdout);
    assert!(list.stderr.is_empty(), "{}", list.stderr);
    let text = env.run(&["sessions", "list"]);
    assert!(
        text.stdout.contains("the first prompt of a long one"),
        "{}",
        text.stdout
    );
}

/// A session file longer than the listing's first part, continued by
/// quire: its turns are read from its last message's number, not counted
/// in the first part, and are not a lower bound.
#[test]
fn a_long_session_lists_every_turn_from_its_end() {
    let env = TestEnv::new("responses");
    let mut f = one_answered_session(&env, "the first prompt of a long one");
    let filler = serde_json::json!({"record": "item", "item": {"type": "assistant", "text": "x".repeat(1000)}});
    for _ in 0..400 {
        writeln!(f, "{filler}").unwrap();
    }
    drop(f);
    for (n, answer) in ["second", "third"].iter().enumerate() {
        env.server.push(Reply::text(*answer));
        let run = env.exec_json(&format!("message {}", n + 2), &["--resume", "last"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let list = env.run(&["sessions", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let row: serde_json::Value = serde_json::from_str(list.stdout.trim()).unwrap();
    assert_eq!(row["turns"], 3, "{}", list.stdout);
    assert!(row.get("turns_partial").is_none(), "{}", list.stdout);
    assert_eq!(row["first_prompt"], "the first prompt of a long one");
}

/// A message taken back (its turn failed before any answer, and it was
/// sent again) is not counted as a turn, and a first prompt taken back is
/// not the session's first prompt.
#[test]
fn a_withdrawn_message_is_not_a_turn() {
    let env = TestEnv::new("responses");
    let mut f = one_answered_session(&env, "the prompt that got an answer");
    let user =
        |text: &str| serde_json::json!({"record": "item", "item": {"type": "user", "text": text}});
    writeln!(f, "{}", user("a message whose turn failed")).unwrap();
    writeln!(
        f,
        "{}",
        serde_json::json!({"record": "withdrawn", "count": 1})
    )
    .unwrap();
    writeln!(f, "{}", user("the same message, sent again")).unwrap();
    drop(f);
    let list = env.run(&["sessions", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let row: serde_json::Value = serde_json::from_str(list.stdout.trim()).unwrap();
    assert_eq!(row["turns"], 2, "{}", list.stdout);
    assert_eq!(row["first_prompt"], "the prompt that got an answer");
}

/// A first prompt holding escape sequences, carriage returns and tabs is
/// shown as one plain line, also when the listing is piped (`| less -R`
/// would let them act): no colour, no window title, nothing overwriting
/// the id and date columns.
#[test]
fn a_first_prompt_with_terminal_controls_is_listed_as_plain_text() {
    let env = TestEnv::new("responses");
    let dir = env.home.path().join("sessions");
    std::fs::create_dir_all(&dir).unwrap();
    let cwd = env.repo_path().display().to_string();
    let meta = serde_json::json!({"record": "meta", "id": "01a241b9-0000-7000-8000-000000000000", "created": "2026-12-04T16:00:00+00:00", "cwd": cwd, "provider": "local", "model": "m"});
    let user = serde_json::json!({"record": "item", "item": {"type": "user", "text": "\u{1b}[31mRED\u{1b}]0;pwned-title\u{7} line1\nline2\r\r\rcol\tumn\u{9b}2Jend"}});
    std::fs::write(
        dir.join("20261204T160000-01a241b9-0000-7000-8000-000000000000.jsonl"),
        format!("{meta}\n{user}\n"),
    )
    .unwrap();

    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with("01a241b9-"))
        .unwrap_or_else(|| panic!("no row: {:?}", list.stdout));
    assert!(
        !row.chars().any(|c| c.is_control()),
        "controls in the row: {row:?}"
    );
    assert!(!row.contains("pwned-title"), "{row:?}");
    assert!(row.contains("RED line1 line2   col umnend"), "{row:?}");
}

/// A first message with an `@file` attachment is listed as typed, without
/// the file's contents.
#[test]
fn a_first_prompt_is_listed_without_its_attached_files() {
    let env = TestEnv::new("responses");
    let dir = env.home.path().join("sessions");
    std::fs::create_dir_all(&dir).unwrap();
    let cwd = env.repo_path().display().to_string();
    let meta = serde_json::json!({"record": "meta", "id": "01a241b9-0000-7000-8000-000000000001", "created": "2026-12-04T16:00:00+00:00", "cwd": cwd, "provider": "local", "model": "m"});
    let user = serde_json::json!({"record": "item", "item": {"type": "user", "text": "look at @calc.py\n\n<file path=\"calc.py\">\ndef add(a, b):\n    return a - b\n</file>"}});
    std::fs::write(
        dir.join("20261204T160000-01a241b9-0000-7000-8000-000000000001.jsonl"),
        format!("{meta}\n{user}\n"),
    )
    .unwrap();
    let list = env.run(&["sessions", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let row: serde_json::Value = serde_json::from_str(list.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(row["first_prompt"], "look at @calc.py", "{}", list.stdout);
}

/// `sessions list` leaves out subagents' sessions and sessions with no
/// message; `--all` shows them, each child indented under its parent.
#[test]
fn children_and_empty_sessions_are_listed_only_with_all() {
    let env = TestEnv::new("responses");
    let dir = env.home.path().join("sessions");
    std::fs::create_dir_all(&dir).unwrap();
    let cwd = env.repo_path().display().to_string();
    let write = |id: &str, parent: Option<&str>, prompt: Option<&str>| {
        let mut meta = serde_json::json!({"record": "meta", "id": id, "created": "2026-12-04T16:00:00+00:00", "cwd": cwd, "provider": "local", "model": "m"});
        if let Some(p) = parent {
            meta["parent"] = p.into();
        }
        let mut text = format!("{meta}\n");
        if let Some(p) = prompt {
            let user = serde_json::json!({"record": "item", "item": {"type": "user", "text": p}});
            text.push_str(&format!("{user}\n"));
        }
        std::fs::write(dir.join(format!("20261204T160000-{id}.jsonl")), text).unwrap();
    };
    let parent = "01a241b9-0000-7000-8000-00000000000a";
    write(parent, None, Some("the parent's task"));
    write(
        "01a241b9-0000-7000-8000-00000000000b",
        Some(parent),
        Some("REVIEW-PASS: deep"),
    );
    write("01a241b9-0000-7000-8000-00000000000c", None, None);
    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("the parent's task"), "{}", list.stdout);
    assert!(!list.stdout.contains("REVIEW-PASS"), "{}", list.stdout);
    assert!(!list.stdout.contains("0000000c"), "{}", list.stdout);
    let all = env.run(&["sessions", "list", "--all"]);
    let rows: Vec<&str> = all.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{}", all.stdout);
    let at = |needle: &str| rows.iter().position(|r| r.contains(needle)).unwrap();
    assert_eq!(
        at("REVIEW-PASS"),
        at("the parent's task") + 1,
        "{}",
        all.stdout
    );
    assert!(
        rows[at("REVIEW-PASS")].starts_with("  01a241b9"),
        "{}",
        all.stdout
    );
}

/// Runs `prompt` to an answer and opens its session file for appending
/// records by hand.
fn one_answered_session(env: &TestEnv, prompt: &str) -> std::fs::File {
    env.server.push(Reply::text("hello"));
    let run = env.exec_json(prompt, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = env.session_files().pop().unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap()
}
