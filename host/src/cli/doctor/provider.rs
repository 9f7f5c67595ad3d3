//! The provider checks: the key is set, the server answers a cheap
//! request (`GET …/models`) that also tests the key, and it lists the
//! model in use.

use std::time::Duration;

use quire::config::base_url_places::{self, places as base_url_places};
use quire::config::{Config, ProviderConfig};
use quire::model::WireApi;

use super::Check;

const AREA: &str = "provider";

/// `setup_runs`: `quire` in a terminal would run the first-run setup
/// (there is no config.toml), so the fix may offer it.
pub async fn check(config: &Config, setup_runs: bool) -> Vec<Check> {
    let provider = match config.resolve_provider() {
        Ok(p) => p,
        Err(e) => {
            let text = e.to_string();
            let fix = if text.contains(" is missing") {
                format!(
                    "add the key it names to the provider's table, [providers.{0}] (or Codex's [model_providers.{0}]) in config.toml",
                    config.provider
                )
            } else if text.contains("base_url") {
                format!(
                    "fix the base_url it names: {}",
                    base_url_places(&config.provider)
                )
            } else if text.contains("unknown provider") {
                "pick a provider with --provider or `provider = \"…\"` in config.toml".into()
            } else {
                "change what it names in config.toml".into()
            };
            return vec![Check::fail(AREA, text, fix)];
        }
    };
    let model = config.effective_model(&provider);
    let mut out = Vec::new();
    if let Some(note) = quire::config::wire_api_defaulted(config) {
        out.push(Check::ok(AREA, note));
    }
    if let Some(var) = &provider.api_key_env
        && provider.api_key.is_none()
    {
        out.push(Check::fail(
            AREA,
            format!("{}: the API key variable {var} is not set", provider.name),
            if setup_runs {
                format!("export {var}=… in your shell, or run `quire` in a terminal for the setup")
            } else {
                format!("export {var}=… in your shell")
            },
        ));
        return out;
    }
    let url = models_url(&provider);
    let wait = Duration::from_secs(ANSWER_SECS);
    out.extend(answer_checks(&provider, &model, &url, wait).await);
    out
}

/// Why the OpenAI-compatible server at `base_url` gave no model list, in
/// `quire doctor`'s words: what happened and what to do (`None`: it
/// lists models). For the first-run setup, which may run inside the
/// async runtime: the request runs on a thread of its own.
pub(crate) fn no_model_list(name: &str, base_url: &str) -> Option<(String, String)> {
    let provider = ProviderConfig {
        name: name.to_string(),
        wire_api: WireApi::Chat,
        base_url: base_url.trim_end_matches('/').to_string(),
        api_key_env: None,
        api_key: None,
        headers: Default::default(),
        default_model: String::new(),
        connect_timeout_secs: 2,
        stream_idle_timeout_secs: SETUP_ANSWER_SECS,
        stream_usage: true,
        thinking_budget: None,
        base_url_from: None,
    };
    let url = format!("{}/models", provider.base_url);
    let wait = Duration::from_secs(SETUP_ANSWER_SECS);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let checks = runtime.block_on(answer_checks(&provider, "", &url, wait));
        checks
            .into_iter()
            .find(|c| c.area == AREA && !matches!(c.status, super::Status::Ok))
            .map(|c| (c.message, c.fix.unwrap_or_default()))
    })
    .join()
    .ok()
    .flatten()
}

/// The model ids `provider` lists, asked on a thread of its own (callers
/// may be inside the async runtime); `Err` says why there is no list.
pub(crate) fn listed_models(
    provider: &ProviderConfig,
    wait: Duration,
) -> Result<Vec<String>, String> {
    let provider = provider.clone();
    let url = models_url(&provider);
    let shown = quire::config::shown_url::shown_url(&url).to_string();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        match runtime.block_on(list_models(&provider, &url, wait)) {
            Ok(Answer {
                body: Body::Json(Some(models)),
                ..
            }) => Ok(models),
            Ok(answer) if !(200..300).contains(&answer.status) => {
                Err(format!("{shown} answered HTTP {}", answer.status))
            }
            Ok(_) => Err(format!("{shown} gave no model list")),
            Err(Failure::Unreachable(why)) => Err(format!(
                "cannot reach {shown}: {}",
                quire::config::shown_url::shown_url(&why)
            )),
            Err(Failure::Silent) => Err(format!(
                "{shown} did not answer within {} s",
                wait.as_secs()
            )),
        }
    })
    .join()
    .unwrap_or_else(|_| Err("the model list request failed".into()))
}

