//! The clients against a one-shot raw HTTP server on 127.0.0.1: request
//! line, headers and body as sent, and the mapping of HTTP failures.

use std::collections::BTreeMap;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::ProviderConfig;
use crate::model::anthropic::AnthropicClient;
use crate::model::chat::ChatClient;
use crate::model::responses::ResponsesClient;
use crate::model::{Item, ModelClient, ModelError, ModelEvent, ModelRequest, WireApi};

/// A request as the server saw it.
struct Seen {
    request_line: String,
    headers: BTreeMap<String, String>,
    body: Value,
}

/// Serves one request with `response` (raw HTTP) and reports what it got.
async fn serve_once(response: String) -> (String, oneshot::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head_end, content_length) = loop {
            let n = sock.read(&mut chunk).await.unwrap();
            assert!(n > 0, "client closed early");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..pos]).to_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse::<usize>().unwrap())
                    .unwrap_or(0);
                break (pos + 4, len);
            }
        };
        while buf.len() < head_end + content_length {
            let n = sock.read(&mut chunk).await.unwrap();
            assert!(n > 0, "client closed early");
            buf.extend_from_slice(&chunk[..n]);
        }
        let head = String::from_utf8_lossy(&buf[..head_end - 4]).to_string();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap().to_string();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
            .collect();
        let body = serde_json::from_slice(&buf[head_end..head_end + content_length]).unwrap();
        sock.write_all(response.as_bytes()).await.unwrap();
        sock.shutdown().await.unwrap();
        let _ = tx.send(Seen {
            request_line,
            headers,
            body,
        });
    });
    (base, rx)
}

