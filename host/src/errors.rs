//! Errors as people read them: the one place that turns an error chain
//! from a dependency into a sentence without Rust type names or transport
//! internals (`Transport [rmcp::transport::worker::WorkerTransport<…>]`).
//! Callers add what failed and what to try; this says why.

/// The chain of `e` (`a: b: c`, repeats left out), scrubbed by [`scrub`].
pub fn plain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = scrub(&err.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            // An outer message that repeats an inner one adds nothing.
            parts.retain(|p| !text.contains(p.as_str()));
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

/// The innermost error of `e`'s chain, as text: what the system said
/// ("Connection refused (os error 111)") without the layers above it that
/// repeat the URL.
pub fn root_cause(e: &dyn std::error::Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

/// Phrases of dependencies' error types that say nothing to a user.
const NOISE: &[&str] = &[
    "Send message error ",
    "Transport send error: ",
    "Transport fatal ",
    "Mcp error: ",
    "error: ",
];

/// Removes type paths (`[a::b::C<…>]`, `a::b::C`), the phrases in
/// [`NOISE`] and doubled spaces from `text`.
pub fn scrub(text: &str) -> String {
    let mut out = strip_type_brackets(text);
    // "Transport  error: x" is what is left of "Transport [T] error: x".
    out = out.replace("Transport  error: ", "");
    for n in NOISE {
        if let Some(rest) = out.strip_prefix(n) {
            out = rest.to_string();
        }
    }
    let words: Vec<&str> = out
        .split(' ')
        .filter(|w| !(w.contains("::") && w.chars().any(|c| c.is_ascii_uppercase())))
        .collect();
    let mut s = words.join(" ");
    while s.contains("  ") {
        s = s.replace("  ", " ");
    }
    s.trim().trim_end_matches(',').to_string()
}

/// Drops each `[…]` whose contents name a Rust path (`::`), brackets
/// nested to any depth.
fn strip_type_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                match chars[j] {
                    '[' | '<' => depth += 1,
                    ']' | '>' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                j += 1;
            }
            let inner: String = chars[i..j.min(chars.len())].iter().collect();
            if j < chars.len() && inner.contains("::") {
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_internals_are_removed() {
        let raw = "Send message error Transport [rmcp::transport::worker::WorkerTransport<rmcp::transport::streamable_http_client::StreamableHttpClientWorker<reqwest::async_impl::client::Client>>] error: Client error: HTTP status client error (404 Not Found) for url (http://127.0.0.1:9/mcp), when send initialize request";
        let s = scrub(raw);
        assert!(!s.contains("rmcp::"), "{s}");
        assert!(!s.contains("Transport"), "{s}");
        assert!(s.contains("404 Not Found"), "{s}");
        assert!(s.contains("when send initialize request"), "{s}");
    }

    #[test]
    fn plain_text_is_kept() {
        assert_eq!(
            scrub("Connection refused (os error 111)"),
            "Connection refused (os error 111)"
        );
        assert_eq!(scrub("see [the docs] here"), "see [the docs] here");
    }
}
