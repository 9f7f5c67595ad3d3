//! The error bodies each provider sends with a non-success status.

use serde_json::{Value, json};

use super::Api;

/// The provider's usual body for an error `code`.
pub(crate) fn error_body(api: Api, code: u16) -> Value {
    match api {
        Api::Anthropic => {
            let (kind, message) = match code {
                400 => ("invalid_request_error", "Invalid request."),
                401 => ("authentication_error", "invalid x-api-key"),
                403 => (
                    "permission_error",
                    "Your API key does not have permission to use the specified resource.",
                ),
                404 => (
                    "not_found_error",
                    "The requested resource could not be found.",
                ),
                413 => (
                    "request_too_large",
                    "Request exceeds the maximum allowed number of bytes.",
                ),
                429 => (
                    "rate_limit_error",
                    "Number of requests has exceeded your rate limit.",
                ),
                529 => ("overloaded_error", "Overloaded"),
                _ => ("api_error", "Internal server error"),
            };
            json!({"type": "error", "error": {"type": kind, "message": message}})
        }
        Api::Responses | Api::Chat => {
            let (kind, code_name, message) = match code {
                401 => (
                    "invalid_request_error",
                    json!("invalid_api_key"),
                    "Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.",
                ),
                403 => (
                    "invalid_request_error",
                    json!("unsupported_country_region_territory"),
                    "Country, region, or territory not supported",
                ),
                404 => (
                    "invalid_request_error",
                    json!("model_not_found"),
                    "The model does not exist or you do not have access to it.",
                ),
                429 => (
                    "requests",
                    json!("rate_limit_exceeded"),
                    "Rate limit reached for requests. Please try again in 1s.",
                ),
                c if c >= 500 => (
                    "server_error",
                    Value::Null,
                    "The server had an error while processing your request. Sorry about that!",
                ),
                _ => ("invalid_request_error", Value::Null, "Invalid request."),
            };
            json!({"error": {"message": message, "type": kind, "param": null, "code": code_name}})
        }
    }
}

/// Each provider's body for a request over the model's context window
/// (sent with status 400).
pub(crate) fn context_length_body(api: Api) -> Value {
    match api {
        Api::Responses => json!({"error": {
            "message": "Your input exceeds the context window of this model. Please adjust your input and try again.",
            "type": "invalid_request_error",
            "param": "input",
            "code": "context_length_exceeded",
        }}),
        Api::Chat => json!({"error": {
            "message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        }}),
        Api::Anthropic => json!({"type": "error", "error": {
            "type": "invalid_request_error",
            "message": "prompt is too long: 210000 tokens > 200000 maximum",
        }}),
    }
}
