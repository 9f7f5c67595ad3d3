//! `type = "http"` hooks: the input JSON is POSTed to a real server on
//! 127.0.0.1 and its answer is the decision; a server that is down or
//! never answers is a warning and the turn goes on.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::add_user_hooks;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A hook endpoint: records each request body and answers `answer`, or
/// never answers when `answer` is `None` (the connection stays open).
struct HookServer {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl HookServer {
    fn start(answer: Option<&'static str>) -> HookServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let body = read_request(&mut conn);
                seen.lock().unwrap().push(body);
                match answer {
                    Some(a) => {
                        let _ = write!(
                            conn,
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{a}",
                            a.len()
                        );
                    }
                    None => held.push(conn),
                }
            }
        });
        HookServer { port, bodies }
    }

    /// Answers 200 and then sends a body that never ends (`endless`), or
    /// the start of a JSON object and then nothing, holding the connection.
    fn streaming(endless: bool) -> HookServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                seen.lock().unwrap().push(read_request(&mut conn));
                let _ = conn.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"a\": ",
                );
                if endless {
                    std::thread::spawn(move || {
                        let chunk = [b'a'; 65536];
                        while conn.write_all(&chunk).is_ok() {}
                    });
                } else {
                    held.push(conn);
                }
            }
        });
        HookServer { port, bodies }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn bodies(&self) -> Vec<Value> {
        let bodies = self.bodies.lock().unwrap();
        bodies
            .iter()
            .map(|b| serde_json::from_str(b).unwrap())
            .collect()
    }
}

fn read_request(conn: &mut TcpStream) -> String {
    let mut reader = BufReader::new(conn);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

fn http_hook(event: &str, url: &str, extra: &str) -> String {
    format!("\n[[hooks.{event}]]\nmatcher = \"shell\"\ntype = \"http\"\nurl = {url:?}\n{extra}\n")
}

fn shell_then_text(env: &TestEnv) {
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo went-on"})),
        Reply::text("ok"),
    ]);
}

#[test]
fn an_http_hook_gets_the_input_and_its_deny_reason_reaches_the_model() {
    let env = TestEnv::new("responses");
    let server = HookServer::start(Some(
        r#"{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "the http policy says no"}}"#,
    ));
    add_user_hooks(&env, &[http_hook("PreToolUse", &server.url(), "")]);
    shell_then_text(&env);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bodies = server.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["hook_event_name"], "PreToolUse");
    assert_eq!(bodies[0]["tool_input"]["command"], "echo went-on");
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true);
    let out = done[0]["output"].as_str().unwrap();
    assert!(out.contains("the http policy says no"), "{out}");
    assert!(
        !out.contains("went-on\n"),
        "the command must not run: {out}"
    );
    let reqs = env.server.requests();
    assert!(
        reqs[1].raw_body.contains("the http policy says no"),
        "the model did not get the reason"
    );
}

#[test]
fn an_http_hook_that_is_down_or_never_answers_is_a_warning_and_the_turn_goes_on() {
    let env = TestEnv::new("chat");
    let down = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}/hook", l.local_addr().unwrap().port())
    };
    let silent = HookServer::start(None);
    add_user_hooks(
        &env,
        &[
            http_hook("PreToolUse", &down, "timeout_sec = 600"),
            http_hook("PreToolUse", &silent.url(), "timeout_sec = 1"),
        ],
    );
    shell_then_text(&env);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    assert!(done[0]["output"].as_str().unwrap().contains("went-on"));
    assert_eq!(silent.bodies().len(), 1, "the silent server got no request");
    let mut outcomes: Vec<(String, String)> = run
        .of_type("hook_completed")
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    outcomes.sort();
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    assert_eq!(outcomes[0].0, "error", "{outcomes:?}");
    assert!(outcomes[0].1.contains(&down), "{outcomes:?}");
    assert_eq!(outcomes[1].0, "timeout", "{outcomes:?}");
}

#[test]
fn an_endless_http_answer_is_cut_and_a_stalled_one_times_out() {
    let env = TestEnv::new("chat");
    let endless = HookServer::streaming(true);
    let stalled = HookServer::streaming(false);
    add_user_hooks(
        &env,
        &[
            // Long enough that only the cut can end the endless answer.
            http_hook("PreToolUse", &endless.url(), "timeout_sec = 600"),
            http_hook("PreToolUse", &stalled.url(), "timeout_sec = 1"),
        ],
    );
    shell_then_text(&env);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert!(done[0]["output"].as_str().unwrap().contains("went-on"));
    let completed = run.of_type("hook_completed");
    let of = |url: &str| -> Value {
        let found = completed.iter().find(|e| e["name"] == url);
        (*found.unwrap_or_else(|| panic!("no hook_completed for {url}: {completed:?}"))).clone()
    };
    let cut = of(&endless.url());
    assert_eq!(cut["outcome"], "error", "{cut}");
    assert!(
        cut["message"]
            .as_str()
            .unwrap()
            .contains("its JSON answer was cut at that cap"),
        "{cut}"
    );
    let stall = of(&stalled.url());
    assert_eq!(stall["outcome"], "timeout", "{stall}");
}
