//! A Codex CLI user's whole `~/.codex/config.toml` copied to quire's:
//! `quire exec` runs with it, each key quire does not use is named once
//! (as Codex's, not as an unknown key), `[sandbox_workspace_write]
//! network_access` reaches the sandbox (a sandboxed command connects to
//! 127.0.0.1, or cannot), `[shell_environment_policy]` shapes the
//! commands' environment, a Codex `trust_level` trusts the repository,
//! and a repository's own config widening the sandbox under Codex's
//! names needs trust.

use std::net::TcpListener;

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

/// The Codex keys of the copied file that quire does not use.
const UNUSED: [&str; 8] = [
    "file_opener",
    "model_auto_compact_token_limit",
    "check_for_update_on_startup",
    "history",
    "tui",
    "features",
    "tools",
    "otel",
];

/// A Codex config (the test's provider comes after it); `network`
/// is `network_access`.
fn codex_config(network: bool) -> String {
    format!(
        r#"approval_policy = "never"
sandbox_mode = "workspace-write"
file_opener = "vscode"
notify = ["true", "Codex"]
model_auto_compact_token_limit = 100000
check_for_update_on_startup = false
project_doc_max_bytes = 65536

[sandbox_workspace_write]
network_access = {network}
writable_roots = []
exclude_slash_tmp = false

[shell_environment_policy]
inherit = "core"
exclude = ["CODEX_E2E_*"]
set = {{ FROM_CODEX = "set" }}

[history]
persistence = "save-all"

[tui]
notifications = true

[features]
web_search_request = true

[tools]
web_search = true

[otel]
exporter = "none"

[mcp_servers.remote]
url = "http://127.0.0.1:9/mcp"
bearer_token_env_var = "REMOTE_TOKEN"
enabled = false

[agents]
max_threads = 3

[agents.reviewer]
description = "Reviews changes"
config_file = "reviewer.toml"

[profiles.fast]
approval_policy = "on-request"
"#
    )
}

/// The model's shell call: connect to `port` over TCP (bash's
/// /dev/tcp), then print two variables.
fn probe(port: u16) -> String {
    format!(
        "(exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected) 2>&1; echo \"set=$FROM_CODEX dropped=${{CODEX_E2E_SECRET:-none}}\""
    )
}

