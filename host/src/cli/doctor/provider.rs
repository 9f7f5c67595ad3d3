//! The provider checks: the key is set, the server answers a cheap
//! request (`GET …/models`) that also tests the key, and it lists the
//! model in use.

use std::time::Duration;

use quire::config::{Config, ProviderConfig};
use quire::model::WireApi;

use super::Check;

const AREA: &str = "provider";

pub async fn check(config: &Config) -> Vec<Check> {
    let provider = match config.resolve_provider() {
        Ok(p) => p,
        Err(e) => {
            let text = e.to_string();
            let fix = if text.contains("base_url") {
                format!(
                    "fix the base_url it names: {}",
                    base_url_places(&config.provider)
                )
            } else {
                "pick a provider with --provider or `provider = \"…\"` in config.toml".into()
            };
            return vec![Check::fail(AREA, text, fix)];
        }
    };
    let model = config.effective_model(&provider);
    let mut out = Vec::new();
    if let Some(var) = &provider.api_key_env
        && provider.api_key.is_none()
    {
        out.push(Check::fail(
            AREA,
            format!("{}: the API key variable {var} is not set", provider.name),
            format!("export {var}=… in your shell, or run `quire` in a terminal for the setup"),
        ));
        return out;
    }
    let url = match provider.wire_api {
        WireApi::Anthropic => format!("{}/v1/models", provider.base_url),
        _ => format!("{}/models", provider.base_url),
    };
    match list_models(&provider, &url).await {
        Err(why) => out.push(Check::fail(
            AREA,
            format!("{}: cannot reach {url}: {why}", provider.name),
            format!(
                "start the server, or fix its base_url: {}",
                base_url_places(&provider.name)
            ),
        )),
        Ok((401 | 403, _)) => out.push(Check::fail(
            AREA,
            format!(
                "{}: the key in {} was rejected ({url} answered 401/403)",
                provider.name,
                provider.api_key_env.as_deref().unwrap_or("(none)")
            ),
            "check the key, or point api_key_env at the right variable",
        )),
        Ok((status, models)) if (200..300).contains(&status) => {
            out.push(Check::ok(
                AREA,
                format!("{}: {url} answered and accepted the key", provider.name),
            ));
            out.push(model_check(&model, &url, models));
        }
        Ok((status, _)) => {
            out.push(Check::warn(
                AREA,
                format!(
                    "{}: {url} answered HTTP {status}; the key and model could not be checked",
                    provider.name
                ),
                "a server without a model list is fine if sessions work",
            ));
        }
    }
    out
}

/// Where the base_url of provider `name` is set: the environment variable
/// of a built-in provider, then config.toml.
fn base_url_places(name: &str) -> String {
    let var = match name {
        "openai" => Some("OPENAI_BASE_URL"),
        "anthropic" => Some("ANTHROPIC_BASE_URL"),
        "ollama" => Some("OLLAMA_BASE_URL"),
        _ => None,
    };
    match var {
        Some(var) => format!("{var}, or providers.{name}.base_url in config.toml"),
        None => format!("providers.{name}.base_url in config.toml"),
    }
}

fn model_check(model: &str, url: &str, models: Option<Vec<String>>) -> Check {
    let Some(models) = models else {
        return Check::warn(
            "model",
            format!("{model}: {url} did not list models, so it cannot be checked"),
            "nothing to do if sessions work",
        );
    };
    if models.iter().any(|m| m == model) {
        return Check::ok("model", format!("{model} is available"));
    }
    let hint = quire::suggest::did_you_mean(model, models.iter().map(String::as_str));
    let some: Vec<&str> = models.iter().take(8).map(String::as_str).collect();
    Check::fail(
        "model",
        format!(
            "{model} is not among the {} models {url} lists{hint}",
            models.len()
        ),
        format!(
            "pick one with -m or `model = \"…\"` in config.toml: {}",
            some.join(", ")
        ),
    )
}

/// The status and, for a 2xx answer, the listed model ids.
async fn list_models(
    provider: &ProviderConfig,
    url: &str,
) -> Result<(u16, Option<Vec<String>>), String> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(provider.connect_timeout_secs))
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| e.to_string())?;
    let mut req = client.get(url);
    if let Some(key) = &provider.api_key {
        req = match provider.wire_api {
            WireApi::Anthropic => req
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01"),
            _ => req.bearer_auth(key),
        };
    }
    for (k, v) in &provider.headers {
        req = req.header(k, v);
    }
    let response = req.send().await.map_err(|e| quire::errors::plain(&e))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Ok((status, None));
    }
    let text = response.text().await.unwrap_or_default();
    Ok((status, quire::config::probe::model_ids(&text)))
}
