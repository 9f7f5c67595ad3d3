//! Where a provider's settings are read from: its keys written at the top
//! of config.toml or as `-c base_url=…` are sent to `[providers.NAME]`,
//! an `api_key` to an environment variable, `api_key_env = "$NAME"` is
//! told to drop the `$`, a `${VAR}` in base_url is refused at its line,
//! Ollama's own `OLLAMA_HOST` is read, and `OPENAI_API_BASE` is named
//! when the server cannot be reached.

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish};

fn config_path(env: &TestEnv) -> std::path::PathBuf {
    env.home.path().join("config.toml")
}

fn edit(env: &TestEnv, from: &str, to: &str) {
    let text = std::fs::read_to_string(config_path(env)).unwrap();
    assert!(text.contains(from), "{text}");
    std::fs::write(config_path(env), text.replacen(from, to, 1)).unwrap();
}

#[test]
fn provider_keys_at_the_top_or_in_c_are_sent_to_the_provider_table() {
    let env = TestEnv::with_config("chat", "base_url = \"http://127.0.0.1:9/v1\"");
    env.server.push(Reply::text("done"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "config.toml:3: unknown config key 'base_url' is ignored; base_url is a provider's key and belongs in its table: [providers.test] with base_url = … under it"
        ),
        "{}",
        run.stderr
    );

    let env = TestEnv::new("chat");
    let run = env.run(&["-c", "base_url=http://127.0.0.1:9/v1", "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("unknown config key 'base_url'; base_url is a provider's key: -c providers.test.base_url=…"),
        "{}",
        run.stderr
    );
    let run = env.run(&["-c", "api_key=abc", "exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("from an environment variable, never from config")
            && run
                .stderr
                .contains("-c providers.test.api_key_env=MY_API_KEY"),
        "{}",
        run.stderr
    );

    edit(
        &env,
        "api_key_env = \"QUIRE_TEST_API_KEY\"\n",
        "api_key_env = \"QUIRE_TEST_API_KEY\"\napi_key = \"abc\"\n",
    );
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown config key 'api_key'")
            && run.stderr.contains("(in [providers.test]); quire reads a provider's API key from an environment variable")
            && run.stderr.contains("write api_key_env = \"MY_API_KEY\" here"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_shell_reference_in_api_key_env_or_base_url_is_told_what_to_write() {
    for written in ["$QUIRE_TEST_API_KEY", "${QUIRE_TEST_API_KEY}"] {
        let env = TestEnv::new("chat");
        edit(&env, "\"QUIRE_TEST_API_KEY\"", &format!("\"{written}\""));
        let run = env.run(&["exec", "hi"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "`api_key_env` takes the variable's name without the $ (quire reads the variable itself): write api_key_env = \"QUIRE_TEST_API_KEY\""
            ),
            "{written}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("export MY_API_KEY"), "{}", run.stderr);
    }

    let env = TestEnv::new("chat");
    let text = std::fs::read_to_string(config_path(&env)).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("base_url"))
        .unwrap()
        + 1;
    let at = format!("{}:{line}: ", config_path(&env).display());
    let start = text.find("base_url = \"").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    std::fs::write(
        config_path(&env),
        format!(
            "{}base_url = \"${{QQ_HOST}}/v1\"{}",
            &text[..start],
            &text[end..]
        ),
    )
    .unwrap();
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{at}base_url is not expanded: quire reads no environment variables in it"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn ollama_host_is_read_and_openai_api_base_is_named() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("from ollama"));
    let host = format!("127.0.0.1:{}", env.server.port());
    let mut cmd = env.command(&["--provider", "ollama", "-m", "test-model", "exec", "hi"]);
    cmd.env("OLLAMA_HOST", &host).env_remove("OLLAMA_BASE_URL");
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("from ollama"), "{}", run.stdout);

    // OLLAMA_BASE_URL still wins.
    let mut cmd = env.command(&[
        "--provider",
        "ollama",
        "-m",
        "test-model",
        "-c",
        "retry.max_retries=0",
        "exec",
        "hi",
    ]);
    cmd.env("OLLAMA_HOST", &host)
        .env("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1");
    let run = finish(cmd.spawn().unwrap());
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("127.0.0.1:9"), "{}", run.stderr);

    let env = TestEnv::new("chat");
    edit(&env, &env.server.base_url_openai(), "http://127.0.0.1:9/v1");
    let mut cmd = env.command(&["-c", "retry.max_retries=0", "exec", "hi"]);
    cmd.env("OPENAI_API_BASE", "http://127.0.0.1:9/v1")
        .env_remove("OPENAI_BASE_URL");
    let run = finish(cmd.spawn().unwrap());
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("OPENAI_API_BASE is set, but quire does not read it: use OPENAI_BASE_URL"),
        "{}",
        run.stderr
    );
}

/// A server that cannot be reached is told with where its URL came from
/// when no base_url was set: OLLAMA_HOST, OLLAMA_BASE_URL, or the
/// built-in default; "base_url" only when one was set.
#[test]
fn an_unreachable_server_names_where_its_url_came_from() {
    let env = TestEnv::new("chat");
    let run_with = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["--provider", "ollama", "-m", "test-model"];
        args.extend(extra);
        args.extend(["-c", "retry.max_retries=0", "exec", "hi"]);
        let mut cmd = env.command(&args);
        cmd.env_remove("OLLAMA_HOST").env_remove("OLLAMA_BASE_URL");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let run = finish(cmd.spawn().unwrap());
        assert_ne!(run.code, 0, "{}", run.stderr);
        run.stderr
    };
    let err = run_with(&[("OLLAMA_HOST", "127.0.0.1:9")], &[]);
    assert!(
        err.contains("Is the server running? The URL is from OLLAMA_HOST=127.0.0.1:9."),
        "{err}"
    );
    assert!(!err.contains("base_url right"), "{err}");
    let err = run_with(&[("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1")], &[]);
    assert!(
        err.contains("The URL is from OLLAMA_BASE_URL=http://127.0.0.1:9/v1."),
        "{err}"
    );
    let err = run_with(
        &[],
        &["-c", "providers.ollama.base_url=\"http://127.0.0.1:9/v1\""],
    );
    assert!(
        err.contains("Is the server running and is base_url right?"),
        "{err}"
    );
}
