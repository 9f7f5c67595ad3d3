//! Tool parameters providers accept: OpenAI and Anthropic refuse a whole
//! request when one tool's parameters are not a JSON object schema, so a
//! plugin's or MCP server's tool with another schema is left out.

use serde_json::Value;

/// Why such a schema is refused, after the schema itself.
pub const NOT_OBJECT: &str =
    "which is not an object schema (providers accept only `\"type\": \"object\"` parameters)";

/// Whether `schema` is an object schema; one without a `type` is made one
/// (`"type": "object"` added), as MCP and plugin schemas often leave it out.
pub fn make_object(schema: &mut Value) -> bool {
    let Some(object) = schema.as_object_mut() else {
        return false;
    };
    match object.get("type") {
        None => {
            object.insert("type".into(), Value::String("object".into()));
            true
        }
        Some(Value::String(t)) => t == "object",
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_object_schemas_pass_and_a_missing_type_is_added() {
        let mut none = json!({"properties": {}});
        assert!(make_object(&mut none));
        assert_eq!(none["type"], "object");
        assert!(make_object(&mut json!({"type": "object"})));
        for bad in [
            json!({"type": "string"}),
            json!({"type": ["object", "null"]}),
            json!([1]),
            json!("x"),
        ] {
            assert!(!make_object(&mut bad.clone()), "{bad}");
        }
    }
}
