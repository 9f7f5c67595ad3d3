//! Tester's finding (TT-L2): a repository plugin's `agents/X.md` or
//! `skills/X` that is a symbolic link out of the plugin was loaded
//! (listed, sent to the model) while `quire plugins validate` and README
//! say such links are refused. Now neither is loaded; a link that stays
//! inside the plugin still is.

use serde_json::json;

use super::run;
use super::support::quire::TestEnv;

#[test]
fn a_plugins_agent_or_skill_linked_out_of_the_plugin_is_not_loaded() {
    let env = TestEnv::new("responses");
    let outside = tempfile::tempdir().unwrap();
    let skill = outside.path().join("skillish");
    std::fs::create_dir_all(&skill).unwrap();
    std::fs::write(
        skill.join("SKILL.md"),
        "---\nname: skillish\ndescription: OUTSIDE-SKILL-DESC\n---\nbody\n",
    )
    .unwrap();
    let agent = outside.path().join("agent.md");
    std::fs::write(
        &agent,
        "---\nname: ext\ndescription: OUTSIDE-AGENT-DESC\n---\nAGENTBODY\n",
    )
    .unwrap();
    let root = env.repo_path().join(".agents/plugins/lp");
    env.write(
        ".agents/plugins/lp/.claude-plugin/plugin.json",
        &json!({"name": "lp", "version": "1.0.0", "description": "d"}).to_string(),
    );
    env.write(
        ".agents/plugins/lp/agents/own.md",
        "---\nname: own\ndescription: OWN-AGENT-DESC\n---\nbody\n",
    );
    env.write(
        ".agents/plugins/lp/shared/inner/SKILL.md",
        "---\nname: inner\ndescription: INNER-SKILL-DESC\n---\nbody\n",
    );
    std::fs::create_dir_all(root.join("skills")).unwrap();
    std::os::unix::fs::symlink(&skill, root.join("skills/skillish")).unwrap();
    std::os::unix::fs::symlink("../shared/inner", root.join("skills/inner")).unwrap();
    std::os::unix::fs::symlink(&agent, root.join("agents/ext.md")).unwrap();

    let r = run(&env, &["plugins", "validate", &root.display().to_string()]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("agents/ext.md: is a symbolic link"), "{all}");

    let r = run(&env, &["agents", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("OWN-AGENT-DESC"), "{all}");
    assert!(!all.contains("OUTSIDE-AGENT-DESC"), "{all}");
    let r = run(&env, &["agents", "show", "lp:ext"]);
    assert!(!r.stdout.contains("AGENTBODY"), "{}", r.stdout);

    let r = run(&env, &["skills", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("INNER-SKILL-DESC"), "{all}");
    assert!(!all.contains("OUTSIDE-SKILL-DESC"), "{all}");
}
