//! A plugin's agent naming its plugin's skills bare (`skills: [runtime]`,
//! as written for Claude Code) gets them, though they load as
//! `PLUGIN:runtime`; `agents validate` warns about a name matching no
//! skill.

use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

const AGENT: &str = "---\nname: rescue\ndescription: Rescues flaky tests.\nskills:\n  - runtime\n  - nowhere-skill\n---\n\nYou rescue. RESCUE-MARK\n";

fn with_plugin(env: &TestEnv) {
    let kit = ".agents/plugins/kit";
    env.write(
        &format!("{kit}/.claude-plugin/plugin.json"),
        r#"{"name": "kit"}"#,
    );
    env.write(
        &format!("{kit}/skills/runtime/SKILL.md"),
        "---\nname: runtime\ndescription: How to drive the kit runtime RUNTIME-DESC.\n---\nUse it.\n",
    );
    env.write(
        &format!("{kit}/skills/unasked/SKILL.md"),
        "---\nname: unasked\ndescription: Not named by the agent UNASKED-DESC.\n---\nNo.\n",
    );
    env.write(&format!("{kit}/agents/rescue.md"), AGENT);
}

#[test]
fn a_plugin_agents_bare_skill_names_are_its_plugins_skills() {
    let env = TestEnv::new("responses");
    with_plugin(&env);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-K fix the flaky test", "agent_type": "kit:rescue"}),
            )]),
            Reply::text("main done"),
        ],
    );
    env.server.route("CHILD-K", [Reply::text("sub done")]);
    let run = env.exec_json(&format!("{PARENT} rescue please"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let child = reqs
        .iter()
        .find(|r| r.raw_body.contains("CHILD-K") && !r.raw_body.contains(PARENT))
        .unwrap_or_else(|| panic!("no child request"));
    assert!(child.raw_body.contains("RESCUE-MARK"));
    assert!(
        child.raw_body.contains("kit:runtime"),
        "the plugin's skill is the child's: {}",
        child.raw_body
    );
    assert!(
        !child.raw_body.contains("UNASKED-DESC"),
        "{}",
        child.raw_body
    );
}

#[test]
fn agents_validate_names_the_skills_an_agent_names_that_match_none() {
    let env = TestEnv::new("responses");
    with_plugin(&env);
    let file = env.repo_path().join(".agents/plugins/kit/agents/rescue.md");
    let r = env.run(&["agents", "validate", &file.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("\"nowhere-skill\" matches no skill"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("\"runtime\""), "{}", r.stdout);
    assert!(!r.stdout.contains("ok: "), "{}", r.stdout);
}
