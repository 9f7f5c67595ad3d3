//! A sub-folder's instruction files follow the root files' rules: a
//! `Read` deny rule keeps them out, only a call that worked there brings
//! them, a CLAUDE.md's `@imports` are followed from its folder, and what
//! is not sent is named in a warning, once.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv, finish};

/// Whether any request to the model held `text`.
fn sent(env: &TestEnv, text: &str) -> bool {
    env.server
        .requests()
        .iter()
        .any(|r| r.raw_body.contains(text))
}

/// The repository's Claude Code settings, denying `rules`.
fn deny(env: &TestEnv, rules: &[&str]) {
    let settings = json!({"permissions": {"deny": rules}});
    env.write(".claude/settings.json", &settings.to_string());
}

/// The model's script: a `read_file` of each of `paths` (calls `r1`,
/// `r2`, …), then `done`.
fn reads_then_done(env: &TestEnv, paths: &[&str]) {
    let reads = paths.iter().enumerate().map(|(i, path)| {
        Reply::tool_call(format!("r{}", i + 1), "read_file", json!({ "path": path }))
    });
    env.server.push_all(reads.chain([Reply::text("done")]));
}

#[test]
fn read_deny_rules_keep_a_sub_folders_instruction_files_out() {
    let env = TestEnv::new("responses");
    deny(
        &env,
        &[
            "Read(./secret/**)",
            "Read(./pkg/AGENTS.md)",
            "Read(**/CLAUDE.md)",
        ],
    );
    env.write("secret/AGENTS.md", "SECRET-RULE");
    env.write("secret/x.txt", "secret data\n");
    env.write("pkg/AGENTS.md", "PKG-AGENTS-RULE");
    env.write("pkg/CLAUDE.md", "PKG-CLAUDE-RULE");
    env.write("pkg/x.txt", "PKG-DATA\n");
    env.write("pkg/y.txt", "PKG-MORE\n");
    reads_then_done(&env, &["secret/x.txt", "pkg/x.txt", "pkg/y.txt"]);
    let run = env.run(&["exec", "look"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sent(&env, "PKG-DATA") && sent(&env, "PKG-MORE"));
    for text in ["SECRET-RULE", "PKG-AGENTS-RULE", "PKG-CLAUDE-RULE"] {
        assert!(!sent(&env, text), "{text} was sent");
    }
    // Each denied file named once, though the folder was read twice.
    for name in ["pkg/AGENTS.md", "pkg/CLAUDE.md"] {
        let said = run
            .stderr
            .lines()
            .filter(|l| l.contains(name) && l.contains("deny rule"))
            .count();
        assert_eq!(said, 1, "{name}: {}", run.stderr);
    }
}

#[test]
fn only_a_call_that_worked_brings_the_folders_files() {
    let env = TestEnv::new("chat");
    deny(&env, &["Read(./locked/x.txt)"]);
    env.write("locked/AGENTS.md", "LOCKED-RULE");
    env.write("locked/x.txt", "LOCKED-DATA\n");
    env.write("locked/ok.txt", "OK-DATA\n");
    env.write("gone/AGENTS.md", "GONE-RULE");
    reads_then_done(&env, &["locked/x.txt", "gone/missing.txt", "locked/ok.txt"]);
    let run = env.run(&["exec", "look"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);
    // Refused (a deny rule) and failed (no such file): nothing attached.
    assert!(!reqs[1].raw_body.contains("LOCKED-RULE"));
    assert!(!reqs[2].raw_body.contains("LOCKED-RULE"));
    assert!(!sent(&env, "LOCKED-DATA") && !sent(&env, "GONE-RULE"));
    // The read that worked brings them, after its result.
    let last = &reqs[3].raw_body;
    assert_eq!(last.matches("LOCKED-RULE").count(), 1, "{last}");
    assert!(last.find("LOCKED-RULE") > last.find("OK-DATA"), "{last}");
}

#[test]
fn a_sub_folders_claude_md_imports_follow_the_root_rules() {
    let env = TestEnv::new("anthropic");
    let home = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("secret.md"), "HOME-SECRET").unwrap();
    let abs = outside.path().join("x.md");
    std::fs::write(&abs, "OUTSIDE-TEXT").unwrap();
    deny(&env, &["Read(./pkg/docs/denied.md)"]);
    env.write(
        "pkg/CLAUDE.md",
        &format!(
            "PKG-CLAUDE see @docs/substyle.md and @{} and @~/secret.md and @docs/denied.md\n",
            abs.display()
        ),
    );
    env.write("pkg/docs/substyle.md", "SUBSTYLE-RULE");
    env.write("pkg/docs/denied.md", "DENIED-TEXT");
    env.write("pkg/x.txt", "x\n");
    reads_then_done(&env, &["pkg/x.txt"]);
    let child = env
        .command(&["exec", "look"])
        .env("HOME", home.path())
        .spawn()
        .expect("spawn quire");
    let run: Run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sent(&env, "PKG-CLAUDE") && sent(&env, "SUBSTYLE-RULE"));
    for text in ["HOME-SECRET", "OUTSIDE-TEXT", "DENIED-TEXT"] {
        assert!(!sent(&env, text), "{text} was sent");
    }
    for (import, why) in [
        (
            format!("@{}", abs.display()),
            "outside the folders it may read",
        ),
        (
            "@~/secret.md".to_string(),
            "outside the folders it may read",
        ),
        ("@docs/denied.md".to_string(), "deny rule"),
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains(&import) && l.contains(why)),
            "{import}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_cut_names_the_claude_md_it_cut() {
    let env = TestEnv::with_config("responses", "project_doc_max_bytes = 12");
    env.write(
        "pkg/CLAUDE.md",
        "PKG-CLAUDE-RULE and much more text after it\n",
    );
    env.write("pkg/x.txt", "x\n");
    reads_then_done(&env, &["pkg/x.txt"]);
    let run = env.run(&["exec", "look"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sent(&env, "[… CLAUDE.md text cut at 12 bytes …]"));
    assert!(!sent(&env, "AGENTS.md text cut"));
}

#[test]
fn a_folder_linked_out_of_the_workspace_is_named_once() {
    let env = TestEnv::new("chat");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("AGENTS.md"), "EXT-RULE").unwrap();
    std::fs::write(elsewhere.path().join("f.txt"), "EXT-DATA\n").unwrap();
    std::fs::write(elsewhere.path().join("g.txt"), "EXT-MORE\n").unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), env.repo.path().join("ext")).unwrap();
    reads_then_done(&env, &["ext/f.txt", "ext/g.txt"]);
    let run = env.run(&["exec", "look"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(sent(&env, "EXT-DATA") && sent(&env, "EXT-MORE"));
    assert!(!sent(&env, "EXT-RULE"));
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("outside the workspace") && l.contains("AGENTS.md"))
        .collect();
    assert_eq!(said.len(), 1, "{}", run.stderr);
    assert!(said[0].contains("ext"), "{}", said[0]);
}
