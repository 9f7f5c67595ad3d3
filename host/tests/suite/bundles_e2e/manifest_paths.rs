//! Paths in a Claude Code `plugin.json` may name single files as well as
//! folders (`"commands": ["./extra/hello.md"]`, `"agents":
//! "./myagents/helper.md"`): each file loads as a folder's would, named
//! `PLUGIN:name`; a path that is neither is a problem naming the entry.

use super::run;
use super::support::quire::TestEnv;

/// `.agents/plugins/k3` with a command and an agent outside the standard
/// folders, and `plugin.json` = `manifest`.
fn plugin(env: &TestEnv, manifest: &str) {
    let dir = ".agents/plugins/k3";
    env.write(
        &format!("{dir}/extra-cmds/hello.md"),
        "---\ndescription: hello cmd\n---\nSay hello to $ARGUMENTS\n",
    );
    env.write(&format!("{dir}/extra-cmds/notes.txt"), "not a command\n");
    env.write(
        &format!("{dir}/myagents/helper.md"),
        "---\nname: helper\ndescription: helps\ntools: Read\n---\nHelp.\n",
    );
    env.write(&format!("{dir}/.claude-plugin/plugin.json"), manifest);
}

#[test]
fn command_and_agent_files_named_by_the_manifest_load_under_the_plugins_name() {
    let env = TestEnv::new("responses");
    plugin(
        &env,
        r#"{"name": "k3", "commands": ["./extra-cmds/hello.md"], "agents": "./myagents/helper.md"}"#,
    );
    let r = run(&env, &["plugins", "validate", ".agents/plugins/k3"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("1 command(s), 1 agent(s)"),
        "{}",
        r.stdout
    );
    let r = run(&env, &["commands", "list"]);
    let line = super::line_of(&r, "/k3:hello ");
    assert!(line.contains("hello cmd"), "{line}");
    let r = run(&env, &["agents", "list"]);
    super::line_of(&r, "k3:helper ");
}

#[test]
fn a_named_path_that_is_no_folder_or_markdown_file_is_a_problem_and_loads_nothing() {
    let env = TestEnv::new("responses");
    plugin(
        &env,
        r#"{"name": "k3", "commands": ["./extra-cmds/notes.txt", "../outside.md"], "agents": "./myagents/helper.md"}"#,
    );
    let r = run(&env, &["plugins", "validate", ".agents/plugins/k3"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("0 command(s), 1 agent(s)"),
        "{}",
        r.stdout
    );
    for needle in [
        "\"commands\" names \"extra-cmds/notes.txt\", which is neither a folder nor a .md file, so it is not loaded",
        "\"commands\": the path \"../outside.md\" leaves the plugin folder",
    ] {
        assert!(r.stderr.contains(needle), "lacks {needle}: {}", r.stderr);
    }
    let r = run(&env, &["commands", "list"]);
    assert!(!r.stdout.contains("k3:"), "{}", r.stdout);
}
