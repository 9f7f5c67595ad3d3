//! `POST /v1/embeddings` (OpenAI shape): each input gets the vector of the
//! first scripted rule whose text it contains (case-insensitive), else a
//! vector orthogonal to every rule's. Requests are recorded like the
//! others (with `api: None`) and never take a scripted [`super::Reply`].

use serde_json::{Value, json};

/// The path served.
pub const PATH: &str = "/v1/embeddings";

/// The vector for one input under `rules` (all rules' vectors have
/// `dim` entries; the fallback is a unit vector on an extra axis).
pub fn vector_for(rules: &[(String, Vec<f32>)], dim: usize, input: &str) -> Vec<f32> {
    let lower = input.to_lowercase();
    for (needle, v) in rules {
        if lower.contains(&needle.to_lowercase()) {
            let mut out = v.clone();
            out.resize(dim + 1, 0.0);
            return out;
        }
    }
    let mut out = vec![0.0; dim + 1];
    out[dim] = 1.0;
    out
}

/// The inputs of a request `body` (`input` a string or an array of
/// strings).
fn texts(body: &Value) -> Vec<String> {
    match &body["input"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// How many inputs a request `body` has.
pub fn inputs(body: &Value) -> usize {
    texts(body).len()
}

/// The response body for a request `body`.
pub fn response(rules: &[(String, Vec<f32>)], body: &Value) -> Value {
    let dim = rules.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let inputs = texts(body);
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": vector_for(rules, dim, t)}))
        .collect();
    json!({
        "object": "list",
        "data": data,
        "model": body["model"],
        "usage": {"prompt_tokens": inputs.len(), "total_tokens": inputs.len()},
    })
}
