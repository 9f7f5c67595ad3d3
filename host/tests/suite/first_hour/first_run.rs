//! The first run with nothing configured: in a terminal (a pty from
//! `script`), a short setup finds the local model server, lists its
//! models, writes config.toml and the task runs; outside a terminal, an
//! error names the two ways to configure.

use std::io::Write;

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish};

/// A test env whose QUIRE_HOME has no config.toml and no key is set.
pub(super) fn unconfigured() -> TestEnv {
    let env = TestEnv::new("chat");
    std::fs::remove_file(env.home.path().join("config.toml")).unwrap();
    env
}

pub(super) fn no_keys(cmd: &mut std::process::Command) {
    for var in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL"] {
        cmd.env_remove(var);
    }
}

#[test]
fn outside_a_terminal_the_error_names_both_ways_to_configure() {
    let env = unconfigured();
    let mut cmd = env.command(&["exec", "hello"]);
    no_keys(&mut cmd);
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("export OPENAI_API_KEY="),
        "{}",
        run.stderr
    );
    let config = env.home.path().join("config.toml");
    assert!(
        run.stderr.contains(&format!("write {}", config.display())),
        "{}",
        run.stderr
    );
    assert!(!config.exists());
    assert!(env.server.requests().is_empty());
}

#[test]
fn in_a_terminal_the_setup_finds_the_local_server_and_writes_the_config() {
    let env = unconfigured();
    env.server.push(Reply::text("hello from the local model"));
    // Provider 3 (the local server; 1 and 2 are OpenAI and Anthropic),
    // model 2 (test-model-large), no key variable.
    let run = setup_run(&env, env.server.port(), "3\n2\n\n");
    let screen = run.stdout;
    assert_eq!(run.code, 0, "{screen}{}", run.stderr);
    let base = env.server.base_url_openai();
    assert!(
        screen.contains(&format!("the local server at {base} (3 models)")),
        "{screen}"
    );
    assert!(screen.contains("test-model-large"), "{screen}");
    assert!(screen.contains("hello from the local model"), "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("provider = \"local\""), "{config}");
    assert!(config.contains("model = \"test-model-large\""), "{config}");
    assert!(
        config.contains(&format!("base_url = \"{base}\"")),
        "{config}"
    );
    // The task went to the server with the chosen model.
    let asked: Vec<_> = env
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].body["model"], "test-model-large");
}

#[test]
fn a_typed_server_url_is_checked_and_corrected_to_where_the_api_answers() {
    let env = unconfigured();
    env.server.push(Reply::text("hello from the typed server"));
    let closed = closed_port();
    // Another server at a port where nothing listens (refused, not kept),
    // then the test server's address without /v1; model 1; no key.
    let port = env.server.port();
    let answers = format!("3\nhttp://127.0.0.1:{closed}/v1\nn\nhttp://localhost:{port}\n1\n\n");
    let run = setup_run(&env, closed, &answers);
    let screen = run.stdout;
    assert_eq!(run.code, 0, "{screen}{}", run.stderr);
    assert!(
        screen.contains(&format!(
            "no model list from http://127.0.0.1:{closed}/v1 (GET http://127.0.0.1:{closed}/v1/models): cannot reach"
        )) && screen.contains("start the server, or fix its base_url"),
        "{screen}"
    );
    let base = env.server.base_url_openai();
    assert!(
        screen.contains(&format!("the server answers at {base}")),
        "{screen}"
    );
    assert!(screen.contains("hello from the typed server"), "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(
        config.contains(&format!("base_url = \"{base}\"")),
        "{config}"
    );
    assert!(config.contains("model = \"test-model\""), "{config}");
}

/// A URL kept although nothing answered there is written as the check
/// asked it: with `/v1`, where requests go.
#[test]
fn a_kept_url_without_a_path_is_written_with_v1() {
    let env = unconfigured();
    let closed = closed_port();
    let answers = format!("3\nhttp://127.0.0.1:{closed}\ny\nmymodel\n\n");
    let run = setup_run(&env, closed, &answers);
    let screen = run.stdout;
    assert!(
        screen.contains(&format!("GET http://127.0.0.1:{closed}/v1/models")),
        "{screen}"
    );
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(
        config.contains(&format!("base_url = \"http://127.0.0.1:{closed}/v1\"")),
        "{config}"
    );
}

