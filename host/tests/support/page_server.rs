//! A tiny HTTP server on 127.0.0.1 that answers every request with one
//! page, counts the connections it accepts and records each request line,
//! so a test sees both what a plugin fetched and whether a refused request
//! leaked out.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct PageServer {
    port: u16,
    /// One entry per accepted connection: its request line (empty when
    /// none was read).
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl PageServer {
    /// Answers `200` with `body` as `content_type`.
    pub fn start(content_type: &'static str, body: &'static str) -> PageServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, halt) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if halt.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let line = answer(conn, content_type, body);
                seen.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
        PageServer {
            port,
            requests,
            stop,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The request lines received so far, one per connection.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Reads the request head, answers, returns the request line.
fn answer(conn: TcpStream, content_type: &str, body: &str) -> String {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&conn);
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = (&conn).write_all(response.as_bytes());
    request_line.trim_end().to_string()
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
