use super::*;

fn table(text: &str) -> Table {
    text.parse().unwrap()
}

#[test]
fn codex_names_become_quires() {
    let (t, said) = layer(table(
        "sandbox_mode = \"read-only\"\napproval_policy = \"untrusted\"\nmodel_provider = \"x\"\n\
         [model_providers.x]\nname = \"X\"\nbase_url = \"http://h/v1\"\nenv_key = \"K\"\nwire_api = \"chat\"\n\
         http_headers = { A = \"b\" }\nstream_idle_timeout_ms = 1500\n\
         [providers.y]\nwire_api = \"chat\"\n",
    ))
    .unwrap();
    assert!(said.is_empty(), "{said:?}");
    let want = table(
        "sandbox = \"read-only\"\napproval = \"untrusted\"\nprovider = \"x\"\n\
         [providers.x]\nbase_url = \"http://h/v1\"\napi_key_env = \"K\"\nwire_api = \"chat\"\n\
         headers = { A = \"b\" }\nstream_idle_timeout_secs = 2\n\
         [providers.y]\nwire_api = \"chat\"\n",
    );
    assert_eq!(t, want);
}

#[test]
fn on_failure_is_on_request_with_a_warning_under_either_name() {
    for key in ["approval_policy", "approval"] {
        let (t, said) = layer(table(&format!("{key} = \"on-failure\"\n"))).unwrap();
        assert_eq!(t["approval"].as_str(), Some("on-request"));
        assert_eq!(said.len(), 1);
        assert_eq!(said[0].path, vec![key.to_string()]);
        assert!(said[0].message.contains("read as \"on-request\""));
    }
}

#[test]
fn both_names_in_one_layer_are_refused_naming_both() {
    let err = layer(table(
        "sandbox = \"danger-full-access\"\nsandbox_mode = \"read-only\"\n",
    ))
    .unwrap_err();
    assert_eq!(err.path, vec!["sandbox_mode"]);
    assert!(
        err.message
            .starts_with("sandbox_mode and sandbox are both set"),
        "{}",
        err.message
    );
    let err = layer(table(
        "[providers.x]\nwire_api = \"chat\"\n[model_providers.x]\nbase_url = \"http://h\"\n",
    ))
    .unwrap_err();
    assert!(
        err.message
            .contains("[model_providers.x] and [providers.x] both define"),
        "{}",
        err.message
    );
}

#[test]
fn provider_keys_quire_cannot_honour_are_refused_by_name() {
    for (key, why) in [
        ("query_params = { api-version = \"1\" }", "query parameters"),
        (
            "env_http_headers = { A = \"B\" }",
            "read ${VAR} from the environment",
        ),
        ("request_max_retries = 3", "[retry]"),
        ("requires_openai_auth = true", "ChatGPT"),
        ("api_key_env = \"K\"", "[providers.x]"),
    ] {
        let err = layer(table(&format!("[model_providers.x]\n{key}\n"))).unwrap_err();
        let name = key.split(' ').next().unwrap();
        assert_eq!(err.path, vec!["model_providers", "x", name]);
        assert!(
            err.message
                .starts_with(&format!("model_providers.x.{name} has no quire equivalent"))
                && err.message.contains(why),
            "{}",
            err.message
        );
    }
}

#[test]
fn bad_words_name_the_key_as_written() {
    let err = layer(table("sandbox_mode = \"read-onyl\"\n")).unwrap_err();
    assert_eq!(
        err.message,
        "sandbox_mode must be one of read-only, workspace-write, danger-full-access, got \"read-onyl\"; did you mean 'read-only'?"
    );
    let err = layer(table("[model_providers.x]\nwire_api = \"grpc\"\n")).unwrap_err();
    assert!(
        err.message
            .starts_with("model_providers.x.wire_api must be one of chat, responses"),
        "{}",
        err.message
    );
}

