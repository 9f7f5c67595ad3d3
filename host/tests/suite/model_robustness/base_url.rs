//! Where requests go: an Anthropic base URL with `/v1`, a 404 naming the
//! setting to fix.

use crate::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// Rewrites the test provider's base_url in the generated config.
fn set_base_url(env: &TestEnv, base_url: &str) {
    let path = env.home.path().join("config.toml");
    let config = std::fs::read_to_string(&path).expect("read config");
    let start = config.find("base_url = \"").expect("a base_url");
    let end = start + config[start..].find('\n').expect("end of line");
    let config = format!(
        "{}base_url = \"{base_url}\"{}",
        &config[..start],
        &config[end..]
    );
    std::fs::write(path, config).expect("write config");
}

#[test]
fn an_anthropic_base_url_ending_in_v1_requests_v1_messages_once() {
    for suffix in ["/v1", "/v1/", ""] {
        let env = TestEnv::new("anthropic");
        set_base_url(
            &env,
            &format!("{}{suffix}", env.server.base_url_anthropic()),
        );
        env.server.push(Reply::text("hello"));
        let run = env.exec_json("hi", &[]);
        assert_eq!(run.code, 0, "{suffix:?}: {}", run.stderr);
        let requests = env.server.requests();
        assert_eq!(requests.len(), 1, "{suffix:?}");
        assert_eq!(requests[0].path, "/v1/messages", "{suffix:?}");
    }
}

#[test]
fn a_404_names_the_url_and_the_base_url_setting() {
    let env = TestEnv::new("chat");
    // The OpenAI-style wires need the /v1 in the base URL.
    set_base_url(&env, &env.server.base_url_anthropic());
    let run = env.run(&["exec", "hi"]);
    assert_ne!(run.code, 0);
    let url = format!("{}/chat/completions", env.server.base_url_anthropic());
    assert!(
        run.stderr.contains(&url)
            && run
                .stderr
                .contains("check the path of base_url (providers.test.base_url in config.toml)")
            && run.stderr.contains("has no /v1"),
        "{}",
        run.stderr
    );
}

/// A 404 whose body says the model is unknown (Ollama, vLLM, OpenAI) points
/// at the model name, not at base_url.
#[test]
fn a_404_about_an_unknown_model_points_at_the_model_name() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::status_with_body(
        404,
        serde_json::json!({"error": {"message": "model \"nonexistent-zzz\" not found, try pulling it first"}}),
    ));
    let run = env.run(&["exec", "-m", "nonexistent-zzz", "hi"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("the server does not know this model")
            && !run.stderr.contains("check base_url"),
        "{}",
        run.stderr
    );
}

/// A base_url that is no HTTP URL is refused where it was written: a
/// built-in provider's variable (`OPENAI_BASE_URL` without a scheme), or
/// the `-c` override; the
/// config key only when a file set it.
#[test]
fn a_bad_base_url_names_the_variable_or_override_that_set_it() {
    let env = TestEnv::new("chat");
    for value in ["127.0.0.1:19000/v1", " 127.0.0.1:19000/v1"] {
        let run = env
            .command(&["exec", "-c", "provider=openai", "hi"])
            .env("OPENAI_API_KEY", "sk-test")
            .env("OPENAI_BASE_URL", value)
            .output()
            .expect("run quire");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{value:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "OPENAI_BASE_URL: must start with http:// or https://, got \"{}\"",
                value.trim()
            )) && !stderr.contains("providers.openai.base_url must"),
            "{value:?}: {stderr}"
        );
    }
    // `-c` wins over the variable, and is named.
    let run = env
        .command(&[
            "exec",
            "-c",
            "provider=openai",
            "-c",
            "providers.openai.base_url=notaurl",
            "hi",
        ])
        .env("OPENAI_API_KEY", "sk-test")
        .env("OPENAI_BASE_URL", "also-not-a-url")
        .output()
        .expect("run quire");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("-c providers.openai.base_url=notaurl: providers.openai.base_url must start with http:// or https://, got \"notaurl\""),
        "{stderr}"
    );
    let run = env.run(&[
        "exec",
        "-c",
        "providers.local.base_url=notaurl",
        "-c",
        "provider=local",
        "-c",
        "providers.local.wire_api=chat",
        "hi",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("-c providers.local.base_url=notaurl: providers.local.base_url must start with http:// or https://, got \"notaurl\""),
        "{}",
        run.stderr
    );
    set_base_url(&env, "localhost:1/v1");
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "providers.test.base_url must start with http:// or https://, got \"localhost:1/v1\""
        ),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

/// Spaces around a base URL (a CI secret pasted with its newline, a
/// config value with a stray space) are not part of it: the requests go
/// to the URL inside them.
#[test]
fn spaces_around_a_base_url_are_not_part_of_it() {
    let env = TestEnv::new("chat");
    let url = env.server.base_url_openai();
    env.server.push(Reply::text("hello"));
    let run = env
        .command(&[
            "exec",
            "-c",
            "provider=openai",
            "-c",
            "providers.openai.wire_api=chat",
            "hi",
        ])
        .env("OPENAI_API_KEY", "sk-test")
        .env("OPENAI_BASE_URL", format!(" {url}\n"))
        .output()
        .expect("run quire");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    set_base_url(&env, &format!("{url} "));
    env.server.push(Reply::text("hello again"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let paths: Vec<String> = env
        .server
        .requests()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, ["/v1/chat/completions", "/v1/chat/completions"]);
}

/// A base_url with a query string (`…/v1?api-key=K`, where quire would
/// append the API path after the query) is refused before any request,
/// with the query's values masked, in `exec` and `doctor`.
#[test]
fn a_base_url_with_a_query_is_refused_with_its_values_masked() {
    let env = TestEnv::new("chat");
    set_base_url(
        &env,
        &format!("{}?api-key=qsecret-555", env.server.base_url_openai()),
    );
    for args in [&["exec", "hi"][..], &["doctor"][..]] {
        let run = env.run(args);
        assert_ne!(run.code, 0, "{args:?}: {}", run.stdout);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("qsecret"), "{args:?}: {all}");
        assert!(
            all.contains("providers.test.base_url has a query string or fragment")
                && all.contains("?api-key=***")
                && all.contains("cannot send query parameters"),
            "{args:?}: {all}"
        );
    }
    assert!(env.server.requests().is_empty());
}
