//! Reasoning on the Responses wire: the `reasoning` (effort, summary) and
//! `text` (verbosity) parameters, and the `reasoning` output items kept as
//! [`Item::Reasoning`] and sent back with their `encrypted_content` (asked
//! for by `include`, as `store` is false) in later requests, before the
//! answer or calls they came with. The API itself ignores those of turns
//! before the last user message, so the history's prefix stays the same.

use serde_json::{Map, Value, json};

use super::Item;
use crate::config::reasoning::Reasoning;

/// What `include` asks for: the reasoning as the API wants it back.
const ENCRYPTED: &str = "reasoning.encrypted_content";

/// Adds the reasoning parameters to a request body: `reasoning` when an
/// effort or a summary is configured, `text.verbosity` when a verbosity
/// is, `include` when the model reasons (something configured, or
/// reasoning items in the history). Nothing when none of that holds.
pub fn add_params(obj: &mut Map<String, Value>, settings: &Reasoning, items: &[Item]) {
    let mut reasoning = Map::new();
    if let Some(effort) = settings.effort {
        reasoning.insert("effort".into(), json!(effort.as_str()));
    }
    if let Some(summary) = settings.summary_asked() {
        reasoning.insert("summary".into(), json!(summary.as_str()));
    }
    if !reasoning.is_empty() {
        obj.insert("reasoning".into(), Value::Object(reasoning));
    }
    if let Some(verbosity) = settings.verbosity {
        obj.insert("text".into(), json!({"verbosity": verbosity.as_str()}));
    }
    if settings.configured() || items.iter().any(|i| matches!(i, Item::Reasoning { .. })) {
        obj.insert("include".into(), json!([ENCRYPTED]));
    }
}

/// Whether the item at `index` of `items` is sent: every item but the
/// thinking of other wires, and reasoning without encrypted content or
/// without the answer or call it came before (the API refuses a reasoning
/// item whose following item is missing).
pub fn sent(items: &[Item], index: usize) -> bool {
    match &items[index] {
        Item::Reasoning {
            encrypted_content, ..
        } => {
            !encrypted_content.is_empty()
                && items[index + 1..]
                    .iter()
                    .find(|i| !matches!(i, Item::Reasoning { .. }))
                    .is_some_and(|i| matches!(i, Item::Assistant { .. } | Item::ToolCall { .. }))
        }
        other => !other.is_thinking(),
    }
}

/// An [`Item::Reasoning`] as an input item (without its id: with `store`
/// false the API knows the item by its encrypted content only).
pub fn input(summary: &[String], encrypted_content: &str) -> Value {
    let summary: Vec<Value> = summary
        .iter()
        .map(|t| json!({"type": "summary_text", "text": t}))
        .collect();
    json!({
        "type": "reasoning",
        "summary": summary,
        "encrypted_content": encrypted_content,
    })
}

/// The history item of a finished `reasoning` output item. One without
/// encrypted content (the request did not ask for it) is kept too: it is
/// never sent back, but says the model reasons, so later requests ask for
/// the content.
pub fn item(done: &Value) -> Item {
    let encrypted = done
        .get("encrypted_content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let summary = done
        .get("summary")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Item::Reasoning {
        id: done
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        summary,
        encrypted_content: encrypted.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{ModelEvent, wire::test_support::run};

    fn reasoning(encrypted: &str) -> Item {
        Item::Reasoning {
            id: "rs_1".into(),
            summary: vec!["**Plan**".into()],
            encrypted_content: encrypted.into(),
        }
    }

    #[test]
    fn reasoning_is_sent_only_with_its_content_and_what_followed_it() {
        let call = Item::ToolCall {
            call_id: "c".into(),
            name: "shell".into(),
            arguments: "{}".into(),
        };
        let user = Item::User {
            typed: None,
            text: "u".into(),
        };
        let items = vec![
            reasoning("enc"),
            reasoning("enc2"),
            call.clone(),
            reasoning(""),
            call,
            reasoning("cut"),
            user,
        ];
        let sent: Vec<bool> = (0..items.len()).map(|i| sent(&items, i)).collect();
        assert_eq!(sent, [true, true, true, false, true, false, true]);
        assert_eq!(
            input(&["**Plan**".into()], "enc"),
            json!({"type": "reasoning",
                "summary": [{"type": "summary_text", "text": "**Plan**"}],
                "encrypted_content": "enc"})
        );
    }

    #[tokio::test]
    async fn finished_reasoning_items_are_kept() {
        let done = |item: serde_json::Value| {
            let data = json!({"type": "response.output_item.done", "item": item});
            format!("event: response.output_item.done\ndata: {data}\n\n")
        };
        let body = [
            done(json!({"type": "reasoning", "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "**Plan**"}],
                "encrypted_content": "enc"})),
            done(json!({"type": "reasoning", "id": "rs_2", "summary": []})),
            "data: {\"type\":\"response.completed\",\"response\":{}}\n\n".to_string(),
        ]
        .concat();
        let decode = |chunks| {
            super::super::decode_stream(crate::model::sse::decode(futures::stream::iter(chunks)))
        };
        assert_eq!(
            run(&body, decode).await,
            vec![
                // No summary deltas came: the finished item's summary is shown.
                Ok(ModelEvent::ReasoningDelta("**Plan**".into())),
                Ok(ModelEvent::Thinking(reasoning("enc"))),
                Ok(ModelEvent::Thinking(Item::Reasoning {
                    id: "rs_2".into(),
                    summary: Vec::new(),
                    encrypted_content: String::new(),
                })),
                Ok(ModelEvent::Completed { usage: None })
            ]
        );
    }
}