fn sse_response(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn plain_response(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn provider(base_url: String, wire_api: WireApi, key: Option<&str>) -> ProviderConfig {
    ProviderConfig {
        name: "test".into(),
        wire_api,
        base_url,
        api_key_env: Some("TEST_KEY".into()),
        api_key: key.map(str::to_string),
        headers: BTreeMap::from([("x-extra".to_string(), "1".to_string())]),
        default_model: "m".into(),
        connect_timeout_secs: 5,
        stream_idle_timeout_secs: 30,
        stream_usage: true,
        thinking_budget: None,
        base_url_from: None,
    }
}

fn request() -> ModelRequest {
    ModelRequest {
        model: "m".into(),
        instructions: "sys".into(),
        items: vec![Item::User {
            typed: None,
            text: "hi".into(),
        }],
        tools: Vec::new(),
        max_output_tokens: None,
        cache_key: None,
        reasoning: Default::default(),
        output_schema: None,
    }
}

async fn collect(client: &dyn ModelClient) -> Result<Vec<ModelEvent>, ModelError> {
    let stream = client.stream(&request()).await?;
    stream.collect::<Vec<_>>().await.into_iter().collect()
}

#[tokio::test]
async fn responses_request_and_stream() {
    let body = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"ok\"}\n\n\
        event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{}}\n\n";
    let (base, seen) = serve_once(sse_response(body)).await;
    let client = ResponsesClient::new(
        http(),
        provider(format!("{base}/v1"), WireApi::Responses, Some("sk-1")),
    );
    let events = collect(&client).await.unwrap();
    assert_eq!(
        events,
        vec![
            ModelEvent::TextDelta("ok".into()),
            ModelEvent::Completed { usage: None }
        ]
    );
    let seen = seen.await.unwrap();
    assert_eq!(seen.request_line, "POST /v1/responses HTTP/1.1");
    assert_eq!(seen.headers["authorization"], "Bearer sk-1");
    assert_eq!(seen.headers["accept"], "text/event-stream");
    assert_eq!(seen.headers["content-type"], "application/json");
    assert_eq!(seen.headers["x-extra"], "1");
    assert_eq!(seen.body["input"][0]["content"][0]["text"], json!("hi"));
}

#[tokio::test]
async fn chat_without_key_sends_no_authorization() {
    let (base, seen) = serve_once(sse_response(
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
    ))
    .await;
    let client = ChatClient::new(http(), provider(format!("{base}/v1"), WireApi::Chat, None));
    assert_eq!(
        collect(&client).await.unwrap(),
        vec![ModelEvent::Completed { usage: None }]
    );
    let seen = seen.await.unwrap();
    assert_eq!(seen.request_line, "POST /v1/chat/completions HTTP/1.1");
    assert!(!seen.headers.contains_key("authorization"));
    assert_eq!(
        seen.body["messages"][0],
        json!({"role":"system","content":"sys"})
    );
}

#[tokio::test]
async fn anthropic_headers() {
    let (base, seen) = serve_once(sse_response(
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ))
    .await;
    let client = AnthropicClient::new(http(), provider(base, WireApi::Anthropic, Some("sk-ant")));
    collect(&client).await.unwrap();
    let seen = seen.await.unwrap();
    assert_eq!(seen.request_line, "POST /v1/messages HTTP/1.1");
    assert_eq!(seen.headers["x-api-key"], "sk-ant");
    assert_eq!(seen.headers["anthropic-version"], "2023-06-01");
    assert!(!seen.headers.contains_key("authorization"));
}

#[tokio::test]
async fn unauthorized_without_key_names_the_variable() {
    let (base, _seen) = serve_once(plain_response(
        "401 Unauthorized",
        "",
        r#"{"error":{"message":"Missing bearer"}}"#,
    ))
    .await;
    let client = ChatClient::new(http(), provider(base, WireApi::Chat, None));
    match collect(&client).await {
        Err(ModelError::Auth { status, body, .. }) => {
            assert_eq!(status, 401);
            assert!(
                body.contains("Missing bearer") && body.contains("TEST_KEY"),
                "{body}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_and_context_errors() {
    let (base, _seen) = serve_once(plain_response(
        "429 Too Many Requests",
        "retry-after: 3\r\n",
        r#"{"error":{"message":"slow down"}}"#,
    ))
    .await;
    let client = ChatClient::new(http(), provider(base, WireApi::Chat, None));
    let err = collect(&client).await.unwrap_err();
    assert!(err.is_transient());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(3)));

    let (base, _seen) = serve_once(plain_response(
        "400 Bad Request",
        "",
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 300000 tokens > 200000 maximum"}}"#,
    ))
    .await;
    let client = AnthropicClient::new(http(), provider(base, WireApi::Anthropic, Some("k")));
    match collect(&client).await {
        Err(ModelError::ContextWindow(m)) => assert!(m.starts_with("prompt is too long"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn refused_connection_is_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = ResponsesClient::new(
        http(),
        provider(base.clone(), WireApi::Responses, Some("k")),
    );
    match collect(&client).await {
        Err(ModelError::Connect { url, .. }) => assert_eq!(url, format!("{base}/responses")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_configured_header_is_config_error() {
    let mut p = provider("http://127.0.0.1:9".into(), WireApi::Chat, None);
    p.headers.insert("bad header".into(), "x".into());
    let client = ChatClient::new(http(), p);
    match collect(&client).await {
        Err(ModelError::Config(m)) => assert!(m.contains("bad header"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// A client that ignores proxy variables, so requests stay on 127.0.0.1.
fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// An event stream labelled `application/json` (some proxies) is read as
/// the stream it is.
#[tokio::test]
async fn an_event_stream_labelled_json_is_read() {
    let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let (base, _seen) = serve_once(plain_response("200 OK", "", body)).await;
    let client = ChatClient::new(http(), provider(base, WireApi::Chat, Some("k")));
    let events = collect(&client).await.unwrap();
    assert_eq!(
        events,
        vec![
            ModelEvent::TextDelta("ok".into()),
            ModelEvent::Completed { usage: None }
        ]
    );
}

/// A compressed body (quire asks for none) is named, with what to do, and
/// not retried: it would read as an empty stream.
#[tokio::test]
async fn a_compressed_stream_is_named_and_not_retried() {
    let response = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\ncontent-length: 4\r\nconnection: close\r\n\r\n\x1f\x08\x00\x00"
        .to_string();
    let (base, _seen) = serve_once(response).await;
    let client = ChatClient::new(http(), provider(base, WireApi::Chat, Some("k")));
    let err = collect(&client).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Content-Encoding: gzip"), "{text}");
    assert!(text.contains("turn compression off"), "{text}");
    assert!(!err.is_transient(), "{text}");
}

/// Serves every request with `response` (raw HTTP).
async fn serve_always(response: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // The whole request: its head, then its body.
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..pos]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= pos + 4 + len {
                            break;
                        }
                    }
                }
                let _ = sock.write_all(response.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    base
}

/// A stream event that is not JSON names the provider, the URL and what
/// to check, and is not retried.
#[tokio::test]
async fn malformed_event_data_names_the_provider_and_what_to_check() {
    let (base, _seen) = serve_once(sse_response("data: {not json at all\n\n")).await;
    let client = ChatClient::new(http(), provider(format!("{base}/v1"), WireApi::Chat, None));
    let err = collect(&client).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "unexpected response from provider test at {base}/v1/chat/completions: event data is not valid JSON"
        )),
        "{text}"
    );
    assert!(text.contains("{not json at all"), "{text}");
    assert!(
        text.contains("check that the provider's wire_api"),
        "{text}"
    );
    assert!(!err.is_transient(), "{text}");
}

/// Runs one request through the retry loop with `retries` quick retries.
async fn completed(client: &dyn ModelClient, retries: u32) -> (Result<(), String>, u32) {
    let policy = crate::config::RetryConfig {
        max_retries: retries,
        base_delay_ms: 1,
        max_delay_ms: 5,
    };
    let mut told = 0u32;
    let result = crate::model::retry::complete(
        client,
        &request(),
        &policy,
        &tokio_util::sync::CancellationToken::new(),
        &mut |_| {},
        &mut |_| told += 1,
    )
    .await;
    (
        result.map(|_| ()).map_err(|e| model_error(e).to_string()),
        told,
    )
}

fn model_error(e: crate::model::retry::CompleteError) -> ModelError {
    match e {
        crate::model::retry::CompleteError::Model(m) => m,
        other => ModelError::Config(other.to_string()),
    }
}

/// A server error that outlasts the retries says the retries were used
/// up, which provider failed, and what to do.
#[tokio::test]
async fn a_server_error_after_the_retries_says_so_and_what_to_do() {
    let base = serve_always(plain_response(
        "500 Internal Server Error",
        "",
        r#"{"error":{"message":"boom internal"}}"#,
    ))
    .await;
    let client = ChatClient::new(http(), provider(format!("{base}/v1"), WireApi::Chat, None));
    let (result, told) = completed(&client, 2).await;
    let text = result.unwrap_err();
    assert_eq!(told, 2, "each retry is told");
    assert!(
        text.starts_with(&format!("HTTP 500 from {base}/v1/chat/completions: ")),
        "{text}"
    );
    assert!(text.contains("boom internal"), "{text}");
    assert!(
        text.contains("an error on the server's side of provider test: try again later"),
        "{text}"
    );
    assert!(
        text.contains("; gave up after 2 retries (retry.max_retries sets how many)"),
        "{text}"
    );
}

/// A request the server refuses (400) is not retried and says what to
/// check: the model name, base_url, wire_api.
#[tokio::test]
async fn a_refused_request_says_what_to_check() {
    let base = serve_always(plain_response(
        "400 Bad Request",
        "",
        r#"{"error":{"message":"bad request: model not found"}}"#,
    ))
    .await;
    let client = ChatClient::new(http(), provider(format!("{base}/v1"), WireApi::Chat, None));
    let (result, told) = completed(&client, 2).await;
    let text = result.unwrap_err();
    assert_eq!(told, 0, "a refused request is not retried");
    assert!(text.contains("model not found"), "{text}");
    assert!(
        text.contains("provider test refused the request: check the model name")
            && text.contains("wire_api = \"chat\" of providers.test"),
        "{text}"
    );
    assert!(!text.contains("gave up"), "{text}");
}

/// A rate limit that outlasts the retries names each setting once.
#[tokio::test]
async fn a_rate_limit_after_the_retries_names_each_setting_once() {
    let base = serve_always(plain_response(
        "429 Too Many Requests",
        "",
        r#"{"error":{"message":"slow down"}}"#,
    ))
    .await;
    let client = ChatClient::new(http(), provider(format!("{base}/v1"), WireApi::Chat, None));
    let (result, _) = completed(&client, 1).await;
    let text = result.unwrap_err();
    assert!(text.contains("limits how fast it may be asked"), "{text}");
    assert_eq!(text.matches("retry.max_retries").count(), 1, "{text}");
    assert_eq!(text.matches("retry.max_delay_ms").count(), 1, "{text}");
}
