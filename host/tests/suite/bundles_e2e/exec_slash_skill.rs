//! `quire exec "/name …"` where `/name` is a skill, not a custom command:
//! the text activates the skill, so no "no command" warning; a name
//! close to a skill's is suggested as a mistyped command is.

use super::run;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn env_with_skills() -> TestEnv {
    let env = TestEnv::new("responses");
    env.write(".quire/commands/fix-issue.md", "Fix issue $ARGUMENTS.\n");
    env.write(
        ".agents/skills/release-notes/SKILL.md",
        "---\nname: release-notes\ndescription: Write release notes from the commits since the last tag.\n---\nList the changes.\n",
    );
    // A name in words is called by its folder (its handle).
    env.write(
        ".agents/skills/writing-rules/SKILL.md",
        "---\nname: Writing Rules\ndescription: Write rules for the linter.\n---\nWrite them.\n",
    );
    env
}

#[test]
fn a_slash_skill_in_exec_is_not_warned_of() {
    let env = env_with_skills();
    for task in ["/release-notes for 2.0", "/writing-rules now"] {
        env.server.push(Reply::text("ok"));
        let r = run(&env, &["exec", task]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("no command"), "{task}: {}", r.stderr);
        assert!(!r.stderr.contains("warning"), "{task}: {}", r.stderr);
    }
}

#[test]
fn a_mistyped_slash_skill_in_exec_is_suggested() {
    let env = env_with_skills();
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/release-notez for 2.0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no command or skill /release-notez; did you mean 'release-notes'?"),
        "{}",
        r.stderr
    );
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/writing-rulez now"]);
    assert!(
        r.stderr.contains("did you mean 'writing-rules'?"),
        "{}",
        r.stderr
    );
}
