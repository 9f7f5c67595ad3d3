//! MCP results as text for the model: text content, `structuredContent` as
//! JSON, resource links and embedded resources, images and audio described
//! by type and size. The registry caps the text like any tool output.

use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};
use serde_json::Value;

use crate::tools::ToolOutput;

/// Bytes encoded by a base64 string.
pub fn base64_len(data: &str) -> usize {
    let trimmed = data.trim_end_matches('=');
    trimmed.len() * 3 / 4
}

/// `1.2 KiB`, `3 bytes`.
pub fn human_size(n: usize) -> String {
    if n < 1024 {
        format!("{n} bytes")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

/// One resource's contents: the text itself, or a description of a blob.
pub fn resource_text(r: &ResourceContents) -> String {
    match r {
        ResourceContents::TextResourceContents {
            uri,
            mime_type,
            text,
            ..
        } => format!(
            "[resource {uri}{}]\n{text}",
            mime_type
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        ),
        ResourceContents::BlobResourceContents {
            uri,
            mime_type,
            blob,
            ..
        } => format!(
            "[resource {uri}: {}, {} of binary data not shown]",
            mime_type.as_deref().unwrap_or("application/octet-stream"),
            human_size(base64_len(blob))
        ),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn block_text(b: &ContentBlock) -> String {
    match b {
        ContentBlock::Text(t) => t.text.clone(),
        ContentBlock::Image(i) => format!(
            "[image: {}, {}]",
            i.mime_type,
            human_size(base64_len(&i.data))
        ),
        ContentBlock::Audio(a) => format!(
            "[audio: {}, {}]",
            a.mime_type,
            human_size(base64_len(&a.data))
        ),
        ContentBlock::ResourceLink(r) => {
            let mut s = format!("[resource link: {} <{}>", r.name, r.uri);
            if let Some(m) = &r.mime_type {
                s.push_str(&format!(", {m}"));
            }
            if let Some(size) = r.size {
                s.push_str(&format!(", {}", human_size(size as usize)));
            }
            s.push(']');
            if let Some(d) = &r.description {
                s.push_str(&format!(" {d}"));
            }
            s
        }
        ContentBlock::Resource(e) => resource_text(&e.resource),
        // A content type newer than this client.
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// The text and structure sent back for a `tools/call` result.
pub fn to_output(r: CallToolResult) -> ToolOutput {
    let mut parts: Vec<String> = r.content.iter().map(block_text).collect();
    let structured = r.structured_content.filter(|v| !v.is_null());
    if let Some(s) = &structured {
        // Servers often repeat the structure as JSON text; say it once.
        let repeated = r.content.iter().any(|b| match b {
            ContentBlock::Text(t) => {
                serde_json::from_str::<Value>(&t.text).ok().as_ref() == Some(s)
            }
            _ => false,
        });
        if !repeated {
            let json = serde_json::to_string_pretty(s).unwrap_or_default();
            parts.push(if parts.is_empty() {
                json
            } else {
                format!("structuredContent:\n{json}")
            });
        }
    }
    let mut text = parts.join("\n");
    if text.is_empty() {
        text = "(the tool returned no content)".into();
    }
    ToolOutput {
        text,
        structured,
        is_error: r.is_error.unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(v: Value) -> CallToolResult {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn every_content_kind_becomes_text() {
        let out = to_output(result(json!({
            "content": [
                {"type": "text", "text": "hello"},
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
                {"type": "audio", "data": "AAAA", "mimeType": "audio/wav"},
                {"type": "resource_link", "uri": "file:///a.txt", "name": "a.txt", "mimeType": "text/plain", "description": "the file"},
                {"type": "resource", "resource": {"uri": "mem://x", "mimeType": "text/plain", "text": "inner text"}},
                {"type": "resource", "resource": {"uri": "mem://b", "blob": "AAAAAAAA"}}
            ],
            "isError": false
        })));
        assert!(!out.is_error);
        let t = out.text;
        assert!(t.starts_with("hello\n"), "{t}");
        assert!(t.contains("[image: image/png, 8 bytes]"), "{t}");
        assert!(t.contains("[audio: audio/wav, 3 bytes]"), "{t}");
        assert!(
            t.contains("[resource link: a.txt <file:///a.txt>, text/plain] the file"),
            "{t}"
        );
        assert!(
            t.contains("[resource mem://x (text/plain)]\ninner text"),
            "{t}"
        );
        assert!(
            t.contains(
                "[resource mem://b: application/octet-stream, 6 bytes of binary data not shown]"
            ),
            "{t}"
        );
    }

    #[test]
    fn structured_content_is_json_and_not_repeated() {
        let only = to_output(result(
            json!({"content": [], "structuredContent": {"sum": 3}}),
        ));
        assert_eq!(only.structured, Some(json!({"sum": 3})));
        assert!(only.text.contains("\"sum\": 3"));
        let both = to_output(result(json!({
            "content": [{"type": "text", "text": "{\"sum\":3}"}],
            "structuredContent": {"sum": 3}
        })));
        assert_eq!(both.text, "{\"sum\":3}");
        let differs = to_output(result(json!({
            "content": [{"type": "text", "text": "the sum"}],
            "structuredContent": {"sum": 3}
        })));
        assert!(differs.text.starts_with("the sum\nstructuredContent:\n"));
    }

    #[test]
    fn errors_and_empty_results() {
        let e = to_output(result(
            json!({"content": [{"type": "text", "text": "bad"}], "isError": true}),
        ));
        assert!(e.is_error && e.text == "bad");
        let empty = to_output(result(json!({"content": []})));
        assert!(empty.text.contains("no content"));
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
    }
}
