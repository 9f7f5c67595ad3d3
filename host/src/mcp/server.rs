//! The state of one configured server, shared by its supervisor task and
//! its tools.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rmcp::ServiceError;
use rmcp::model::ServerCapabilities;
use rmcp::service::{Peer, RoleClient};
use serde::Serialize;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::process::StderrLog;
use super::spec::ServerSpec;
use super::stdout_watch::StdoutNoise;

/// Restarts allowed within [`RESTART_WINDOW`] before a server is failed.
pub const MAX_RESTARTS: usize = 3;
pub const RESTART_WINDOW: Duration = Duration::from_secs(60);
/// The first restart waits this long; each further one twice as long.
pub const RESTART_BASE_DELAY: Duration = Duration::from_millis(250);
/// Lines of stderr shown in errors.
pub const STDERR_LINES: usize = 8;

/// Where a server is in its life.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "error", rename_all = "snake_case")]
pub enum Status {
    /// `enabled = false`.
    Disabled,
    Starting,
    Ready,
    /// It died and is being started again.
    Restarting,
    /// It could not start, or died too often; the text says why.
    Failed(String),
}

impl Status {
    pub fn label(&self) -> &'static str {
        match self {
            Status::Disabled => "disabled",
            Status::Starting => "starting",
            Status::Ready => "ready",
            Status::Restarting => "restarting",
            Status::Failed(_) => "failed",
        }
    }
}

/// The current connection to a server, as handed to a call.
#[derive(Clone)]
pub struct Link {
    pub peer: Peer<RoleClient>,
    /// Cancelled when a call finds the connection broken: the supervisor
    /// then drops it and reconnects (a restart).
    pub broken: CancellationToken,
}

#[derive(Default)]
pub(crate) struct Inner {
    pub link: Option<Link>,
    pub capabilities: Option<ServerCapabilities>,
    /// What the server says about using it (`instructions` of its
    /// initialize result).
    pub instructions: Option<String>,
    /// The tools offered (after `enabled_tools` / `disabled_tools`).
    pub tools: Vec<rmcp::model::Tool>,
    /// Every tool the server listed, before the filters and
    /// [`super::tool_fit`]: what the cache keeps, so a cached list is
    /// filtered and checked (`tool_filter::unmatched`) as a fresh one is.
    pub listed: Vec<rmcp::model::Tool>,
    /// Tools the filters hid.
    pub hidden: usize,
    /// Filter entries that name none of its tools, each with a hint.
    pub filter_misses: Vec<String>,
    /// Tools listed that cannot be read, each with why.
    pub skipped_tools: Vec<String>,
    /// Warnings about its tools (left out, cut) already given, so a
    /// restart or a cached list does not repeat them.
    pub tools_warned: Vec<String>,
    pub last_error: Option<String>,
    pub stderr: Option<Arc<StderrLog>>,
    /// What the current process wrote to stdout that is not JSON-RPC.
    pub stdout_noise: Option<Arc<StdoutNoise>>,
    /// Messages of the current process quire could not read.
    pub stdout_faults: Option<Arc<super::stdout_guard::StdoutFaults>>,
    /// The process group of the current stdio process.
    pub pgid: Option<i32>,
    restarts: VecDeque<Instant>,
}

/// One configured server.
pub struct Server {
    pub spec: ServerSpec,
    status: watch::Sender<Status>,
    inner: Mutex<Inner>,
    /// Its tools were known from the cache before it started.
    cached: AtomicBool,
    /// Cancelled when the server may start (at once, unless it is lazy).
    wake: CancellationToken,
}

impl Server {
    pub(crate) fn new(spec: ServerSpec) -> Arc<Server> {
        let initial = if spec.enabled {
            Status::Starting
        } else {
            Status::Disabled
        };
        Arc::new(Server {
            spec,
            status: watch::channel(initial).0,
            inner: Mutex::new(Inner::default()),
            cached: AtomicBool::new(false),
            wake: CancellationToken::new(),
        })
    }

    /// Lets the server start (a lazy one waits for this).
    pub fn wake(&self) {
        self.wake.cancel();
    }

    pub fn is_woken(&self) -> bool {
        self.wake.is_cancelled()
    }

    pub(crate) async fn woken(&self) {
        self.wake.cancelled().await;
    }

