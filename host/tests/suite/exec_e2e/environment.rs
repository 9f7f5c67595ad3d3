//! The environment of the commands the model runs: no variables named like
//! keys, secrets or tokens, never a provider's API key, the rest kept;
//! `[shell_environment]` changes it.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

/// Runs `env` through the shell tool and returns what it printed.
fn env_output(env: &TestEnv, vars: &[(&str, &str)]) -> (Run, String) {
    env.server.push_all([
        Reply::tool_call("env", "shell", json!({"command": "env"})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "show the environment"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let run = crate::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let output = done[0]["output"].as_str().unwrap_or("").to_string();
    (run, output)
}

#[test]
fn commands_get_no_secrets_by_default() {
    let env = TestEnv::with_config(
        "chat",
        "[providers.other]\nwire_api = \"chat\"\nbase_url = \"http://127.0.0.1:9/v1\"\napi_key_env = \"OTHER_LLM_CREDENTIAL\"\n",
    );
    let (run, output) = env_output(
        &env,
        &[
            ("FAKE_SECRET_KEY", "value-of-fake-secret"),
            ("GITHUB_TOKEN", "value-of-github-token"),
            ("OTHER_LLM_CREDENTIAL", "value-of-other-provider"),
            ("QUIRE_ORDINARY_VAR", "ordinary-value"),
        ],
    );
    assert!(
        output.contains("QUIRE_ORDINARY_VAR=ordinary-value"),
        "{output}"
    );
    assert!(output.contains("PATH="), "{output}");
    for secret in [
        "value-of-fake-secret",
        "value-of-github-token",
        "value-of-other-provider",
        // The session's own provider key (QUIRE_TEST_API_KEY).
        "test-key",
    ] {
        assert!(!output.contains(secret), "{secret} leaked: {output}");
        assert!(!run.stdout.contains(secret), "{secret} leaked");
        for f in env.session_files() {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            assert!(!text.contains(secret), "{secret} in the session file");
        }
    }
}

#[test]
fn shell_environment_table_changes_what_commands_get() {
    let env = TestEnv::with_config(
        "chat",
        "[shell_environment]\nignore_default_excludes = true\nexclude = [\"quire_drop_*\"]\nset = { QUIRE_SET_VAR = \"from-config\" }\n",
    );
    let (_, output) = env_output(
        &env,
        &[
            ("FAKE_SECRET_KEY", "value-of-fake-secret"),
            ("QUIRE_DROP_ME", "dropped-value"),
        ],
    );
    assert!(
        output.contains("FAKE_SECRET_KEY=value-of-fake-secret"),
        "{output}"
    );
    assert!(output.contains("QUIRE_SET_VAR=from-config"), "{output}");
    assert!(!output.contains("dropped-value"), "{output}");
    // The provider's key stays out even without the default excludes.
    assert!(!output.contains("test-key"), "{output}");
}

/// Commands have no terminal: `git commit` without `-m` gets an editor
/// that exits at once (not the user's, which would wait for the whole
/// timeout) and stops with git's own message.
#[test]
fn git_commit_without_a_message_fails_at_once_instead_of_waiting_in_an_editor() {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.email", "t@example.com"]);
    env.git(&["config", "user.name", "t"]);
    env.server.push_all([
        Reply::tool_call(
            "c",
            "shell",
            json!({"command": "git commit --allow-empty; echo rc=$?", "timeout_ms": 8000}),
        ),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "-s", "danger-full-access", "commit"]);
    // The user's editor: one that never finishes in time.
    cmd.env("GIT_EDITOR", "sleep 30;:")
        .env("EDITOR", "sleep 30;:");
    let run = crate::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let output = done[0]["output"].as_str().unwrap_or("");
    assert!(
        output.contains("Aborting commit due to empty commit message"),
        "{output}"
    );
    assert!(output.contains("rc=1"), "{output}");
    assert_eq!(done[0]["status"], "ok", "{output}");
}
