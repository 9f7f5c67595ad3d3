//! The setup's answers that are not what was asked: an API key pasted at
//! a question that is not for it is refused and never written; a server
//! typed as host:port gets `http://`; Ctrl-C stops the setup as Ctrl-D
//! does.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;

use super::first_run::{no_keys, setup_run, unconfigured};

const KEY: &str = "sk-proj-AbCdEf0123456789xyz";

/// The OpenAI path: a key pasted at `model [gpt-5.1]:` is refused with
/// the variable it belongs in, the question asked again.
#[test]
fn a_key_pasted_at_the_model_question_is_refused_and_not_saved() {
    let env = unconfigured();
    let run = setup_run(
        &env,
        super::first_run::closed_port(),
        &format!("1\n{KEY}\n\n\n"),
    );
    let screen = run.stdout;
    assert!(
        screen.contains(
            "that looks like an API key, which this question is not for; it was not saved"
        ) && screen.contains("the environment variable OPENAI_API_KEY (export OPENAI_API_KEY=…)"),
        "{screen}"
    );
    // Asked again after the refusal.
    assert_eq!(screen.matches("model [gpt-5.1]: ").count(), 2, "{screen}");
    // Once: the terminal's echo of what was typed.
    assert_eq!(screen.matches(KEY).count(), 1, "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("model = \"gpt-5.1\""), "{config}");
    assert!(!config.contains(KEY), "{config}");
}

/// A key after `Bearer `, shortened as dashboards show it, is a key too.
#[test]
fn a_bearer_header_typed_as_the_model_is_refused() {
    let env = unconfigured();
    let typed = "Bearer sk-proj-abc…789";
    let run = setup_run(
        &env,
        super::first_run::closed_port(),
        &format!("1\n{typed}\n\n\n"),
    );
    let screen = run.stdout;
    assert!(
        screen.contains("looks like an API key, which this question is not for"),
        "{screen}"
    );
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("model = \"gpt-5.1\""), "{config}");
    assert!(!config.contains("sk-proj"), "{config}");
}

/// The provider and the listed-model questions refuse a key as well; the
/// setup goes on to a config without it.
#[test]
fn a_key_pasted_at_the_provider_or_a_listed_model_is_refused() {
    let env = unconfigured();
    env.server.push(Reply::text("hello"));
    let run = setup_run(&env, env.server.port(), &format!("{KEY}\n3\n{KEY}\n1\n\n"));
    let screen = run.stdout;
    assert_eq!(run.code, 0, "{screen}{}", run.stderr);
    assert_eq!(
        screen
            .matches("looks like an API key, which this question is not for")
            .count(),
        2,
        "{screen}"
    );
    // No variable known for a local server: the message says how to name one.
    assert!(
        screen.contains("give that variable's name when the setup asks for it"),
        "{screen}"
    );
    assert_eq!(screen.matches(KEY).count(), 2, "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("model = \"test-model\""), "{config}");
    assert!(!config.contains(KEY), "{config}");
}

/// `127.0.0.1:PORT` for "another server" is taken as `http://127.0.0.1:PORT`.
#[test]
fn a_server_typed_as_host_and_port_gets_http() {
    let env = unconfigured();
    env.server.push(Reply::text("hello from host and port"));
    let closed = super::first_run::closed_port();
    let port = env.server.port();
    let run = setup_run(&env, closed, &format!("3\n127.0.0.1:{port}\n1\n\n"));
    let screen = run.stdout;
    assert_eq!(run.code, 0, "{screen}{}", run.stderr);
    assert!(
        screen.contains(&format!("using http://127.0.0.1:{port} (http:// added)"))
            && screen.contains(&format!(
                "checking http://127.0.0.1:{port}/v1/models…\r\nit answered: 3 models"
            )),
        "{screen}"
    );
    assert!(screen.contains("hello from host and port"), "{screen}");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    let base = env.server.base_url_openai();
    assert!(
        config.contains(&format!("base_url = \"{base}\"")),
        "{config}"
    );
}

/// Ctrl-C at a question: the message Ctrl-D gives, exit 130, no config.
#[test]
fn ctrl_c_stops_the_setup_and_writes_nothing() {
    let env = unconfigured();
    let mut cmd = env.command(&["exec", "say hello"]);
    no_keys(&mut cmd);
    cmd.env(
        "QUIRE_PROBE_PORTS",
        super::first_run::closed_port().to_string(),
    );
    let mut pty = Pty::spawn(cmd, 30, 120);
    pty.wait_text("provider [1]: ");
    pty.send("1\r");
    pty.wait_text("model [gpt-5.1]: ");
    pty.send("\x03");
    let code = pty.wait_exit();
    let screen = pty.screen();
    assert_eq!(code, 130, "{screen}");
    assert!(
        screen.contains("setup stopped; nothing was written (run quire again to restart it)"),
        "{screen}"
    );
    assert!(!env.home.path().join("config.toml").exists());
}
