//! Exercises the scripted model server over real HTTP: the SSE of each wire
//! API, the fault modes and the recording.
mod sse_reader;
use crate::support;

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::{Value, json};
use sse_reader::{Sse, assemble, parse_sse};
use support::model_server::{Api, EXHAUSTED_BODY, ModelServer, Reply, Step};

const APIS: [Api; 3] = [Api::Responses, Api::Chat, Api::Anthropic];
const WAIT: Duration = Duration::from_secs(10);

fn url(server: &ModelServer, api: Api) -> String {
    match api {
        Api::Responses => format!("{}/responses", server.base_url_openai()),
        Api::Chat => format!("{}/chat/completions", server.base_url_openai()),
        Api::Anthropic => format!("{}/v1/messages", server.base_url_anthropic()),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Posts and reads the whole body; `Err` carries what arrived before the
/// body broke off.
async fn post(
    server: &ModelServer,
    api: Api,
    body: Value,
) -> (u16, reqwest::header::HeaderMap, Result<String, String>) {
    let mut response = client()
        .post(url(server, api))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut bytes = Vec::new();
    let outcome = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break Ok(()),
            Err(_) => break Err(()),
        }
    };
    let text = String::from_utf8(bytes).unwrap();
    let body = match outcome {
        Ok(()) => Ok(text),
        Err(()) => Err(text),
    };
    (status, headers, body)
}

async fn post_ok(server: &ModelServer, api: Api) -> Vec<Sse> {
    let (status, headers, body) = post(server, api, json!({"model": "m-1", "stream": true})).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    parse_sse(&body.unwrap())
}

#[tokio::test]
async fn text_reply_streams_in_pieces_that_add_up() {
    let server = ModelServer::start();
    let text = "Hello, wörld — ünïcode ✓ streams fine";
    for api in APIS {
        server.push(Reply::text(text));
        let a = assemble(api, &post_ok(&server, api).await);
        assert!(a.completed, "{api:?}");
        assert_eq!(a.text, text, "{api:?}");
        assert_eq!(a.text_pieces, vec![3], "{api:?}");
        assert!(a.calls.is_empty());
        assert_eq!(a.usage, (100, 20), "{api:?} default usage");
        let finish = ["completed", "stop", "end_turn"][api as usize];
        assert_eq!(a.finish, finish);
    }
}

#[tokio::test]
async fn two_tool_calls_stream_with_their_arguments_in_pieces() {
    let server = ModelServer::start();
    let read = json!({"path": "src/main.rs"});
    let shell = json!({"command": ["ls", "-la", "/tmp"], "timeout_ms": 1000});
    for api in APIS {
        server.push(Reply::steps(vec![
            Step::text("Let me look."),
            Step::tool_call("call_a", "read_file", read.clone()),
            Step::tool_call("call_b", "shell", shell.clone()),
            Step::Usage {
                input: 1234,
                output: 56,
            },
        ]));
        let a = assemble(api, &post_ok(&server, api).await);
        assert!(a.completed, "{api:?}");
        assert_eq!(a.text, "Let me look.");
        let calls: Vec<_> = a.calls.iter().map(|c| (&*c.0, &*c.1, &c.2)).collect();
        assert_eq!(
            calls,
            [("call_a", "read_file", &read), ("call_b", "shell", &shell)]
        );
        assert!(a.calls.iter().all(|c| c.3 >= 3), "{api:?}: {:?}", a.calls);
        assert_eq!(a.usage, (1234, 56), "{api:?}");
        let finish = ["completed", "tool_calls", "tool_use"][api as usize];
        assert_eq!(a.finish, finish);
    }
    // The convenience constructor makes the same steps.
    assert_eq!(
        Reply::tool_calls(vec![Step::tool_call("c", "n", json!({}))]),
        Reply::tool_call("c", "n", json!({}))
    );
}

