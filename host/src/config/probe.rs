//! Finding OpenAI-compatible model servers on this machine (Ollama, vLLM,
//! llama.cpp, LM Studio) for the first-run setup: `GET /v1/models` on
//! their usual ports of 127.0.0.1.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The usual ports: Ollama, llama.cpp, vLLM, LM Studio.
pub const DEFAULT_PORTS: &[u16] = &[11434, 8080, 8000, 1234];

/// Overrides [`DEFAULT_PORTS`] (comma-separated), for tests and for
/// servers on other ports.
pub const PORTS_ENV: &str = "QUIRE_PROBE_PORTS";

/// A server that answered.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalServer {
    /// `http://127.0.0.1:PORT/v1`
    pub base_url: String,
    /// The model ids it lists.
    pub models: Vec<String>,
}

/// The ports to probe: [`PORTS_ENV`] when set, else [`DEFAULT_PORTS`].
pub fn ports() -> Vec<u16> {
    match std::env::var(PORTS_ENV) {
        Ok(v) if !v.trim().is_empty() => {
            v.split(',').filter_map(|p| p.trim().parse().ok()).collect()
        }
        _ => DEFAULT_PORTS.to_vec(),
    }
}

/// Every port of `ports` on 127.0.0.1 that answers `GET /v1/models` with
/// an OpenAI-style model list.
pub fn local_servers(ports: &[u16]) -> Vec<LocalServer> {
    let handles: Vec<_> = ports
        .iter()
        .map(|&port| std::thread::spawn(move || probe(port)))
        .collect();
    handles
        .into_iter()
        .filter_map(|h| h.join().ok().flatten())
        .collect()
}

fn probe(port: u16) -> Option<LocalServer> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(2)))
        .ok()?;
    let request = format!(
        "GET /v1/models HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    // A server that keeps the connection open ends with a timeout; what
    // was read so far still counts.
    let _ = stream.take(1 << 20).read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status_ok = head
        .lines()
        .next()
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("200"));
    if !status_ok {
        return None;
    }
    let models = model_ids(body)?;
    Some(LocalServer {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        models,
    })
}

/// The ids of `{"data": [{"id": …}, …]}`; `None` when it is not that.
pub fn model_ids(body: &str) -> Option<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    let data = v.get("data")?.as_array()?;
    Some(
        data.iter()
            .filter_map(|m| m.get("id").and_then(|i| i.as_str()).map(str::to_string))
            .collect(),
    )
}

/// Whether `name` names one of the `listed` model ids: the id itself, an
/// Ollama id's name without its `:latest` tag, or an alias the server
/// resolves to a dated id (Anthropic lists `claude-sonnet-4-5-20250929`
/// and takes `claude-sonnet-4-5`).
pub fn names_listed_model(listed: &[String], name: &str) -> bool {
    listed.iter().any(|id| {
        id == name
            || id.strip_suffix(":latest") == Some(name)
            || id
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|date| date.len() >= 6 && date.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_matches_its_id_its_untagged_ollama_name_and_a_dated_alias() {
        let listed: Vec<String> = [
            "llama3:latest",
            "qwen3:8b",
            "claude-sonnet-4-5-20250929",
            "gpt-5.1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for name in [
            "llama3",
            "llama3:latest",
            "qwen3:8b",
            "claude-sonnet-4-5",
            "gpt-5.1",
        ] {
            assert!(names_listed_model(&listed, name), "{name}");
        }
        // Another tag, a prefix that is not an alias, a typo.
        for name in [
            "qwen3",
            "claude-sonnet",
            "claude-sonnet-4",
            "gpt-5",
            "gpt-5.11",
            "lama3",
        ] {
            assert!(!names_listed_model(&listed, name), "{name}");
        }
    }

    #[test]
    fn model_lists_are_read_and_other_bodies_are_not() {
        assert_eq!(
            model_ids(r#"{"object":"list","data":[{"id":"a"},{"id":"b"}]}"#),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(model_ids("<html>nope</html>"), None);
        assert_eq!(model_ids(r#"{"error":"x"}"#), None);
    }

    #[test]
    fn a_closed_port_is_not_a_server() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        assert!(local_servers(&[port]).is_empty());
    }
}
