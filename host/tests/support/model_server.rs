//! A scripted model server for tests and benchmarks.
//!
//! A real HTTP/1.1 server on `127.0.0.1` that answers the three wire APIs
//! quire speaks — OpenAI Responses (`POST /v1/responses`), Chat Completions
//! (`POST /v1/chat/completions`) and Anthropic Messages (`POST /v1/messages`)
//! — with server-sent events rendered the way the real providers send them.
//!
//! Each test pushes [`Reply`]s onto one FIFO script shared by all paths; the
//! request path picks the wire format. Every request is recorded (path,
//! headers, JSON body, timings). Fault modes: error statuses, a stream cut
//! mid-way, an in-stream provider error, and a request that never gets an
//! answer.
//!
//! ```ignore
//! let server = ModelServer::start();
//! server.push(Reply::text("Hello!"));
//! server.push(Reply::tool_call("call_1", "shell", json!({"command": ["ls"]})));
//! // point a client at server.base_url_openai() / server.base_url_anthropic()
//! let requests = server.requests();
//! ```
//!
//! The server runs on its own thread with its own tokio runtime, so it works
//! from sync tests, async tests (any flavour) and a bench `main`. Every
//! response is sent with `Connection: close`; streams use chunked transfer
//! encoding. Dropping the [`ModelServer`] stops it and closes every open
//! connection (including hanging ones).

mod embed;
mod http;
pub mod keyed;
mod render;
mod serve;

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The model ids `GET /v1/models` lists.
pub const LISTED_MODELS: [&str; 3] = ["test-model", "test-model-large", "gpt-5"];

/// The wire API a request was addressed to (chosen by its path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `POST /v1/responses`
    Responses,
    /// `POST /v1/chat/completions`
    Chat,
    /// `POST /v1/messages`
    Anthropic,
}

impl Api {
    /// The API served at `path` (query string ignored), if any.
    pub fn from_path(path: &str) -> Option<Api> {
        match path.split('?').next().unwrap_or(path) {
            "/v1/responses" => Some(Api::Responses),
            "/v1/chat/completions" => Some(Api::Chat),
            "/v1/messages" => Some(Api::Anthropic),
            _ => None,
        }
    }
}

/// One step of a streamed response.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Assistant text, streamed as 2–3 deltas.
    Text(String),
    /// A tool call; `id` is the call id the model chose, `arguments` the
    /// JSON text of the arguments, streamed in at least 3 pieces.
    ToolCall {
        id: String,
        name: String,
        arguments: String,
    },
    /// Token usage reported at the end (the last one wins). Without it the
    /// server reports input 100, output 20.
    Usage { input: u64, output: u64 },
    /// Of the input tokens, how many the provider read from its prompt
    /// cache and (Anthropic) wrote to it. Without it: none.
    Cached { read: u64, written: u64 },
    /// A pause before the next SSE event.
    DelayMs(u64),
    /// Holds the stream until this file exists (at most 60 s): a test
    /// lets it go on once it has done what it does mid-stream.
    Hold(std::path::PathBuf),
    /// A keep-alive: an SSE comment (`: ping`) on Chat and Responses, an
    /// `event: ping` on Anthropic.
    KeepAlive,
    /// A reasoning summary, streamed the wire's way: Responses
    /// `response.reasoning_summary_text.delta`, an Anthropic `thinking`
    /// block (its signature, in two `signature_delta`s, is
    /// [`thinking_signature`] of the text), Chat `reasoning_content` deltas.
    Reasoning(String),
    /// An Anthropic `redacted_thinking` block with this `data`; nothing on
    /// the other wires.
    RedactedThinking(String),
}

/// The signature of the Anthropic `thinking` block a [`Step::Reasoning`]
/// streams.
pub fn thinking_signature(text: &str) -> String {
    format!("EqMBsig{}==", text.len())
}

/// The `encrypted_content` of the Responses `reasoning` item a
/// [`Step::Reasoning`] streams, when the request's `include` asks for
/// `reasoning.encrypted_content` (none otherwise).
pub fn reasoning_encrypted(text: &str) -> String {
    format!("gAAAAenc{}==", text.len())
}

