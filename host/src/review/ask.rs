//! One model request without tools (triage, merge, output schema): the
//! same client and retry policy the sessions use.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::ReviewError;
use crate::config::{Config, ProviderConfig};
use crate::model::{self, Item, ModelClient, ModelRequest, Usage};

/// A client for the configured provider, shared by the passes.
#[derive(Clone)]
pub struct Asker {
    client: Arc<dyn ModelClient>,
    config: Config,
    pub provider: ProviderConfig,
}

/// A model's answer and what it cost.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub text: String,
    pub usage: Usage,
}

impl Asker {
    pub fn new(config: &Config) -> Result<Asker, ReviewError> {
        let provider = config
            .resolve_provider()
            .map_err(|e| ReviewError::Usage(e.to_string()))?;
        if let (Some(var), None) = (&provider.api_key_env, &provider.api_key) {
            return Err(ReviewError::Usage(format!(
                "provider '{}' needs an API key: set the environment variable {var}",
                provider.name
            )));
        }
        let client = model::client_for(&provider).map_err(|e| ReviewError::Model(e.to_string()))?;
        Ok(Asker {
            client,
            config: config.clone(),
            provider,
        })
    }

    /// The model named, else the configured one.
    pub fn model(&self, named: Option<&str>) -> String {
        named
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| self.config.effective_model(&self.provider))
    }

    /// The context window of `model`, in tokens.
    pub fn context_window(&self, model: &str) -> u64 {
        self.config.context_window(model)
    }

    /// Sends one request and waits for the whole answer.
    pub async fn ask(
        &self,
        model: &str,
        instructions: &str,
        message: String,
        cancel: &CancellationToken,
    ) -> Result<Answer, ReviewError> {
        let request = ModelRequest {
            model: model.to_string(),
            instructions: instructions.to_string(),
            items: vec![Item::user(message)],
            tools: Vec::new(),
            max_output_tokens: self.config.max_output_tokens_for(model),
            cache_key: None,
            reasoning: self.config.reasoning_for(model),
            output_schema: None,
        };
        let response = model::retry::complete(
            self.client.as_ref(),
            &request,
            &self.config.retry,
            cancel,
            &mut |_: model::retry::Delta<'_>| {},
            &mut |n: &model::retry::RetryNotice| tracing::debug!(attempt = n.attempt, reason = %n.reason, "review: retrying"),
        )
        .await
        .map_err(|e| match e {
            model::retry::CompleteError::Model(m) => {
                ReviewError::Model(crate::agent::describe(&m))
            }
            model::retry::CompleteError::Interrupted => ReviewError::Interrupted,
        })?;
        Ok(Answer {
            text: response.text,
            usage: response.usage.unwrap_or_default(),
        })
    }
}

/// The first JSON object in a model's answer (bare, or in a ```json fence).
pub fn json_object(text: &str) -> Option<serde_json::Value> {
    let start = text.find('{')?;
    let mut de =
        serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
    match de.next() {
        Some(Ok(v)) if v.is_object() => Some(v),
        _ => {
            let end = text.rfind('}')?;
            serde_json::from_str(text.get(start..=end)?).ok()
        }
    }
}

/// The JSON document in a model's answer: the whole text (fences
/// removed), else its first object.
pub fn json_value(text: &str) -> Option<serde_json::Value> {
    let t = text.trim();
    let t = t
        .strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .and_then(|r| r.trim_end().strip_suffix("```"))
        .unwrap_or(t);
    serde_json::from_str(t.trim())
        .ok()
        .or_else(|| json_object(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_found_in_fences_and_prose() {
        let v = json_object("Here:\n```json\n{\"flags\": [1]}\n```\nthanks").unwrap();
        assert_eq!(v["flags"][0], 1);
        assert!(json_object("no json here").is_none());
    }
}
