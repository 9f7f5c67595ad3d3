//! `quire doctor`: ok/warn/fail lines with the fix, exit 1 on a failure,
//! `--json` for scripts; MCP failures without transport internals.

use serde_json::Value;

use crate::support::quire::TestEnv;

fn checks(stdout: &str) -> (bool, Vec<Value>) {
    let v: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let ok = v["ok"].as_bool().expect("ok");
    (ok, v["checks"].as_array().cloned().unwrap_or_default())
}

fn find<'a>(checks: &'a [Value], area: &str, status: &str) -> Vec<&'a Value> {
    checks
        .iter()
        .filter(|c| c["area"] == area && c["status"] == status)
        .collect()
}

#[test]
fn a_healthy_setup_passes_and_says_what_it_checked() {
    let env = TestEnv::new("chat");
    let run = env.run(&["doctor", "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (ok, checks) = checks(&run.stdout);
    assert!(ok);
    assert_eq!(find(&checks, "provider", "ok").len(), 1, "{checks:#?}");
    let model = find(&checks, "model", "ok");
    assert!(
        model[0]["message"].as_str().unwrap().contains("test-model"),
        "{checks:#?}"
    );
    assert_eq!(find(&checks, "sandbox", "ok").len(), 1, "{checks:#?}");
    assert!(!find(&checks, "caches", "ok").is_empty());
    assert!(!find(&checks, "skills", "ok").is_empty());
    // The server was asked for its model list, never for a completion.
    let requests = env.server.requests();
    assert!(
        requests.iter().all(|r| r.path == "/v1/models"),
        "{requests:?}"
    );

    let human = env.run(&["doctor"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.starts_with("ok    provider")),
        "{}",
        human.stdout
    );
}

#[test]
fn failures_exit_1_with_the_fix_and_no_transport_internals() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let env = TestEnv::with_config(
        "chat",
        &format!("[mcp_servers.gone]\nurl = \"http://127.0.0.1:{closed}/mcp\"\n"),
    );
    // The model server answers 404 on /mcp: an HTTP failure.
    let extra = format!(
        "\n[mcp_servers.wrong]\nurl = \"{}/mcp\"\n",
        env.server.base_url_openai().trim_end_matches("/v1")
    );
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}{extra}")).unwrap();
    env.write(".quire/config.toml", "model = \"test-modle\"\n");

    let run = env.run(&["doctor", "--json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let (ok, checks) = checks(&run.stdout);
    assert!(!ok);
    let model = find(&checks, "model", "fail");
    assert_eq!(model.len(), 1, "{checks:#?}");
    assert!(
        model[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean 'test-model'?"),
        "{model:?}"
    );
    assert!(
        model[0]["fix"].as_str().unwrap().contains("-m"),
        "{model:?}"
    );
    let mcp = find(&checks, "mcp", "fail");
    assert_eq!(mcp.len(), 2, "{checks:#?}");
    for c in mcp {
        let m = c["message"].as_str().unwrap();
        assert!(!m.contains("rmcp::") && !m.contains("Transport ["), "{m}");
        assert!(m.contains("cannot connect to http://127.0.0.1:"), "{m}");
        assert!(c["fix"].as_str().unwrap().contains("quire mcp list"), "{c}");
    }

    let human = env.run(&["doctor"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.lines().any(|l| l.starts_with("FAIL  model")),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("fix: "), "{}", human.stdout);
}

#[test]
fn an_untrusted_repository_and_a_missing_key_are_reported() {
    let env = TestEnv::new("chat");
    // No trust entry: the repository's own config is ignored.
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let untrusted: String = text.split("\n[projects.").next().unwrap_or("").to_string();
    std::fs::write(&path, untrusted).unwrap();
    env.write(".quire/config.toml", "max_turns = 3\n");
    let mut cmd = env.command(&["doctor", "--json"]);
    cmd.env_remove("QUIRE_TEST_API_KEY");
    let run = crate::support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (_, checks) = checks(&run.stdout);
    let trust = find(&checks, "config", "warn");
    assert!(
        trust
            .iter()
            .any(|c| c["fix"].as_str().unwrap_or("").contains("quire trust")),
        "{checks:#?}"
    );
    let key = find(&checks, "provider", "fail");
    assert!(
        key[0]["message"]
            .as_str()
            .unwrap()
            .contains("QUIRE_TEST_API_KEY is not set"),
        "{checks:#?}"
    );
}

/// A server on 127.0.0.1 answering every request with `response` (a whole
/// HTTP response), for as long as the test runs.
fn answering(response: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    port
}

/// `quire doctor` with the test provider's base_url (and key setting)
/// replaced; it must exit 1.
fn doctor_against(base_url: &str, key: bool) -> Vec<Value> {
    let (code, checks) = doctor_exit_against(base_url, key);
    assert_eq!(code, 1, "{checks:#?}");
    checks
}

/// [`doctor_against`], whatever its exit code.
fn doctor_exit_against(base_url: &str, key: bool) -> (i32, Vec<Value>) {
    let env = TestEnv::new("chat");
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut text = text.replace(&env.server.base_url_openai(), base_url);
    if !key {
        text = text.replace("api_key_env = \"QUIRE_TEST_API_KEY\"\n", "");
    }
    std::fs::write(&path, text).unwrap();
    let run = env.run(&["doctor", "--json"]);
    (run.code, checks(&run.stdout).1)
}

/// A server error on `GET …/models` is a failure (exit 1), not a server
/// that lists no models.
#[test]
fn a_server_error_on_the_model_list_fails() {
    let port = answering(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    let checks = doctor_against(&format!("http://127.0.0.1:{port}/v1"), true);
    let fail = find(&checks, "provider", "fail");
    assert_eq!(fail.len(), 1, "{checks:#?}");
    let message = fail[0]["message"].as_str().unwrap();
    assert!(message.contains("HTTP 500"), "{message}");
    assert!(
        fail[0]["fix"].as_str().unwrap().contains("log"),
        "{checks:#?}"
    );
}

/// A 404 may be a server that lists no models (a warning), or a base_url
/// without its /v1: the fix says which path to check.
#[test]
fn a_missing_model_list_names_the_base_url_path() {
    let port = answering(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
    );
    let base = format!("http://127.0.0.1:{port}");
    let (code, checks) = doctor_exit_against(&base, true);
    assert_eq!(code, 0, "{checks:#?}");
    let warn = find(&checks, "provider", "warn");
    assert_eq!(warn.len(), 1, "{checks:#?}");
    let fix = warn[0]["fix"].as_str().unwrap();
    assert!(fix.contains(&format!("{base} has no /v1")), "{fix}");
    assert!(fix.contains("providers.test.base_url"), "{fix}");
}

/// With no key configured, an answer does not "accept the key".
#[test]
fn a_server_without_a_key_is_not_said_to_accept_one() {
    let port = answering(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\nConnection: close\r\n\r\n{\"data\":[{\"id\":\"test-model\"}]}",
    );
    let (code, checks) = doctor_exit_against(&format!("http://127.0.0.1:{port}/v1"), false);
    assert_eq!(code, 0, "{checks:#?}");
    let ok = find(&checks, "provider", "ok");
    assert_eq!(ok.len(), 1, "{checks:#?}");
    let message = ok[0]["message"].as_str().unwrap();
    assert!(!message.contains("accepted"), "{message}");
    assert!(message.contains("no API key is configured"), "{message}");
}

#[test]
fn a_base_url_serving_a_web_page_fails_naming_the_setting() {
    let port = answering(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 44\r\nConnection: close\r\n\r\n<html><body>Welcome to nginx</body></html>\r\n",
    );
    let checks = doctor_against(&format!("http://127.0.0.1:{port}"), true);
    let fail = find(&checks, "provider", "fail");
    assert_eq!(fail.len(), 1, "{checks:#?}");
    let message = fail[0]["message"].as_str().unwrap();
    assert!(message.contains("web page (text/html)"), "{message}");
    assert!(
        fail[0]["fix"].as_str().unwrap().contains("/v1"),
        "{checks:#?}"
    );
    assert!(find(&checks, "provider", "ok").is_empty(), "{checks:#?}");
}

#[test]
fn a_server_wanting_a_key_when_none_is_configured_says_which_setting() {
    let port = answering(
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    let checks = doctor_against(&format!("http://127.0.0.1:{port}/v1"), false);
    let fail = find(&checks, "provider", "fail");
    assert_eq!(fail.len(), 1, "{checks:#?}");
    let message = fail[0]["message"].as_str().unwrap();
    assert!(message.contains("none is configured"), "{message}");
    assert!(!message.contains("(none)"), "{message}");
    assert!(
        fail[0]["fix"].as_str().unwrap().contains("api_key_env"),
        "{checks:#?}"
    );
}

/// Counts of one read in the singular: the one session file of a first
/// task.
#[test]
fn counts_of_one_are_singular() {
    let env = TestEnv::new("chat");
    env.server
        .push(crate::support::model_server::Reply::text("hello"));
    assert_eq!(env.exec_json("hi", &[]).code, 0);
    assert_eq!(env.session_files().len(), 1);
    let out = env.run(&["doctor"]).stdout;
    let sessions = out
        .lines()
        .find(|l| l.contains("caches") && l.contains("sessions:"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(sessions.contains(" in 1 file at "), "{sessions}");

    // A config that does not load: the one check that ran.
    std::fs::write(env.home.path().join("config.toml"), "model = \n").unwrap();
    let run = env.run(&["doctor"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("\n1 check: 0 ok, 0 warnings, 1 failed"),
        "{}",
        run.stdout
    );
}

/// The `trust` line doctor's README promises: trusted, not trusted,
/// marked untrusted, or not a repository, each with how to change it.
#[test]
fn doctor_says_whether_the_repository_is_trusted() {
    let env = TestEnv::new("chat");
    let trust = |cmd: &mut std::process::Command| {
        let run = crate::support::quire::finish(cmd.spawn().expect("spawn"));
        let (_, checks) = checks(&run.stdout);
        let found = find(&checks, "trust", "ok");
        assert_eq!(found.len(), 1, "{checks:#?}");
        found[0]["message"].as_str().unwrap_or_default().to_string()
    };
    let doctor = || env.command(&["doctor", "--json"]);
    let said = trust(&mut doctor());
    assert!(
        said.contains("is trusted") && said.contains("`quire trust --revoke`"),
        "{said}"
    );
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    let said = trust(&mut doctor());
    assert!(
        said.contains("is not trusted") && said.contains("`quire trust` there"),
        "{said}"
    );
    assert_eq!(env.run(&["trust", "--deny"]).code, 0);
    let said = trust(&mut doctor());
    assert!(said.contains("is marked untrusted"), "{said}");

    let elsewhere = tempfile::tempdir().expect("tempdir");
    let said = trust(doctor().current_dir(elsewhere.path()));
    assert!(said.contains("is not in a git repository"), "{said}");
}

/// A missing API key's fix offers the first-run setup only when `quire`
/// would run it: when there is no config.toml.
#[test]
fn a_missing_key_offers_the_setup_only_without_a_config_file() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    std::fs::write(
        &config,
        "provider = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\n",
    )
    .unwrap();
    let doctor = || {
        let out = env
            .command(&["doctor", "--json"])
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("OPENAI_API_KEY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let (_, checks) = checks(&String::from_utf8_lossy(&out.stdout));
        let failed = find(&checks, "provider", "fail");
        failed[0]["fix"].as_str().unwrap_or("").to_string()
    };
    let fix = doctor();
    assert!(fix.contains("export ANTHROPIC_API_KEY=…"), "{fix}");
    assert!(!fix.contains("setup"), "{fix}");

    std::fs::remove_file(&config).unwrap();
    let fix = doctor();
    assert!(fix.contains("export OPENAI_API_KEY=…"), "{fix}");
    assert!(
        fix.contains("run `quire` in a terminal for the setup"),
        "{fix}"
    );
}

/// The lines known at once (config, trust) are printed before a server
/// that never answers has been waited for: doctor does not sit silent.
#[test]
fn lines_are_printed_as_the_checks_complete() {
    use std::io::BufRead;
    // Accepts connections (the kernel's backlog) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let url = format!("http://{}/v1", env.server.addr());
    let hung = format!("http://{}/v1", silent.local_addr().unwrap());
    std::fs::write(&config, text.replace(&url, &hung)).unwrap();
    let mut child = env.command(&["doctor"]).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").unwrap();
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(first.contains("config"), "{first}");
    assert!(
        still_running,
        "the first line came only after the provider check ended"
    );
}

/// A server that lists no models (LM Studio or llama-swap with nothing
/// loaded) is said to list none, with what to do, not with an empty
/// "pick one" list.
#[test]
fn a_server_listing_no_models_is_told_to_load_one() {
    let page = crate::support::page_server::PageServer::start(
        "application/json",
        r#"{"object":"list","data":[]}"#,
    );
    let env = TestEnv::new("chat");
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let url = format!("http://127.0.0.1:{}/v1", page.port());
    std::fs::write(&path, text.replace(&env.server.base_url_openai(), &url)).unwrap();
    let run = env.run(&["doctor", "--json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let (_, checks) = checks(&run.stdout);
    let model = find(&checks, "model", "fail");
    assert_eq!(model.len(), 1, "{checks:#?}");
    let message = model[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("lists no models"), "{message}");
    let fix = model[0]["fix"].as_str().unwrap_or_default();
    assert!(fix.contains("load test-model in the server"), "{fix}");
    assert!(!fix.ends_with(": "), "{fix}");
}

/// An Anthropic-wire base URL written with `/v1` (which the wire accepts
/// for its `/v1/messages`) is asked for `/v1/models`, not `/v1/v1/models`:
/// the key and the model are checked.
#[test]
fn an_anthropic_base_url_with_v1_lists_its_models() {
    let env = TestEnv::new("anthropic");
    let base = env.server.base_url_anthropic();
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let with_v1 = text.replace(
        &format!("base_url = \"{base}\""),
        &format!("base_url = \"{base}/v1\""),
    );
    assert_ne!(text, with_v1, "{text}");
    std::fs::write(&path, with_v1).unwrap();
    let run = env.run(&["doctor", "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (_, checks) = checks(&run.stdout);
    assert_eq!(find(&checks, "provider", "ok").len(), 1, "{checks:#?}");
    assert_eq!(find(&checks, "model", "ok").len(), 1, "{checks:#?}");
    let requests = env.server.requests();
    assert!(
        !requests.is_empty() && requests.iter().all(|r| r.path == "/v1/models"),
        "{requests:?}"
    );
}
