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