#[tokio::test]
async fn status_faults_carry_code_headers_and_provider_bodies() {
    let server = ModelServer::start();
    for api in APIS {
        let anthropic = api == Api::Anthropic;
        server.push(Reply::rate_limited("7"));
        let (status, headers, body) = post(&server, api, json!({})).await;
        assert_eq!(status, 429);
        assert_eq!(headers["retry-after"], "7");
        let body: Value = serde_json::from_str(&body.unwrap()).unwrap();
        if anthropic {
            assert_eq!(body["error"]["type"], "rate_limit_error");
        } else {
            assert_eq!(body["error"]["code"], "rate_limit_exceeded");
        }

        for code in [500, 401, 529] {
            server.push(Reply::status(code));
            let (status, headers, body) = post(&server, api, json!({})).await;
            assert_eq!(status, code);
            assert!(headers.get("retry-after").is_none());
            let body: Value = serde_json::from_str(&body.unwrap()).unwrap();
            assert!(body["error"]["message"].is_string(), "{body}");
            assert_eq!(body["type"] == "error", anthropic, "{body}");
        }

        server.push(Reply::ContextLengthExceeded);
        let (status, _, body) = post(&server, api, json!({})).await;
        assert_eq!(status, 400);
        let body: Value = serde_json::from_str(&body.unwrap()).unwrap();
        if anthropic {
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.starts_with("prompt is too long"), "{body}");
        } else {
            assert_eq!(body["error"]["code"], "context_length_exceeded");
        }

        server.push(Reply::status_with_body(503, json!({"custom": [1, 2]})));
        let (status, _, body) = post(&server, api, json!({})).await;
        assert_eq!(status, 503);
        assert_eq!(body.unwrap(), r#"{"custom":[1,2]}"#);
    }
}

fn is_completion(api: Api, e: &Sse) -> bool {
    match api {
        Api::Responses => e.name() == "response.completed",
        Api::Chat => e.data == "[DONE]" || e.json()["choices"][0]["finish_reason"].is_string(),
        Api::Anthropic => matches!(e.name(), "message_delta" | "message_stop"),
    }
}

#[tokio::test]
async fn cut_closes_the_connection_before_the_completion_event() {
    let server = ModelServer::start();
    let steps = vec![
        Step::text("partial answer"),
        Step::tool_call("c1", "t", json!({"a": 1})),
    ];
    for api in APIS {
        server.push(Reply::cut(steps.clone(), 4));
        let (status, _, body) = post(&server, api, json!({"model": "m-1"})).await;
        assert_eq!(status, 200);
        let body = body.expect_err("the chunked body must break off");
        let events = parse_sse(&body);
        assert_eq!(events.len(), 4, "{api:?}: {events:?}");

        // Asking for more events than the stream has still holds back the end.
        server.push(Reply::cut(steps.clone(), 1000));
        let (_, _, body) = post(&server, api, json!({"model": "m-1"})).await;
        let events = parse_sse(&body.expect_err("broken body"));
        assert!(!events.iter().any(|e| is_completion(api, e)), "{api:?}");
        let a = assemble(api, &events);
        assert_eq!(
            (a.text.as_str(), a.calls.len()),
            ("partial answer", 1),
            "{api:?}"
        );
        assert!(!a.completed);
    }
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.response_done_at.is_some()));
}

#[tokio::test]
async fn stream_error_ends_with_the_providers_error_event() {
    let server = ModelServer::start();
    for api in APIS {
        server.push(Reply::StreamError {
            steps: vec![Step::text("so far")],
            message: "overloaded, try later".into(),
        });
        let (status, _, body) = post(&server, api, json!({})).await;
        assert_eq!(status, 200);
        let events = parse_sse(&body.unwrap());
        assert!(!events.iter().any(|e| is_completion(api, e)), "{api:?}");
        let last = events.last().unwrap().json();
        let message = match api {
            Api::Responses => &last["response"]["error"]["message"],
            Api::Chat | Api::Anthropic => &last["error"]["message"],
        };
        assert_eq!(message, "overloaded, try later", "{api:?}");
    }
}

