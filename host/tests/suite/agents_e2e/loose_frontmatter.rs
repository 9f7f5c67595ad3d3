//! An agent whose multi-line description goes on in unindented lines
//! (`<example>`, `Context: …`, as in Anthropic's plugin-dev agents) is
//! loaded, as Claude Code loads it, with a note; its later fields count.

use support::quire::TestEnv;

use super::support;

const AGENT: &str = "---\nname: agent-maker\ndescription: Use this agent to make agents. Examples:\n\n<example>\nContext: User wants a code review agent\nuser: \"Create an agent that reviews code\"\n</example>\n\nmodel: sonnet\ntools: [\"Read\"]\n---\n\nYou make agents.\n";

#[test]
fn unindented_description_lines_are_read_as_the_description() {
    let env = TestEnv::new("responses");
    env.write(".claude/agents/agent-maker.md", AGENT);
    let r = env.run(&["agents", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("skipped"), "{}", r.stdout);
    assert!(r.stdout.contains("agent-maker"), "{}", r.stdout);

    let r = env.run(&["agents", "show", "agent-maker"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Examples: <example> Context: User wants a code review agent"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("read_file"),
        "tools: still read: {}",
        r.stdout
    );

    let file = env.repo_path().join(".claude/agents/agent-maker.md");
    let r = env.run(&["agents", "validate", &file.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("were read as the value above them"),
        "{}",
        r.stdout
    );
}
