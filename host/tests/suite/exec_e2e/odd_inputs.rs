//! The file tools and the shell on inputs that are not ordinary: a FIFO,
//! a line of megabytes, names with a line break or bytes that are not
//! UTF-8, a command that prints without end until its timeout.

use std::os::unix::ffi::OsStrExt;

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// The outputs of the run's tool calls, by call id.
fn outputs(run: &crate::support::quire::Run) -> Vec<(String, Value)> {
    run.of_type("tool_completed")
        .into_iter()
        .map(|e| (e["call_id"].as_str().unwrap_or("").to_string(), e.clone()))
        .collect()
}

/// `read_file` on a FIFO (or a link to one) is refused at once, naming
/// what it is, instead of blocking the turn for good.
#[test]
fn read_file_refuses_a_fifo_without_blocking() {
    let env = TestEnv::new("chat");
    let repo = env.repo_path();
    let made = std::process::Command::new("mkfifo")
        .arg(repo.join("pipe.fifo"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("pipe.fifo", repo.join("fifo.link")).expect("link");
    env.server.push_all([
        Reply::tool_call("r1", "read_file", json!({"path": "pipe.fifo"})),
        Reply::tool_call("r2", "read_file", json!({"path": "fifo.link"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("read the pipe", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (id, e) in outputs(&run) {
        assert_eq!(e["status"], "failed", "{id}: {e}");
        let out = e["output"].as_str().unwrap_or_default();
        assert!(
            out.contains("it is a named pipe, not a regular file"),
            "{id}: {out}"
        );
    }
}

/// A match at the end of a line of megabytes is found and shown with the
/// text around it; the names of files are escaped, not split or mangled.
#[test]
fn grep_and_list_dir_show_long_lines_and_odd_names_truly() {
    let env = TestEnv::new("chat");
    let repo = env.repo_path();
    let mut long = "x".repeat(3 << 20);
    long.push_str("needle_at_the_end\n");
    env.write("one_line.txt", &long);
    env.write("new\nline.txt", "needle in a newline name\n");
    std::fs::write(
        repo.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")),
        "needle in latin-1\n",
    )
    .expect("write");
    env.server.push_all([
        Reply::tool_call("g", "grep", json!({"pattern": "needle"})),
        Reply::tool_call("l", "list_dir", json!({"path": "."})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("look around", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    let grep = outs[0].1["output"].as_str().unwrap_or_default();
    let lines: Vec<&str> = grep.lines().collect();
    assert_eq!(lines.len(), 3, "{grep}");
    assert_eq!(lines[0], "\"caf\\351.txt\":1:needle in latin-1");
    assert_eq!(lines[1], "\"new\\nline.txt\":1:needle in a newline name");
    assert!(
        lines[2].starts_with(&format!(
            "one_line.txt:1:[{} bytes of the line left out] …",
            (3 << 20) - 100
        )) && lines[2].ends_with("xneedle_at_the_end"),
        "{}",
        &lines[2][..lines[2].len().min(300)]
    );
    let list = outs[1].1["output"].as_str().unwrap_or_default();
    assert!(list.lines().any(|l| l == "  \"new\\nline.txt\""), "{list}");
    assert!(list.lines().any(|l| l == "  \"caf\\351.txt\""), "{list}");
    assert!(!list.contains("line.txt\n  line"), "{list}");
}

/// A command stopped by its timeout after a flood of output: the result
/// says how much was dropped, and `truncated_bytes` counts all of it.
#[test]
fn a_timed_out_flood_counts_every_byte_left_out() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("y", "shell", json!({"command": "yes", "timeout_ms": 1500})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("flood", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = &outputs(&run)[0].1;
    assert_eq!(done["status"], "timed_out", "{done}");
    let out = done["output"].as_str().unwrap_or_default();
    let number = |after: &str, before: &str| -> u64 {
        let rest = out.split_once(after).map_or("", |(_, r)| r);
        rest.split_once(before)
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("no {after:?}…{before:?} in {}", &out[..300.min(out.len())]))
    };
    assert!(
        out.starts_with(
            "shell failed: timed out after 1500 ms; output so far:\nOutput truncated: "
        ),
        "{}",
        &out[..200.min(out.len())]
    );
    let dropped = number("Output truncated: ", " bytes dropped from the middle\n");
    let cut = number("[… ", " bytes cut from the middle of this output …]");
    assert!(dropped > 0);
    assert_eq!(
        done["truncated_bytes"].as_u64(),
        Some(dropped + cut),
        "{done}"
    );
    // The model is told the same.
    let body = &env.server.requests()[1].raw_body;
    assert!(
        body.contains(&format!("Output truncated: {dropped} bytes dropped")),
        "{}",
        &body[..400.min(body.len())]
    );
}

/// apply_patch on a FIFO (to update, delete or add over it) is refused at
/// once, naming what it is, instead of waiting for ever for a writer.
#[test]
fn apply_patch_refuses_a_fifo_without_blocking() {
    let env = TestEnv::new("chat");
    let repo = env.repo_path();
    let made = std::process::Command::new("mkfifo")
        .arg(repo.join("fifo"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let patch = |body: &str| json!({"patch": format!("*** Begin Patch\n{body}\n*** End Patch")});
    env.server.push_all([
        Reply::tool_call(
            "u",
            "apply_patch",
            patch("*** Update File: fifo\n@@\n-a\n+b"),
        ),
        Reply::tool_call("d", "apply_patch", patch("*** Delete File: fifo")),
        Reply::tool_call("a", "apply_patch", patch("*** Add File: fifo\n+x")),
        Reply::text("done"),
    ]);
    let run = env.exec_json("patch the pipe", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 3, "{:?}", run.types());
    for (id, e) in outs {
        assert_eq!(e["is_error"], true, "{id}: {e}");
        let out = e["output"].as_str().unwrap_or_default();
        assert!(
            out.contains("fifo is a named pipe, not a regular file"),
            "{id}: {out}"
        );
    }
    let kind = std::fs::symlink_metadata(repo.join("fifo")).expect("fifo");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind.file_type()));
}

/// Tester's finding: a Unix socket gave "No such device or address (os
/// error 6)"; it is named, for apply_patch and read_file alike, and kept.
#[test]
fn a_socket_is_named_by_apply_patch_and_read_file() {
    let env = TestEnv::new("chat");
    let repo = env.repo_path();
    let _listener = std::os::unix::net::UnixListener::bind(repo.join("sock")).expect("bind");
    env.server.push_all([
        Reply::tool_call(
            "d",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Delete File: sock\n*** End Patch"}),
        ),
        Reply::tool_call("r", "read_file", json!({"path": "sock"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("touch the socket", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 2, "{:?}", run.types());
    for (id, e) in outs {
        let out = e["output"].as_str().unwrap_or_default();
        assert!(out.contains("a socket, not a regular file"), "{id}: {out}");
        assert!(!out.contains("os error"), "{id}: {out}");
    }
    assert!(repo.join("sock").exists(), "the socket was removed");
}

/// A path holding a NUL byte is named as such by every file tool, not as
/// a file that is not a regular file or not found, and the byte is shown
/// escaped.
#[test]
fn the_file_tools_name_a_nul_byte_in_the_path() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("r", "read_file", json!({"path": "a\u{0}b.txt"})),
        Reply::tool_call("l", "list_dir", json!({"path": "a\u{0}b"})),
        Reply::tool_call("g", "grep", json!({"pattern": "x", "path": "a\u{0}b"})),
        Reply::tool_call("h", "grep", json!({"pattern": "x", "glob": "*.r\u{0}s"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("read it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 4, "{:?}", run.events);
    for ((id, out), shown) in outs.iter().zip([
        "the path \"a\\000b.txt\" contains a NUL byte",
        "the path \"a\\000b\" contains a NUL byte",
        "the path \"a\\000b\" contains a NUL byte",
        "the glob \"*.r\\000s\" contains a NUL byte",
    ]) {
        let out = out["output"].as_str().unwrap_or_default();
        assert!(out.contains(shown), "{id}: {out}");
        assert!(!out.contains('\u{0}'), "{id}: {out:?}");
        assert!(
            !out.contains("regular file") && !out.contains("not found"),
            "{id}: {out}"
        );
    }
}

/// A name list_dir and grep show quoted as git does is taken back by
/// read_file and apply_patch as the name it stands for (bytes that are
/// not UTF-8 too); a file really named with the quotes would win.
#[test]
fn names_shown_quoted_are_taken_back_by_the_file_tools() {
    let env = TestEnv::new("chat");
    let repo = env.repo_path();
    let latin = repo.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    std::fs::write(&latin, "latin\n").expect("write");
    env.server.push_all([
        Reply::tool_call("l", "list_dir", json!({"path": "."})),
        Reply::tool_call("r", "read_file", json!({"path": "\"caf\\351.txt\""})),
        Reply::tool_call(
            "u",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: \"caf\\351.txt\"\n@@\n-latin\n+LATIN\n*** Add File: \"new\\nline.txt\"\n+hello\n*** End Patch"}),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("read the odd name", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    let listed = outs[0].1["output"].as_str().unwrap_or_default();
    assert!(listed.contains("\"caf\\351.txt\""), "{listed}");
    let read = outs[1].1["output"].as_str().unwrap_or_default();
    assert!(read.contains("1\tlatin"), "{read}");
    assert_eq!(outs[2].1["is_error"], false, "{}", outs[2].1);
    assert_eq!(std::fs::read_to_string(&latin).expect("latin"), "LATIN\n");
    assert_eq!(env.read("new\nline.txt"), "hello\n");
    assert!(!repo.join("\"new\\nline.txt\"").exists());
}
