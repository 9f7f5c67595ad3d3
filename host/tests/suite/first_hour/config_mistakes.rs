//! Config mistakes a newcomer makes, each named where it was written
//! with what to write instead: a key pasted into `api_key_env`, an enum
//! key written as a table, a bad value or unknown key in a profile, a
//! number in quotes, unknown keys of a repository being trusted, and a
//! provider table without `wire_api` (as Codex's examples write it).

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish};

const SECRET: &str = "sk-proj-AbCdEf0123456789SECRET";

fn all_output(run: &Run) -> String {
    format!("{}{}", run.stdout, run.stderr)
}

#[test]
fn a_key_written_in_api_key_env_is_refused_at_its_line_and_never_shown() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("api_key_env"))
        .unwrap()
        + 1;
    std::fs::write(
        &config,
        text.replace(
            "api_key_env = \"QUIRE_TEST_API_KEY\"",
            &format!("api_key_env = \"{SECRET}\""),
        ),
    )
    .unwrap();
    let at = format!("{}:{line}: `api_key_env` takes the NAME", config.display());
    for args in [
        &["exec", "hi"][..],
        &["doctor"],
        &["doctor", "--json"],
        &["review"],
    ] {
        let run = env.run(args);
        let out = all_output(&run);
        assert_ne!(run.code, 0, "{args:?}: {out}");
        assert!(!out.contains("SECRET"), "{args:?} shows the key: {out}");
        assert!(out.contains(&at), "{args:?}: {out}");
        assert!(
            out.contains("write api_key_env = \\\"MY_API_KEY\\\"")
                || out.contains("write api_key_env = \"MY_API_KEY\""),
            "{args:?}: {out}"
        );
    }
    // Not a variable's name either: refused alike, and Codex's env_key
    // (in a repository's config) is named as written.
    std::fs::write(&config, text.replace("QUIRE_TEST_API_KEY", "$MY KEY")).unwrap();
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&at), "{}", run.stderr);
    assert!(!run.stderr.contains("$MY KEY"), "{}", run.stderr);
    std::fs::write(&config, &text).unwrap();
    env.write(
        ".quire/config.toml",
        &format!("[model_providers.other]\nbase_url = \"http://127.0.0.1:9/v1\"\nenv_key = \"{SECRET}\"\n"),
    );
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".quire/config.toml:3: `env_key` takes the NAME"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("SECRET"), "{}", run.stderr);
    env.write(".quire/config.toml", "");
    // A `-c` override is named without its value.
    let set = format!("providers.test.api_key_env={SECRET}");
    let run = env.run(&["-c", &set, "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("-c providers.test.api_key_env=…: `api_key_env` takes the NAME"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("SECRET"), "{}", run.stderr);
    assert!(env.server.requests().is_empty());
}

#[test]
fn sandbox_or_approval_written_as_a_table_says_to_write_one_value() {
    for (table, key, value) in [
        ("sandbox", "mode", "read-only"),
        ("approval", "policy", "never"),
    ] {
        let env = TestEnv::with_config("chat", &format!("[{table}]\n{key} = \"{value}\""));
        let run = env.run(&["exec", "hi"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let want = format!(
            "config.toml:3: [{table}] makes `{table}` a table, but it takes a single value: write `{table} = …` above the file's first [table]"
        );
        assert!(run.stderr.contains(&want), "{}", run.stderr);
        assert!(
            !run.stderr.contains(&format!("got \"{key}\"")),
            "{}",
            run.stderr
        );
        assert!(env.server.requests().is_empty());
    }
}

#[test]
fn a_profile_is_checked_like_the_top_level_with_file_line_and_nearest_word() {
    let env = TestEnv::with_config(
        "chat",
        "\n[profiles.careful]\nsandbox = \"readonly\"\n\n[profiles.quick]\nmax_turns = \"5\"\n\n[profiles.typo]\nmax_turn = 5\napprovl = \"never\"\n",
    );
    let config = env.home.path().join("config.toml");
    let at = |n: usize| format!("{}:{n}: ", config.display());
    let run = env.run(&["-p", "careful", "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let want = format!(
        "{}sandbox must be one of read-only, workspace-write, danger-full-access, got \"readonly\"; did you mean 'read-only'?",
        at(5)
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);

    let run = env.run(&["-p", "quick", "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let want = format!(
        "{}max_turns must be a whole number from 1 to 4294967295, got \"5\" (text in quotes, not a number): write max_turns = 5 without the quotes",
        at(8)
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert!(!run.stderr.contains("u32"), "{}", run.stderr);

    // Unknown keys of a profile warn at their lines, in the file's order.
    env.server.push(Reply::text("ok"));
    let run = env.run(&["-p", "typo", "exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = format!(
        "{}unknown config key 'max_turn' is ignored; did you mean 'max_turns'?",
        at(11)
    );
    let second = format!(
        "{}unknown config key 'approvl' is ignored; did you mean 'approval'?",
        at(12)
    );
    let (a, b) = (run.stderr.find(&first), run.stderr.find(&second));
    assert!(a.is_some() && b.is_some() && a < b, "{}", run.stderr);
}

#[test]
fn a_number_in_quotes_at_the_top_level_says_to_write_it_without() {
    let env = TestEnv::with_config("chat", "max_turns = \"20\"");
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "config.toml:3: max_turns must be a whole number from 1 to 4294967295, got \"20\" (text in quotes, not a number): write max_turns = 20 without the quotes"
        ),
        "{}",
        run.stderr
    );
}

/// A number past its type's range (`-c` reads it as text) is called too
/// large, not text in quotes the user never wrote; a bad
/// `auto_activate_ratio` is named with its range.
#[test]
fn a_number_too_large_is_called_so_and_a_ratio_below_one_is_refused() {
    let env = TestEnv::new("chat");
    let run = env.run(&[
        "exec",
        "-c",
        "skills.body_tokens=99999999999999999999",
        "hi",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("(a number too large: at most 18446744073709551615)")
            && !run.stderr.contains("text in quotes"),
        "{}",
        run.stderr
    );
    let run = env.run(&["exec", "-c", "skills.auto_activate_ratio=0", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skills.auto_activate_ratio must be a number of at least 1"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn quire_trust_shows_the_unknown_keys_of_the_settings_it_trusts_in_line_order() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        "model = \"test-model\"\nmax_turn = 5\napprovl = \"never\"\n",
    );
    let run = env.run(&["trust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first =
        ".quire/config.toml:2: unknown config key 'max_turn' is ignored; did you mean 'max_turns'?";
    let second =
        ".quire/config.toml:3: unknown config key 'approvl' is ignored; did you mean 'approval'?";
    let (a, b) = (run.stderr.find(first), run.stderr.find(second));
    assert!(a.is_some() && b.is_some() && a < b, "{}", run.stderr);
    assert!(run.stdout.contains("trusted "), "{}", run.stdout);
    // The next run says them in the same order.
    env.server.push(Reply::text("ok"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (a, b) = (run.stderr.find(first), run.stderr.find(second));
    assert!(a.is_some() && b.is_some() && a < b, "{}", run.stderr);
}

#[test]
fn a_provider_table_without_wire_api_speaks_chat_and_doctor_says_so() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "model_provider = \"local\"\nmodel = \"test-model\"\n[model_providers.local]\nname = \"Local\"\nbase_url = \"{}\"\nenv_key = \"QUIRE_TEST_API_KEY\"\n",
            env.server.base_url_openai()
        ),
    )
    .unwrap();
    env.server.push(Reply::text("hello from chat"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("hello from chat"), "{}", run.stdout);
    let requests = env.server.requests();
    assert!(
        requests.iter().any(|r| r.path == "/v1/chat/completions"),
        "{requests:?}"
    );

    let run = env.run(&["doctor"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let said: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("has no wire_api"))
        .collect();
    assert_eq!(said.len(), 1, "{}", run.stdout);
    assert!(said[0].starts_with("ok    provider"), "{}", run.stdout);
    assert!(said[0].contains("\"chat\""), "{}", run.stdout);

    // A key that is missing gets the fix for a missing key, not the one
    // for an unknown provider.
    std::fs::write(
        &config,
        "provider = \"local\"\nmodel = \"test-model\"\n[providers.local]\nwire_api = \"chat\"\n",
    )
    .unwrap();
    let run = finish(env.command(&["doctor"]).spawn().unwrap());
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("base_url is missing"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("fix: add the key it names to the provider's table, [providers.local]"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("pick a provider"), "{}", run.stdout);
}
