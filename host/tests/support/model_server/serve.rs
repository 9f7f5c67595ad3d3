//! The accept loop and the handling of one connection: read the request,
//! record it, take the next scripted reply and send it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::render::{self, Frame};
use super::{Api, EXHAUSTED_BODY, Recorded, Reply, Shared, http};

pub(super) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(handle(stream, Arc::clone(&shared)));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait and retry.
                    eprintln!("model server: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
        }
    }
}

async fn handle(mut stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let request = match http::read_request(&mut stream).await {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err(message) => {
            let body =
                json!({"error": {"message": format!("model server: bad request: {message}")}});
            let _ = http::write_full(
                &mut stream,
                400,
                &[],
                "application/json",
                body.to_string().as_bytes(),
            )
            .await;
            let _ = stream.shutdown().await;
            return;
        }
    };

    let api = Api::from_path(&request.target);
    let path = request.target.split('?').next().unwrap_or("").to_string();
    let models_path =
        request.method == "GET" && request.target.split('?').next() == Some(MODELS_PATH);
    let parsed = serde_json::from_slice::<Value>(&request.body).ok();
    let model = parsed
        .as_ref()
        .and_then(|b| b.get("model").and_then(Value::as_str).map(str::to_string));
    // Responses: reasoning items carry `encrypted_content` when asked for.
    let encrypted = parsed
        .as_ref()
        .and_then(|b| b.get("include").and_then(Value::as_array))
        .is_some_and(|i| i.iter().any(|v| v == "reasoning.encrypted_content"));
    let raw = String::from_utf8_lossy(&request.body).into_owned();
    let (index, reply) = record(&shared, request, api);
    if api.is_some() {
        super::keyed::hold(&shared, &raw).await;
    }

    let done = match api {
        None if path == super::embed::PATH => embeddings(&mut stream, &shared, index).await,
        None if models_path => list_models(&mut stream).await,
        None => not_found(&mut stream, index).await,
        Some(api) => {
            let ctx = render::Ctx {
                seq: index,
                model: model.unwrap_or_else(|| "test-model".to_string()),
                encrypted,
            };
            match reply {
                Some(Reply::Gate { group, count, then }) => {
                    let reply = gate(&shared, group, count, *then).await;
                    answer(&mut stream, api, &ctx, reply).await
                }
                Some(reply) => answer(&mut stream, api, &ctx, reply).await,
                None => {
                    let r = http::write_full(
                        &mut stream,
                        500,
                        &[],
                        "application/json",
                        EXHAUSTED_BODY.as_bytes(),
                    )
                    .await;
                    r.ok().map(|_| Instant::now())
                }
            }
        }
    };
    if let Some(done_at) = done {
        shared.lock().requests[index].response_done_at = Some(done_at);
    }
    let _ = stream.shutdown().await;
}

/// Waits until `count` requests of `group` arrived, then gives `then`.
async fn gate(shared: &Shared, group: String, count: usize, then: Reply) -> Reply {
    shared
        .gates
        .send_modify(|m| *m.entry(group.clone()).or_default() += 1);
    let mut rx = shared.gates.subscribe();
    let all_in = rx.wait_for(|m| m.get(&group).copied().unwrap_or(0) >= count);
    match tokio::time::timeout(std::time::Duration::from_secs(60), all_in).await {
        Ok(Ok(_)) => then,
        _ => Reply::Status {
            code: 500,
            retry_after: None,
            body: json!({"error": {"message": format!("gate {group}: {count} requests never were in flight at once")}}),
        },
    }
}

