//! A handler's `if: "Edit(src/**)"` holds for the file a path reaches,
//! not only for the path as written: a link the model made to `src` (a
//! folder link or a file link) does not step round the guard.

use serde_json::json;

use super::claude_input::user_claude_hook;
use super::completed;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn an_edit_if_rule_guards_src_through_links_the_model_made() {
    let env = TestEnv::new("chat");
    env.write("src/a.rs", "a\n");
    env.write("other.rs", "o\n");
    user_claude_hook(
        &env,
        "PreToolUse",
        "Edit|Write",
        json!({"type": "command", "if": "Edit(src/**)",
               "command": "cat >/dev/null; echo src is protected >&2; exit 2"}),
    );
    let patch = |body: &str| json!({"patch": format!("*** Begin Patch\n{body}\n*** End Patch\n")});
    env.server.push_all([
        Reply::tool_call(
            "ln",
            "shell",
            json!({"command": "ln -s src lnk && ln -s src/a.rs alink.rs"}),
        ),
        Reply::tool_call(
            "dir",
            "apply_patch",
            patch("*** Update File: lnk/a.rs\n@@\n-a\n+VIA-DIR-LINK"),
        ),
        Reply::tool_call(
            "file",
            "apply_patch",
            patch("*** Update File: alink.rs\n@@\n-a\n+VIA-FILE-LINK"),
        ),
        Reply::tool_call(
            "new",
            "apply_patch",
            patch("*** Add File: lnk/planted.rs\n+x"),
        ),
        Reply::tool_call(
            "free",
            "apply_patch",
            patch("*** Update File: other.rs\n@@\n-o\n+changed"),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(completed(&run, "ln")["status"], "ok", "{:?}", run.events);
    for id in ["dir", "file", "new"] {
        let call = completed(&run, id);
        assert_eq!(call["status"], "denied", "{call}");
        assert!(
            call["output"]
                .as_str()
                .unwrap_or("")
                .contains("src is protected"),
            "{call}"
        );
    }
    assert_eq!(env.read("src/a.rs"), "a\n");
    assert!(!env.repo_path().join("src/planted.rs").exists());
    // A file outside src/ is not the rule's.
    assert_eq!(completed(&run, "free")["status"], "ok");
    assert_eq!(env.read("other.rs"), "changed\n");
}
