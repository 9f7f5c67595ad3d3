//! A prompt typed without quotes (`quire fix the tests`) is refused with
//! the command written the right way, not clap's "unrecognized subcommand
//! 'the'" and a tip for `help`; nothing reaches the model.

use crate::support::quire::TestEnv;

#[test]
fn an_unquoted_prompt_is_refused_with_the_quoted_command() {
    let env = TestEnv::new("chat");
    for (args, says) in [
        (&["fix", "the", "tests"][..], "quire \"fix the tests\""),
        (
            &["exec", "-m", "m1", "fix", "the", "tests"][..],
            "quire exec -m m1 \"fix the tests\"",
        ),
        (
            &["skills", "pick", "fill", "a", "pdf"][..],
            "quire skills pick \"fill a pdf\"",
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("the prompt is one argument") && run.stderr.contains(says),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("subcommand"), "{}", run.stderr);
    }
    // `--json` promises JSON on stdout: the refusal is an error event.
    let run = env.run(&["exec", "--json", "fix", "the", "tests"]);
    assert_eq!(run.code, 2);
    let event: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(event["type"], "error");
    assert!(
        event["message"]
            .as_str()
            .unwrap()
            .contains("\"fix the tests\"")
    );
    assert!(env.server.requests().is_empty());
}
