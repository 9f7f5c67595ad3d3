//! A single word close to a subcommand is refused before any session.

use crate::support::quire::TestEnv;

#[test]
fn a_mistyped_subcommand_is_refused_with_a_suggestion_and_no_model_request() {
    let env = TestEnv::new("chat");
    for (args, want) in [
        (vec!["doctr"], "did you mean `quire doctor`?"),
        (vec!["skils", "list"], "did you mean `quire skills list`?"),
        (
            vec!["-m", "test-model", "exex"],
            "did you mean `quire exec`?",
        ),
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{args:?}: {}", run.stderr);
    }
    assert!(
        env.server.requests().is_empty(),
        "a typo must not reach the model"
    );
}

#[test]
fn a_real_subcommand_and_a_sentence_are_not_typos() {
    let env = TestEnv::new("chat");
    let run = env.run(&["skills", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
}

/// `quire init`, `quire login`, `quire config`, `quire update` (Codex's
/// and Claude Code's commands, or a slash command typed as one) say what
/// quire offers instead; no session starts with that word as its prompt.
#[test]
fn other_agents_commands_say_quires_way_and_reach_no_model() {
    let env = TestEnv::new("chat");
    for (word, want) in [
        ("init", "`/init` asks the model to write an AGENTS.md"),
        ("login", "quire has no account to log in to"),
        ("config", "settings live in ~/.quire/config.toml"),
        ("update", "installing it again from its source"),
    ] {
        let run = env.run(&[word]);
        assert_eq!(run.code, 2, "{word}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("'{word}' is not a quire command: "))
                && run.stderr.contains(want),
            "{word}: {}",
            run.stderr
        );
    }
    assert!(env.server.requests().is_empty());
}
