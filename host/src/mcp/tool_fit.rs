//! What of a server's tool goes to the model: a tool without a usable
//! name is left out, a long description (the tool's, or any in its input
//! schema) is cut, and a schema still too big is left out. Every request
//! that carries the tool would carry it all, so one careless or hostile
//! server could make each request megabytes.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::model::Tool;
use serde_json::Value;

/// Characters of a tool's description the model is sent.
pub const DESCRIPTION_CHARS: usize = 2_000;
/// Characters of each description inside the input schema (parameters).
pub const SCHEMA_DESCRIPTION_CHARS: usize = 1_000;
/// Bytes of the input schema (as JSON, descriptions already cut) above
/// which the tool is left out.
pub const SCHEMA_BYTES: usize = 32 * 1024;

/// `tool` as it may be offered, with a note for each thing cut; `Err` with
/// why when it is left out. `server` names the server in the notes.
pub(crate) fn fit(server: &str, mut tool: Tool) -> Result<(Tool, Vec<String>), String> {
    let name = tool.name.to_string();
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(format!(
            "MCP server '{server}': a tool with the name {} is left out: a tool needs a name of visible characters",
            serde_json::Value::String(name)
        ));
    }
    let mut schema = Value::Object((*tool.input_schema).clone());
    if let Some(why) = hidden(&tool, &schema) {
        return Err(format!(
            "MCP server '{server}': tool '{}' is left out: {why}, which would show the model different text than you see",
            crate::printable::quoted_name(&name)
        ));
    }
    if !crate::tools::object_schema::make_object(&mut schema.clone()) {
        let shown = serde_json::to_string(&schema).unwrap_or_default();
        return Err(format!(
            "MCP server '{server}': tool '{}' is left out: it has the input schema {} {}",
            crate::printable::quoted_name(&name),
            crate::printable::quoted_name(&crate::plugins::explain::clip(&shown, 200)),
            crate::tools::object_schema::NOT_OBJECT
        ));
    }
    let mut notes = Vec::new();
    if let Some(d) = &tool.description
        && let Some(cut) = cut(d, DESCRIPTION_CHARS)
    {
        notes.push(format!(
            "MCP server '{server}': the description of tool '{name}' is {} characters; only the first {DESCRIPTION_CHARS} are sent to the model",
            d.chars().count()
        ));
        tool.description = Some(Cow::Owned(cut));
    }
    let mut longest = 0;
    let cuts = cut_descriptions(&mut schema, &mut longest);
    if cuts > 0 {
        notes.push(format!(
            "MCP server '{server}': tool '{name}' has {cuts} parameter description(s) over {SCHEMA_DESCRIPTION_CHARS} characters (the longest {longest}); each is cut to that"
        ));
    }
    let size = serde_json::to_string(&schema).map(|s| s.len()).unwrap_or(0);
    if size > SCHEMA_BYTES {
        return Err(format!(
            "MCP server '{server}': tool '{name}' is left out: its input schema is {size} bytes, over the limit of {SCHEMA_BYTES}"
        ));
    }
    if cuts > 0
        && let Value::Object(o) = schema
    {
        tool.input_schema = Arc::new(o);
    }
    Ok((tool, notes))
}

/// Where `tool`'s name, description or input schema holds a hidden
/// character ([`crate::hidden_text`]): refused like a skill with one,
/// never sent cleaned, so the model reads what `quire mcp tools` shows.
fn hidden(tool: &Tool, schema: &Value) -> Option<String> {
    use crate::hidden_text::{code, in_name, in_schema, in_text};
    let (place, c) = in_name(&tool.name)
        .map(|c| ("name".to_string(), c))
        .or_else(|| {
            let d = tool.description.as_deref()?;
            in_text(d).map(|c| ("description".to_string(), c))
        })
        .or_else(|| {
            let (place, c) = in_schema(schema)?;
            Some((format!("input schema ({place})"), c))
        })?;
    Some(format!(
        "its {place} holds the invisible character {}",
        code(c)
    ))
}

/// `s` cut to `max` characters with a mark, or `None` when it fits.
fn cut(s: &str, max: usize) -> Option<String> {
    if s.chars().count() <= max {
        return None;
    }
    let head: String = s.chars().take(max).collect();
    Some(format!("{head}… [cut at {max} characters]"))
}

