//! A resumed session continues with the model it last used (its last
//! `/model`, else the one it began with), not the one the config names
//! today, unless this run names a model itself; and says so.
use super::support;

use support::model_server::Reply;
use support::quire::{TestEnv, finish};

/// The `model` of each model request, in order.
fn models(env: &TestEnv) -> Vec<String> {
    env.server
        .model_requests()
        .into_iter()
        .map(|r| r.body["model"].as_str().unwrap_or("").to_string())
        .collect()
}

fn warnings(run: &support::quire::Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_model_switched_with_slash_model_is_kept_when_the_session_is_resumed() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("one"), Reply::text("two"), Reply::text("three")]);
    let r = super::repl(&env, &[], "first\n/model test-model-large\nsecond\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models(&env), ["test-model", "test-model-large"]);

    let run = env.exec_json("third", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(models(&env)[2], "test-model-large");
    assert_eq!(
        run.of_type("session_started")[0]["model"],
        "test-model-large"
    );
    let said = warnings(&run);
    assert!(
        said.iter()
            .any(|w| w.contains("continuing with model test-model-large")
                && w.contains("/model test-model")),
        "{said:?}"
    );

    // A model named on the command line wins, and is then the one last used.
    env.server
        .push_all([Reply::text("four"), Reply::text("five")]);
    let run = env.exec_json("fourth", &["--resume", "last", "-m", "test-model"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        warnings(&run)
            .iter()
            .all(|w| !w.contains("continuing with"))
    );
    let run = env.exec_json("fifth", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(models(&env)[3..], ["test-model", "test-model"]);
    assert!(
        warnings(&run)
            .iter()
            .all(|w| !w.contains("continuing with"))
    );
}

#[test]
fn a_config_naming_another_model_does_not_move_an_old_session_unless_asked() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("one"));
    let run = env.exec_json("first", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("model = \"test-model\"", "model = \"newer-model\""),
    )
    .unwrap();

    env.server
        .push_all([Reply::text("two"), Reply::text("three")]);
    let run = env.exec_json("second", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = warnings(&run);
    assert!(
        said.iter()
            .any(|w| w.contains("continuing with model test-model")
                && w.contains("the config names newer-model")),
        "{said:?}"
    );
    // QUIRE_MODEL names the model for this run: it is used.
    let mut cmd = env.command(&["exec", "--json", "--resume", "last", "third"]);
    cmd.env("QUIRE_MODEL", "newer-model");
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(models(&env), ["test-model", "test-model", "newer-model"]);
    // A new session takes the config's model.
    env.server.push(Reply::text("four"));
    let run = env.exec_json("fresh", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(models(&env)[3], "newer-model");
}

/// A session begun read-only and resumed with the default sandbox says
/// so, naming the flags that keep the session's; the same settings say
/// nothing.
#[test]
fn a_resumed_session_on_wider_settings_than_it_began_with_says_so() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("one"), Reply::text("two"), Reply::text("three")]);
    let run = env.exec_json(
        "first",
        &["--sandbox", "read-only", "--approval", "untrusted"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    let run = env.exec_json("second", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = warnings(&run);
    assert!(
        said.iter().any(|w| w.contains(
            "this session began with sandbox read-only and approval untrusted; this run uses sandbox workspace-write and approval on-request (pass --sandbox read-only --approval untrusted"
        )),
        "{said:?}"
    );

    let run = env.exec_json(
        "third",
        &[
            "--resume",
            "last",
            "--sandbox",
            "read-only",
            "--approval",
            "untrusted",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        warnings(&run).iter().all(|w| !w.contains("began with")),
        "{:?}",
        warnings(&run)
    );
}
