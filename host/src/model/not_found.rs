//! What a 404 from a model endpoint is about: a model the server does not
//! know (then the model name is what to check), or a URL where nothing
//! answers (then `base_url` is).

/// Whether a 404's `body` says the model is unknown: Ollama's and vLLM's
/// "model ... not found", OpenAI's `model_not_found` / "does not exist",
/// Anthropic's `not_found_error` whose message names the model
/// (`model: NAME`).
pub(crate) fn about_model(body: &str) -> bool {
    let b = body.to_lowercase();
    if b.contains("model") && (b.contains("not found") || b.contains("does not exist")) {
        return true;
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let error = &json["error"];
    let text = |key: &str| error[key].as_str().unwrap_or("").to_lowercase();
    text("code") == "model_not_found"
        || (text("type") == "not_found_error" && text("message").trim_start().starts_with("model"))
}

#[cfg(test)]
mod tests {
    use super::about_model;

    #[test]
    fn unknown_models_are_told_from_missing_urls() {
        assert!(about_model(
            r#"{"type":"error","error":{"type":"not_found_error","message":"model: nope-9"}}"#
        ));
        assert!(about_model(
            r#"{"error":{"message":"The model `nope-9` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}"#
        ));
        assert!(about_model(r#"{"error":"model 'x' not found"}"#));
        assert!(!about_model(
            r#"{"type":"error","error":{"type":"not_found_error","message":"Not Found"}}"#
        ));
        assert!(!about_model("404 page not found"));
        assert!(!about_model(r#"{"error":"nf"}"#));
    }
}
