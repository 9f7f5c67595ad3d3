//! What a 404 from a model endpoint is about: a model the server does not
//! know (then the model name is what to check), or a URL where nothing
//! answers (then `base_url` is).

use super::ModelError;

/// Where a session's model name is set, when nothing more is known.
const SET_IN: &str = "-m NAME, /model NAME, or `model` in config.toml";

/// What a 404 about the model says to check, the name being set in
/// `set_in`.
fn hint(set_in: &str) -> String {
    format!(" (the server does not know this model; check the model name: {set_in})")
}

/// The hint added to a 404 about the model: where a session's model is
/// usually set.
pub(crate) fn unknown_model_hint() -> String {
    hint(SET_IN)
}

/// `err` for a session whose model name was set in `place` (a subagent
/// definition's `model:`): a 404 about the model names that place instead
/// of the usual ones.
pub(crate) fn model_set_in(err: &mut ModelError, place: &str) {
    match err {
        ModelError::Http {
            status: 404, body, ..
        } => {
            let usual = unknown_model_hint();
            if let Some(cut) = body.strip_suffix(&usual).map(str::len) {
                body.truncate(cut);
                body.push_str(&hint(place));
            }
        }
        ModelError::GaveUp { last, .. } => model_set_in(last, place),
        _ => {}
    }
}

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
    use super::*;

    #[test]
    fn a_model_set_elsewhere_is_named_in_the_hint() {
        let mut e = ModelError::Http {
            status: 404,
            url: "u".into(),
            body: format!("{{}}{}", unknown_model_hint()),
            retry_after: None,
        };
        model_set_in(&mut e, "`model:` in a.md");
        let ModelError::Http { body, .. } = &e else {
            unreachable!()
        };
        assert_eq!(
            body,
            "{} (the server does not know this model; check the model name: `model:` in a.md)"
        );
        // A 404 about the URL is left as it is.
        let mut other = ModelError::Http {
            status: 404,
            url: "u".into(),
            body: "(nothing answers at this URL)".into(),
            retry_after: None,
        };
        model_set_in(&mut other, "x");
        assert!(other.to_string().contains("nothing answers"));
    }

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
