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
        ("env_http_headers = { A = \"B\" }", "fixed values"),
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
