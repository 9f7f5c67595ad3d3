//! A streamable-HTTP MCP server written in Python for one test (its
//! script given by the test): started on a free port of 127.0.0.1, its
//! URL read from its first line, killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The server, killed when dropped.
pub(super) struct WebServer(Child);

impl Drop for WebServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes `script` into `dir` and runs it with `arg`; the server and
/// the URL it printed.
pub(super) fn start(dir: &Path, script: &str, arg: &Path) -> (WebServer, String) {
    let path = dir.join("web.py");
    std::fs::write(&path, script).unwrap();
    let mut child = Command::new("python3")
        .arg(&path)
        .arg(arg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the HTTP test server");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    (WebServer(child), url.trim().to_string())
}
