//! A Claude Code plugin's skill called by the user as `/PLUGIN:skill
//! args` (`quire exec`): its instructions are filled as Claude Code fills
//! a skill's — `$ARGUMENTS`, `$ARGUMENTS[N]` and `$N` from `$0`,
//! "ARGUMENTS: …" after a body without placeholder — and its
//! `` !`command` `` lines run under its `allowed-tools`, by the custom
//! commands' code; the model's own activation (no arguments) leaves them
//! as written. Its Claude Code frontmatter (`argument-hint: [name]`)
//! passes `plugins validate`.

use super::run;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

const ARGY: &str = "---\nname: argy\ndescription: Echo arguments skill\nargument-hint: [name]\nallowed-tools: Bash(echo:*)\ndisable-model-invocation: true\n---\nHello ARG=[$ARGUMENTS] FIRST=[$0] SECOND=[$1] AT1=[$ARGUMENTS[1]] ROOT=${CLAUDE_PLUGIN_ROOT}\nDynamic: !`echo DYN-RAN $0`\n";

/// The plugin `ckit` with the skills `argy` (above) and `plain`, in the
/// repository of a new environment.
fn env_with_ckit() -> TestEnv {
    let env = TestEnv::new("responses");
    let kit = ".agents/plugins/ckit";
    env.write(
        &format!("{kit}/.claude-plugin/plugin.json"),
        "{\"name\": \"ckit\"}\n",
    );
    env.write(&format!("{kit}/skills/argy/SKILL.md"), ARGY);
    env.write(
        &format!("{kit}/skills/plain/SKILL.md"),
        "---\nname: plain\ndescription: A skill without placeholders.\nallowed-tools:\n  - Read\n  - Bash(git status:*)\nmodel: sonnet\nuser-invocable: true\ncontext: fork\nagent: Explore\n---\nDo the plain thing.\n",
    );
    env
}

/// The text of the last request the model server got.
fn last_sent(env: &TestEnv) -> String {
    env.server
        .requests()
        .last()
        .map(|q| q.body.to_string())
        .unwrap_or_default()
}

#[test]
fn claude_code_skill_frontmatter_passes_validate_and_skills_are_counted() {
    let env = env_with_ckit();
    let r = run(&env, &["plugins", "validate", ".agents/plugins/ckit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("flow-style"), "{}", r.stderr);
    assert!(r.stdout.contains("2 skills"), "{}", r.stdout);
}

#[test]
fn a_skill_called_with_arguments_gets_them_and_runs_its_lines() {
    let env = env_with_ckit();
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/ckit:argy Bob \"two words\""]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = last_sent(&env);
    for want in [
        r#"ARG=[Bob \"two words\"]"#,
        "FIRST=[Bob]",
        "SECOND=[two words]",
        "AT1=[two words]",
        "Dynamic: DYN-RAN Bob",
    ] {
        assert!(sent.contains(want), "{want}: {sent}");
    }
    assert!(!sent.contains("$ARGUMENTS"), "{sent}");
    assert!(!sent.contains("!`echo"), "{sent}");
    assert!(!sent.contains("${CLAUDE_PLUGIN_ROOT}"), "{sent}");

    // Without a placeholder the arguments follow the instructions.
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/ckit:plain x y"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = last_sent(&env);
    assert!(
        sent.contains("Do the plain thing.\\n\\nARGUMENTS: x y"),
        "{sent}"
    );
}

#[test]
fn a_skill_called_without_arguments_keeps_its_instructions_as_written() {
    let env = env_with_ckit();
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/ckit:argy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = last_sent(&env);
    assert!(sent.contains("ARG=[$ARGUMENTS]"), "{sent}");
    assert!(sent.contains("!`echo DYN-RAN $0`"), "{sent}");
}

#[test]
fn a_skill_line_its_allowed_tools_do_not_permit_is_refused_naming_the_file() {
    let env = env_with_ckit();
    env.write(
        ".agents/plugins/ckit/skills/argy/SKILL.md",
        &ARGY.replace("echo DYN-RAN", "touch made-by-skill && echo"),
    );
    let r = run(&env, &["exec", "/ckit:argy Bob"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("skills/argy/SKILL.md"), "{}", r.stderr);
    assert!(r.stderr.contains("allowed-tools"), "{}", r.stderr);
    assert!(env.server.requests().is_empty());
    assert!(!env.repo_path().join("made-by-skill").exists());
}

/// A command's misspelt frontmatter key (`allowed_tools`) is said when
/// the command runs, before the refusal it explains, and is a warning of
/// `plugins validate`, not a problem.
#[test]
fn a_misspelt_command_key_is_warned_when_it_runs_and_validate_passes() {
    let env = env_with_ckit();
    env.write(
        ".agents/plugins/ckit/commands/fm.md",
        "---\ndescription: frontmatter test\nallowed_tools: Bash\n---\nA1=$1\nRun: !`touch made-by-fm`\n",
    );
    let r = run(&env, &["exec", "/ckit:fm x y"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean 'allowed-tools'?"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not allowed"), "{}", r.stderr);
    assert!(!env.repo_path().join("made-by-fm").exists());

    let r = run(&env, &["plugins", "validate", ".agents/plugins/ckit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains("allowed_tools")),
        "{}",
        r.stderr
    );
}
