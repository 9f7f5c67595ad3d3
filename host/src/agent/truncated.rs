//! The warning for an answer cut at the output-token limit.

use crate::model::WireApi;
use crate::model::anthropic::DEFAULT_MAX_TOKENS;

/// What the user is told when the model stopped at the output-token
/// limit: which limit applied and how to raise it. `limit` is the
/// configured `max_output_tokens` (None: the wire's default).
pub(crate) fn warning(limit: Option<u32>, wire: WireApi) -> String {
    let limit = limit.or((wire == WireApi::Anthropic).then_some(DEFAULT_MAX_TOKENS));
    match limit {
        Some(n) => format!(
            "the answer was cut at the output-token limit (max_output_tokens={n}); raise it with -c max_output_tokens={} or ask to continue",
            n.saturating_mul(2)
        ),
        None => "the answer was cut at the output-token limit (max_output_tokens is not set: the provider's default applied); set it with -c max_output_tokens=N or ask to continue".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_limit_and_the_setting() {
        let w = warning(Some(100), WireApi::Chat);
        assert!(w.contains("max_output_tokens=100"), "{w}");
        assert!(w.contains("-c max_output_tokens=200"), "{w}");
        let w = warning(None, WireApi::Anthropic);
        assert!(w.contains("max_output_tokens=8192"), "{w}");
        let w = warning(None, WireApi::Responses);
        assert!(w.contains("not set"), "{w}");
    }
}
