//! An AGENTS.md below the working directory reaches the model when it
//! reads or edits a file in that folder: once, after the call's result,
//! with the system prompt unchanged (the cache-stable prefix).

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn a_sub_folder_agents_md_follows_the_first_read_there_once() {
    for wire in ["responses", "chat", "anthropic"] {
        let env = TestEnv::new(wire);
        env.write("AGENTS.md", "ROOT-RULE: run the tests.");
        env.write("pkg/AGENTS.md", "PKG-RULE: use snake_case.");
        env.write("pkg/calc.py", "def add(a, b):\n    return a - b\n");
        env.write("other/note.txt", "n\n");
        let patch = "*** Begin Patch\n*** Update File: pkg/calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch";
        env.server.push_all([
            Reply::tool_call(
                "c1",
                "read_file",
                serde_json::json!({"path": "pkg/calc.py"}),
            ),
            Reply::tool_call("c2", "apply_patch", serde_json::json!({ "patch": patch })),
            Reply::tool_call(
                "c3",
                "read_file",
                serde_json::json!({"path": "other/note.txt"}),
            ),
            Reply::text("done"),
        ]);
        let run = env.run(&["exec", "fix add"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 4, "{wire}");
        let raw: Vec<&str> = reqs.iter().map(|r| r.raw_body.as_str()).collect();
        assert!(!raw[0].contains("PKG-RULE"), "{wire}: before the read");
        for (i, body) in raw.iter().enumerate().skip(1) {
            assert_eq!(
                body.matches("PKG-RULE").count(),
                1,
                "{wire}: request {i} holds the folder's file once: {body}"
            );
            // After the read's result, not in the system prompt.
            assert!(
                body.find("PKG-RULE") > body.find("def add"),
                "{wire}: request {i}"
            );
        }
        // The system prompt (and so the cached prefix) stays the same.
        let system = |body: &str| {
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            match wire {
                "responses" => v["instructions"].to_string(),
                "anthropic" => v["system"].to_string(),
                _ => v["messages"][0].to_string(),
            }
        };
        assert!(system(raw[3]).contains("ROOT-RULE"), "{wire}");
        assert_eq!(system(raw[0]), system(raw[3]), "{wire}");
        assert!(!system(raw[3]).contains("PKG-RULE"), "{wire}");
        // Each request extends the one before it.
        assert!(
            raw[2].contains("PKG-RULE: use snake_case.") && !raw[3].contains("other/AGENTS.md"),
            "{wire}"
        );
        assert!(
            std::fs::read_to_string(env.repo.path().join("pkg/calc.py"))
                .unwrap()
                .contains("a + b")
        );
    }
}

/// A sub-folder's AGENTS.md that links out of the workspace is not sent;
/// a warning names it.
#[test]
fn a_sub_folder_agents_md_linking_out_is_not_sent() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "SECRET-KEY").unwrap();
    env.write("pkg/calc.py", "x = 1\n");
    std::os::unix::fs::symlink(
        outside.path().join("secret"),
        env.repo.path().join("pkg/AGENTS.md"),
    )
    .unwrap();
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "read_file",
            serde_json::json!({"path": "pkg/calc.py"}),
        ),
        Reply::text("done"),
    ]);
    let run = env.run(&["exec", "look"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert!(reqs.iter().all(|r| !r.raw_body.contains("SECRET-KEY")));
    assert!(
        run.stderr.contains("outside the workspace"),
        "{}",
        run.stderr
    );
}