/// What the server answers to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A complete streamed response.
    Stream(Vec<Step>),
    /// A non-success status with a JSON body. A `Value::Null` body is
    /// replaced by the provider's usual error body for that status (OpenAI
    /// shape on `/v1/responses` and `/v1/chat/completions`, Anthropic shape
    /// on `/v1/messages`).
    Status {
        code: u16,
        retry_after: Option<String>,
        body: Value,
    },
    /// HTTP 400 with each provider's real "context window exceeded" body.
    ContextLengthExceeded,
    /// Sends the first `after_events` SSE events of the stream (never the
    /// completion events), then closes the socket without ending the
    /// chunked body, like a dropped connection.
    Cut {
        steps: Vec<Step>,
        after_events: usize,
    },
    /// Streams `steps`, then the provider's in-stream error event
    /// (`response.failed`, a chat `error` chunk, Anthropic `event: error`)
    /// instead of the completion events, and ends the body cleanly.
    StreamError { steps: Vec<Step>, message: String },
    /// Reads the request and never answers; the connection stays open until
    /// the server is dropped.
    Hang,
    /// A whole response of any status, content type and body (a proxy's or
    /// a web server's page instead of the API).
    Page {
        code: u16,
        content_type: String,
        body: String,
    },
    /// An event stream (HTTP 200, `text/event-stream`) whose body is these
    /// chunks as given, each one chunk of the chunked body, then the end of
    /// the body: for bodies the scripted steps cannot make (a provider's
    /// truncation marker, a runaway event).
    Raw(Vec<Vec<u8>>),
    /// [`Reply::Raw`] with a pause of `pause_ms` before each chunk after
    /// the first: a server (or a slow link) that sends one event slowly.
    Paced { chunks: Vec<Vec<u8>>, pause_ms: u64 },
    /// Held until `count` requests of `group` have arrived (all of them in
    /// flight at once), then answered with `then`. Requests that never
    /// overlap get a 500 after 60 s instead of hanging the test.
    Gate {
        group: String,
        count: usize,
        then: Box<Reply>,
    },
}

impl Reply {
    /// See [`Reply::Gate`].
    pub fn gate(group: impl Into<String>, count: usize, then: Reply) -> Reply {
        Reply::Gate {
            group: group.into(),
            count,
            then: Box::new(then),
        }
    }

    /// A streamed text answer.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply::Stream(vec![Step::Text(text.into())])
    }

    /// A streamed answer with a single tool call.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, arguments: Value) -> Reply {
        Reply::Stream(vec![Step::tool_call(id, name, arguments)])
    }

    /// A streamed answer with several tool calls, in order. Build the
    /// steps with [`Step::tool_call`].
    pub fn tool_calls(calls: Vec<Step>) -> Reply {
        Reply::Stream(calls)
    }

    /// A streamed answer made of arbitrary steps.
    pub fn steps(steps: Vec<Step>) -> Reply {
        Reply::Stream(steps)
    }

    /// An error status with the provider's usual body for that status.
    pub fn status(code: u16) -> Reply {
        Reply::Status {
            code,
            retry_after: None,
            body: Value::Null,
        }
    }

    /// An error status with the given JSON body.
    pub fn status_with_body(code: u16, body: Value) -> Reply {
        Reply::Status {
            code,
            retry_after: None,
            body,
        }
    }

    /// HTTP 429 with a `Retry-After` header (seconds or an HTTP date).
    pub fn rate_limited(retry_after: impl Into<String>) -> Reply {
        Reply::Status {
            code: 429,
            retry_after: Some(retry_after.into()),
            body: Value::Null,
        }
    }

    /// An HTTP 200 HTML page, as a web server behind a wrong base URL sends.
    pub fn html_page(body: impl Into<String>) -> Reply {
        Reply::Page {
            code: 200,
            content_type: "text/html; charset=utf-8".into(),
            body: body.into(),
        }
    }

    /// A stream cut after `after_events` SSE events.
    pub fn cut(steps: Vec<Step>, after_events: usize) -> Reply {
        Reply::Cut {
            steps,
            after_events,
        }
    }
}

impl Step {
    /// A text step.
    pub fn text(text: impl Into<String>) -> Step {
        Step::Text(text.into())
    }

    /// A tool call step whose arguments are `arguments` serialised as JSON.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, arguments: Value) -> Step {
        Step::ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.to_string(),
        }
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target as sent, query string included.
    pub path: String,
    /// The API the path belongs to; `None` for unknown paths (answered 404).
    pub api: Option<Api>,
    /// Header names lowercased; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    /// The body parsed as JSON; `Value::Null` when empty or not JSON.
    pub body: Value,
    /// The body as text (lossy UTF-8).
    pub raw_body: String,
    /// When the first byte of the request arrived.
    pub received_at: Instant,
    /// When the last byte of the response was sent (for a cut stream: when
    /// the socket was closed); `None` while answering or for [`Reply::Hang`].
    pub response_done_at: Option<Instant>,
}

