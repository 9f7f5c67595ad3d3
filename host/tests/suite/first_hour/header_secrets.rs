//! Tokens in headers stay in the environment: `quire mcp add`'s help
//! writes `${VAR}` in single quotes and a header that holds a token
//! itself (the shell expanded it) or an empty `Bearer ` is warned about;
//! a provider's `headers` read `${VAR}` as an MCP server's do, and a
//! bare `$VAR` in them is warned about.

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish};

#[test]
fn mcp_add_help_quotes_the_variable_and_a_literal_token_is_warned_about() {
    let env = TestEnv::new("chat");
    let help = env.run(&["mcp", "add", "--help"]);
    assert!(
        help.stdout
            .contains("--header 'Authorization=Bearer ${DOCS_TOKEN}'"),
        "{}",
        help.stdout
    );
    assert!(
        !help.stdout.contains("\"Authorization=Bearer"),
        "{}",
        help.stdout
    );

    // What the shell makes of the double-quoted form: the token itself.
    let run = env.run(&[
        "mcp",
        "add",
        "docs",
        "--url",
        "http://127.0.0.1:9/mcp",
        "--header",
        "Authorization=Bearer secret-token-123",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: header Authorization holds a token itself"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("in single quotes"), "{}", run.stderr);
    assert!(!run.stderr.contains("secret-token-123"), "{}", run.stderr);

    // … and of it with the variable unset: an empty credential.
    let run = env.run(&[
        "mcp",
        "add",
        "docs2",
        "--url",
        "http://127.0.0.1:9/mcp",
        "--header",
        "Authorization=Bearer ",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: header Authorization is `Bearer` with no token"),
        "{}",
        run.stderr
    );

    // The right form: no warning, the variable kept in the file.
    let run = env.run(&[
        "mcp",
        "add",
        "docs3",
        "--url",
        "http://127.0.0.1:9/mcp",
        "--header",
        "Authorization=Bearer ${DOCS_TOKEN}",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("Bearer ${DOCS_TOKEN}"), "{config}");
}

fn with_provider_header(value: &str) -> TestEnv {
    let env = TestEnv::new("chat");
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "api_key_env = \"QUIRE_TEST_API_KEY\"\n",
        &format!("api_key_env = \"QUIRE_TEST_API_KEY\"\nheaders = {{ X-Gateway = \"{value}\" }}\n"),
    );
    std::fs::write(&path, text).unwrap();
    env
}

#[test]
fn a_provider_header_reads_a_variable_and_a_missing_one_is_named() {
    let env = with_provider_header("Bearer ${QQ_GATEWAY_TOKEN}");
    env.server.push(Reply::text("done"));
    let mut cmd = env.command(&["exec", "hi"]);
    cmd.env("QQ_GATEWAY_TOKEN", "abc123");
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert_eq!(
        requests[0].header("x-gateway"),
        Some("Bearer abc123"),
        "{:?}",
        requests[0].headers
    );

    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "providers.test.headers.X-Gateway uses the environment variable QQ_GATEWAY_TOKEN, which is not set"
        ),
        "{}",
        run.stderr
    );

    let env = with_provider_header("${QQ_UNSET_TOKEN:-fallback}");
    env.server.push(Reply::text("done"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        env.server.requests()[0].header("x-gateway"),
        Some("fallback")
    );
}

/// `$VAR` without braces in a provider's header is sent as written; the
/// warning at start says so and gives the braced form.
#[test]
fn a_bare_variable_in_a_provider_header_is_warned_about_at_start() {
    let env = with_provider_header("Bearer $QQ_GATEWAY_TOKEN");
    env.server.push(Reply::text("done"));
    let mut cmd = env.command(&["exec", "hi"]);
    cmd.env("QQ_GATEWAY_TOKEN", "abc123");
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: providers.test.headers.X-Gateway holds $QQ_GATEWAY_TOKEN, which is sent as written"
        ) && run.stderr.contains("write ${QQ_GATEWAY_TOKEN}"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("abc123"), "{}", run.stderr);
    assert_eq!(
        env.server.requests()[0].header("x-gateway"),
        Some("Bearer $QQ_GATEWAY_TOKEN")
    );
}

/// The advice keeps the header's own scheme (none for an API-key header,
/// `token` for GitHub's), `$VAR` without braces is told to take braces
/// (quire sends it as written), and `--env` gets the same warnings.
#[test]
fn mcp_add_advice_keeps_the_scheme_and_covers_bare_variables_and_env() {
    let env = TestEnv::new("chat");
    let add = |name: &str, flag: &str, value: &str| {
        let mut args = vec!["mcp", "add", name];
        if flag == "--header" {
            args.extend(["--url", "http://127.0.0.1:9/mcp"]);
        }
        args.extend([flag, value]);
        if flag == "--env" {
            args.extend(["--", "python3", "server.py"]);
        }
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stderr
    };
    let err = add("k1", "--header", "X-Api-Key=sk-proj-abcdefghijklmnop1234");
    assert!(
        err.contains("write --header 'X-Api-Key=${MY_KEY}' in single quotes"),
        "{err}"
    );
    assert!(!err.contains("Bearer") && !err.contains("sk-proj"), "{err}");
    let err = add(
        "k2",
        "--header",
        "Authorization=token ghp_abcdefghijklmnopqrstuvwx1234",
    );
    assert!(
        err.contains("write --header 'Authorization=token ${MY_TOKEN}'"),
        "{err}"
    );
    let err = add("k3", "--header", "Authorization=Bearer $DOCS_TOKEN");
    assert!(
        err.contains(
            "warning: header Authorization holds $DOCS_TOKEN, which is sent as written: quire reads ${DOCS_TOKEN} (with braces) from its environment, not $DOCS_TOKEN; write --header 'Authorization=Bearer ${DOCS_TOKEN}' in single quotes"
        ),
        "{err}"
    );
    assert!(!err.contains("token itself"), "{err}");

    let err = add("e1", "--env", "TOK=ghp_abcdefghijklmnopqrstuvwx1234");
    assert!(
        err.contains("warning: env TOK holds a token itself (not shown here)"),
        "{err}"
    );
    assert!(err.contains("--env 'TOK=${TOK}'"), "{err}");
    assert!(!err.contains("ghp_"), "{err}");
    let err = add("e2", "--env", "TOK=$TOK");
    assert!(err.contains("write --env 'TOK=${TOK}'"), "{err}");
    let err = add("e3", "--env", "TOK=${TOK}");
    assert!(!err.contains("warning"), "{err}");
}
