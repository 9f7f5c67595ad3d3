//! `quire exec` and the line mode print each patch's diff under its tool
//! line (as `codex exec` does), plain off a terminal, a long one cut with
//! a note; `--json` is unchanged.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

const PATCH: &str = "*** Begin Patch\n*** Update File: f.txt\n@@\n a\n-b\n+B\n c\n*** Add File: g.txt\n+new\n*** End Patch";

fn script(env: &TestEnv) {
    env.write("f.txt", "a\nb\nc\n");
    let long: String = (0..120).map(|i| format!("+line {i}\n")).collect();
    let big = format!("*** Begin Patch\n*** Add File: big.txt\n{long}*** End Patch");
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({ "patch": PATCH })),
        Reply::tool_call("c2", "apply_patch", json!({ "patch": big })),
        Reply::text("edited"),
    ]);
}

fn assert_diff_shown(stderr: &str) {
    for line in [
        "    --- a/f.txt",
        "    +++ b/f.txt",
        "    -b",
        "    +B",
        "    +new",
    ] {
        assert!(
            stderr.lines().any(|l| l == line),
            "{line:?} missing: {stderr}"
        );
    }
    assert!(!stderr.contains('\x1b'), "plain off a terminal: {stderr}");
    assert!(stderr.contains("    +line 0\n"), "{stderr}");
    assert!(!stderr.contains("+line 119"), "{stderr}");
    assert!(stderr.contains("more diff lines not shown"), "{stderr}");
}

#[test]
fn exec_prints_each_patch_diff_on_stderr() {
    let env = TestEnv::new("chat");
    script(&env);
    let run = env.run(&["exec", "edit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_diff_shown(&run.stderr);
    assert!(!run.stdout.contains("+B"), "stdout holds the answer only");
}

#[test]
fn the_line_mode_prints_each_patch_diff() {
    let env = TestEnv::new("chat");
    script(&env);
    let run = env.run_with_input(&[], "edit\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_diff_shown(&run.stderr);
}

#[test]
fn json_output_is_unchanged() {
    let env = TestEnv::new("chat");
    script(&env);
    let run = env.exec_json("edit", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("    +B"), "{}", run.stderr);
    assert!(
        run.stdout.lines().all(|l| l.starts_with('{')),
        "{}",
        run.stdout
    );
}

/// One hunk replacing 8,000 of a file's 20,000 lines, each by another
/// (removed and added lines interleaved): applied, and its diff is the
/// whole change (before it was diffed in bounded time, this took half a
/// minute in a debug build).
#[test]
fn a_hunk_replacing_8000_lines_applies_with_its_whole_diff() {
    let env = TestEnv::new("chat");
    let old: String = (1..=20_000).map(|i| format!("{i}\n")).collect();
    env.write("big.txt", &old);
    let hunk: String = (1..=8_000).map(|i| format!("-{i}\n+X{i}\n")).collect();
    let patch = format!("*** Begin Patch\n*** Update File: big.txt\n@@\n{hunk}*** End Patch");
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({ "patch": patch })),
        Reply::text("replaced"),
    ]);
    let run = env.exec_json("replace", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let new: String = (1..=20_000)
        .map(|i| match i {
            ..=8_000 => format!("X{i}\n"),
            _ => format!("{i}\n"),
        })
        .collect();
    assert_eq!(env.read("big.txt"), new);
    let done = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["type"] == "tool_completed")
        .expect("tool_completed");
    let file = &done["files"][0];
    assert_eq!(
        (&file["added"], &file["removed"]),
        (&json!(8_000), &json!(8_000)),
        "{file}"
    );
    let diff = file["diff"].as_str().expect("diff");
    assert!(
        diff.starts_with("--- a/big.txt\n+++ b/big.txt\n@@ -1,8003 +1,8003 @@\n-1\n-2\n"),
        "{}",
        &diff[..200.min(diff.len())]
    );
    // The model heard it applied, the whole change counted.
    assert!(env.server.requests()[1].raw_body.contains("big.txt"));
}
