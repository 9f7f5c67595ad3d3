//! Other agents' command forms typed to quire: Claude Code's `-c`
//! (continue) with no value, Codex's `apply`/`cloud` and Claude Code's
//! `setup-token`/`install` alone, and Claude Code's `mcp add` forms, each
//! answered with quire's way and nothing sent to a model or written.

use crate::support::quire::TestEnv;

#[test]
fn claude_continue_flag_without_a_value_gets_the_resume_hint() {
    let env = TestEnv::new("chat");
    for args in [&["-c"][..], &["-c", "-p", "fix it"], &["--config"]] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("takes KEY=VALUE here (--config, as in Codex)")
                && run.stderr.contains("`quire --resume last`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(env.server.requests().is_empty());
}

#[test]
fn other_tools_commands_alone_are_refused_with_quires_way() {
    let env = TestEnv::new("chat");
    for (word, says) in [
        ("apply", "quire has no cloud tasks"),
        ("cloud", "quire has no cloud tasks"),
        ("setup-token", "no account or token"),
        ("install", "installed from its source"),
    ] {
        let run = env.run(&[word]);
        assert_eq!(run.code, 2, "{word}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("error: '{word}' is not a quire command: "))
                && run.stderr.contains(says),
            "{word}: {}",
            run.stderr
        );
    }
    assert!(env.server.requests().is_empty());
}

#[test]
fn claude_mcp_add_forms_get_quires_form_and_nothing_is_written() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let before = std::fs::read_to_string(&config).unwrap();
    for (args, fixed) in [
        (
            &[
                "mcp",
                "add",
                "--transport",
                "http",
                "docs",
                "http://127.0.0.1:8931/mcp",
            ][..],
            "write quire mcp add docs --url http://127.0.0.1:8931/mcp",
        ),
        (
            &["mcp", "add", "docs", "http://127.0.0.1:8931/mcp"],
            "write quire mcp add docs --url http://127.0.0.1:8931/mcp",
        ),
        (
            &["mcp", "add", "fs", "-e", "KEY=1", "--", "npx", "x"],
            "write quire mcp add fs --env KEY=1 -- npx x",
        ),
        (
            &["mcp", "add", "-s", "user", "fs", "--", "npx", "x"],
            "write quire mcp add fs -- npx x; quire mcp add writes your ~/.quire/config.toml",
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("that is Claude Code's form of `mcp add`")
                && run.stderr.contains(fixed),
            "{args:?}: {}",
            run.stderr
        );
    }
    // clap's tip, followed: no server whose program is an option.
    let run = env.run(&[
        "mcp",
        "add",
        "docs",
        "--",
        "--transport",
        "http",
        "http://127.0.0.1:8931/mcp",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("'--transport' is an option, not a program"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
}
