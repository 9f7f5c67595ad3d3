//! The context size a server states when it refuses a request as too
//! long: llama.cpp's `n_ctx` (its JSON error field, added to the message
//! by `http.rs`), OpenAI's and vLLM's "maximum context length is N
//! tokens", Anthropic's "N tokens > M maximum".

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

/// The number at the start of `text`, after spaces, `=` or `:`.
fn number_at(text: &str) -> Option<u64> {
    let text = text.trim_start_matches([' ', '=', ':', '"']);
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
