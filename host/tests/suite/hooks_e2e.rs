//! Hooks end to end: real bash and python scripts as hooks, and WASM
//! plugins' hooks, run by the real binary against the model server.
use crate::support;
use crate::support::guests;

mod background;
mod changed_guard;
mod claude;
mod claude_input;
mod claude_matchers;
mod claude_transcript;
mod contract;
mod dedup;
mod env_file;
mod fail_closed;
mod faults;
mod gone_guard;
mod http;
mod http_headers;
mod if_links;
mod listing;
mod paused;
mod permission_switch;
mod pinned;
mod planted_git;
mod planted_path;
mod program_folders;
mod sealed_settings;
mod session;
mod subfolder;
mod tools;
mod untrusted_repo;
mod updated_input;
mod wasm;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::{Run, TestEnv};

/// A test env whose repository the user has not trusted (TestEnv trusts
/// its repository).
pub fn untrusted_env(wire: &'static str) -> TestEnv {
    let env = TestEnv::new(wire);
    let run = env.run(&["trust", "--revoke"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env
}

/// Writes an executable script into the env's home and returns its path.
pub fn script(env: &TestEnv, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.home.path().join("hook-scripts");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A `[[hooks.EVENT]]` table for the user's config.toml.
pub fn hook_toml(event: &str, matcher: Option<&str>, command: &Path, extra: &str) -> String {
    let matcher = matcher
        .map(|m| format!("matcher = {m:?}\n"))
        .unwrap_or_default();
    format!(
        "\n[[hooks.{event}]]\n{matcher}command = {:?}\n{extra}\n",
        command.display().to_string()
    )
}

/// A user config with these hook tables (written after the env exists, so
/// scripts can live in its home).
pub fn add_user_hooks(env: &TestEnv, tables: &[String]) {
    let file = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    for t in tables {
        text.push_str(t);
    }
    std::fs::write(file, text).unwrap();
}

/// A repository's `.claude/settings.json` with one PreToolUse guard on
/// `Bash` running `command`.
pub fn bash_guard(command: &str) -> String {
    json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": command}
    ]}]}})
    .to_string()
}

/// `quire hooks trust`, checked to succeed.
pub fn trust_hooks(env: &TestEnv) -> Run {
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    trust
}

/// One `exec --json` session (approval `never`) in which the model runs
/// `command` in the shell as call `id`, checked to end well.
pub fn shell_session(env: &TestEnv, id: &str, command: &str) -> Run {
    env.server.push_all([
        Reply::tool_call(id, "shell", json!({"command": command})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// The `tool_completed` event of call `id` in `run`.
pub fn completed<'a>(run: &'a Run, id: &str) -> &'a Value {
    run.of_type("tool_completed")
        .into_iter()
        .find(|e| e["call_id"] == id)
        .unwrap_or_else(|| panic!("{id} completed: {:?}", run.types()))
}

/// The output of call `id` of `run`, checked to be refused without the
/// command running (it would have created `ran` in the repository).
pub fn refused_output<'a>(env: &TestEnv, run: &'a Run, id: &str) -> &'a str {
    assert!(
        !env.repo_path().join("ran").exists(),
        "the call ran unguarded"
    );
    let call = completed(run, id);
    assert_eq!(call["status"], "denied", "{call}");
    call["output"].as_str().unwrap_or("")
}

/// Whether a warning of `run` contains `text`.
pub fn warned(run: &Run, text: &str) -> bool {
    run.of_type("warning")
        .iter()
        .any(|w| w["message"].as_str().is_some_and(|m| m.contains(text)))
}