/// How long the setup waits for a model list.
const SETUP_ANSWER_SECS: u64 = 5;

/// The checks of the answer to `GET url` (the server's model list).
async fn answer_checks(
    provider: &ProviderConfig,
    model: &str,
    url: &str,
    wait: Duration,
) -> Vec<Check> {
    let mut out = Vec::new();
    let listed = list_models(provider, url, wait).await;
    // Shown with the password of the URL masked, as every URL quire shows.
    let shown = quire::config::shown_url::shown_url(url);
    let url: &str = &shown;
    match listed {
        Err(Failure::Unreachable(why)) => out.push(Check::fail(
            AREA,
            format!(
                "{}: cannot reach {url}: {}",
                provider.name,
                quire::config::shown_url::shown_url(&why)
            ),
            format!(
                "start the server, or fix its base_url: {}",
                base_url_places(&provider.name)
            ),
        )),
        Err(Failure::Silent) => out.push(Check::fail(
            AREA,
            format!(
                "{}: {url} accepted the connection but did not answer within {} s",
                provider.name,
                wait.as_secs()
            ),
            "the server is busy or stuck (a local server may still be loading a model): wait and run `quire doctor` again, or restart it",
        )),
        Ok(answer) if matches!(answer.status, 401 | 403) => {
            let (what, fix) = match provider.api_key_env.as_deref() {
                Some(var) => (
                    format!("the key in {var} was rejected"),
                    "check the key, or point api_key_env at the right variable".to_string(),
                ),
                None => (
                    "the server wants an API key and none is configured".to_string(),
                    format!(
                        "set providers.{}.api_key_env in config.toml to the variable holding the key",
                        provider.name
                    ),
                ),
            };
            out.push(Check::fail(
                AREA,
                format!("{}: {what} ({url} answered {})", provider.name, answer.status),
                fix,
            ));
        }
        Ok(answer) if (200..300).contains(&answer.status) => match answer.body {
            Body::WebPage(kind) => out.push(Check::fail(
                AREA,
                format!(
                    "{}: {url} answered with a web page ({kind}), not the API",
                    provider.name
                ),
                format!(
                    "point base_url at the API (usually ending in /v1): {}",
                    base_url_places(&provider.name)
                ),
            )),
            Body::NotJson(start) => out.push(Check::fail(
                AREA,
                format!(
                    "{}: {url} answered with something that is not JSON, starting {start:?}",
                    provider.name
                ),
                format!(
                    "point base_url at the API (usually ending in /v1): {}",
                    base_url_places(&provider.name)
                ),
            )),
            Body::Json(models) => {
                let answered = if provider.api_key.is_some() {
                    "answered and accepted the key"
                } else {
                    "answered (no API key is configured)"
                };
                out.push(Check::ok(
                    AREA,
                    format!("{}: {url} {answered}", provider.name),
                ));
                out.push(model_check(model, url, models));
            }
        },
        Ok(answer) if answer.status >= 500 => out.push(Check::fail(
            AREA,
            format!(
                "{}: {url} answered HTTP {} (an error of the server)",
                provider.name, answer.status
            ),
            "the server is failing (a local one may still be loading a model, or be out of memory): look at its log or restart it, then run `quire doctor` again",
        )),
        Ok(answer) => out.push(Check::warn(
            AREA,
            format!(
                "{}: {url} answered HTTP {}; the key and model could not be checked",
                provider.name, answer.status
            ),
            unlisted_fix(provider, answer.status),
        )),
    }
    out
}

/// What to do when `GET …/models` answered with a client error (a 404:
/// the server lists no models, or base_url misses part of its path).
fn unlisted_fix(provider: &ProviderConfig, status: u16) -> String {
    let path = if status == 404 {
        base_url_places::missing_v1(provider)
    } else {
        String::new()
    };
    format!(
        "some servers list no models: try a session with `quire exec \"hi\"`; if it fails too, check the path of base_url ({}){path}",
        base_url_places(&provider.name)
    )
}

