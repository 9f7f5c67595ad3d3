//! Where a provider's base_url is set, and what a 404 from it suggests:
//! the same words in `quire doctor` and in a failed request.

use super::ProviderConfig;
use crate::model::WireApi;

/// Where the base_url of provider `name` is set: the environment variable
/// of a built-in provider, then config.toml.
pub fn places(name: &str) -> String {
    match super::base_url_origin::env_var(name) {
        Some(var) => format!("{var}, or providers.{name}.base_url in config.toml"),
        None => format!("providers.{name}.base_url in config.toml"),
    }
}

/// The endpoint paths quire puts after base_url itself: a base_url
/// pasted whole from a server's documentation ends with one.
const ENDPOINTS: [&str; 5] = [
    "/chat/completions",
    "/responses",
    "/messages",
    "/completions",
    "/models",
];

/// `; URL has no /v1, …` when an OpenAI-compatible provider's base_url
/// lacks the `/v1` such servers usually answer under (the usual cause of
/// a 404); `; URL ends with /chat/completions, …` when it is a whole
/// endpoint's URL; else nothing.
pub fn missing_v1(provider: &ProviderConfig) -> String {
    let url = provider.base_url.trim_end_matches('/');
    if let Some(endpoint) = ENDPOINTS.iter().find(|e| url.ends_with(*e)) {
        let base = &url[..url.len() - endpoint.len()];
        return format!(
            "; {} ends with {endpoint}, which quire adds itself: set base_url to {}",
            super::shown_url::shown_url(&provider.base_url),
            super::shown_url::shown_url(base)
        );
    }
    let no_v1 = provider.wire_api != WireApi::Anthropic
        && !provider.base_url.trim_end_matches('/').ends_with("/v1");
    if no_v1 {
        format!(
            "; {} has no /v1, where OpenAI-compatible servers usually answer",
            super::shown_url::shown_url(&provider.base_url)
        )
    } else {
        String::new()
    }
}

/// What to check when nothing answers at a provider's URL (an HTTP 404
/// that is not about the model).
pub fn not_found_fix(provider: &ProviderConfig) -> String {
    format!(
        "check the path of base_url ({}){}",
        places(&provider.name),
        missing_v1(provider)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(name: &str, wire_api: WireApi, base_url: &str) -> ProviderConfig {
        ProviderConfig {
            name: name.into(),
            wire_api,
            base_url: base_url.into(),
            api_key_env: None,
            api_key: None,
            headers: Default::default(),
            default_model: "m".into(),
            connect_timeout_secs: 1,
            stream_idle_timeout_secs: 1,
            stream_usage: true,
            thinking_budget: None,
            base_url_from: None,
        }
    }

    #[test]
    fn names_the_variable_and_a_missing_v1() {
        let p = provider("openai", WireApi::Responses, "http://127.0.0.1:9");
        assert_eq!(
            not_found_fix(&p),
            "check the path of base_url (OPENAI_BASE_URL, or providers.openai.base_url in config.toml); http://127.0.0.1:9 has no /v1, where OpenAI-compatible servers usually answer"
        );
        let p = provider("local", WireApi::Chat, "http://127.0.0.1:9/v1");
        assert_eq!(
            not_found_fix(&p),
            "check the path of base_url (providers.local.base_url in config.toml)"
        );
        let p = provider("anthropic", WireApi::Anthropic, "http://127.0.0.1:9");
        assert_eq!(missing_v1(&p), "");
        // A whole endpoint's URL pasted: the part to keep is named.
        let p = provider(
            "local",
            WireApi::Chat,
            "http://127.0.0.1:9/v1/chat/completions",
        );
        assert_eq!(
            missing_v1(&p),
            "; http://127.0.0.1:9/v1/chat/completions ends with /chat/completions, which quire adds itself: set base_url to http://127.0.0.1:9/v1"
        );
        let p = provider(
            "anthropic",
            WireApi::Anthropic,
            "https://api.example.com/v1/messages/",
        );
        assert!(missing_v1(&p).ends_with("set base_url to https://api.example.com/v1"));
    }
}