/// A key pasted where the variable's name is asked for is refused, asked
/// again, and neither written to config.toml nor repeated by quire.
#[test]
fn a_key_pasted_as_the_variable_name_is_refused_and_not_saved() {
    let env = unconfigured();
    env.server.push(Reply::text("hello"));
    let key = "sk_proj_AbCdEf0123456789";
    let run = setup_run(&env, env.server.port(), &format!("3\n1\n{key}\n\n"));
    let screen = run.stdout;
    assert!(screen.contains("looks like an API key itself"), "{screen}");
    // Once: the terminal's echo of what was typed.
    assert_eq!(screen.matches(key).count(), 1, "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(!config.contains(key), "{config}");
    assert!(!config.contains("api_key_env"), "{config}");
}

/// Runs `quire exec 'say hello'` in a terminal (`script`) with nothing
/// configured and `answers` typed; local servers are looked for only on
/// `probe`.
pub(super) fn setup_run(env: &TestEnv, probe: u16, answers: &str) -> crate::support::quire::Run {
    let line = format!("{} exec 'say hello'", env!("CARGO_BIN_EXE_quire"));
    let mut cmd = env.program("script");
    cmd.args(["-qfec", &line, "/dev/null"])
        .env("QUIRE_PROBE_PORTS", probe.to_string())
        .stdin(std::process::Stdio::piped());
    no_keys(&mut cmd);
    let mut child = cmd.spawn().expect("script (util-linux) is installed");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answers.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let run = finish(child);
    drop(stdin);
    run
}

/// [`setup_run`] against the test server as the one local server; what
/// the terminal showed.
fn setup_with(env: &TestEnv, answers: &str) -> String {
    setup_run(env, env.server.port(), answers).stdout
}

/// A port where nothing listens.
pub(super) fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A model the server does not list can be typed once confirmed; a number
/// out of range says both ways to answer.
#[test]
fn a_model_the_server_does_not_list_can_be_typed() {
    let env = unconfigured();
    env.server.push(Reply::text("hello"));
    let screen = setup_with(&env, "3\n5\nmy-own-model\ny\n\n");
    assert!(
        screen.contains("answer a number from 1 to 3, or type a model name"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "my-own-model is not in the server's list (test-model, test-model-large, gpt-5)"
        ) && screen.contains("use it anyway? [y/N]: "),
        "{screen}"
    );
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("model = \"my-own-model\""), "{config}");
}

/// A mistyped model name is not taken without asking: the nearest listed
/// name is suggested, and a "no" asks the model question again.
#[test]
fn a_mistyped_model_name_is_asked_about_with_the_nearest_name() {
    let env = unconfigured();
    env.server.push(Reply::text("hello"));
    let screen = setup_with(&env, "3\ntest-modle\n\n2\n\n");
    assert!(
        screen.contains("test-modle is not in the server's list")
            && screen.contains("did you mean 'test-model'?"),
        "{screen}"
    );
    assert_eq!(
        screen
            .matches("model [1] (a number, or type a name): ")
            .count(),
        2,
        "{screen}"
    );
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("model = \"test-model-large\""), "{config}");
}

/// The OpenAI path asks its model question under the same heading.
#[test]
fn every_provider_asks_which_model_under_a_heading() {
    let env = unconfigured();
    let screen = setup_with(&env, "1\n\n\n");
    let heading = screen.find("Which model?");
    let prompt = screen.find("model [gpt-5.1]");
    assert!(
        heading.is_some() && prompt.is_some() && heading < prompt,
        "{screen}"
    );
}

/// With no key in the environment and a local server found, an empty
/// answer to "Which provider?" picks that server, not OpenAI (which would
/// fail for want of a key).
#[test]
fn enter_at_the_provider_picks_the_local_server_when_no_key_is_set() {
    let env = unconfigured();
    env.server.push(Reply::text("hello"));
    let screen = setup_with(&env, "\n\n\n");
    assert!(screen.contains("provider [3]: "), "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("provider = \"local\""), "{config}");
    assert!(!config.contains("openai"), "{config}");
}
