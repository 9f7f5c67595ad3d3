//! A request the server refused (HTTP 400, 405, 415, 422), in words: the
//! server's own message first, then what to do about what it names — a
//! model that cannot call tools, a field of the request the server does
//! not take, a part of the conversation it finds invalid. The generic
//! hint (model name, base_url, wire_api) only when nothing better is known.

use serde_json::Value;

use super::http::error_message;
use super::{Item, ModelError};
use crate::config::ProviderConfig;

/// The text of a refusal error: the server's message from `body` and the
/// hint that fits it, in parentheses.
pub(crate) fn explained(body: &str, provider: &ProviderConfig) -> String {
    let message = error_message(body);
    let hint = hint(body, &message, provider).unwrap_or_else(|| generic(provider));
    format!("{message} ({hint})")
}

/// The hint for what the server's message names, if it names something.
fn hint(body: &str, message: &str, provider: &ProviderConfig) -> Option<String> {
    let name = &provider.name;
    let lower = message.to_lowercase();
    if lower.contains("enable-auto-tool-choice") {
        return Some(format!(
            "the server at providers.{name} was started without tool calling, which quire needs: start vLLM with --enable-auto-tool-choice and the --tool-call-parser of this model"
        ));
    }
    if lower.contains("does not support tools") {
        return Some(no_tools(provider));
    }
    if let Some(field) = named_field(body, message) {
        return Some(field_hint(&field, provider));
    }
    cannot_call_tools(&lower).then(|| no_tools(provider))
}

/// Whether the message says the model cannot call tools ("tools are not
/// supported", "tool use is not supported by this model").
fn cannot_call_tools(lower: &str) -> bool {
    lower.contains("tool")
        && ["not supported", "unsupported", "does not support"]
            .iter()
            .any(|n| lower.contains(n))
}

fn no_tools(provider: &ProviderConfig) -> String {
    format!(
        "this model of provider {} cannot call tools, which quire needs to read files and run commands: pick a tool-capable model with -m NAME, /model NAME or `model` in config.toml",
        provider.name
    )
}

/// What to do about the field (or part: `messages.1.content.0`) of the
/// request the server named.
fn field_hint(field: &str, provider: &ProviderConfig) -> String {
    let name = &provider.name;
    let top = field.split(['.', '[']).next().unwrap_or(field);
    match top {
        "stream_options" => format!(
            "the server does not take stream_options (token usage in the stream): set stream_usage = false in providers.{name}"
        ),
        "max_tokens" | "max_output_tokens" | "max_completion_tokens" => format!(
            "the server refused {field}, which quire sends for max_output_tokens: lower or remove max_output_tokens in config.toml (or in [models.\"NAME\"])"
        ),
        "tools" | "tool_choice" | "functions" => format!(
            "the server refused {field} of the tools quire offers: pick a model that can call tools, or turn off the plugin or MCP server whose tool it names"
        ),
        "messages" | "input" | "system" => format!(
            "the server refused {field} of the conversation quire sent: the session's history does not fit this server's rules; a new session avoids it, and it is worth reporting to quire"
        ),
        _ => format!(
            "the server refused {field} of the request: it may not take everything of the {wire} API quire speaks; check that wire_api = \"{wire}\" of providers.{name} is what this server serves",
            wire = provider.wire_api
        ),
    }
}

/// The field the server names as refused: an OpenAI error's `param`,
/// pydantic's `loc` (vLLM: `('body', 'stream_options')`), "Extra inputs
/// are not permitted: F", "Unrecognized request argument supplied: F",
/// "Unknown parameter: 'F'", "unknown field `F`", or a leading path
/// (Anthropic: `messages.1.content.0: …`).
fn named_field(body: &str, message: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<Value>(body)
        && let Some(param) = ["/error/param", "/param"]
            .iter()
            .find_map(|p| v.pointer(p).and_then(Value::as_str))
            .filter(|p| is_field(p))
    {
        return Some(param.to_string());
    }
    for marker in ["('body', '", "[\"body\", \"", "['body', '"] {
        if let Some(rest) = after(message, marker) {
            return word(rest);
        }
    }
    for marker in [
        "not permitted: ",
        "argument supplied: ",
        "unknown parameter: ",
        "unknown field ",
        "unrecognized field ",
        "extra fields not permitted: ",
    ] {
        if let Some(rest) = after(message, marker) {
            return word(rest);
        }
    }
    let (head, _) = message.split_once(": ")?;
    (head.contains('.') && is_field(head)).then(|| head.to_string())
}

/// The text after `marker` (case-insensitive), if it occurs.
fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let at = text.to_ascii_lowercase().find(marker)?;
    text.get(at + marker.len()..)
}

/// The field name at the start of `text`, without its quotes.
fn word(text: &str) -> Option<String> {
    let text = text.trim_start_matches(['\'', '"', '`']);
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    let field = text[..end].trim_end_matches('.');
    is_field(field).then(|| field.to_string())
}

/// Whether `text` reads as a field name or path (`stream_options`,
/// `messages.1.content.0`): letters, digits, `_` and `.`, starting with a
/// letter.
fn is_field(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// What the error of a refused request with images says of them; an
/// unanswered message failed so is withdrawn with its images when the
/// user goes on with another (agent/unanswered.rs).
pub(crate) const IMAGES_REFUSED: &str = "a model that takes no images refuses them";

/// A refused request that carried images (`-i`, a pasted image): they are
/// the likely cause when the model takes no images, so the error names
/// them and says what to do.
pub(crate) fn blame_images(err: ModelError, items: &[Item]) -> ModelError {
    let names: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            Item::Image { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    match err {
        ModelError::Http {
            status,
            url,
            mut body,
            retry_after,
        } if !names.is_empty() && matches!(status, 400 | 415 | 422) => {
            body.push_str(&format!(
                " (the request carried {} ({}): {IMAGES_REFUSED}; pick a vision-capable model with -m NAME or /model NAME, or send the message without -i / the pasted image)",
                crate::plural::counted(names.len(), "image"),
                names.join(", ")
            ));
            ModelError::Http {
                status,
                url,
                body,
                retry_after,
            }
        }
        other => other,
    }
}

/// When the message says nothing quire can act on.
fn generic(provider: &ProviderConfig) -> String {
    let name = &provider.name;
    format!(
        "provider {name} refused the request: check the model name (-m NAME, /model NAME or `model` in config.toml), and that base_url and wire_api = \"{}\" of providers.{name} are what this server serves",
        provider.wire_api
    )
}

#[cfg(test)]
mod tests;
