//! Tester's finding (TT-L1): a named pipe put into an installed shared
//! skill or plugin folder made `skills list` / `plugins list` report
//! every locked file as missing, with advice (`quire share sync`) that
//! then refused. Now they say the folder cannot be checked, and why; a
//! plugin's advice (VV-5) is the command that removes the pipe, then
//! `quire share sync --force`, which then succeeds.

use super::support::quire::TestEnv;

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success());
}

#[test]
fn a_named_pipe_in_a_shared_folder_is_named_not_every_file_missing() {
    let env = TestEnv::new("responses");
    env.write(
        "vendor/skills/lint-rules/SKILL.md",
        "---\nname: lint-rules\ndescription: The team's lint rules.\n---\nSteps.\n",
    );
    env.write(
        "vendor/pb/.claude-plugin/plugin.json",
        "{\"name\": \"pb\", \"version\": \"1.0.0\", \"description\": \"d\"}",
    );
    env.write(
        "vendor/pb/skills/s1/SKILL.md",
        "---\nname: s1\ndescription: x\n---\nb\n",
    );
    for source in ["vendor/skills/lint-rules", "vendor/pb"] {
        let run = env.run(&["share", "add", source]);
        assert_eq!(run.code, 0, "{source}: {}", run.stderr);
    }
    mkfifo(&env.repo_path().join(".quire/skills/lint-rules/pipe"));
    mkfifo(&env.repo_path().join(".agents/plugins/pb/cache.fifo"));

    let run = env.run(&["skills", "list"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("cannot be checked against quire.lock")
            && all.contains("pipe is a named pipe")
            && !all.contains("missing: SKILL.md"),
        "{all}"
    );
    let run = env.run(&["plugins", "list"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("cannot be checked against quire.lock")
            && all.contains("cache.fifo is a named pipe")
            && !all.contains("missing:")
            && !all.contains("`quire share sync --force` restores it"),
        "{all}"
    );
    // While the pipe is there, sync refuses: the advice removes it first.
    assert_eq!(env.run(&["share", "sync", "--force"]).code, 2);
    let rm = advised(&all, "`rm -- ").unwrap_or_else(|| panic!("no rm advised: {all}"));
    let then = "then `quire share sync --force` restores any locked file that changed";
    assert!(all.contains(then), "{all}");
    let ran = std::process::Command::new("sh")
        .args(["-c", &rm])
        .current_dir(env.repo_path())
        .status()
        .expect("run sh");
    assert!(ran.success(), "{rm}");
    // The skill's pipe goes as its own message says (remove it).
    std::fs::remove_file(env.repo_path().join(".quire/skills/lint-rules/pipe")).unwrap();
    let run = env.run(&["share", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = env.run(&["plugins", "list"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("drifted"), "{all}");
}

/// The command in backquotes that begins with `start` in `said`.
fn advised(said: &str, start: &str) -> Option<String> {
    let at = said.find(start)? + 1;
    let len = said[at..].find('`')?;
    Some(said[at..at + len].to_string())
}
