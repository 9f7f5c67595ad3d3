//! How much of each request is a prefix shared with the previous request,
//! in the provider's order (tools, instructions, items), and what the
//! session's input costs with and without the provider's prompt cache.

use serde_json::Value;

/// One request in the provider's order, as the bytes a cache compares.
pub struct Flat {
    pub text: String,
    /// Where the tools end and where the instructions end (Anthropic's
    /// breakpoints on the last tool and the system prompt; the third is
    /// the end).
    pub tools_end: usize,
    pub system_end: usize,
}

/// `body` of a request on `wire`, flattened: each tool, the system prompt
/// and each item serialised on its own line, `cache_control` markers left
/// out (they mark where a cache ends, they are not content).
pub fn flatten(wire: &str, body: &Value) -> Flat {
    let mut body = body.clone();
    strip_markers(&mut body);
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let (system, items) = match wire {
        "responses" => (body["instructions"].clone(), list(&body["input"])),
        "chat" => {
            let mut m = list(&body["messages"]);
            let system = if m.is_empty() {
                Value::Null
            } else {
                m.remove(0)
            };
            (system, m)
        }
        _ => (body["system"].clone(), list(&body["messages"])),
    };
    let mut text = String::new();
    for t in list(&body["tools"]) {
        text.push_str(&t.to_string());
        text.push('\n');
    }
    let tools_end = text.len();
    text.push_str(&system.to_string());
    text.push('\n');
    let system_end = text.len();
    for i in items {
        text.push_str(&i.to_string());
        text.push('\n');
    }
    Flat {
        text,
        tools_end,
        system_end,
    }
}

fn strip_markers(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("cache_control");
            m.values_mut().for_each(strip_markers);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_markers),
        _ => {}
    }
}

/// Bytes at the start of `a` and `b` that are equal.
pub fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Published prices, US$ per million tokens: input, cache read, cache
/// write (5-minute cache).
pub struct Prices {
    pub model: &'static str,
    pub input: f64,
    pub cache_read: f64,
    pub cache_write: f64,
}

/// The prices used for each wire.
pub fn prices(wire: &str) -> Prices {
    match wire {
        // Claude Sonnet 4.5: $3 input, $0.30 cache hits, $3.75 5-minute
        // cache writes.
        "anthropic" => Prices {
            model: "claude-sonnet-4.5",
            input: 3.0,
            cache_read: 0.30,
            cache_write: 3.75,
        },
        // GPT-5: $1.25 input, $0.125 cached input; caching is automatic
        // and writing costs nothing extra. The Chat wire is priced the
        // same (OpenAI's Chat Completions).
        _ => Prices {
            model: "gpt-5",
            input: 1.25,
            cache_read: 0.125,
            cache_write: 1.25,
        },
    }
}

/// About four bytes of JSON per token.
pub fn tokens(bytes: usize) -> f64 {
    bytes as f64 / 4.0
}

/// Input tokens of one request a provider would read from its cache,
/// given the previous request (`None` for the first) and how many bytes
/// they share.
///
/// - OpenAI (Responses, Chat): the shared prefix in 128-token steps, for
///   prompts of 1024 tokens or more, and never more than the previous
///   request (what was cached).
/// - Anthropic: the furthest breakpoint of the previous request (last
///   tool, system, newest message) inside the shared prefix.
pub fn cached_tokens(wire: &str, prev: Option<&Flat>, shared: usize, total: usize) -> f64 {
    let Some(prev) = prev else { return 0.0 };
    match wire {
        "anthropic" => {
            let hit = [prev.text.len(), prev.system_end, prev.tools_end]
                .into_iter()
                .find(|&b| b <= shared)
                .unwrap_or(0);
            tokens(hit)
        }
        _ => {
            if tokens(total) < 1024.0 {
                return 0.0;
            }
            let t = tokens(shared.min(prev.text.len()));
            (t / 128.0).floor() * 128.0
        }
    }
}

/// Cost in US$ of `input` tokens of which `cached` were read from the
/// cache; the rest is written to it on Anthropic (the newest message's
/// breakpoint covers the whole request).
pub fn cost(wire: &str, p: &Prices, input: f64, cached: f64) -> f64 {
    let rest = input - cached;
    let rest_price = if wire == "anthropic" {
        p.cache_write
    } else {
        p.input
    };
    (cached * p.cache_read + rest * rest_price) / 1e6
}