impl Recorded {
    /// A header value by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// The default usage reported when a stream has no [`Step::Usage`].
pub const DEFAULT_USAGE: (u64, u64) = (100, 20);

/// The body answered (with status 500) when the script is empty.
pub const EXHAUSTED_BODY: &str = r#"{"error":{"message":"model server script exhausted"}}"#;

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<Recorded>,
    /// `/v1/embeddings`: (text contained, vector), first match wins.
    embeddings: Vec<(String, Vec<f32>)>,
    /// `/v1/embeddings` requests of at least this many inputs get this
    /// reply instead (see [`ModelServer::embed_batches`]).
    embed_batches: Option<(usize, Reply)>,
    /// Replies chosen by a marker in the request body (see [`keyed`]).
    keyed: Vec<(String, VecDeque<Reply>)>,
    barrier: Option<keyed::Barrier>,
    /// Per-conversation scripts: a request whose body contains the marker
    /// takes its reply here (the first marker added that matches wins).
    routes: Vec<(String, VecDeque<Reply>)>,
    /// Model requests with a longer body (bytes) get
    /// [`Reply::ContextLengthExceeded`] without taking a scripted reply
    /// (see [`ModelServer::refuse_over`]).
    refuse_over: Option<usize>,
    /// The context size those refusals state, as llama.cpp does (see
    /// [`ModelServer::refuse_over_n_ctx`]).
    refuse_n_ctx: Option<u64>,
    /// The reply those refusals get instead (see
    /// [`ModelServer::refuse_over_with`]).
    refuse_with: Option<Reply>,
}

