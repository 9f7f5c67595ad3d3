//! The stdio transport's gate: every line from stdin that is not JSON is
//! answered with a JSON-RPC parse error (-32700) instead of being dropped
//! silently; JSON lines go on to rmcp. One writer owns stdout, so answers
//! from the gate and from rmcp never interleave within a line.

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Bytes buffered between the gate and rmcp in each direction.
const PIPE: usize = 1 << 16;

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
            let mut lines = BufReader::new(stdin);
            let mut line = Vec::new();
            loop {
                line.clear();
                match lines.read_until(b'\n', &mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let text = line.trim_ascii();
                if text.is_empty() {
                    continue;
                }
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(text) {
                    let _ = errors.send(parse_error(&e));
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

/// The JSON-RPC parse error for a line that is not JSON, as one line.
fn parse_error(e: &serde_json::Error) -> Vec<u8> {
    let answer = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {
            "code": -32700,
            "message": format!(
                "Parse error: the line is not JSON ({e}); send one JSON-RPC message per line"
            ),
        },
    });
    let mut line = answer.to_string().into_bytes();
    line.push(b'\n');
    line
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
}
