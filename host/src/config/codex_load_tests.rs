//! A Codex CLI config.toml loaded whole: what quire reads of it under
//! Codex's names, and one line for each key it does not use.

use super::*;

fn load_text(text: &str, overrides: &[&str]) -> (Config, Vec<String>) {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), text).unwrap();
    load(&LoadOptions {
        home: home.path().into(),
        overrides: overrides.iter().map(|o| o.to_string()).collect(),
        ..Default::default()
    })
    .unwrap()
}

const CODEX: &str = r#"
model = "m1"
model_provider = "local"
approval_policy = "never"
sandbox_mode = "workspace-write"
model_max_output_tokens = 2000
project_doc_max_bytes = 65536
file_opener = "vscode"
notify = ["notify-send", "Codex"]
model_auto_compact_token_limit = 100000

[model_providers.local]
name = "Local"
base_url = "http://127.0.0.1:1/v1"
env_key = "LOCAL_KEY"
wire_api = "chat"

[sandbox_workspace_write]
network_access = true

[shell_environment_policy]
inherit = "none"
set = { CI = "1" }

[history]
persistence = "none"

[tui]
notifications = true

[features]
web_search_request = true
"#;

#[test]
fn a_codex_config_loads_with_its_settings_and_one_line_per_unused_key() {
    let (c, w) = load_text(CODEX, &[]);
    assert!(c.network);
    assert_eq!(c.max_output_tokens, Some(2000));
    assert_eq!(c.project_doc_max_bytes, 65536);
    assert_eq!(c.provider, "local");
    let env = c
        .shell_env()
        .build_from([("HOME".into(), "/h".into())], true);
    // Nothing inherited (not HOME); `set`, and the editors that exit at
    // once which quire gives every command of the model.
    let names: Vec<&str> = env.iter().filter_map(|(k, _)| k.to_str()).collect();
    assert_eq!(
        names,
        [
            "CI",
            "EDITOR",
            "GIT_EDITOR",
            "GIT_SEQUENCE_EDITOR",
            "GIT_TERMINAL_PROMPT",
            "VISUAL"
        ]
    );
    assert!(env.contains(&("CI".into(), "1".into())));
    // Codex's `notify` is read as it is (a program run after each turn).
    assert_eq!(c.notify, ["notify-send", "Codex"]);
    for key in [
        "file_opener",
        "model_auto_compact_token_limit",
        "history",
        "tui",
        "features",
    ] {
        let named: Vec<&String> = w
            .iter()
            .filter(|l| l.contains(&format!("`{key}` (Codex CLI)")))
            .collect();
        assert_eq!(named.len(), 1, "{key}: {w:#?}");
    }
    assert_eq!(w.len(), 5, "{w:#?}");
    assert!(
        !w.iter().any(|l| l.contains("unknown config key")),
        "{w:#?}"
    );
    assert_eq!(
        c.codex_names,
        [
            "approval_policy",
            "model_max_output_tokens",
            "model_provider",
            "model_providers",
            "sandbox_mode",
            "sandbox_workspace_write",
            "shell_environment_policy"
        ]
    );
}

#[test]
fn network_access_follows_the_last_layer_under_either_name() {
    let (c, _) = load_text(CODEX, &["sandbox_workspace_write.network_access=false"]);
    assert!(!c.network);
    let (c, _) = load_text("[sandbox_workspace_write]\nnetwork_access = false\n", &[]);
    assert!(!c.network);
    let (c, _) = load_text(
        "[sandbox_workspace_write]\nnetwork_access = false\n",
        &["network=true"],
    );
    assert!(c.network);
    // A Codex key quire does not use, given with -c, is said, not refused.
    let (_, w) = load_text("", &["file_opener=cursor"]);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("-c file_opener=cursor: `file_opener` (Codex CLI)"));
}

#[test]
fn writable_roots_are_absolute_folders_not_holding_home() {
    let (c, _) = load_text(
        "[sandbox_workspace_write]\nwritable_roots = [\"/srv/out\"]\n",
        &[],
    );
    assert_eq!(c.writable_roots, [std::path::PathBuf::from("/srv/out")]);
    let home = std::env::var("HOME").unwrap_or_default();
    for (root, why) in [
        ("out", "must be an absolute path"),
        ("/", "holds your home folder"),
        (home.as_str(), "holds your home folder"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("[sandbox_workspace_write]\nwritable_roots = [{root:?}]\n");
        std::fs::write(dir.path().join("config.toml"), text).unwrap();
        let err = load(&LoadOptions {
            home: dir.path().into(),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(&format!("writable_roots: {root:?} {why}")),
            "{err}"
        );
    }
}