/// State shared between the test's thread and the server's thread.
struct Shared {
    state: Mutex<State>,
    arrived: Condvar,
    count: tokio::sync::watch::Sender<usize>,
    /// Bumped whenever the barrier's state may have changed.
    barrier_tx: tokio::sync::watch::Sender<usize>,
    /// Arrivals per [`Reply::Gate`] group.
    gates: tokio::sync::watch::Sender<BTreeMap<String, usize>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the state usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The running server. Dropping it stops the server.
pub struct ModelServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ModelServer {
    /// Starts a server on `127.0.0.1` with a free port.
    ///
    /// Panics if the port cannot be bound or the runtime cannot be built:
    /// this is test support, and there is nothing to test without it.
    pub fn start() -> ModelServer {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("model server: cannot bind 127.0.0.1:0: {e}"));
        let addr = std_listener
            .local_addr()
            .unwrap_or_else(|e| panic!("model server: no local address: {e}"));
        std_listener
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("model server: cannot set non-blocking: {e}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("model server: cannot build a tokio runtime: {e}"));
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)
                .unwrap_or_else(|e| panic!("model server: cannot register the listener: {e}"))
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            arrived: Condvar::new(),
            count: tokio::sync::watch::Sender::new(0),
            barrier_tx: tokio::sync::watch::Sender::new(0),
            gates: tokio::sync::watch::Sender::new(BTreeMap::new()),
        });
        let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel();
        let server_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("model-server-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(serve::accept_loop(listener, server_shared, shutdown_rx));
                // Dropping the runtime drops every connection task, which
                // closes their sockets (hanging requests included).
                drop(runtime);
            })
            .unwrap_or_else(|e| panic!("model server: cannot spawn its thread: {e}"));
        ModelServer {
            addr,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Base URL for the OpenAI APIs: `http://127.0.0.1:PORT/v1` (serves
    /// `/responses` and `/chat/completions` below it).
    pub fn base_url_openai(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Base URL for Anthropic: `http://127.0.0.1:PORT` (serves
    /// `/v1/messages`).
    pub fn base_url_anthropic(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Appends a reply to the script.
    pub fn push(&self, reply: Reply) {
        self.shared.lock().script.push_back(reply);
    }

    /// Appends replies to the script of the conversation whose requests
    /// contain `marker` (several conversations at once: subagents). Routes
    /// are tried in the order they were first added.
    pub fn route(&self, marker: &str, replies: impl IntoIterator<Item = Reply>) {
        let mut state = self.shared.lock();
        match state.routes.iter_mut().find(|(m, _)| m == marker) {
            Some((_, q)) => q.extend(replies),
            None => state
                .routes
                .push((marker.to_string(), replies.into_iter().collect())),
        }
    }

    /// From now on, model requests whose body is longer than `bytes` are
    /// refused as too long for the context window (like a provider's
    /// window), without using a scripted reply.
    pub fn refuse_over(&self, bytes: usize) {
        self.shared.lock().refuse_over = Some(bytes);
    }

    /// As [`ModelServer::refuse_over`], with llama.cpp's error: HTTP 400,
    /// `exceed_context_size_error` and the server's size in `n_ctx`.
    pub fn refuse_over_n_ctx(&self, bytes: usize, n_ctx: u64) {
        let mut state = self.shared.lock();
        state.refuse_over = Some(bytes);
        state.refuse_n_ctx = Some(n_ctx);
    }

    /// As [`ModelServer::refuse_over`], each refusal answered with
    /// `reply` (a server's own wording of the error).
    pub fn refuse_over_with(&self, bytes: usize, reply: Reply) {
        let mut state = self.shared.lock();
        state.refuse_over = Some(bytes);
        state.refuse_with = Some(reply);
    }

    /// Appends several replies to the script, in order.
    pub fn push_all(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.lock().script.extend(replies);
    }

    /// Serves `/v1/embeddings`: inputs containing `text` (case-insensitive;
    /// the first rule added wins) embed as `vector`; other inputs as a
    /// vector orthogonal to all rules'.
    pub fn embed_rule(&self, text: &str, vector: &[f32]) {
        self.shared
            .lock()
            .embeddings
            .push((text.to_string(), vector.to_vec()));
    }

    /// Counts one arrival at the [`Reply::Gate`]s of `group`, as a request
    /// would: the test itself lets a held request go (a gate of count 2).
    pub fn pass_gate(&self, group: &str) {
        self.shared
            .gates
            .send_modify(|m| *m.entry(group.to_string()).or_default() += 1);
    }

    /// `/v1/embeddings` requests of at least `min_inputs` inputs (the
    /// batches of skill and tool texts, not a message) are answered with
    /// `reply` instead: [`Reply::Hang`], a [`Reply::Status`], or a
    /// [`Reply::Gate`] (shared with model requests) giving one of those.
    pub fn embed_batches(&self, min_inputs: usize, reply: Reply) {
        self.shared.lock().embed_batches = Some((min_inputs, reply));
    }

    /// The `/v1/embeddings` requests received so far.
    pub fn embedding_requests(&self) -> Vec<Recorded> {
        let requests = self.shared.lock().requests.clone();
        requests
            .into_iter()
            .filter(|r| r.path.split('?').next() == Some(embed::PATH))
            .collect()
    }

    /// How many scripted replies have not been used yet.
    pub fn pending_replies(&self) -> usize {
        self.shared.lock().script.len()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// The requests to a wire API so far (not `GET /v1/models` nor
    /// embeddings), in arrival order.
    pub fn model_requests(&self) -> Vec<Recorded> {
        let requests = self.requests().into_iter();
        requests.filter(|r| r.api.is_some()).collect()
    }

    /// The bodies of [`ModelServer::model_requests`].
    pub fn model_bodies(&self) -> Vec<Value> {
        self.model_requests().into_iter().map(|r| r.body).collect()
    }

    /// Blocks until at least `n` requests arrived and returns them all.
    /// Panics after `timeout` (the test failed: the client did not send).
    ///
    /// Do not call it from the thread of a current-thread tokio runtime that
    /// drives the client; use [`ModelServer::wait_for_requests_async`].
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<Recorded> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        while state.requests.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "model server: expected {n} request(s) within {timeout:?}, got {}",
                    state.requests.len()
                );
            }
            state = self
                .shared
                .arrived
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        state.requests.clone()
    }

    /// Like [`ModelServer::wait_for_requests`], without blocking the caller's
    /// runtime.
    pub async fn wait_for_requests_async(&self, n: usize, timeout: Duration) -> Vec<Recorded> {
        let mut count = self.shared.count.subscribe();
        let waited = tokio::time::timeout(timeout, count.wait_for(|c| *c >= n)).await;
        if !matches!(waited, Ok(Ok(_))) {
            panic!(
                "model server: expected {n} request(s) within {timeout:?}, got {}",
                self.shared.lock().requests.len()
            );
        }
        self.requests()
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