#[tokio::test]
async fn an_empty_script_answers_500_and_unknown_paths_404() {
    let server = ModelServer::start();
    for api in APIS {
        let (status, _, body) = post(&server, api, json!({})).await;
        assert_eq!(status, 500);
        assert_eq!(body.unwrap(), EXHAUSTED_BODY);
    }
    server.push(Reply::text("kept"));
    let response = client()
        .get(format!("{}/no-such-route", server.base_url_openai()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(server.pending_replies(), 1, "a 404 does not use the script");
    assert_eq!(server.requests().last().unwrap().api, None);
}

#[tokio::test]
async fn requests_are_recorded_with_headers_body_and_timings() {
    let server = ModelServer::start();
    server.push_all([Reply::text("one"), Reply::text("two")]);
    let body = json!({"model": "m-1", "input": [{"role": "user", "content": "hi"}]});
    let response = client()
        .post(url(&server, Api::Chat))
        .bearer_auth("sk-test")
        .header("X-Custom", "Value")
        .json(&body)
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#""content":"o""#),
        "the script is shared, first in first out"
    );
    // A chunked request body is read too.
    let pieces: Vec<Result<_, std::io::Error>> = vec![Ok("{\"mod"), Ok("el\":\"claude\"}")];
    let response = client()
        .post(url(&server, Api::Anthropic))
        .header("x-api-key", "ak")
        .header("anthropic-version", "2023-06-01")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains(r#""text":"t""#));

    let requests = server.wait_for_requests_async(2, WAIT).await;
    let (chat, anthropic) = (&requests[0], &requests[1]);
    assert_eq!(
        (chat.method.as_str(), chat.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(chat.api, Some(Api::Chat));
    assert_eq!(chat.body, body);
    assert_eq!(chat.header("Authorization"), Some("Bearer sk-test"));
    assert_eq!(chat.headers["x-custom"], "Value");
    assert_eq!(chat.headers["content-type"], "application/json");
    assert_eq!(anthropic.path, "/v1/messages");
    assert_eq!(anthropic.body, json!({"model": "claude"}));
    assert_eq!(anthropic.headers["x-api-key"], "ak");
    assert_eq!(anthropic.headers["anthropic-version"], "2023-06-01");
    for r in &requests {
        assert!(r.response_done_at.unwrap() >= r.received_at);
    }
    assert!(anthropic.received_at >= chat.response_done_at.unwrap());
}

#[tokio::test]
async fn delays_pause_the_stream() {
    let server = ModelServer::start();
    let steps = vec![Step::text("a"), Step::DelayMs(60), Step::text("b")];
    server.push(Reply::steps(steps));
    let events = post_ok(&server, Api::Responses).await;
    assert_eq!(assemble(Api::Responses, &events).text, "ab");
    // The client can finish reading before the server thread records that
    // it wrote the last byte: wait for the record.
    let deadline = std::time::Instant::now() + WAIT;
    let r = loop {
        let r = server.requests()[0].clone();
        if r.response_done_at.is_some() || std::time::Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let done = r
        .response_done_at
        .expect("the server records the end of the response");
    assert!(done - r.received_at >= Duration::from_millis(60));
}

#[tokio::test]
async fn a_hanging_request_fails_when_the_server_drops() {
    let server = ModelServer::start();
    server.push(Reply::Hang);
    let request = client()
        .post(url(&server, Api::Chat))
        .json(&json!({}))
        .send();
    let pending = tokio::spawn(request);
    let requests = server.wait_for_requests_async(1, WAIT).await;
    assert_eq!(requests[0].response_done_at, None);
    drop(server);
    assert!(pending.await.unwrap().is_err());
}

#[test]
fn works_from_sync_code_over_raw_http() {
    let server = ModelServer::start();
    server.push(Reply::text("sync"));
    let mut socket = std::net::TcpStream::connect(server.addr()).unwrap();
    let body = r#"{"model":"m-1"}"#;
    write!(
        socket,
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    socket.read_to_string(&mut raw).unwrap();
    let (head, chunked) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(head.contains("Transfer-Encoding: chunked") && head.contains("Connection: close"));
    assert!(chunked.ends_with("0\r\n\r\n"));
    // Each event is one chunk: "<hex len>\r\n<event>\r\n".
    let mut rest = chunked;
    let mut text = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size, 16).unwrap();
        text.push_str(&tail[..size]);
        rest = &tail[size + 2..];
    }
    let events = parse_sse(&text);
    assert_eq!(events.last().unwrap().data, "[DONE]");
    assert_eq!(assemble(Api::Chat, &events).text, "sync");
    let recorded = server.wait_for_requests(1, WAIT);
    assert_eq!(recorded[0].body, json!({"model": "m-1"}));
    assert_eq!(recorded[0].raw_body, body);
}
