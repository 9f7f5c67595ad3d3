//! Tester's finding (TT-L1): a named pipe put into an installed shared
//! skill or plugin folder made `skills list` / `plugins list` report
//! every locked file as missing, with advice (`quire share sync`) that
//! then refused. Now they say the folder cannot be checked, and why; a
//! plugin's advice (VV-5) is the command that removes the pipe, then
//! `quire share sync --force`, which then succeeds. `share verify` names
//! each such entry and goes on to the others.

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
    // A pipe is a local change: sync alone leaves the folder as it is.
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        std::fs::symlink_metadata(env.repo_path().join(".agents/plugins/pb/cache.fifo")).is_ok()
    );
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

/// `share verify` checks every entry: a pipe in one folder and a link in
/// another are each that entry's drift, named with the command that
/// removes it, and the entries after them are still checked.
#[test]
fn verify_names_each_pipe_and_link_and_checks_the_other_entries() {
    let env = TestEnv::new("responses");
    for name in ["alpha", "beta", "gamma"] {
        env.write(
            &format!("vendor/skills/{name}/SKILL.md"),
            &format!("---\nname: {name}\ndescription: The {name} rules.\n---\nSteps.\n"),
        );
        let run = env.run(&["share", "add", &format!("vendor/skills/{name}")]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    }
    let repo = env.repo_path();
    mkfifo(&repo.join(".quire/skills/alpha/pipe"));
    std::os::unix::fs::symlink("/etc/hostname", repo.join(".quire/skills/beta/link")).unwrap();
    std::fs::write(repo.join(".quire/skills/gamma/SKILL.md"), "changed\n").unwrap();

    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("drifted  skill alpha: ")
            && out.contains("pipe is a named pipe; installed skills and plugins hold plain files only: remove it with `rm -- "),
        "{out}"
    );
    assert!(
        out.contains("drifted  skill beta: ")
            && out.contains("link is a symbolic link to /etc/hostname")
            && !out.contains("copy the file there"),
        "{out}"
    );
    assert!(
        out.contains("drifted  skill gamma: changed: SKILL.md"),
        "{out}"
    );
    let json = env.run(&["share", "verify", "--json"]);
    let lines: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", json.stdout);
    assert!(
        lines[0]["unreadable"]
            .as_str()
            .is_some_and(|u| u.contains("named pipe"))
    );

    // Following the advice, then `sync --force`, makes every entry match.
    let rm = advised(out, "`rm -- ").unwrap_or_else(|| panic!("no rm advised: {out}"));
    let ran = std::process::Command::new("sh")
        .args(["-c", &rm])
        .current_dir(&repo)
        .status()
        .expect("run sh");
    assert!(ran.success(), "{rm}");
    std::fs::remove_file(repo.join(".quire/skills/beta/link")).unwrap();
    let run = env.run(&["share", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
