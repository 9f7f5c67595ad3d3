//! The stdio transport's gate: no line from stdin goes unanswered or is
//! held without limit. A line that is not JSON gets a parse error
//! (-32700); JSON that is no MCP message gets -32600 with its id (null
//! when it has none), a batch an error for each of its requests; a line
//! over [`MAX_MESSAGE`] bytes is never buffered whole (counted and dropped
//! up to its newline) and gets -32600 "message too large", with its id
//! when its first bytes name one. Valid messages go on to rmcp. One writer
//! owns stdout, so answers from the gate and from rmcp never interleave
//! within a line.

mod answer;
mod lines;

use rmcp::model::ClientJsonRpcMessage;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Bytes buffered between the gate and rmcp in each direction.
const PIPE: usize = 1 << 16;

/// The largest message accepted, in bytes without its newline: what rmcp
/// takes (it drops longer lines without a word, so the gate answers them).
pub const MAX_MESSAGE: usize = rmcp::transport::async_rw::DEFAULT_MAX_LINE_LENGTH - 1;

/// The running gate's tasks.
pub struct Gate {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Gate {
    /// Starts the gate between `stdin`/`stdout` and rmcp; returns it with
    /// rmcp's ends: what rmcp reads (the JSON lines of stdin) and what it
    /// writes (copied to stdout).
    pub fn start<R, W>(stdin: R, stdout: W) -> (Gate, DuplexStream, DuplexStream)
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (input, mut to_rmcp) = tokio::io::duplex(PIPE);
        let (output, from_rmcp) = tokio::io::duplex(PIPE);
        let (tx, rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let errors = tx.clone();
        let reader = tokio::spawn(async move {
            let mut lines = lines::Lines::new(stdin, MAX_MESSAGE);
            loop {
                let line = match lines.next().await {
                    Ok(Some(line)) => line,
                    Ok(None) | Err(_) => break,
                };
                let text = match &line {
                    lines::Line::TooLong { bytes, head } => {
                        tracing::warn!(bytes, limit = MAX_MESSAGE, "mcp serve: message too large");
                        let _ = errors.send(answer::too_large(*bytes, MAX_MESSAGE, head));
                        continue;
                    }
                    lines::Line::Text(text) => text.trim_ascii(),
                };
                if text.is_empty() {
                    continue;
                }
                if let Some(refusal) = check(text) {
                    if !refusal.is_empty() {
                        let _ = errors.send(refusal);
                    }
                    continue;
                }
                let mut forward = text.to_vec();
                forward.push(b'\n');
                if to_rmcp.write_all(&forward).await.is_err() {
                    break;
                }
            }
            let _ = to_rmcp.shutdown().await;
        });
        let copier = tx;
        tokio::spawn(async move {
            let mut lines = BufReader::new(from_rmcp);
            let mut line = Vec::new();
            loop {
                line.clear();
                match lines.read_until(b'\n', &mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if copier.send(line.clone()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let writer = tokio::spawn(write_all(rx, stdout));
        (Gate { reader, writer }, input, output)
    }

    /// Stops reading stdin and waits (briefly) until what was answered is
    /// written out.
    pub async fn finish(self) {
        self.reader.abort();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), self.writer).await;
    }
}

async fn write_all<W: AsyncWrite + Unpin>(mut rx: mpsc::UnboundedReceiver<Vec<u8>>, mut out: W) {
    while let Some(line) = rx.recv().await {
        if out.write_all(&line).await.is_err() || out.flush().await.is_err() {
            return;
        }
    }
}

/// The answer to a line rmcp would refuse, when the gate can do better:
/// a parse error for what is not JSON, -32600 with the message's id (or
/// `null` when it has none) for JSON that is no MCP message (rmcp's own
/// answer has no `id` member), an error for each request of a batch.
/// A notification (a method, no id) goes on to rmcp, which ignores an
/// unknown one: a notification is never answered.
fn check(text: &[u8]) -> Option<Vec<u8>> {
    let Err(invalid) = serde_json::from_slice::<ClientJsonRpcMessage>(text) else {
        return None;
    };
    match serde_json::from_slice::<serde_json::Value>(text) {
        Err(e) => Some(answer::parse_error(&e)),
        Ok(serde_json::Value::Array(members)) => Some(answer::batch(&members)),
        Ok(message) => match answer::id_of(&message) {
            Some(id) => Some(answer::invalid_request(id, &invalid)),
            None if answer::is_notification(&message) => None,
            None => Some(answer::invalid_request(serde_json::Value::Null, &invalid)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn non_json_lines_get_a_parse_error_and_json_lines_pass() {
        let (mut client, stdin) = tokio::io::duplex(4096);
        let (stdout, stdout_read) = tokio::io::duplex(4096);
        let (_gate, input, _output) = Gate::start(stdin, stdout);
        client
            .write_all(b"not json\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n")
            .await
            .unwrap();
        drop(client);
        let mut passed = String::new();
        let mut input = BufReader::new(input);
        input.read_line(&mut passed).await.unwrap();
        assert_eq!(passed.trim(), "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}");
        let mut answer = String::new();
        BufReader::new(stdout_read)
            .read_line(&mut answer)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["error"]["code"], -32700);
        assert!(v["id"].is_null());
    }

    #[test]
    fn json_that_is_no_message_is_refused_with_its_id() {
        let refused = |text: &str| {
            check(text.as_bytes()).map(|a| serde_json::from_slice::<serde_json::Value>(&a).unwrap())
        };
        let a = refused(r#"{"id":9,"method":"tools/call","params":"notanobject"}"#).unwrap();
        assert_eq!(
            (a["id"].clone(), a["error"]["code"].clone()),
            (9.into(), (-32600).into())
        );
        let a = refused(r#"{"jsonrpc":"2.0","id":"ten"}"#).unwrap();
        assert_eq!(a["id"], "ten");
        assert_eq!(refused("nope").unwrap()["error"]["code"], -32700);
        assert!(refused(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).is_none());
        // A notification: rmcp decides (it ignores unknown notifications).
        assert!(refused(r#"{"jsonrpc":"2.0","method":"notifications/whatever"}"#).is_none());
    }

    /// Tester's finding: a message without a usable id got an error without
    /// an `id` member, and a batch one such error, its requests unanswered.
    #[test]
    fn an_error_always_has_an_id_and_a_batch_is_answered_request_by_request() {
        let refused = |text: &str| {
            check(text.as_bytes()).map(|a| serde_json::from_slice::<serde_json::Value>(&a).unwrap())
        };
        for text in [
            r#"{"foo":1}"#,
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
        ] {
            let a = refused(text).unwrap();
            assert!(a.get("id").is_some_and(|id| id.is_null()), "{a}");
            assert_eq!(a["error"]["code"], -32600);
        }
        let a = refused(
            r#"[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"t","method":"tools/list"}]"#,
        )
        .unwrap();
        let ids: Vec<_> = a
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].clone())
            .collect();
        assert_eq!(ids, vec![serde_json::json!(2), serde_json::json!("t")]);
        assert!(
            a[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("batches are not supported")
        );
        let a = refused("[]").unwrap();
        assert!(a["id"].is_null() && a["error"]["code"] == -32600, "{a}");
    }
}
