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