    /// Whether its tools came from the cache before it was ready.
    pub fn tools_from_cache(&self) -> bool {
        self.cached.load(Ordering::SeqCst)
    }

    pub(crate) fn set_tools_from_cache(&self) {
        self.cached.store(true, Ordering::SeqCst);
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    pub(crate) fn set_status(&self, s: Status) {
        self.status.send_replace(s);
    }

    pub(crate) fn inner(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The last lines of the current (or last) process's stderr.
    pub fn stderr_tail(&self, lines: usize) -> String {
        self.inner()
            .stderr
            .as_ref()
            .map(|l| l.tail(lines))
            .unwrap_or_default()
    }

    /// `what`, followed by the stderr tail when there is one.
    pub fn with_stderr(&self, what: &str) -> String {
        let tail = self.stderr_tail(STDERR_LINES);
        if tail.is_empty() {
            what.to_string()
        } else {
            format!("{what}\nstderr of '{}':\n{tail}", self.spec.name)
        }
    }

    /// Why it did not start (`what`), with what it wrote to stdout that
    /// is not JSON-RPC, if anything.
    pub fn with_stdout_noise(&self, what: String) -> String {
        match &self.inner().stdout_noise {
            Some(noise) => noise.explain(&what),
            None => what,
        }
    }

    /// Waits for the answer to a request, at most `tool_timeout_sec`
    /// (`Err(None)`). A message the server sends meanwhile that quire
    /// cannot read (over the size limit, not JSON-RPC) fails it at once,
    /// saying what it was (`Err(Some(..))`): rmcp drops such a message, so
    /// the answer would never come.
    pub async fn answer<T>(
        &self,
        request: impl std::future::Future<Output = T>,
    ) -> Result<T, Option<String>> {
        let faults = self.inner().stdout_faults.clone();
        let seen = faults.as_ref().map(|f| f.seen()).unwrap_or(0);
        let fault = async {
            match &faults {
                Some(f) => f.after(seen).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = tokio::time::timeout(self.spec.tool_timeout, request) => r.map_err(|_| None),
            what = fault => Err(Some(format!(
                "the MCP server '{}' {what}, so the request was cancelled",
                self.spec.name
            ))),
        }
    }

    /// Waits until the server is ready and returns its connection, or says why
    /// it is not available. Waits through starts and restarts, at most the
    /// startup timeout (plus the restart delays).
    pub async fn ready_link(&self) -> Result<Link, String> {
        let mut rx = self.status.subscribe();
        let wait = self.spec.startup_timeout + RESTART_BASE_DELAY * 8;
        let settled = tokio::time::timeout(
            wait,
            rx.wait_for(|s| !matches!(s, Status::Starting | Status::Restarting)),
        )
        .await;
        let name = &self.spec.name;
        match settled {
            Err(_) => Err(format!(
                "the MCP server '{name}' is still starting after {} s; try again later",
                wait.as_secs()
            )),
            Ok(Err(_)) => Err(format!("the MCP server '{name}' was shut down")),
            Ok(Ok(s)) => match &*s {
                Status::Ready => self
                    .inner()
                    .link
                    .clone()
                    .ok_or_else(|| format!("the MCP server '{name}' has no connection")),
                Status::Failed(e) => Err(format!("the MCP server '{name}' is not available: {e}")),
                _ => Err(format!("the MCP server '{name}' is disabled")),
            },
        }
    }

    /// Waits until the server is ready, failed or disabled.
    pub async fn settled(&self) -> Status {
        let mut rx = self.status.subscribe();
        let r = rx
            .wait_for(|s| !matches!(s, Status::Starting | Status::Restarting))
            .await
            .map(|s| s.clone());
        r.unwrap_or_else(|_| self.status())
    }

    /// The message for the model when a request over `link` failed. A
    /// broken connection is reported to the supervisor, which restarts.
    pub async fn request_error(&self, link: &Link, e: ServiceError) -> String {
        let name = &self.spec.name;
        match e {
            ServiceError::McpError(err) => format!(
                "the MCP server '{name}' answered with an error: {} (code {})",
                err.message, err.code.0
            ),
            ServiceError::TransportSend(err) if body_too_large(&err).is_some() => {
                tracing::debug!(server = %name, "request failed: {}", self.spec.redact(&err.to_string()));
                let max = body_too_large(&err).unwrap_or_default();
                format!(
                    "the MCP server '{name}' sent an answer larger than {}, the most quire reads, so the request failed (the server keeps running; ask it for less at a time)",
                    shown_size(max)
                )
            }
            ServiceError::TransportSend(err) if super::http_failure::answered(&err).is_some() => {
                tracing::debug!(server = %name, "request failed: {}", self.spec.redact(&err.to_string()));
                let failure = super::http_failure::answered(&err);
                let (what, advice) = failure.map(|f| (f.what, f.advice)).unwrap_or_default();
                format!(
                    "the MCP server '{name}' {what}, so this call failed; the server keeps running ({advice})"
                )
            }
            // An HTTP response stream that ended before its answer, while
            // the connection is up: that request is lost, not the server.
            ServiceError::TransportClosed if self.is_http() && !link.peer.is_transport_closed() => {
                tracing::debug!(server = %name, "request failed: the response stream closed early");
                format!(
                    "the MCP server '{name}' closed the response stream before it answered, so this call failed (if the server went away, quire connects again at the next call)"
                )
            }
            ServiceError::TransportClosed | ServiceError::TransportSend(_) => {
                tracing::debug!(server = %name, "request failed: {}", self.spec.redact(&e.to_string()));
                link.broken.cancel();
                // Let the supervisor notice the death and record why.
                let mut rx = self.status.subscribe();
                let _ = tokio::time::timeout(
                    Duration::from_secs(2),
                    rx.wait_for(|s| !matches!(s, Status::Ready)),
                )
                .await;
                let why = self
                    .inner()
                    .last_error
                    .clone()
                    .unwrap_or_else(|| "the connection closed".into());
                let next = match self.status() {
                    Status::Failed(_) => {
                        "It restarted too often and is now marked failed; its tools are gone."
                    }
                    _ => "quire is restarting it; the call can be tried again.",
                };
                format!("the MCP server '{name}' stopped during the call ({why}). {next}")
            }
            other => format!(
                "the request to the MCP server '{name}' failed: {}",
                self.spec.redact(&crate::errors::plain(&other))
            ),
        }
    }

    /// Whether it is reached over streamable HTTP.
    fn is_http(&self) -> bool {
        matches!(self.spec.transport, super::spec::Transport::Http { .. })
    }

    /// Records a restart; `None` when the budget of [`MAX_RESTARTS`] per
    /// [`RESTART_WINDOW`] is spent, else the delay before restarting.
    pub(crate) fn next_restart(&self) -> Option<Duration> {
        let mut inner = self.inner();
        let now = Instant::now();
        inner
            .restarts
            .retain(|t| now.duration_since(*t) < RESTART_WINDOW);
        if inner.restarts.len() >= MAX_RESTARTS {
            return None;
        }
        let n = inner.restarts.len() as u32;
        inner.restarts.push_back(now);
        Some(RESTART_BASE_DELAY * 2u32.pow(n))
    }

    /// The server's own instructions for using it, if it sent any.
    pub fn instructions(&self) -> Option<String> {
        self.inner()
            .instructions
            .clone()
            .filter(|s| !s.trim().is_empty())
    }

    /// Whether what the server offers is not known yet (it has not
    /// answered `initialize`).
    pub fn capabilities_unknown(&self) -> bool {
        self.inner().capabilities.is_none()
    }

    /// Whether the server offers resources.
    pub fn has_resources(&self) -> bool {
        self.inner()
            .capabilities
            .as_ref()
            .is_some_and(|c| c.resources.is_some())
    }
}

/// The size limit an HTTP answer went over, when that is why a request
/// failed: rmcp refuses such a body, yet the connection stays as it was,
/// so it is the request that failed, not the server.
fn body_too_large(e: &rmcp::transport::DynamicTransportError) -> Option<usize> {
    use rmcp::transport::streamable_http_client::StreamableHttpError;
    let mut at: Option<&(dyn std::error::Error + 'static)> = Some(&*e.error);
    while let Some(err) = at {
        if let Some(StreamableHttpError::<reqwest::Error>::ResponseBodyTooLarge { max_size }) =
            err.downcast_ref()
        {
            return Some(*max_size);
        }
        at = err.source();
    }
    None
}

/// `16 MiB`, or a size in bytes that is not whole MiB.
fn shown_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b => format!("{b} bytes"),
    }
}
