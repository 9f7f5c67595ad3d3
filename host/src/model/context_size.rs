//! The context size a server states when it refuses a request as too
//! long: llama.cpp's `n_ctx` (its JSON error field, added to the message
//! by `http.rs`), OpenAI's and vLLM's "maximum context length is N
//! tokens", Anthropic's "N tokens > M maximum", and the wordings of LM
//! Studio, vLLM's engine, Gemini and TGI.

/// The window in tokens that `message` (a context-window error) states.
pub fn stated(message: &str) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let after = |needle: &str| {
        lower
            .find(needle)
            .and_then(|at| number_at(&lower[at + needle.len()..]))
    };
    after("n_ctx")
        .or_else(|| after("maximum context length is"))
        // LM Studio: "loaded with context length of only 4096 tokens".
        .or_else(|| after("context length of only"))
        // vLLM's engine: "longer than the maximum model length of 4096".
        .or_else(|| after("maximum model length of"))
        // Gemini: "exceeds the maximum number of tokens allowed (1048576)".
        .or_else(|| after("maximum number of tokens allowed"))
        // TGI: "`inputs` tokens + `max_new_tokens` must be <= 4096".
        .or_else(|| after("`max_new_tokens` must be <="))
        .or_else(|| {
            // Anthropic: "prompt is too long: 210000 tokens > 200000 maximum".
            let at = lower.find(" maximum")?;
            let head = lower[..at].trim_end();
            let start = head.rfind(|c: char| !c.is_ascii_digit())? + 1;
            head[..start]
                .trim_end()
                .ends_with('>')
                .then(|| head[start..].parse().ok())?
        })
        .filter(|n| *n > 0)
}

/// The number at the start of `text`, after spaces, `=`, `:` or `(`.
fn number_at(text: &str) -> Option<u64> {
    let text = text.trim_start_matches([' ', '=', ':', '"', '(']);
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::stated;

    #[test]
    fn reads_the_window_each_server_states() {
        let llama =
            "the request exceeds the available context size, try increasing it (n_ctx = 4096)";
        assert_eq!(stated(llama), Some(4096));
        let openai = "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.";
        assert_eq!(stated(openai), Some(8192));
        let anthropic = "prompt is too long: 210000 tokens > 200000 maximum";
        assert_eq!(stated(anthropic), Some(200000));
        let lm_studio = "Trying to keep the first 8928 tokens when context the overflows. However, the model is loaded with context length of only 7000 tokens, which is not enough.";
        assert_eq!(stated(lm_studio), Some(7000));
        let vllm = "The decoder prompt (length 8922) is longer than the maximum model length of 7000. Make sure that `max_model_len` is no smaller than the number of text tokens.";
        assert_eq!(stated(vllm), Some(7000));
        let gemini = "The input token count (1310720) exceeds the maximum number of tokens allowed (1048576).";
        assert_eq!(stated(gemini), Some(1048576));
        let tgi = "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 5000 `inputs` tokens and 1000 `max_new_tokens`";
        assert_eq!(stated(tgi), Some(4096));
    }

    #[test]
    fn no_window_when_none_is_stated() {
        assert_eq!(
            stated("Your input exceeds the context window of this model."),
            None
        );
        assert_eq!(stated("n_ctx = 0"), None);
        assert_eq!(stated("the maximum"), None);
    }
}
