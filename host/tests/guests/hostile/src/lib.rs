//! A plugin that attacks its host. Every tool tries one thing a sandbox must
//! stop (or bound); `echo` shows that the host still serves afterwards.
//! Its hook (world 0.2.0) loops forever on every event.

use std::io::Write;

use serde_json::{Value, json};

wit_bindgen::generate!({
    path: "../../../../sdk/wit",
    world: "plugin",
});

use exports::quire::plugin::tools::{Guest, ToolError, ToolInfo};
use quire::plugin::log::{Level, log};

struct Hostile;

const TOOLS: &[(&str, &str)] = &[
    ("echo", "Returns its arguments."),
    ("spin", "Loops forever."),
    ("alloc", "Allocates memory until it fails."),
    ("recurse", "Recurses without end (exhausts the wasm stack)."),
    (
        "recurse-frames",
        "Recurses without end with big frames (exhausts the shadow stack).",
    ),
    ("read", "Reads a file: {path}."),
    ("write", "Writes a file: {path, text}."),
    ("env", "Reads an environment variable: {name}."),
    ("http", "GETs a URL over wasi:http: {url}."),
    ("tcp", "Opens a raw TCP connection: {addr}."),
    ("flood", "Prints {bytes} bytes to stdout (0: forever)."),
    ("panic", "Panics with {message}."),
    ("sleep", "Sleeps {ms} milliseconds in a host call."),
    (
        "log",
        "Logs {count} lines of {message} through the host's log.",
    ),
];

impl Guest for Hostile {
    fn list_tools() -> Vec<ToolInfo> {
        TOOLS
            .iter()
            .map(|(name, description)| ToolInfo {
                name: name.to_string(),
                description: description.to_string(),
                input_schema: json!({"type": "object"}).to_string(),
                read_only: *name == "echo",
            })
            .collect()
    }

    fn call_tool(name: String, arguments: String) -> Result<String, ToolError> {
        let args: Value = serde_json::from_str(&arguments)
            .map_err(|e| ToolError::InvalidArguments(e.to_string()))?;
        let s = |key: &str| args[key].as_str().unwrap_or_default().to_string();
        let n = |key: &str| args[key].as_u64().unwrap_or(0);
        match name.as_str() {
            "echo" => Ok(arguments),
            "spin" => {
                let mut x: u64 = 0;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "alloc" => {
                let mut keep: Vec<Vec<u8>> = Vec::new();
                loop {
                    keep.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&keep);
                }
            }
            "recurse" => Ok(recurse(std::hint::black_box(1)).to_string()),
            "recurse-frames" => Ok(recurse_frames(std::hint::black_box(1)).to_string()),
            "read" => std::fs::read_to_string(s("path")).map_err(|e| failed("read", e)),
            "write" => std::fs::write(s("path"), s("text"))
                .map(|()| "written".to_string())
                .map_err(|e| failed("write", e)),
            "env" => Ok(match std::env::var(s("name")) {
                Ok(v) => format!("present:{v}"),
                Err(_) => "absent".to_string(),
            }),
            "http" => http_get(&s("url")).map_err(ToolError::Failed),
            "tcp" => {
                let mut conn =
                    std::net::TcpStream::connect(s("addr")).map_err(|e| failed("tcp", e))?;
                conn.write_all(b"GET / HTTP/1.0\r\n\r\n")
                    .map_err(|e| failed("tcp", e))?;
                Ok("connected".to_string())
            }
            "flood" => {
                let chunk = vec![b'x'; 64 * 1024];
                let total = n("bytes");
                let mut out = std::io::stdout();
                let mut written = 0u64;
                while total == 0 || written < total {
                    let _ = out.write_all(&chunk);
                    written += chunk.len() as u64;
                }
                let _ = out.flush();
                Ok(format!("flooded {written} bytes"))
            }
            "panic" => panic!("{}", s("message")),
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_millis(n("ms")));
                Ok("slept".to_string())
            }
            "log" => {
                let message = s("message");
                for _ in 0..n("count") {
                    log(Level::Warn, &message);
                }
                Ok("logged".to_string())
            }
            other => Err(ToolError::UnknownTool(other.to_string())),
        }
    }
}

fn failed(what: &str, e: std::io::Error) -> ToolError {
    ToolError::Failed(format!("{what}: {e}"))
}

fn recurse(n: u64) -> u64 {
    if std::hint::black_box(n) == 0 {
        return 0;
    }
    1u64.wrapping_add(recurse(std::hint::black_box(n.wrapping_add(1))))
}

#[allow(unconditional_recursion)]
fn recurse_frames(n: u64) -> u64 {
    let mut pad = [n; 64];
    pad[(n % 64) as usize] = recurse_frames(std::hint::black_box(n + 1));
    std::hint::black_box(pad)[3]
}

fn http_get(url: &str) -> Result<String, String> {
    use wasip2::http::outgoing_handler;
    use wasip2::http::types::{Fields, OutgoingRequest, Scheme};

    let (scheme, rest) = if let Some(r) = url.strip_prefix("http://") {
        (Scheme::Http, r)
    } else if let Some(r) = url.strip_prefix("https://") {
        (Scheme::Https, r)
    } else {
        return Err(format!("not an http(s) URL: {url}"));
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let req = OutgoingRequest::new(Fields::new());
    req.set_scheme(Some(&scheme)).map_err(|()| "bad scheme")?;
    req.set_authority(Some(authority))
        .map_err(|()| "bad authority")?;
    req.set_path_with_query(Some(path))
        .map_err(|()| "bad path")?;
    let pending = outgoing_handler::handle(req, None).map_err(|e| format!("refused: {e:?}"))?;
    pending.subscribe().block();
    let resp = pending
        .get()
        .ok_or("no response")?
        .map_err(|()| "response taken twice")?
        .map_err(|e| format!("request failed: {e:?}"))?;
    let status = resp.status();
    let body = resp.consume().map_err(|()| "no body")?;
    let stream = body.stream().map_err(|()| "no body stream")?;
    let mut bytes = Vec::new();
    while let Ok(chunk) = stream.blocking_read(64 * 1024) {
        bytes.extend_from_slice(&chunk);
    }
    Ok(format!("{status} {}", String::from_utf8_lossy(&bytes)))
}

impl exports::quire::plugin::hooks::Guest for Hostile {
    fn handle(_event: quire::plugin::types::HookEvent) -> Result<quire::plugin::types::HookDecision, String> {
        let mut n: u64 = 0;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

export!(Hostile);
