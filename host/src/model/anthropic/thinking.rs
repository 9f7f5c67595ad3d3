//! Extended thinking on the Anthropic wire: the `thinking` request
//! parameter (a provider's `thinking_budget`), the streamed `thinking` and
//! `redacted_thinking` blocks assembled into history items, and those items
//! as content blocks again. While a tool-use turn goes on the API wants the
//! turn's thinking back unmodified (text with its signature, redacted
//! `data` as it came), before the turn's `tool_use` blocks.

use serde_json::{Value, json};

use super::Item;

/// The API's smallest thinking budget (`providers.NAME.thinking_budget`).
pub const MIN_BUDGET: u32 = 1024;

/// Turns thinking on in a request `body` with `budget` tokens of it.
/// `max_tokens` must be larger than the budget (thinking counts towards
/// it): when it is not, the budget is added to it, so that the answer
/// keeps the room it was given.
pub fn enable(body: &mut Value, budget: u32) {
    let Some(obj) = body.as_object_mut() else {
        return;
    };
    let max = obj
        .get("max_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(u64::from(super::DEFAULT_MAX_TOKENS));
    if max <= u64::from(budget) {
        let raised = max + u64::from(budget);
        tracing::debug!(
            max,
            budget,
            raised,
            "max_tokens raised above the thinking budget"
        );
        obj.insert("max_tokens".into(), json!(raised));
    }
    obj.insert(
        "thinking".into(),
        json!({"type": "enabled", "budget_tokens": budget}),
    );
}

/// An [`Item::Thinking`] as the content block it came as.
pub fn block(text: &str, signature: &str) -> Value {
    json!({"type": "thinking", "thinking": text, "signature": signature})
}

/// An [`Item::RedactedThinking`] as the content block it came as.
pub fn redacted(data: &str) -> Value {
    json!({"type": "redacted_thinking", "data": data})
}

/// A `thinking` or `redacted_thinking` content block being streamed.
#[derive(Debug)]
pub struct Streamed {
    pub index: u64,
    item: Item,
}

impl Streamed {
    /// The block a `content_block_start` opens, when it is one of thinking.
    pub fn start(index: u64, block: &Value) -> Option<Streamed> {
        let field = |f: &str| {
            block
                .get(f)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let item = match block.get("type").and_then(Value::as_str)? {
            "thinking" => Item::Thinking {
                text: field("thinking"),
                signature: field("signature"),
            },
            "redacted_thinking" => Item::RedactedThinking {
                data: field("data"),
            },
            _ => return None,
        };
        Some(Streamed { index, item })
    }

    /// The text a `content_block_start` already carried (shown as
    /// reasoning).
    pub fn initial_text(&self) -> Option<&str> {
        match &self.item {
            Item::Thinking { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Adds a `thinking_delta`.
    pub fn push_text(&mut self, part: &str) {
        if let Item::Thinking { text, .. } = &mut self.item {
            text.push_str(part);
        }
    }

    /// Adds a `signature_delta`.
    pub fn push_signature(&mut self, part: &str) {
        if let Item::Thinking { signature, .. } = &mut self.item {
            signature.push_str(part);
        }
    }

    pub fn into_item(self) -> Item {
        self.item
    }
}