fn model_check(model: &str, url: &str, models: Option<Vec<String>>) -> Check {
    if model.trim().is_empty() {
        let listed = match &models {
            Some(models) if !models.is_empty() => {
                let some: Vec<&str> = models.iter().take(8).map(String::as_str).collect();
                format!(" ({url} lists {})", some.join(", "))
            }
            _ => String::new(),
        };
        return Check::fail(
            "model",
            "no model is set".to_string(),
            format!("pass -m NAME or set `model = \"…\"` in config.toml{listed}"),
        );
    }
    let Some(models) = models else {
        return Check::warn(
            "model",
            format!("{model}: {url} did not list models, so it cannot be checked"),
            "nothing to do if sessions work",
        );
    };
    if quire::config::probe::names_listed_model(&models, model) {
        return Check::ok("model", format!("{model} is available"));
    }
    if models.is_empty() {
        // LM Studio or llama-swap with nothing loaded, an Ollama with
        // nothing pulled.
        return Check::fail(
            "model",
            format!("{url} lists no models: the server has none loaded or installed"),
            format!(
                "load {model} in the server first (LM Studio: `lms load {model}` or the model picker; Ollama: `ollama pull {model}`), then run quire doctor again"
            ),
        );
    }
    let hint = quire::suggest::did_you_mean(model, models.iter().map(String::as_str));
    let some: Vec<&str> = models.iter().take(8).map(String::as_str).collect();
    Check::fail(
        "model",
        format!(
            "{model} is not among the {} {url} lists{hint}",
            quire::plural::counted(models.len(), "model")
        ),
        format!(
            "pick one with -m or `model = \"…\"` in config.toml: {}",
            some.join(", ")
        ),
    )
}

/// How long the server has to answer `GET …/models`.
const ANSWER_SECS: u64 = 20;

/// Why `GET …/models` got no answer.
enum Failure {
    /// No connection: the cause, as the system gives it.
    Unreachable(String),
    /// Connected, then nothing within [`ANSWER_SECS`].
    Silent,
}

/// What a 2xx answer held.
enum Body {
    /// The listed model ids (`None`: JSON without a model list).
    Json(Option<Vec<String>>),
    /// An HTML page (its content type): base_url points at a web UI.
    WebPage(String),
    /// Neither: its first characters.
    NotJson(String),
}

struct Answer {
    status: u16,
    body: Body,
}

/// The answer to `GET url` with the provider's key and headers.
async fn list_models(
    provider: &ProviderConfig,
    url: &str,
    wait: Duration,
) -> Result<Answer, Failure> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(provider.connect_timeout_secs))
        .timeout(wait)
        .build()
        .map_err(|e| Failure::Unreachable(e.to_string()))?;
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
    let response = req.send().await.map_err(|e| failure(&e))?;
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !(200..300).contains(&status) {
        return Ok(Answer {
            status,
            body: Body::Json(None),
        });
    }
    let text = response.text().await.map_err(|e| failure(&e))?;
    let body = if kind.starts_with("text/html") || text.trim_start().starts_with('<') {
        Body::WebPage(if kind.is_empty() { "HTML".into() } else { kind })
    } else if serde_json::from_str::<serde_json::Value>(&text).is_err() {
        let start: String = quire::printable::clean(text.trim())
            .chars()
            .take(60)
            .collect();
        Body::NotJson(start)
    } else {
        Body::Json(quire::config::probe::model_ids(&text))
    };
    Ok(Answer { status, body })
}

/// A failed request: no connection (its root cause), or no answer.
fn failure(e: &reqwest::Error) -> Failure {
    if e.is_timeout() && !e.is_connect() {
        return Failure::Silent;
    }
    Failure::Unreachable(quire::errors::root_cause(e))
}

/// Where the provider lists its models: `{base_url}/models`, on the
/// Anthropic wire `/v1/models` after a base URL written with or without
/// its `/v1` (as the wire builds its `/v1/messages`).
fn models_url(provider: &ProviderConfig) -> String {
    let base = provider.base_url.as_str();
    match provider.wire_api {
        WireApi::Anthropic => format!("{}/v1/models", base.strip_suffix("/v1").unwrap_or(base)),
        _ => format!("{base}/models"),
    }
}
