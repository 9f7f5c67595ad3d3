//! The gate's own JSON-RPC error answers, each one line. An answer carries
//! the request's id whenever it can be read.

use serde_json::{Value, json};

/// The error answering `id` with `code` and `message`.
fn error_value(id: Value, code: i64, message: String) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
}

/// The line answering `id` with `code` and `message`.
fn error(id: Value, code: i64, message: String) -> Vec<u8> {
    line(&error_value(id, code, message))
}

fn line(answer: &Value) -> Vec<u8> {
    let mut line = answer.to_string().into_bytes();
    line.push(b'\n');
    line
}

/// Whether `message` is a notification: a method and no id.
pub fn is_notification(message: &Value) -> bool {
    message.get("id").is_none() && message.get("method").is_some_and(Value::is_string)
}

/// The answer to a JSON-RPC batch, which is not served: an array with a
/// -32600 error for each request in it (its id, `null` for a member that
/// is no message), nothing for notifications; one -32600 error for an
/// empty batch. Nothing of the batch is run.
pub fn batch(members: &[Value]) -> Vec<u8> {
    const WHY: &str =
        "Invalid request: batches are not supported; send each JSON-RPC message on its own line";
    if members.is_empty() {
        return error(
            Value::Null,
            -32600,
            "Invalid request: an empty batch".into(),
        );
    }
    let answers: Vec<Value> = members
        .iter()
        .filter(|m| !is_notification(m))
        .map(|m| error_value(id_of(m).unwrap_or(Value::Null), -32600, WHY.into()))
        .collect();
    if answers.is_empty() {
        // Only notifications: JSON-RPC answers nothing.
        return Vec::new();
    }
    line(&Value::Array(answers))
}

/// -32700 for a line that is not JSON (no id can be read).
pub fn parse_error(e: &serde_json::Error) -> Vec<u8> {
    error(
        Value::Null,
        -32700,
        format!("Parse error: the line is not JSON ({e}); send one JSON-RPC message per line"),
    )
}

/// -32600 for JSON that is not a valid MCP message, with its id.
pub fn invalid_request(id: Value, e: &serde_json::Error) -> Vec<u8> {
    error(id, -32600, format!("Invalid request: {e}"))
}

/// -32600 for a message over the size limit; `head` is its start.
pub fn too_large(bytes: u64, limit: usize, head: &[u8]) -> Vec<u8> {
    error(
        id_in_head(head).unwrap_or(Value::Null),
        -32600,
        format!("message too large: {bytes} bytes, the limit is {limit}"),
    )
}

/// A message's id when it is a usable JSON-RPC id (an integer or a string).
pub fn id_of(message: &Value) -> Option<Value> {
    let id = message.get("id")?;
    (id.is_string() || id.is_i64() || id.is_u64()).then(|| id.clone())
}

/// The top-level `"id"` of a JSON object of which only the first bytes
/// are at hand.
fn id_in_head(head: &[u8]) -> Option<Value> {
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut i = 0;
    while i < head.len() {
        match head[i] {
            b'"' => {
                let end = string_end(head, i)?;
                if depth == 1 && expect_key && &head[i + 1..end] == b"id" {
                    let rest = head[end + 1..].trim_ascii_start().strip_prefix(b":")?;
                    let value = serde_json::Deserializer::from_slice(rest)
                        .into_iter::<Value>()
                        .next()?
                        .ok()?;
                    return id_of(&json!({ "id": value }));
                }
                expect_key = false;
                i = end;
            }
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = depth == 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the quote closing the string that opens at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_read_from_the_start_of_a_message() {
        let id = |s: &str| id_in_head(s.as_bytes());
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":5,"method":"ping","params":{"x":"#),
            Some(json!(5))
        );
        assert_eq!(id(r#"{ "id" : "a\"b", "method""#), Some(json!("a\"b")));
        // Only the top level counts; a nested "id" or a value "id" does not.
        assert_eq!(
            id(r#"{"params":{"id":3},"method":"id","id":4,"#),
            Some(json!(4))
        );
        assert_eq!(id(r#"{"params":{"id":3},"x":"#), None);
        assert_eq!(id(r#"{"id":null,"#), None);
        assert_eq!(id(r#"{"id":1.5,"#), None);
        assert_eq!(id(r#"["id",1]"#), None);
    }
}