fn run_probe(env: &TestEnv, listener: &TcpListener) -> (Run, String) {
    let port = listener.local_addr().unwrap().port();
    env.server.push_all([
        Reply::tool_call("n1", "shell", json!({"command": probe(port)})),
        Reply::text("probed"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "probe"]);
    cmd.env("CODEX_E2E_SECRET", "leak");
    let run = crate::support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.of_type("tool_completed")[0]["output"]
        .as_str()
        .unwrap()
        .to_string();
    (run, out)
}

fn connected(listener: &TcpListener) -> bool {
    listener.set_nonblocking(true).unwrap();
    listener.accept().is_ok()
}

#[test]
fn a_copied_codex_config_runs_with_network_access_and_names_unused_keys_once() {
    let env = TestEnv::with_config("chat", &codex_config(true));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (run, out) = run_probe(&env, &listener);
    assert!(out.contains("connected"), "{out}");
    assert!(connected(&listener), "no connection arrived: {out}");
    assert!(out.contains("set=set dropped=none"), "{out}");
    let all = format!("{}{}", run.stdout, run.stderr);
    for key in UNUSED {
        let said = format!("`{key}` (Codex CLI)");
        assert_eq!(all.matches(&said).count(), 1, "{key}:\n{all}");
    }
    assert_eq!(
        all.matches("[agents.reviewer] (Codex agent role)").count(),
        1,
        "{all}"
    );
    assert!(!all.contains("unknown config key"), "{all}");
    // `notify` is read as Codex's (a program run after each turn).
    assert!(
        !all.contains("`notify`") && !all.contains("notify: cannot run"),
        "{all}"
    );
    // `quire doctor` says the file was read under Codex's names.
    let doctor = env.run(&["doctor"]);
    assert!(
        doctor.stdout.contains("read with Codex CLI's names: ")
            && doctor.stdout.contains("sandbox_workspace_write")
            && doctor.stdout.contains("(network on, Unix sockets off"),
        "{}",
        doctor.stdout
    );
}

#[test]
fn network_access_false_keeps_the_sandbox_off_the_network() {
    let env = TestEnv::with_config("chat", &codex_config(false));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (_, out) = run_probe(&env, &listener);
    assert!(!out.contains("connected"), "{out}");
    assert!(!connected(&listener), "a connection got through: {out}");
}

/// The repository's `.quire/config.toml` asks for the network under
/// Codex's name: not used until the repository is trusted, and `quire
/// trust` lists it as what it changes. The user's Codex `trust_level`
/// for the repository counts as trust.
#[test]
fn a_repository_widening_under_codex_names_needs_trust() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let (own, _) = text.split_once("[projects.").unwrap();
    std::fs::write(&config, own).unwrap();
    env.write(
        ".quire/config.toml",
        "[sandbox_workspace_write]\nnetwork_access = true\n",
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (run, out) = run_probe(&env, &listener);
    assert!(!out.contains("connected"), "{out}");
    assert!(!connected(&listener), "a connection got through: {out}");
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("is not a trusted repository"),
        "{}",
        run.stderr
    );
    // Codex's own trust entry for this repository trusts it.
    let repo = env.repo_path();
    std::fs::write(
        &config,
        format!(
            "{own}\n[projects.{:?}]\ntrust_level = \"trusted\"\n",
            repo.display().to_string()
        ),
    )
    .unwrap();
    let (_, out) = run_probe(&env, &listener);
    assert!(out.contains("connected"), "{out}");
    assert!(connected(&listener), "no connection arrived: {out}");
    // `quire trust` lists what the file changes.
    std::fs::write(&config, own).unwrap();
    let trust = env.run(&["trust"]);
    assert!(
        trust
            .stdout
            .contains("network = true: commands may use the network"),
        "{}",
        trust.stdout
    );
}

/// The model's shell call writing `file`, and whether it got there.
fn write_there(env: &TestEnv, file: &std::path::Path) -> bool {
    env.server.push_all([
        Reply::tool_call(
            "w1",
            "shell",
            json!({"command": format!("echo out > {}", file.display())}),
        ),
        Reply::text("wrote"),
    ]);
    let run = env.exec_json("write it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    file.exists()
}

/// `[sandbox_workspace_write] writable_roots` lets sandboxed commands
/// write that folder too; in a repository's own config it needs trust,
/// and `quire trust` lists it.
#[test]
fn writable_roots_are_writable_and_a_repository_needs_trust_to_add_them() {
    let out = crate::support::outside::outside_dir();
    let roots = format!(
        "[sandbox_workspace_write]\nwritable_roots = [{:?}]\n",
        out.path().display().to_string()
    );
    let env = TestEnv::with_config("chat", &roots);
    assert!(write_there(&env, &out.path().join("user.txt")));
    // The model is told, in its environment block.
    let said = format!(
        "commands and apply_patch may also write: {}",
        out.path().display()
    );
    let first = &env.server.requests()[0].raw_body;
    assert!(first.contains(&said), "{first}");
    // apply_patch writes there too.
    let patched = out.path().join("patched.txt");
    env.server.push_all([
        Reply::tool_call(
            "p1",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Add File: {}\n+from a patch\n*** End Patch", patched.display())}),
        ),
        Reply::text("patched"),
    ]);
    let run = env.exec_json("patch it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{done:?}");
    assert_eq!(std::fs::read_to_string(&patched).unwrap(), "from a patch\n");

    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let (own, _) = text.split_once("[projects.").unwrap();
    std::fs::write(&config, own).unwrap();
    env.write(".quire/config.toml", &roots);
    let file = out.path().join("repo.txt");
    assert!(
        !write_there(&env, &file),
        "an untrusted repository widened the sandbox"
    );
    let trust = env.run(&["trust"]);
    assert!(
        trust.stdout.contains(&format!(
            "writable_roots = [{:?}]: commands may write there too",
            out.path().display().to_string()
        )),
        "{}",
        trust.stdout
    );
    assert!(write_there(&env, &file));
}
