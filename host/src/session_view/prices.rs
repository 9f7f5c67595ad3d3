//! List prices of known hosted models, for the cost estimate of `/status`.
//! Local and unknown models have no price: the estimate says so instead
//! of guessing.

use quire::model::Usage;

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub input: f64,
    /// Input read from the prompt cache.
    pub cached: f64,
    /// Input written to the prompt cache (Anthropic charges extra).
    pub cache_write: f64,
    pub output: f64,
}

const fn p(input: f64, cached: f64, cache_write: f64, output: f64) -> Price {
    Price {
        input,
        cached,
        cache_write,
        output,
    }
}

/// Model names and their list prices. A name also prices the names that
/// add a date or version to it (`claude-sonnet-4-5-20250929`,
/// `gpt-4o-2024-08-06`: `-` and a digit) or `-latest`, the longest such
/// name winning; any other name that merely starts with one (`gpt-5-pro`,
/// `o3-mini`, `gpt-5.2`) is a model of its own, unknown unless listed.
const TABLE: &[(&str, Price)] = &[
    // Pro models get no cached-input discount.
    ("gpt-5-pro", p(15.0, 15.0, 15.0, 120.0)),
    ("gpt-5.1-codex-mini", p(0.25, 0.025, 0.25, 2.0)),
    ("gpt-5.1-codex", p(1.25, 0.125, 1.25, 10.0)),
    ("gpt-5.1", p(1.25, 0.125, 1.25, 10.0)),
    ("gpt-5-codex", p(1.25, 0.125, 1.25, 10.0)),
    ("gpt-5-mini", p(0.25, 0.025, 0.25, 2.0)),
    ("gpt-5-nano", p(0.05, 0.005, 0.05, 0.4)),
    ("gpt-5", p(1.25, 0.125, 1.25, 10.0)),
    ("gpt-4.1-mini", p(0.4, 0.1, 0.4, 1.6)),
    ("gpt-4.1-nano", p(0.1, 0.025, 0.1, 0.4)),
    ("gpt-4.1", p(2.0, 0.5, 2.0, 8.0)),
    ("gpt-4o-mini", p(0.15, 0.075, 0.15, 0.6)),
    ("gpt-4o", p(2.5, 1.25, 2.5, 10.0)),
    ("o4-mini", p(1.1, 0.275, 1.1, 4.4)),
    ("o3-pro", p(20.0, 20.0, 20.0, 80.0)),
    ("o3-mini", p(1.1, 0.55, 1.1, 4.4)),
    ("o3", p(2.0, 0.5, 2.0, 8.0)),
    ("claude-opus-4-5", p(5.0, 0.5, 6.25, 25.0)),
    ("claude-opus-4", p(15.0, 1.5, 18.75, 75.0)),
    ("claude-sonnet-4", p(3.0, 0.3, 3.75, 15.0)),
    ("claude-haiku-4-5", p(1.0, 0.1, 1.25, 5.0)),
    ("claude-3-5-haiku", p(0.8, 0.08, 1.0, 4.0)),
    ("deepseek-chat", p(0.28, 0.028, 0.28, 0.42)),
    ("deepseek-reasoner", p(0.28, 0.028, 0.28, 0.42)),
];

/// The list price of `model` (a `provider/` prefix is ignored), if known.
pub fn price(model: &str) -> Option<Price> {
    let name = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    TABLE
        .iter()
        .filter(|(known, _)| names(known, &name))
        .max_by_key(|(known, _)| known.len())
        .map(|(_, price)| *price)
}

/// Whether `name` is the model `known` or a dated or versioned name of
/// it: `known` followed by nothing, by `-` and a digit, or by `-latest`.
fn names(known: &str, name: &str) -> bool {
    name.strip_prefix(known).is_some_and(|rest| {
        rest.is_empty()
            || rest == "-latest"
            || rest
                .strip_prefix('-')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// What `usage` cost at `price`, in dollars. Cached and cache-written
/// tokens are part of `input_tokens` and priced as such.
pub fn cost(usage: &Usage, price: &Price) -> f64 {
    let cached = usage.cached_input_tokens.min(usage.input_tokens);
    let written = usage
        .cache_write_input_tokens
        .min(usage.input_tokens - cached);
    let plain = usage.input_tokens - cached - written;
    (plain as f64 * price.input
        + cached as f64 * price.cached
        + written as f64 * price.cache_write
        + usage.output_tokens as f64 * price.output)
        / 1e6
}

/// `~$0.0123 at list prices for gpt-5`, or why there is no estimate.
pub fn estimate(usage: &Usage, model: &str) -> String {
    match price(model) {
        Some(p) => format!("~${:.4} at list prices for {model}", cost(usage, &p)),
        None => format!("unknown price for {model} (local or unlisted model): no estimate"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins_and_dates_or_providers_do_not_matter() {
        assert_eq!(price("gpt-5-mini"), Some(p(0.25, 0.025, 0.25, 2.0)));
        assert_eq!(price("gpt-5"), Some(p(1.25, 0.125, 1.25, 10.0)));
        assert_eq!(
            price("anthropic/claude-sonnet-4-5-20250929"),
            Some(p(3.0, 0.3, 3.75, 15.0))
        );
        assert_eq!(price("gpt-4o-2024-08-06"), Some(p(2.5, 1.25, 2.5, 10.0)));
        assert_eq!(price("qwen2.5-coder:7b"), None);
        assert_eq!(price("test-model"), None);
    }

    #[test]
    fn a_model_that_only_starts_like_a_known_one_is_not_priced_as_it() {
        assert_eq!(price("gpt-5-pro"), Some(p(15.0, 15.0, 15.0, 120.0)));
        assert_eq!(
            price("gpt-5-pro-2025-10-06"),
            Some(p(15.0, 15.0, 15.0, 120.0))
        );
        assert_eq!(price("o3-pro"), Some(p(20.0, 20.0, 20.0, 80.0)));
        assert_eq!(price("o3-mini"), Some(p(1.1, 0.55, 1.1, 4.4)));
        assert_eq!(price("o3-2025-04-16"), Some(p(2.0, 0.5, 2.0, 8.0)));
        // Not in the table: no price rather than a neighbour's.
        assert_eq!(price("gpt-5.2"), None);
        assert_eq!(price("o3-deep-research"), None);
        assert_eq!(price("gpt-5-chat"), None);
    }

    #[test]
    fn cached_and_written_input_are_priced_apart() {
        let usage = Usage {
            input_tokens: 1_000_000,
            cached_input_tokens: 600_000,
            cache_write_input_tokens: 100_000,
            output_tokens: 10_000,
            ..Usage::default()
        };
        let c = cost(&usage, &p(3.0, 0.3, 3.75, 15.0));
        // 0.3M * 3 + 0.6M * 0.3 + 0.1M * 3.75 + 0.01M * 15
        assert!((c - (0.9 + 0.18 + 0.375 + 0.15)).abs() < 1e-9, "{c}");
        assert_eq!(
            estimate(&usage, "llama3"),
            "unknown price for llama3 (local or unlisted model): no estimate"
        );
        assert!(estimate(&usage, "claude-sonnet-4-5").starts_with("~$1.6050 at list prices"));
    }
}