#[test]
fn keys_and_overrides() {
    assert_eq!(quire_key("approval_policy"), "approval");
    assert_eq!(
        quire_key("model_providers.x.env_key"),
        "providers.x.api_key_env"
    );
    assert_eq!(
        quire_key("model_providers.x.http_headers.A"),
        "providers.x.headers.A"
    );
    assert_eq!(quire_key("max_turns"), "max_turns");
    assert_eq!(shown_key("sandbox_mode"), "sandbox (sandbox_mode)");
    assert_eq!(shown_key("sandbox"), "sandbox");
    let clash = override_clash(&["sandbox=read-only".into(), "sandbox_mode=x".into()]);
    assert!(clash.is_some_and(|c| c.starts_with("-c sandbox_mode=… and -c sandbox=…")),);
    assert_eq!(
        override_clash(&["sandbox_mode=read-only".into(), "approval=never".into()]),
        None
    );
}

#[test]
fn sandbox_workspace_write_network_access_is_network() {
    for on in [true, false] {
        let (t, said) = layer(table(&format!(
            "[sandbox_workspace_write]\nnetwork_access = {on}\nwritable_roots = []\nexclude_slash_tmp = false\nexclude_tmpdir_env_var = false\n"
        )))
        .unwrap();
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(t, table(&format!("network = {on}\nwritable_roots = []\n")));
    }
    // Without network_access it sets nothing.
    let (t, _) = layer(table("[sandbox_workspace_write]\n")).unwrap();
    assert!(t.is_empty(), "{t:?}");
    let err = layer(table(
        "network = false\n[sandbox_workspace_write]\nnetwork_access = true\n",
    ))
    .unwrap_err();
    assert!(
        err.message.starts_with(
            "sandbox_workspace_write.network_access and network are both set (sandbox_workspace_write.network_access is Codex's name for network)"
        ),
        "{}",
        err.message
    );
    let err = layer(table(
        "[sandbox_workspace_write]\nnetwork_access = \"yes\"\n",
    ))
    .unwrap_err();
    assert_eq!(
        err.message,
        "sandbox_workspace_write.network_access must be true or false, got \"yes\""
    );
}

