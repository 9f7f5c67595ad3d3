//! A small JSON Schema checker for tool arguments: the subset tool schemas
//! use (`type`, `properties`, `required`, `enum`, `items`,
//! `additionalProperties: false`, `minimum`/`maximum`). Anything it does not
//! know it accepts, so a richer schema never rejects valid input.

use serde_json::Value;

/// Checks `value` against `schema`; the error names the path and the
/// expectation, for the model to fix its call.
pub fn validate(value: &Value, schema: &Value) -> Result<(), String> {
    check(value, schema, "arguments")
}

fn check(value: &Value, schema: &Value, path: &str) -> Result<(), String> {
    let Some(schema) = schema.as_object() else {
        return Ok(());
    };
    if let Some(ty) = schema.get("type") {
        let ok = match ty {
            Value::String(t) => type_matches(value, t),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(value, t)),
            _ => true,
        };
        if !ok {
            return Err(format!(
                "{path} must be of type {}, got {}",
                ty_display(ty),
                kind(value)
            ));
        }
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(value)
    {
        let list: Vec<String> = options.iter().map(Value::to_string).collect();
        return Err(format!(
            "{path} must be one of {}, got {value}",
            list.join(", ")
        ));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            return Err(format!("{path} must be at least {min}, got {n}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            return Err(format!("{path} must be at most {max}, got {n}"));
        }
    }
    if let Value::Object(obj) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(req)) = schema.get("required") {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    return Err(format!("{path} is missing the required field '{r}'"));
                }
            }
        }
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(sub) => check(v, sub, &format!("{path}.{k}"))?,
                None => {
                    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                        let known: Vec<&str> = props
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        return Err(format!(
                            "{path} has an unknown field '{k}'; allowed fields: {}",
                            known.join(", ")
                        ));
                    }
                }
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(v, item_schema, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn type_matches(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn ty_display(ty: &Value) -> String {
    match ty {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "limit": {"type": "integer", "minimum": 1},
                "mode": {"type": "string", "enum": ["a", "b"]},
                "list": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["path"],
            "additionalProperties": false
        })
    }

    #[test]
    fn accepts_valid_arguments() {
        validate(
            &json!({"path": "x", "limit": 3, "mode": "a", "list": ["q"]}),
            &schema(),
        )
        .unwrap();
    }

    #[test]
    fn names_each_kind_of_problem() {
        let s = schema();
        let cases = [
            (json!({}), "missing the required field 'path'"),
            (
                json!({"path": 1}),
                "arguments.path must be of type string, got integer",
            ),
            (json!({"path": "x", "limit": 0}), "at least 1"),
            (json!({"path": "x", "mode": "c"}), "must be one of"),
            (
                json!({"path": "x", "list": [1]}),
                "arguments.list[0] must be of type string",
            ),
            (json!({"path": "x", "extra": true}), "unknown field 'extra'"),
            (json!([1]), "arguments must be of type object, got array"),
        ];
        for (v, want) in cases {
            let err = validate(&v, &s).unwrap_err();
            assert!(err.contains(want), "{v}: {err}");
        }
    }
}
