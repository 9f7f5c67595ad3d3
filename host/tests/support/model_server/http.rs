//! A small HTTP/1.1 request parser and response writer: request line,
//! headers, a `Content-Length` or chunked body; responses always close the
//! connection.

use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest accepted head (request line + headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest accepted body.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A parsed request.
pub(super) struct Request {
    pub method: String,
    pub target: String,
    /// Names lowercased, in order of appearance.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub first_byte_at: Instant,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Buffered reading from the socket.
struct Reader<'a> {
    stream: &'a mut TcpStream,
    buf: Vec<u8>,
    pos: usize,
}

impl Reader<'_> {
    /// Reads more bytes; `Ok(false)` at end of stream.
    async fn fill(&mut self) -> Result<bool, String> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self
            .stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("read failed: {e}"))?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Ensures `n` unread bytes are buffered.
    async fn want(&mut self, n: usize) -> Result<(), String> {
        while self.buf.len() - self.pos < n {
            if !self.fill().await? {
                return Err("connection closed in the middle of the body".into());
            }
        }
        Ok(())
    }

    /// Reads up to (and consumes) the next CRLF.
    async fn line(&mut self) -> Result<String, String> {
        loop {
            if let Some(i) = find(&self.buf[self.pos..], b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[self.pos..self.pos + i]).into_owned();
                self.pos += i + 2;
                return Ok(line);
            }
            if self.buf.len() - self.pos > MAX_HEAD {
                return Err("line too long in chunked body".into());
            }
            if !self.fill().await? {
                return Err("connection closed in the middle of a chunked body".into());
            }
        }
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        out
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request. `Ok(None)` when the client closed the connection
/// before sending anything.
pub(super) async fn read_request(stream: &mut TcpStream) -> Result<Option<Request>, String> {
    let mut reader = Reader {
        stream,
        buf: Vec::new(),
        pos: 0,
    };
    if !reader.fill().await? {
        return Ok(None);
    }
    let first_byte_at = Instant::now();
    let head_end = loop {
        if let Some(i) = find(&reader.buf, b"\r\n\r\n") {
            break i;
        }
        if reader.buf.len() > MAX_HEAD {
            return Err(format!("request head longer than {MAX_HEAD} bytes"));
        }
        if !reader.fill().await? {
            return Err("connection closed before the end of the request head".into());
        }
    };
    let head = String::from_utf8_lossy(&reader.buf[..head_end]).into_owned();
    reader.pos = head_end + 4;

    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("malformed request line {request_line:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported HTTP version {version:?}"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed header line {line:?}"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
        first_byte_at,
    };

    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        reader
            .stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .map_err(|e| format!("write failed: {e}"))?;
    }
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(&mut reader).await?;
    } else if let Some(len) = request.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| format!("bad Content-Length {len:?}"))?;
        if len > MAX_BODY {
            return Err(format!("body of {len} bytes is over the {MAX_BODY} limit"));
        }
        reader.want(len).await?;
        request.body = reader.take(len).to_vec();
    }
    Ok(Some(request))
}

async fn read_chunked(reader: &mut Reader<'_>) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line = reader.line().await?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size line {line:?}"))?;
        if size == 0 {
            // Trailers, up to an empty line.
            while !reader.line().await?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(format!("chunked body is over the {MAX_BODY} limit"));
        }
        reader.want(size + 2).await?;
        body.extend_from_slice(reader.take(size));
        if reader.take(2) != b"\r\n" {
            return Err("chunk data not followed by CRLF".into());
        }
    }
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Site Overloaded",
        _ => "Unknown",
    }
}

/// Writes a complete response with a body and `Connection: close`.
pub(super) async fn write_full(
    stream: &mut TcpStream,
    code: u16,
    extra_headers: &[(&str, String)],
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(code),
        body.len()
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// Writes the head of a chunked `text/event-stream` response.
pub(super) async fn write_sse_head(
    stream: &mut TcpStream,
    extra_headers: &[(&str, String)],
) -> std::io::Result<()> {
    let mut head = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
         Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n",
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await
}

/// Writes one chunk of a chunked body.
pub(super) async fn write_chunk(stream: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut bytes = format!("{:x}\r\n", data.len()).into_bytes();
    bytes.extend_from_slice(data);
    bytes.extend_from_slice(b"\r\n");
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// Ends a chunked body.
pub(super) async fn write_last_chunk(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(b"0\r\n\r\n").await?;
    stream.flush().await
}