#[test]
fn sandbox_settings_quire_cannot_honour_are_said_one_line_each() {
    let (t, said) = layer(table(
        "[sandbox_workspace_write]\nwritable_roots = [\"/data\"]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\nallow_git = true\n",
    ))
    .unwrap();
    assert_eq!(t, table("writable_roots = [\"/data\"]\n"));
    let lines: Vec<(String, &str)> = said
        .iter()
        .map(|s| (s.path.join("."), s.message.as_str()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    for (key, why) in [
        ("allow_git", "is not a key quire reads"),
        ("exclude_slash_tmp", "always lets commands write /tmp"),
        (
            "exclude_tmpdir_env_var",
            "always lets commands write $TMPDIR",
        ),
    ] {
        let key = format!("sandbox_workspace_write.{key}");
        assert!(
            lines
                .iter()
                .any(|(k, m)| *k == key && m.starts_with(&key) && m.contains(why)),
            "{key}: {lines:#?}"
        );
    }
    let err = layer(table(
        "writable_roots = []\n[sandbox_workspace_write]\nwritable_roots = [\"/d\"]\n",
    ))
    .unwrap_err();
    assert!(
        err.message
            .starts_with("sandbox_workspace_write.writable_roots and writable_roots are both set"),
        "{}",
        err.message
    );
    assert_eq!(
        quire_key("sandbox_workspace_write.writable_roots"),
        "writable_roots"
    );
}

#[test]
fn shell_environment_policy_is_shell_environment() {
    let (t, said) = layer(table(
        "[shell_environment_policy]\ninherit = \"core\"\nignore_default_excludes = true\nexclude = [\"AWS_*\"]\n\
         set = { CI = \"1\" }\ninclude_only = [\"PATH\", \"CI\"]\nexperimental_use_profile = false\n",
    ))
    .unwrap();
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(
        t,
        table(
            "[shell_environment]\ninherit = \"core\"\nignore_default_excludes = true\nexclude = [\"AWS_*\"]\n\
             set = { CI = \"1\" }\ninclude_only = [\"PATH\", \"CI\"]\n"
        )
    );
    let (_, said) = layer(table(
        "[shell_environment_policy]\nexperimental_use_profile = true\nfilters = {}\n",
    ))
    .unwrap();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[1].message.contains("filters (Codex) is ignored"));
    assert!(
        said[0]
            .message
            .contains("experimental_use_profile = true (Codex) is not honoured")
    );
    let err = layer(table("[shell_environment_policy]\ninherit = \"some\"\n")).unwrap_err();
    assert!(
        err.message
            .starts_with("shell_environment_policy.inherit must be one of all, core, none"),
        "{}",
        err.message
    );
    for (bad, want) in [
        (
            "exclude = \"AWS_*\"",
            "exclude must be a list of names or patterns",
        ),
        ("set = { A = 1 }", "set must be a table of texts"),
        (
            "ignore_default_excludes = \"yes\"",
            "ignore_default_excludes must be true or false",
        ),
    ] {
        let err = layer(table(&format!("[shell_environment_policy]\n{bad}\n"))).unwrap_err();
        assert!(
            err.message
                .starts_with(&format!("shell_environment_policy.{want}")),
            "{}",
            err.message
        );
    }
    assert_eq!(
        quire_key("shell_environment_policy.set.CI"),
        "shell_environment.set.CI"
    );
    assert_eq!(
        quire_key("sandbox_workspace_write.network_access"),
        "network"
    );
}

#[test]
fn codex_keys_quire_does_not_use_are_said_and_left_out() {
    let (t, said) = layer(table(
        "file_opener = \"vscode\"\nnotify = [\"notify-send\"]\nmodel = \"m\"\n[tui]\nanimations = false\n",
    ))
    .unwrap();
    // `notify` is quire's too (agent/notify.rs).
    assert_eq!(t, table("notify = [\"notify-send\"]\nmodel = \"m\"\n"));
    let said: Vec<(String, &str)> = said
        .iter()
        .map(|s| (s.path.join("."), s.message.as_str()))
        .collect();
    assert_eq!(said.len(), 2, "{said:#?}");
    assert!(
        said[0]
            .1
            .starts_with("`file_opener` (Codex CLI) is Codex's choice of editor")
    );
    assert_eq!(said[1].0, "tui");
    assert_eq!(
        codex_names(&table(
            "sandbox_mode = \"read-only\"\nfile_opener = \"x\"\n[projects.\"/p\"]\ntrust_level = \"trusted\"\n"
        )),
        ["sandbox_mode", "[projects.\"PATH\"] trust_level"]
    );
}

#[test]
fn codex_agents_keys_are_quires_or_said() {
    let (t, said) = layer(table(
        "[agents]\nmax_threads = 6\nmax_depth = 1\njob_max_runtime_seconds = 60\n\
         [agents.reviewer]\ndescription = \"r\"\nconfig_file = \"r.toml\"\n",
    ))
    .unwrap();
    assert_eq!(t, table("[agents]\nmax_parallel = 6\nmax_depth = 1\n"));
    let said: Vec<String> = said.iter().map(|s| s.path.join(".")).collect();
    assert_eq!(said, ["agents.job_max_runtime_seconds", "agents.reviewer"]);
    let err = layer(table("[agents]\nmax_threads = 6\nmax_parallel = 2\n")).unwrap_err();
    assert!(err.message.contains("both set"), "{}", err.message);
    // quire's own keys, and its mistakes, are left to its own checks.
    let (t, said) = layer(table("[agents]\nmax_parallel = 2\nmax_paralel = 3\n")).unwrap();
    assert!(said.is_empty());
    assert_eq!(t, table("[agents]\nmax_parallel = 2\nmax_paralel = 3\n"));
}