/// Records the request and takes the next reply (none for unknown paths).
fn record(shared: &Shared, request: http::Request, api: Option<Api>) -> (usize, Option<Reply>) {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in request.headers {
        headers
            .entry(name)
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let raw = String::from_utf8_lossy(&request.body).into_owned();
    let mut state = shared.lock();
    let index = state.requests.len();
    state.requests.push(Recorded {
        method: request.method,
        path: request.target,
        api,
        headers,
        body,
        raw_body: raw.clone(),
        received_at: request.first_byte_at,
        response_done_at: None,
    });
    let raw = state.requests[index].raw_body.clone();
    let too_long = state.refuse_over.is_some_and(|max| raw.len() > max);
    let reply = match api {
        Some(_) if too_long && state.refuse_with.is_some() => state.refuse_with.clone(),
        Some(_) if too_long => Some(match state.refuse_n_ctx {
            Some(n_ctx) => Reply::status_with_body(
                400,
                json!({"error": {
                    "code": 400,
                    "message": "the request exceeds the available context size, try increasing it",
                    "type": "exceed_context_size_error",
                    "n_prompt_tokens": raw.len() / 4,
                    "n_ctx": n_ctx,
                }}),
            ),
            None => Reply::ContextLengthExceeded,
        }),
        Some(_) => super::keyed::take_keyed(&mut state, &raw).or_else(|| {
            match state
                .routes
                .iter_mut()
                .find(|(m, _)| raw.contains(m.as_str()))
            {
                Some((_, queue)) => queue.pop_front(),
                None => state.script.pop_front(),
            }
        }),
        None => None,
    };
    let count = state.requests.len();
    drop(state);
    shared.arrived.notify_all();
    shared.count.send_replace(count);
    (index, reply)
}

async fn embeddings(stream: &mut TcpStream, shared: &Shared, index: usize) -> Option<Instant> {
    let (body, batch) = {
        let state = shared.lock();
        let request = &state.requests[index].body;
        let batch = state
            .embed_batches
            .as_ref()
            .filter(|(min, _)| super::embed::inputs(request) >= *min)
            .map(|(_, reply)| reply.clone());
        (super::embed::response(&state.embeddings, request), batch)
    };
    let batch = match batch {
        Some(Reply::Gate { group, count, then }) => Some(gate(shared, group, count, *then).await),
        batch => batch,
    };
    let (code, body) = match batch {
        Some(Reply::Hang) => std::future::pending().await,
        Some(Reply::Status { code, body, .. }) if body.is_null() => (
            code,
            json!({"error": {"message": format!("model server: embeddings answered {code}")}}),
        ),
        Some(Reply::Status { code, body, .. }) => (code, body),
        _ => (200, body),
    };
    http::write_full(
        stream,
        code,
        &[],
        "application/json",
        body.to_string().as_bytes(),
    )
    .await
    .ok()
    .map(|_| Instant::now())
}

/// `GET /v1/models`, as OpenAI-compatible servers list their models
/// (quire's first-run setup and `quire doctor` read it).
const MODELS_PATH: &str = "/v1/models";

/// The models the server lists: [`super::LISTED_MODELS`].
async fn list_models(stream: &mut TcpStream) -> Option<Instant> {
    let data: Vec<Value> = super::LISTED_MODELS
        .iter()
        .map(|id| json!({"id": id, "object": "model", "owned_by": "test"}))
        .collect();
    let body = json!({"object": "list", "data": data});
    http::write_full(
        stream,
        200,
        &[],
        "application/json",
        body.to_string().as_bytes(),
    )
    .await
    .ok()
    .map(|_| Instant::now())
}

async fn not_found(stream: &mut TcpStream, index: usize) -> Option<Instant> {
    let body = json!({"error": {"message": format!(
        "model server: no route for request #{index}; it serves POST /v1/responses, \
         /v1/chat/completions and /v1/messages"
    )}});
    http::write_full(
        stream,
        404,
        &[],
        "application/json",
        body.to_string().as_bytes(),
    )
    .await
    .ok()
    .map(|_| Instant::now())
}

/// Sends `reply`; returns when the last byte went out (`None` if the client
/// went away or the reply never ends).
async fn answer(
    stream: &mut TcpStream,
    api: Api,
    ctx: &render::Ctx,
    reply: Reply,
) -> Option<Instant> {
    let request_id = (
        match api {
            Api::Anthropic => "request-id",
            _ => "x-request-id",
        },
        format!("req_{}", ctx.seq),
    );
    match reply {
        Reply::Stream(steps) => {
            let rendered = render::stream(api, ctx, &steps);
            send_stream(stream, &request_id, &rendered.frames, true).await
        }
        Reply::Cut {
            steps,
            after_events,
        } => {
            let rendered = render::stream(api, ctx, &steps);
            let keep = cut_point(&rendered.frames, after_events.min(rendered.body_events));
            send_stream(stream, &request_id, &rendered.frames[..keep], false).await
        }
        Reply::StreamError { steps, message } => {
            let rendered = render::stream_error(api, ctx, &steps, &message);
            send_stream(stream, &request_id, &rendered.frames, true).await
        }
        Reply::Status {
            code,
            retry_after,
            body,
        } => {
            let body = if body.is_null() {
                render::error_body(api, code)
            } else {
                body
            };
            let mut headers = vec![request_id];
            if let Some(retry_after) = retry_after {
                headers.push(("Retry-After", retry_after));
            }
            let bytes = body.to_string();
            let r = http::write_full(stream, code, &headers, "application/json", bytes.as_bytes());
            r.await.ok().map(|_| Instant::now())
        }
        Reply::ContextLengthExceeded => {
            let bytes = render::context_length_body(api).to_string();
            let headers = [request_id];
            let r = http::write_full(stream, 400, &headers, "application/json", bytes.as_bytes());
            r.await.ok().map(|_| Instant::now())
        }
        Reply::Page {
            code,
            content_type,
            body,
        } => {
            let headers = [request_id];
            let r = http::write_full(stream, code, &headers, &content_type, body.as_bytes());
            r.await.ok().map(|_| Instant::now())
        }
        Reply::Raw(chunks) => {
            let frames: Vec<Frame> = chunks.into_iter().map(Frame::Event).collect();
            send_stream(stream, &request_id, &frames, true).await
        }
        Reply::Paced { chunks, pause_ms } => {
            let pause = std::time::Duration::from_millis(pause_ms);
            let mut frames = Vec::new();
            for (i, chunk) in chunks.into_iter().enumerate() {
                if i > 0 {
                    frames.push(Frame::Delay(pause));
                }
                frames.push(Frame::Event(chunk));
            }
            send_stream(stream, &request_id, &frames, true).await
        }
        Reply::Hang => std::future::pending().await,
        // Gates are waited for before `answer`; a gate inside a gate is
        // a mistake in the test.
        Reply::Gate { group, .. } => {
            let body = json!({"error": {"message": format!("gate {group} inside another gate")}})
                .to_string();
            let headers = [request_id];
            let r = http::write_full(stream, 500, &headers, "application/json", body.as_bytes());
            r.await.ok().map(|_| Instant::now())
        }
    }
}

/// The number of frames to send so that exactly `events` events go out
/// (a delay right before the first unsent event is still served).
fn cut_point(frames: &[Frame], events: usize) -> usize {
    let mut seen = 0;
    for (i, frame) in frames.iter().enumerate() {
        if let Frame::Event(_) = frame {
            if seen == events {
                return i;
            }
            seen += 1;
        }
    }
    frames.len()
}

async fn send_stream(
    stream: &mut TcpStream,
    request_id: &(&str, String),
    frames: &[Frame],
    complete: bool,
) -> Option<Instant> {
    http::write_sse_head(stream, std::slice::from_ref(request_id))
        .await
        .ok()?;
    for frame in frames {
        match frame {
            Frame::Event(bytes) => http::write_chunk(stream, bytes).await.ok()?,
            Frame::Delay(d) => tokio::time::sleep(*d).await,
            Frame::Hold(file) => {
                let until = Instant::now() + std::time::Duration::from_secs(60);
                while !file.exists() && Instant::now() < until {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }
    if complete {
        http::write_last_chunk(stream).await.ok()?;
    }
    Some(Instant::now())
}
