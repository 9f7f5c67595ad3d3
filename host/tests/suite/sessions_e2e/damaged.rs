//! Session files with damaged lines or no session at all.
use super::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// Inserts `line` (raw bytes) after the first line of `path`.
fn insert_after_meta(path: &std::path::Path, line: &[u8]) {
    let bytes = std::fs::read(path).unwrap();
    let cut = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut out = bytes[..cut].to_vec();
    out.extend_from_slice(line);
    out.push(b'\n');
    out.extend_from_slice(&bytes[cut..]);
    std::fs::write(path, out).unwrap();
}

/// A line of bytes that are not UTF-8 is skipped with the same warning
/// as any unreadable line; the rest of the history resumes.
#[test]
fn a_non_utf8_line_is_skipped_and_the_session_resumes() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("noted"));
    let first = env.exec_json("remember the word PELICAN", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let file = env.session_files().pop().unwrap();
    insert_after_meta(&file, b"\x00\xff\xfe");

    env.server.push(Reply::text("resumed fine"));
    let run = env.exec_json("what was the word", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warned = run.of_type("warning").iter().any(|w| {
        let m = w["message"].as_str().unwrap_or("");
        m.contains("skipped an unreadable line") && m.contains("UTF-8")
    });
    assert!(warned, "no warning in {:?}", run.stdout);
    assert_eq!(run.of_type("session_started")[0]["resumed"], true);
    let reqs = env.server.requests();
    let body = &reqs.last().unwrap().raw_body;
    assert!(body.contains("PELICAN"), "history lost: {body}");
    assert!(body.contains("what was the word"), "{body}");

    // The list still finds the session and its first prompt.
    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout.contains("remember the word PELICAN"),
        "{}",
        list.stdout
    );
}

/// Files that hold no session (empty, only junk) are named in a warning,
/// not silently left out; real sessions are still listed.
#[test]
fn sessions_list_names_files_that_hold_no_session() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("hello"));
    let run = env.exec_json("a real session", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = env.home.path().join("sessions");
    std::fs::write(dir.join("empty.jsonl"), b"").unwrap();
    std::fs::write(dir.join("junk.jsonl"), b"\x00\xff\xfe\nnot json\n").unwrap();

    for args in [&["sessions", "list"][..], &["sessions", "list", "--json"]] {
        let list = env.run(args);
        assert_eq!(list.code, 0, "{}", list.stderr);
        assert!(list.stdout.contains("a real session"), "{}", list.stdout);
        for name in ["empty.jsonl", "junk.jsonl"] {
            assert!(
                list.stderr.contains(name) && list.stderr.contains("not a readable session"),
                "{name} not named: {}",
                list.stderr
            );
        }
    }
}

/// A session whose `tool_call` line is unreadable resumes without that
/// call's result (every wire API refuses a result without its call), says
/// so in a warning, and keeps the rest of the history.
#[test]
fn a_result_whose_call_line_is_unreadable_is_left_out_on_resume() {
    for wire in ["responses", "chat", "anthropic"] {
        let env = TestEnv::new(wire);
        env.server.push(Reply::tool_call(
            "lostcall",
            "shell",
            serde_json::json!({"command": "echo MARKER-OUTPUT"}),
        ));
        env.server.push(Reply::text("done"));
        let first = env.exec_json("run it, word PELICAN", &[]);
        assert_eq!(first.code, 0, "{wire}: {}", first.stderr);
        let file = env.session_files().pop().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let damaged: Vec<String> = text
            .lines()
            .map(|l| {
                if l.contains("\"tool_call\"") && l.contains("lostcall") {
                    format!("{{{l}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_ne!(
            damaged.join("\n"),
            text.trim_end(),
            "{wire}: no tool_call line"
        );
        std::fs::write(&file, damaged.join("\n") + "\n").unwrap();

        env.server.push(Reply::text("resumed fine"));
        let run = env.exec_json("go on", &["--resume", "last"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let warned = run.of_type("warning").iter().any(|w| {
            let m = w["message"].as_str().unwrap_or("");
            m.contains("lostcall") && m.contains("could not be read")
        });
        assert!(warned, "{wire}: no warning in {:?}", run.stdout);
        let reqs = env.server.requests();
        let body = &reqs.last().unwrap().raw_body;
        assert!(body.contains("PELICAN"), "{wire}: history lost: {body}");
        assert!(body.contains("go on"), "{wire}: {body}");
        assert!(
            !body.contains("lostcall") && !body.contains("MARKER-OUTPUT"),
            "{wire}: a result without its call was sent: {body}"
        );
    }
}

/// A session file an editor saved as "UTF-8 with BOM" (a byte order mark
/// before the meta line) is no damaged file: it is listed, shown and
/// resumed with its history.
#[test]
fn a_session_file_starting_with_a_byte_order_mark_resumes() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("noted"));
    let first = env.exec_json("remember the word PELICAN", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = env.session_files().pop().unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(&file).unwrap());
    std::fs::write(&file, bytes).unwrap();

    let list = env.run(&["sessions", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout.contains("remember the word PELICAN"),
        "{}",
        list.stdout
    );
    assert!(
        !list.stderr.contains("not a readable session"),
        "{}",
        list.stderr
    );
    let show = env.run(&["sessions", "show", &id]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains(&id), "{}", show.stdout);

    env.server.push(Reply::text("resumed fine"));
    let run = env.exec_json("what was the word", &["--resume", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("session_started")[0]["resumed"], true);
    assert!(
        run.of_type("warning").is_empty(),
        "{:?}",
        run.of_type("warning")
    );
    let reqs = env.server.requests();
    let body = &reqs.last().unwrap().raw_body;
    assert!(body.contains("PELICAN"), "history lost: {body}");
}
