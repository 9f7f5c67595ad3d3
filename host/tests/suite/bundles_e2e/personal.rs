//! A user coming from Claude Code or Codex: their personal skills, agents
//! and commands (`~/.claude/skills`, `~/.claude/agents`,
//! `~/.claude/commands`, `~/.codex/skills`) are read as quire's own user
//! folders are, below them when a name clashes. The test env points
//! CLAUDE_CONFIG_DIR and CODEX_HOME at temporary folders.

use super::run;
use super::support::quire::TestEnv;

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn skill(name: &str, description: &str) -> String {
    format!("---\nname: {name}\ndescription: {description}\n---\nDo the {name} thing.\n")
}

#[test]
fn personal_claude_and_codex_items_are_listed() {
    let env = TestEnv::new("responses");
    let claude = env.home.path().join("claude");
    let codex = env.home.path().join("codex");
    write(
        &claude.join("skills/my-skill/SKILL.md"),
        &skill("my-skill", "Personal Claude skill for release notes"),
    );
    write(
        &codex.join("skills/cx-skill/SKILL.md"),
        &skill("cx-skill", "Personal Codex skill for changelogs"),
    );
    // quire's own user skill of the same name wins, the other is reported.
    write(
        &env.home.path().join("skills/dup/SKILL.md"),
        &skill("dup", "quire's own"),
    );
    write(
        &claude.join("skills/dup/SKILL.md"),
        &skill("dup", "claude's copy"),
    );
    write(
        &claude.join("agents/my-agent.md"),
        "---\nname: my-agent\ndescription: Personal reviewer\n---\nReview.\n",
    );
    write(&claude.join("commands/mycmd.md"), "Summarise $ARGUMENTS\n");

    let r = run(&env, &["skills", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("my-skill"), "{}", r.stdout);
    assert!(r.stdout.contains("cx-skill"), "{}", r.stdout);
    let all = run(&env, &["skills", "list", "--all"]);
    let out = format!("{}{}", all.stdout, all.stderr);
    assert!(
        out.contains("Shadowed (a skill of the same name wins)"),
        "{out}"
    );

    let r = run(&env, &["agents", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("\"my-agent\""))
        .unwrap_or_else(|| panic!("no my-agent:\n{}{}", r.stdout, r.stderr));
    assert!(line.contains("\"source\":\"user (.claude)\""), "{line}");

    let r = run(&env, &["commands", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("mycmd"), "{}{}", r.stdout, r.stderr);
}
