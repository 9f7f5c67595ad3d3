//! `[selection]` in config.toml: optional semantic scoring.

use serde::{Deserialize, Serialize};

use crate::config::ProviderConfig;

/// The model asked for embeddings when `embeddings_model` is not set.
pub const DEFAULT_MODEL: &str = "text-embedding-3-small";

/// Where embeddings come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmbeddingsSource {
    /// Lexical scoring only.
    #[default]
    Off,
    /// The session provider's `/v1/embeddings` (its base URL and key).
    Provider,
    /// `embeddings_url`, with the key from `embeddings_key_env`.
    Endpoint,
}

/// Semantic scoring of skills and tools, fused with the lexical ranking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelectionConfig {
    pub embeddings: EmbeddingsSource,
    /// The embedding model (default [`DEFAULT_MODEL`]).
    pub embeddings_model: Option<String>,
    /// Base URL of an OpenAI-compatible API (`…/v1`), for `"endpoint"`.
    pub embeddings_url: Option<String>,
    /// The environment variable holding the endpoint's key, if it needs one.
    pub embeddings_key_env: Option<String>,
}

/// A resolved embeddings endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Base URL; requests go to `{base_url}/embeddings`.
    pub base_url: String,
    pub model: String,
    pub api_key: Option<String>,
}

impl SelectionConfig {
    /// The endpoint to use with `provider` as the session's provider;
    /// `Ok(None)` when semantic scoring is off, `Err` naming what is
    /// missing.
    pub fn endpoint(&self, provider: &ProviderConfig) -> Result<Option<Endpoint>, String> {
        let model = self
            .embeddings_model
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| DEFAULT_MODEL.to_string());
        let (base_url, api_key) = match self.embeddings {
            EmbeddingsSource::Off => return Ok(None),
            EmbeddingsSource::Provider => (provider.base_url.clone(), provider.api_key.clone()),
            EmbeddingsSource::Endpoint => {
                let Some(url) = self.embeddings_url.clone().filter(|u| !u.is_empty()) else {
                    return Err("selection.embeddings = \"endpoint\" needs selection.embeddings_url (for example \"http://localhost:11434/v1\")".into());
                };
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!(
                        "selection.embeddings_url must start with http:// or https://, got \"{url}\""
                    ));
                }
                let key = self
                    .embeddings_key_env
                    .as_deref()
                    .filter(|v| !v.is_empty())
                    .and_then(|v| std::env::var(v).ok())
                    .filter(|k| !k.is_empty());
                (url, key)
            }
        };
        Ok(Some(Endpoint {
            base_url: base_url.trim_end_matches('/').to_string(),
            model,
            api_key,
        }))
    }
}
