//! Providers: built-ins plus `[providers.NAME]` tables.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Config, ConfigError};
use crate::model::WireApi;

/// A `[providers.NAME]` table as written in config. Fields left out fall
/// back to the built-in provider of the same name, if there is one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderEntry {
    pub wire_api: Option<WireApi>,
    pub base_url: Option<String>,
    /// Name of the environment variable holding the API key.
    pub api_key_env: Option<String>,
    /// Extra HTTP headers sent with every request.
    pub headers: BTreeMap<String, String>,
    /// Model used when none is configured.
    pub model: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub stream_idle_timeout_secs: Option<u64>,
    /// Chat Completions: ask for token usage in the stream
    /// (`stream_options`); `false` for servers that refuse the field.
    pub stream_usage: Option<bool>,
    /// Anthropic wire: extended thinking with this many tokens of budget
    /// (at least 1024); off when not set.
    pub thinking_budget: Option<u32>,
}

/// A provider, fully resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderConfig {
    pub name: String,
    pub wire_api: WireApi,
    /// Base URL without a trailing slash.
    pub base_url: String,
    pub api_key_env: Option<String>,
    /// The key read from `api_key_env` (None when not set).
    pub api_key: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub default_model: String,
    pub connect_timeout_secs: u64,
    pub stream_idle_timeout_secs: u64,
    /// Chat Completions: send `stream_options: {include_usage: true}`
    /// (default). A server that refuses it gets requests without it anyway.
    pub stream_usage: bool,
    /// Anthropic wire: `thinking: {type: enabled, budget_tokens}` in every
    /// request (`None`: thinking off).
    pub thinking_budget: Option<u32>,
    /// Where `base_url` came from when no config or `-c` set it: the
    /// environment variable (`OLLAMA_HOST=gpu-box`) or the built-in
    /// default, for a connection error to name; `None` for base_url.
    pub base_url_from: Option<String>,
}

/// The built-in providers: `openai`, `anthropic`, and `ollama` (a local
/// OpenAI-compatible server on its default port).
pub fn builtin_providers() -> BTreeMap<String, ProviderEntry> {
    let env_or = |var: &str, default: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    let mut m = BTreeMap::new();
    m.insert(
        "openai".to_string(),
        ProviderEntry {
            wire_api: Some(WireApi::Responses),
            base_url: Some(env_or("OPENAI_BASE_URL", "https://api.openai.com/v1")),
            api_key_env: Some("OPENAI_API_KEY".into()),
            model: Some("gpt-5.1".into()),
            ..Default::default()
        },
    );
    m.insert(
        "anthropic".to_string(),
        ProviderEntry {
            wire_api: Some(WireApi::Anthropic),
            base_url: Some(env_or("ANTHROPIC_BASE_URL", "https://api.anthropic.com")),
            api_key_env: Some("ANTHROPIC_API_KEY".into()),
            model: Some("claude-sonnet-4-5".into()),
            ..Default::default()
        },
    );
    m.insert(
        "ollama".to_string(),
        ProviderEntry {
            wire_api: Some(WireApi::Chat),
            // Ollama's own OLLAMA_HOST (`host:port`) when OLLAMA_BASE_URL is not set.
            base_url: Some(
                std::env::var("OLLAMA_HOST")
                    .ok()
                    .and_then(|h| super::ollama_host::base_url(&h))
                    .filter(|_| {
                        std::env::var("OLLAMA_BASE_URL")
                            .ok()
                            .filter(|v| !v.is_empty())
                            .is_none()
                    })
                    .unwrap_or_else(|| env_or("OLLAMA_BASE_URL", "http://localhost:11434/v1")),
            ),
            api_key_env: None,
            model: Some("qwen3-coder".into()),
            ..Default::default()
        },
    );
    m
}