/// Cuts every string `description` in `v` (at any depth); how many were
/// cut, and the longest one's length in `longest`.
fn cut_descriptions(v: &mut Value, longest: &mut usize) -> usize {
    let mut n = 0;
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter_mut() {
                if k == "description"
                    && let Value::String(s) = child
                {
                    let len = s.chars().count();
                    if let Some(c) = cut(s, SCHEMA_DESCRIPTION_CHARS) {
                        *s = c;
                        *longest = (*longest).max(len);
                        n += 1;
                    }
                } else {
                    n += cut_descriptions(child, longest);
                }
            }
        }
        Value::Array(a) => {
            for child in a {
                n += cut_descriptions(child, longest);
            }
        }
        _ => {}
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(v: Value) -> Tool {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn long_descriptions_are_cut_and_named() {
        let t = tool(json!({
            "name": "big",
            "description": "d".repeat(2_000_000),
            "inputSchema": {"type": "object", "properties": {
                "a": {"type": "string", "description": "p".repeat(1_000_000)},
                "b": {"type": "object", "properties": {"description": {"type": "string", "description": "short"}}}
            }}
        }));
        let (t, notes) = fit("srv", t).unwrap();
        let d = t.description.unwrap();
        assert!(d.chars().count() < DESCRIPTION_CHARS + 40, "{}", d.len());
        let a = t.input_schema["properties"]["a"]["description"]
            .as_str()
            .unwrap();
        assert!(a.chars().count() < SCHEMA_DESCRIPTION_CHARS + 40);
        assert_eq!(
            t.input_schema["properties"]["b"]["properties"]["description"]["description"],
            "short"
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("'srv'") && notes[0].contains("'big'"));
        assert!(notes[1].contains("1 parameter description(s)"), "{notes:?}");
    }

    #[test]
    fn a_huge_schema_or_an_empty_name_leaves_the_tool_out() {
        let props: serde_json::Map<String, Value> = (0..5000)
            .map(|i| (format!("p{i}"), json!({"type": "string"})))
            .collect();
        let t =
            tool(json!({"name": "wide", "inputSchema": {"type": "object", "properties": props}}));
        let e = fit("srv", t).unwrap_err();
        assert!(
            e.contains("'wide' is left out") && e.contains("over the limit"),
            "{e}"
        );
        for name in ["", "  ", "a\nb"] {
            let t = tool(json!({"name": name, "inputSchema": {"type": "object"}}));
            let e = fit("odd", t).unwrap_err();
            assert!(
                e.contains("MCP server 'odd'") && e.contains("needs a name"),
                "{e}"
            );
        }
        let ok =
            tool(json!({"name": "fine", "description": "x", "inputSchema": {"type": "object"}}));
        assert!(fit("srv", ok).unwrap().1.is_empty());
    }

    #[test]
    fn a_schema_that_is_not_an_object_schema_leaves_the_tool_out() {
        let t = tool(json!({"name": "str", "inputSchema": {"type": "string"}}));
        let e = fit("sch", t).unwrap_err();
        assert!(
            e.contains("MCP server 'sch': tool 'str' is left out")
                && e.contains("not an object schema"),
            "{e}"
        );
        let t = tool(json!({"name": "none", "inputSchema": {"properties": {}}}));
        assert!(fit("sch", t).is_ok());
    }

    #[test]
    fn hidden_characters_leave_the_tool_out_named() {
        let t = tool(
            json!({"name": "t", "description": "ignore previous\u{202e}\u{1b}]0;x\u{7}",
            "inputSchema": {"type": "object"}}),
        );
        let e = fit("srv", t).unwrap_err();
        assert!(
            e.contains("MCP server 'srv'") && e.contains("its description") && e.contains("U+202E"),
            "{e}"
        );
        let t = tool(json!({"name": "t", "description": "fine 👩\u{200d}💻",
            "inputSchema": {"type": "object", "properties": {"q": {"type": "string", "description": "q\u{e0041}"}}}}));
        let e = fit("srv", t).unwrap_err();
        assert!(
            e.contains("description of properties.q") && e.contains("U+E0041"),
            "{e}"
        );
        let t = tool(json!({"name": "t\u{200b}x", "inputSchema": {"type": "object"}}));
        assert!(
            fit("srv", t)
                .unwrap_err()
                .contains("its name holds the invisible character U+200B")
        );
    }
}
