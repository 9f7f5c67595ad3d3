//! The setup's "another server by URL" without a model list there: a
//! server that answers 404 and one that never answers are told apart from
//! nothing listening, in `quire doctor`'s words.

use std::io::{Read, Write};
use std::net::TcpListener;

use super::first_run::{closed_port, setup_run, unconfigured};
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// The setup given `port`'s URL, not kept, then the test server's: what
/// the terminal showed.
fn typed(env: &TestEnv, port: u16) -> String {
    env.server.push(Reply::text("hello"));
    let real = env.server.port();
    let answers = format!("3\nhttp://127.0.0.1:{port}/v1\nn\nhttp://127.0.0.1:{real}/v1\n1\n\n");
    let run = setup_run(env, closed_port(), &answers);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

/// A server on 127.0.0.1 answering every request with `reply` (`None`:
/// accepting and never answering), for as long as the test runs.
fn server(reply: Option<&'static str>) -> (u16, TcpListener) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let listener = l.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            match reply {
                Some(r) => {
                    let _ = stream.write_all(r.as_bytes());
                }
                None => held.push(stream),
            }
        }
    });
    (port, l)
}

const NOT_FOUND: &str = "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 21\r\nconnection: close\r\n\r\n{\"error\":\"not found\"}";

#[test]
fn a_server_answering_404_is_not_called_absent() {
    let env = unconfigured();
    let (port, _keep) = server(Some(NOT_FOUND));
    let screen = typed(&env, port);
    assert!(screen.contains("answered HTTP 404"), "{screen}");
    assert!(screen.contains("some servers list no models"), "{screen}");
    assert!(!screen.contains("is the server running"), "{screen}");
}

#[test]
fn a_server_that_never_answers_is_called_stuck() {
    let env = unconfigured();
    let (port, _keep) = server(None);
    let screen = typed(&env, port);
    // Said before the wait, the outcome after it.
    let checking = screen.find(&format!("checking http://127.0.0.1:{port}/v1/models…"));
    let outcome = screen.find("accepted the connection but did not answer");
    assert!(
        checking.is_some() && outcome.is_some() && checking < outcome,
        "{screen}"
    );
    assert!(!screen.contains("is the server running"), "{screen}");
}
