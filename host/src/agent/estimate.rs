//! How many tokens the next request will take: everything it sends (the
//! system prompt, the tool list, every history item: messages, context
//! items, skill bodies, the new message), so that compaction starts before
//! a request overflows the window rather than after.

use super::Session;
use crate::model::Item;
use crate::tools::ToolSpec;

/// About this many bytes of a request make one token.
pub(crate) const BYTES_PER_TOKEN: u64 = 4;

/// Bytes of `items` as quire writes them (close to what the wires send).
pub(crate) fn bytes_of_items(items: &[Item]) -> u64 {
    items.iter().map(bytes_of_item).sum()
}

/// Bytes of one item as quire writes it; an image counts as
/// [`crate::images::IMAGE_TOKENS`] tokens, whatever the size of its data
/// (providers count images by their pixels, not their bytes).
pub(crate) fn bytes_of_item(item: &Item) -> u64 {
    match item {
        Item::Image { .. } => crate::images::IMAGE_TOKENS * BYTES_PER_TOKEN,
        _ => serde_json::to_string(item).map(|s| s.len()).unwrap_or(0) as u64,
    }
}

/// Bytes of a tool list as sent (name, description, parameters).
pub(crate) fn bytes_of_tools(tools: &[ToolSpec]) -> u64 {
    tools
        .iter()
        .map(|t| serde_json::to_string(t).map(|s| s.len()).unwrap_or(0) as u64)
        .sum()
}

/// Tokens of a request made of `instructions`, `tools` and `items`,
/// counted from its bytes.
pub(crate) fn request_tokens(instructions: &str, tools: &[ToolSpec], items: &[Item]) -> u64 {
    (instructions.len() as u64 + bytes_of_tools(tools) + bytes_of_items(items)) / BYTES_PER_TOKEN
}

impl Session {
    /// Estimated tokens of the next request carrying `tools`: counted from
    /// its bytes, or, when larger, the last usage the provider reported
    /// plus the items added since (a provider's count beats ours; ours
    /// stands when a server reports less than it was sent).
    pub fn estimated_tokens(&self, tools: &[ToolSpec]) -> u64 {
        let counted = request_tokens(&self.instructions(), tools, &self.history);
        match self.last_usage {
            Some((u, len)) if len <= self.history.len() => counted.max(
                u.total()
                    .saturating_add(bytes_of_items(&self.history[len..]) / BYTES_PER_TOKEN),
            ),
            _ => counted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_tool_list_and_instructions_count() {
        let items = vec![Item::User {
            typed: None,
            text: "x".repeat(400),
        }];
        let bare = request_tokens("", &[], &items);
        let tool = ToolSpec {
            name: "shell".into(),
            description: "d".repeat(4000),
            parameters: json!({"type": "object"}),
            read_only: false,
            destructive: false,
        };
        let with_tools = request_tokens("", &[tool], &items);
        assert!(with_tools >= bare + 1000, "{bare} {with_tools}");
        let with_prompt = request_tokens(&"p".repeat(4000), &[], &items);
        assert!(with_prompt >= bare + 1000, "{bare} {with_prompt}");
    }

    #[test]
    fn an_image_counts_at_a_fixed_cost() {
        let image = |n: usize| Item::Image {
            name: "shot.png".into(),
            media_type: "image/png".into(),
            data: "A".repeat(n),
        };
        let small = request_tokens("", &[], &[image(8)]);
        let big = request_tokens("", &[], &[image(4_000_000)]);
        assert_eq!(small, crate::images::IMAGE_TOKENS);
        assert_eq!(small, big);
    }
}
