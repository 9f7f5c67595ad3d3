//! Unknown config keys get "did you mean" with the file and line; `-c`
//! keys too; values get a human sentence.

use crate::support::quire::{TestEnv, finish};

#[test]
fn unknown_keys_in_files_are_named_with_file_line_and_suggestion() {
    // The generated config.toml starts with provider and model lines.
    let env = TestEnv::with_config("chat", "maxturns = 5");
    let run = env.run(&["skills", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let config = env.home.path().join("config.toml");
    let want = format!(
        "{}:3: unknown config key 'maxturns' is ignored; did you mean 'max_turns'?",
        config.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);

    env.write(
        ".quire/config.toml",
        "# project\n[skills]\nenabeld = false\n",
    );
    // `quire trust` loads the settings it is asked to trust and refuses
    // them with the mistake named (every later run would stop on it).
    let run = env.run(&["trust"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            ".quire/config.toml:3: unknown config key 'enabeld'; did you mean 'enabled'?"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("is not trusted: fix the mistake above"),
        "{}",
        run.stderr
    );
}

#[test]
fn c_overrides_are_checked_like_files() {
    let env = TestEnv::new("chat");
    let run = env.run(&["-c", "modle=x", "skills", "list"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("-c modle=x: unknown config key 'modle'; did you mean 'model'?"),
        "{}",
        run.stderr
    );
    let run = env.run(&["-c", "max_turns=abc", "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "-c max_turns=abc: max_turns must be a whole number from 1 to 4294967295, got \"abc\""
        ),
        "{}",
        run.stderr
    );
    let run = env.run(&["-c", "sandbox=loose", "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "sandbox must be one of read-only, workspace-write, danger-full-access, got \"loose\""
        ),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn a_bad_value_in_a_file_names_the_file_and_line() {
    let env = TestEnv::new("chat");
    env.write(".quire/config.toml", "\n\nmax_turns = \"many\"\n");
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".quire/config.toml:3: max_turns must be a whole number from 1 to 4294967295, got \"many\""),
        "{}",
        run.stderr
    );
}

/// A value of the right type that makes no sense (0 bytes of tool output,
/// a context window of 0) is refused where it was set, and a word key
/// given a number lists the words.
#[test]
fn values_out_of_range_and_wrong_words_name_where_and_what_fits() {
    let env = TestEnv::new("chat");
    env.write(".quire/config.toml", "\nmodel_context_window = 0\n");
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            ".quire/config.toml:2: model_context_window must be at least 512 tokens, got 0"
        ),
        "{}",
        run.stderr
    );
    env.write(".quire/config.toml", "");
    for (kv, want) in [
        (
            "tool_output_limit=0",
            "-c tool_output_limit=0: tool_output_limit must be at least 256 bytes",
        ),
        (
            "compact_threshold=2.5",
            "-c compact_threshold=2.5: compact_threshold must be between 0.1 and 1.0",
        ),
        (
            "approval=3",
            "-c approval=3: approval must be one of never, on-request, untrusted, got 3",
        ),
        (
            "retry.max_retries=-1",
            "retry.max_retries must be a whole number, 0 or more, got -1",
        ),
    ] {
        let run = env.run(&["-c", kv, "exec", "hi"]);
        assert_eq!(run.code, 2, "{kv}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{kv}: {}", run.stderr);
    }
    assert!(env.server.requests().is_empty());
}

/// A misspelt key inside a `[[hooks.EVENT]]` element is named on its own
/// line and in its own table, not at the element's header nor in the
/// table before it.
#[test]
fn an_unknown_key_in_an_array_of_tables_names_its_line_and_table() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        "[skills]\nenabled = true\n\n[[hooks.UserPromptSubmit]] # mine\ntype = \"http\"\nurl = \"http://127.0.0.1:9/user\"\nallowed_env_varz = [\"A\"]\n",
    );
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            ".quire/config.toml:7: unknown config key 'allowed_env_varz'; did you mean 'allowed_env_vars'?"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("(in [[hooks.UserPromptSubmit]])"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

/// A bad QUIRE_PROVIDER (a stale export) is named as where the word came
/// from, not config.toml, where it is not written.
#[test]
fn an_unknown_provider_from_quire_provider_names_the_variable() {
    let env = TestEnv::new("chat");
    let run = finish(
        env.command(&["exec", "hi"])
            .env("QUIRE_PROVIDER", "opnai")
            .spawn()
            .unwrap(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("QUIRE_PROVIDER: unknown provider 'opnai'; did you mean 'openai'?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("set QUIRE_PROVIDER to one of them, or unset it"),
        "{}",
        run.stderr
    );
    // A flag chosen after it is the one named.
    let run = finish(
        env.command(&["exec", "--provider", "opnai", "hi"])
            .env("QUIRE_PROVIDER", "openai")
            .spawn()
            .unwrap(),
    );
    assert!(
        run.stderr.contains("unknown provider 'opnai'") && !run.stderr.contains("QUIRE_PROVIDER"),
        "{}",
        run.stderr
    );
}