pub(super) fn resolve(config: &Config) -> Result<ProviderConfig, ConfigError> {
    let name = config.provider.as_str();
    let builtins = builtin_providers();
    let builtin = builtins.get(name);
    let user = config.providers.get(name);
    if builtin.is_none() && user.is_none() {
        let mut known: Vec<&str> = builtins.keys().map(String::as_str).collect();
        known.extend(config.providers.keys().map(String::as_str));
        known.sort_unstable();
        known.dedup();
        let hint = crate::suggest::did_you_mean(name, known.iter().copied());
        let known = known.join(", ");
        return Err(ConfigError::Invalid(match &config.provider_from_env {
            Some(var) => format!(
                "{var}: unknown provider '{name}'{hint} (known providers: {known}); set {var} to one of them, or unset it"
            ),
            None => format!(
                "unknown provider '{name}'{hint} (known providers: {known}); add a [providers.{name}] table to config.toml or pick one with --provider"
            ),
        }));
    }
    let pick =
        |f: fn(&ProviderEntry) -> Option<String>| user.and_then(f).or_else(|| builtin.and_then(f));
    // Spaces around a URL pasted into a variable or a config are not
    // part of it (` http://…` or `…/v1 ` would be refused or ask
    // `…/v1 /responses`).
    let base_url =
        pick(|e| e.base_url.as_deref().map(|u| u.trim().to_string())).ok_or_else(|| {
            ConfigError::Invalid(format!(
                "providers.{name}.base_url is missing (for example \"http://localhost:11434/v1\")"
            ))
        })?;
    // Left out, as Codex's examples do: Chat Completions, which any
    // OpenAI-compatible server speaks (Codex's default too).
    let wire_api = user
        .and_then(|u| u.wire_api)
        .or_else(|| builtin.and_then(|b| b.wire_api))
        .unwrap_or(WireApi::Chat);
    super::base_url_origin::check(config, name, user, &base_url)?;
    let api_key_env = pick(|e| e.api_key_env.clone()).filter(|v| !v.is_empty());
    let api_key = api_key_env
        .as_deref()
        .and_then(|v| std::env::var(v).ok())
        // A key pasted with its newline (`export K=$(cat key.txt)`) is the key.
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty());
    let thinking_budget = user.and_then(|u| u.thinking_budget);
    if thinking_budget.is_some() && wire_api != WireApi::Anthropic {
        return Err(ConfigError::Invalid(format!(
            "providers.{name}.thinking_budget turns on Anthropic's extended thinking, but this provider's wire_api is \"{wire_api}\": remove thinking_budget, or use it with a provider whose wire_api is \"anthropic\""
        )));
    }
    let mut headers = builtin.map(|b| b.headers.clone()).unwrap_or_default();
    if let Some(u) = user {
        // `${VAR}` and `${VAR:-default}` from the environment, as in an MCP
        // server's headers (a token kept out of config.toml).
        for (header, value) in &u.headers {
            let key = format!("providers.{name}.headers.{header}");
            let value = crate::mcp::spec::expand(value, &key).map_err(ConfigError::Invalid)?;
            headers.insert(header.clone(), value);
        }
    }
    Ok(ProviderConfig {
        name: name.to_string(),
        wire_api,
        base_url: base_url.trim_end_matches('/').to_string(),
        api_key_env,
        api_key,
        headers,
        default_model: pick(|e| e.model.clone()).unwrap_or_default(),
        connect_timeout_secs: user.and_then(|u| u.connect_timeout_secs).unwrap_or(10),
        stream_idle_timeout_secs: user.and_then(|u| u.stream_idle_timeout_secs).unwrap_or(300),
        stream_usage: user.and_then(|u| u.stream_usage).unwrap_or(true),
        thinking_budget,
        base_url_from: super::base_url_origin::unset_source(
            name,
            user.is_some_and(|u| u.base_url.is_some()),
        ),
    })
}

/// For `quire doctor`: when the provider in use is a table of yours with
/// no `wire_api`, that it is read as "chat" and how to say otherwise.
pub fn wire_api_defaulted(config: &Config) -> Option<String> {
    let name = config.provider.as_str();
    let user = config.providers.get(name)?;
    let builtin = builtin_providers().get(name).and_then(|b| b.wire_api);
    (user.wire_api.is_none() && builtin.is_none()).then(|| {
        format!(
            "providers.{name} has no wire_api: it speaks \"chat\" (Chat Completions, as in Codex); write wire_api = \"responses\" or \"anthropic\" in its table for another"
        )
    })
}
