//! `quire plugins validate PATH` checks the skills a plugin's agents name
//! (`skills:`): a name matching none of the plugin's skills (bare or
//! `PLUGIN:name`) nor a skill the user sees is a warning naming the agent
//! file, the name and the nearest existing one; `agents validate` warns
//! of the same.

use super::run;
use super::support::quire::TestEnv;

/// A Claude Code plugin `kit` (not installed) with the skill `runtime`,
/// an agent naming `skills`, and the user's own skill `mine`.
fn kit(env: &TestEnv, skills: &[&str]) -> String {
    let skills: String = skills.iter().map(|s| format!("\n  - {s}")).collect();
    env.write("kit/.claude-plugin/plugin.json", r#"{"name": "kit"}"#);
    env.write(
        "kit/skills/runtime/SKILL.md",
        "---\nname: runtime\ndescription: How to drive the kit runtime.\n---\nUse it.\n",
    );
    env.write(
        "kit/agents/rescue.md",
        &format!(
            "---\nname: rescue\ndescription: Rescues flaky tests.\nskills:{skills}\n---\n\nYou rescue.\n"
        ),
    );
    let mine = env.home.path().join("user/.agents/skills/mine");
    std::fs::create_dir_all(&mine).expect("user skill");
    std::fs::write(
        mine.join("SKILL.md"),
        "---\nname: mine\ndescription: The user's own skill.\n---\nMine.\n",
    )
    .expect("write user skill");
    env.repo_path().join("kit").display().to_string()
}

#[test]
fn an_agent_naming_a_missing_skill_is_warned_of_with_the_nearest_name() {
    let env = TestEnv::new("responses");
    let path = kit(
        &env,
        &["runtme", "nowhere-skill", "runtime", "kit:runtime", "mine"],
    );
    let r = run(&env, &["plugins", "validate", &path]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("skills:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", r.stderr);
    assert!(
        warnings[0].contains("agents/rescue.md")
            && warnings[0].contains("\"runtme\" matches none of the plugin's skills")
            && warnings[0].ends_with("did you mean 'runtime'?"),
        "{}",
        r.stderr
    );
    assert!(
        warnings[1].contains("agents/rescue.md") && warnings[1].contains("\"nowhere-skill\""),
        "{}",
        r.stderr
    );
    assert!(!warnings[1].contains("did you mean"), "{}", r.stderr);
    assert!(r.stderr.contains("2 warning(s)"), "{}", r.stderr);
}

#[test]
fn an_agent_naming_existing_skills_passes() {
    let env = TestEnv::new("responses");
    let path = kit(&env, &["runtime", "kit:runtime", "mine"]);
    let r = run(&env, &["plugins", "validate", &path]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("valid"), "{}", r.stdout);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}
