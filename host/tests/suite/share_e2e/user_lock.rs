//! The user's own lock (`--user`): personal skills pinned in
//! `$QUIRE_HOME/quire.lock`.

use super::*;

/// `--user`: your own lock in `$QUIRE_HOME`, installing into its `skills`
/// folder, usable outside any repository; drift is flagged the same way.
#[test]
fn the_user_lock_keeps_personal_skills_pinned() {
    let env = TestEnv::new("responses");
    let mine = tempfile::tempdir().unwrap();
    write(
        &mine.path().join("standup/SKILL.md"),
        "---\nname: standup\ndescription: Write my standup update from the git log.\n---\nSteps.\n",
    );
    let outside = tempfile::tempdir().unwrap();
    let src = mine.path().join("standup").display().to_string();
    let run = env.run(&[
        "--cd",
        outside.path().to_str().unwrap(),
        "share",
        "add",
        &src,
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("use --user for your own lock"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "--cd",
        outside.path().to_str().unwrap(),
        "share",
        "--user",
        "add",
        &src,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = env.home.path();
    // Where it went and where it is recorded, in full: not the
    // repository's lock, so nothing to commit.
    let lock = home.join("quire.lock").display().to_string();
    assert!(
        run.stdout
            .contains(&format!("into {}", home.join("skills/standup").display()))
            && run
                .stdout
                .contains(&format!("recorded in your own lock, {lock}")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("commit it"), "{}", run.stdout);
    let run = env.run(&["share", "--user", "remove", "nosuch"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("nothing named 'nosuch' is in {lock};")),
        "{}",
        run.stderr
    );
    assert!(home.join("skills/standup/SKILL.md").is_file());
    assert!(home.join("quire.lock").is_file());
    assert!(!env.repo.path().join("quire.lock").exists());
    let list = env.run(&["skills", "list"]);
    assert!(
        list.stdout.contains("standup") && list.stdout.contains("user"),
        "{}",
        list.stdout
    );

    std::fs::write(home.join("skills/standup/extra.md"), "x").unwrap();
    let run = env.run(&["share", "verify", "--user"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drifted  skill standup: added: extra.md"),
        "{}",
        run.stdout
    );
    let list = env.run(&["skills", "list"]);
    assert!(
        list.stdout.contains("drifted: differs from quire.lock"),
        "{}",
        list.stdout
    );
    let run = env.run(&["share", "--user", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!home.join("skills/standup/extra.md").exists());
    assert_eq!(env.run(&["share", "--user", "verify"]).code, 0);
}

/// A bundle's hooks and MCP servers run only once approved: `add` lists
/// them, as `update` does for new ones.
#[test]
fn adding_a_bundle_lists_what_needs_approval() {
    let env = TestEnv::new("responses");
    let src = tempfile::tempdir().unwrap();
    let kit = src.path().join("kit");
    write(
        &kit.join(".claude-plugin/plugin.json"),
        r#"{"name": "kit"}"#,
    );
    write(&kit.join("hooks/hooks.json"), r#"{"hooks": {}}"#);
    write(
        &kit.join(".mcp.json"),
        r#"{"mcpServers": {"db": {"command": "db-server"}}}"#,
    );
    let run = env.run(&["share", "add", kit.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("needs approval: new hook file hooks/hooks.json")
            && run.stdout.contains("needs approval: new MCP server kit_db")
            && run.stdout.contains("recorded in quire.lock; commit it"),
        "{}",
        run.stdout
    );
}

#[test]
fn share_update_of_the_user_lock_names_it_by_its_path() {
    let env = TestEnv::new("responses");
    let run = env.run(&["share", "--user", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lock = env.home.path().join("quire.lock");
    assert!(
        run.stdout
            .contains(&format!("{} lists nothing to update", lock.display())),
        "{}",
        run.stdout
    );
}
