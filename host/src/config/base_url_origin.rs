//! Where this run's base_url of a provider came from, so that a bad one
//! is reported there: the `-c` override that set it, the environment
//! variable a built-in provider reads (`OPENAI_BASE_URL`…), or the
//! config key.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::provider::ProviderEntry;
use super::{Config, ConfigError};

/// The environment variable a built-in provider's base_url defaults to.
pub(super) fn env_var(name: &str) -> Option<&'static str> {
    match name {
        "openai" => Some("OPENAI_BASE_URL"),
        "anthropic" => Some("ANTHROPIC_BASE_URL"),
        "ollama" => Some("OLLAMA_BASE_URL"),
        _ => None,
    }
}

/// Where the base_url of the built-in provider `name` came from when no
/// config or `-c` set it (`set_by_config`): the environment variable
/// with its value (password masked), or its built-in default; `None`
/// for a provider of the config's own.
pub(super) fn unset_source(name: &str, set_by_config: bool) -> Option<String> {
    let var = env_var(name).filter(|_| !set_by_config)?;
    let value = |v: &str| std::env::var(v).ok().filter(|x| !x.trim().is_empty());
    if let Some(url) = value(var) {
        return Some(format!("{var}={}", super::shown_url::shown_url(&url)));
    }
    if name == "ollama"
        && let Some(host) = value("OLLAMA_HOST")
    {
        return Some(format!(
            "OLLAMA_HOST={}",
            super::shown_url::shown_url(&host)
        ));
    }
    let also = if name == "ollama" {
        " or OLLAMA_HOST"
    } else {
        ""
    };
    Some(format!(
        "the built-in default of provider {name} (set {var}{also}, or base_url in [providers.{name}], for another)"
    ))
}

/// Records, for each provider whose base_url the `-c` override `o`
/// (setting the dotted key `key` to the layer `one`) set, that override;
/// a provider table it replaced without a base_url forgets it.
pub(super) fn record(key: &str, one: &Table, o: &str, set_by: &mut BTreeMap<String, String>) {
    match key.split('.').collect::<Vec<_>>().as_slice() {
        ["providers"] => set_by.clear(),
        ["providers", name] => {
            set_by.remove(*name);
        }
        _ => {}
    }
    let Some(providers) = one.get("providers").and_then(Value::as_table) else {
        return;
    };
    for (name, entry) in providers {
        if entry.as_table().is_some_and(|t| t.contains_key("base_url")) {
            set_by.insert(name.clone(), format!("-c {}", o.trim()));
        }
    }
}

/// The path of a provider's `base_url` in the layer `own` that holds a
/// shell variable (`${HOST}/v1`, `$URL`), and why it is refused: quire
/// does not expand variables there.
pub(super) fn variable_in(own: &Table) -> Option<(Vec<String>, String)> {
    for table in ["providers", "model_providers"] {
        let Some(providers) = own.get(table).and_then(Value::as_table) else {
            continue;
        };
        for (name, provider) in providers {
            let Some(Value::String(url)) = provider.get("base_url") else {
                continue;
            };
            if url.contains('$') {
                let fix = match env_var(name) {
                    Some(var) => {
                        format!("write the URL itself, or leave base_url out and set {var}")
                    }
                    None => "write the URL itself".to_string(),
                };
                return Some((
                    vec![table.to_string(), name.clone(), "base_url".to_string()],
                    format!(
                        "base_url is not expanded: quire reads no environment variables in it: {fix}"
                    ),
                ));
            }
        }
    }
    None
}

/// Refuses a `base_url` of provider `name` that is no HTTP URL, or one
/// with a query string or a fragment (quire appends the API path to it,
/// and sends no query parameters), naming where it was set: the `-c`
/// override, the environment variable of a built-in provider when no
/// config set it, else the config key. The URL is shown with its password
/// and its query's values masked.
pub(super) fn check(
    config: &Config,
    name: &str,
    user: Option<&ProviderEntry>,
    base_url: &str,
) -> Result<(), ConfigError> {
    let http = base_url.starts_with("http://") || base_url.starts_with("https://");
    let query = base_url.contains(['?', '#']);
    if http && !query {
        return Ok(());
    }
    let shown = super::shown_url::shown_url(base_url);
    let shown = super::shown_url::masked_query(&shown);
    let problem = if http {
        format!(
            "has a query string or fragment, got \"{shown}\"; quire appends the API path (`/chat/completions`) to base_url and cannot send query parameters (such as Azure's api-version): remove the `?…` part, and give a key through env_key or headers"
        )
    } else {
        format!("must start with http:// or https://, got \"{shown}\"")
    };
    let from_config = user.is_some_and(|u| u.base_url.is_some());
    let var = env_var(name)
        .filter(|v| !from_config && std::env::var(v).is_ok_and(|value| !value.is_empty()));
    let message = match (config.base_url_set_by.get(name), var) {
        (Some(o), _) => format!(
            "{}: providers.{name}.base_url {problem}",
            super::shown_url::masked_query(&super::shown_url::shown_url(o))
        ),
        (None, Some(var)) => format!(
            "{var}: {problem}; fix {var} or unset it (the provider '{name}' then uses its default)"
        ),
        (None, None) => format!("providers.{name}.base_url {problem}"),
    };
    Err(ConfigError::Invalid(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn an_override_of_a_base_url_is_recorded_and_a_replaced_table_forgets_it() {
        let mut set_by = BTreeMap::new();
        let one = layer("[providers.local]\nbase_url = \"x\"\n");
        record(
            "providers.local.base_url",
            &one,
            " providers.local.base_url=x ",
            &mut set_by,
        );
        assert_eq!(set_by["local"], "-c providers.local.base_url=x");
        let one = layer("[providers.local]\nwire_api = \"chat\"\n");
        record(
            "providers.local.wire_api",
            &one,
            "providers.local.wire_api=chat",
            &mut set_by,
        );
        assert_eq!(set_by["local"], "-c providers.local.base_url=x");
        record(
            "providers.local",
            &one,
            "providers.local={wire_api=\"chat\"}",
            &mut set_by,
        );
        assert!(set_by.is_empty());
    }

    #[test]
    fn a_bad_base_url_names_the_override() {
        let mut config = Config::default();
        config
            .base_url_set_by
            .insert("local".into(), "-c providers.local.base_url=notaurl".into());
        let err = check(&config, "local", None, "notaurl")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "-c providers.local.base_url=notaurl: providers.local.base_url must start with http:// or https://, got \"notaurl\""
        );
        assert!(check(&config, "local", None, "http://127.0.0.1:1/v1").is_ok());
    }

    #[test]
    fn a_base_url_with_a_query_is_refused_with_its_values_masked() {
        let config = Config::default();
        let err = check(&config, "local", None, "http://h:1/v1?api-key=qsecret&v=2")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("qsecret"), "{err}");
        assert!(
            err.starts_with("providers.local.base_url has a query string or fragment, got \"http://h:1/v1?api-key=***&v=***\""),
            "{err}"
        );
        assert!(check(&config, "local", None, "https://h/v1#frag").is_err());
    }
}
