//! Connecting to one server through rmcp: a child process's stdio or
//! streamable HTTP (reqwest), and the client handler that hears
//! `tools/list_changed`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation};
use rmcp::service::{ClientInitializeError, NotificationContext, RoleClient, RunningService};
use rmcp::{ClientHandler, ServiceExt};
use tokio::sync::{mpsc, watch};

use super::process::{self, StderrLog};
use super::spec::{ServerSpec, Transport};
use super::stdout_watch::{StdoutNoise, Watched};

/// What the server told us that needs a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    ToolsChanged,
}

/// quire's side of one connection.
#[derive(Clone)]
pub struct Handler {
    notices: mpsc::UnboundedSender<Notice>,
    server: String,
}

impl ClientHandler for Handler {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("quire", env!("CARGO_PKG_VERSION")),
        )
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        tracing::debug!(server = %self.server, "tools/list_changed");
        let _ = self.notices.send(Notice::ToolsChanged);
    }
}

/// The process behind a stdio connection.
pub struct ProcessInfo {
    pub pgid: i32,
    pub stderr: Arc<StderrLog>,
    /// What it wrote to stdout that is not JSON-RPC, before its first message.
    pub stdout_noise: Arc<StdoutNoise>,
    /// Messages on stdout it could not read (too long, not JSON-RPC).
    pub stdout_faults: Arc<super::stdout_guard::StdoutFaults>,
    pub exited: watch::Receiver<Option<String>>,
}

impl ProcessInfo {
    /// How the process ended, waiting up to `wait` for it to end.
    pub async fn exit_status(&self, wait: Duration) -> Option<String> {
        let mut rx = self.exited.clone();
        let _ = tokio::time::timeout(wait, rx.wait_for(|e| e.is_some())).await;
        rx.borrow().clone()
    }
}

/// A live connection.
pub struct Connection {
    pub service: RunningService<RoleClient, Handler>,
    pub process: Option<ProcessInfo>,
}

/// Called with the process as soon as it runs, before the handshake (so a
/// startup timeout can kill it).
pub type OnSpawn<'a> = &'a mut (dyn FnMut(&ProcessInfo) + Send);

/// Starts (stdio) or reaches (HTTP) the server and runs the MCP handshake.
/// The error says what failed, without the stderr tail (the caller adds it),
/// and with the settings as written: no value expansion put in (a key in
/// the URL), see [`ServerSpec::redact`].
pub async fn connect(
    spec: &ServerSpec,
    notices: mpsc::UnboundedSender<Notice>,
    on_spawn: OnSpawn<'_>,
) -> Result<Connection, String> {
    let hide = spec.redactor();
    hide.publish();
    connect_expanded(spec, notices, on_spawn)
        .await
        .map_err(|e| hide.apply(&e))
}

async fn connect_expanded(
    spec: &ServerSpec,
    notices: mpsc::UnboundedSender<Notice>,
    on_spawn: OnSpawn<'_>,
) -> Result<Connection, String> {
    let handler = Handler {
        notices,
        server: spec.name.clone(),
    };
    match spec.resolved_transport()? {
        Transport::Stdio {
            command,
            args,
            mut env,
            cwd,
            sandbox,
        } => {
            // A sealed server's files are checked before each start: its
            // Python must not write `__pycache__` beside them, or the
            // next start would find files that appeared.
            if spec.sealed.is_some() {
                env.entry("PYTHONDONTWRITEBYTECODE".to_string())
                    .or_insert_with(|| "1".to_string());
            }
            let p = process::spawn(&command, &args, &env, &cwd, sandbox.as_ref())?;
            let info = ProcessInfo {
                pgid: p.pgid,
                stderr: p.stderr.clone(),
                stdout_noise: Arc::default(),
                stdout_faults: Arc::default(),
                exited: p.exited.clone(),
            };
            on_spawn(&info);
            let stdout = super::stdout_guard::Guarded::new(
                Watched::new(p.stdout, info.stdout_noise.clone()),
                info.stdout_faults.clone(),
            );
            let transport = super::correlate::Correlated::new(
                rmcp::transport::async_rw::AsyncRwTransport::new_client(stdout, p.stdin),
                &spec.name,
                info.stdout_faults.clone(),
            );
            let faults = info.stdout_faults.clone();
            let served = tokio::select! {
                r = handler.serve(transport) => r,
                // rmcp drops the line and never hears the answer: say so
                // now rather than at the startup timeout.
                what = faults.oversized() => {
                    return Err(format!("the server {what} during the MCP handshake"));
                }
            };
            match served {
                Ok(service) => Ok(Connection {
                    service,
                    process: Some(info),
                }),
                // A reply that breaks the protocol (the process may exit
                // only because quire then closes its input).
                Err(e)
                    if !matches!(
                        e,
                        ClientInitializeError::ConnectionClosed(_)
                            | ClientInitializeError::TransportError { .. }
                    ) =>
                {
                    Err(format!(
                        "the server broke the MCP handshake: {}",
                        error_chain(&e)
                    ))
                }
                // The pipe closed: say how the process ended.
                Err(e) => Err(match info.exit_status(Duration::from_millis(500)).await {
                    Some(how) => format!("the server {how} before completing the MCP handshake"),
                    None => format!("the MCP handshake failed: {}", crate::errors::plain(&e)),
                }),
            }
        }
        Transport::Http { url, headers } => {
            let mut custom = HashMap::new();
            for (k, v) in &headers {
                let at = spec.source.key(&spec.name, &format!("headers.{k}"));
                let name = HeaderName::from_bytes(k.as_bytes())
                    .map_err(|e| format!("{at}: '{k}' is not a valid header name: {e}"))?;
                let value = HeaderValue::from_str(v)
                    .map_err(|e| format!("{at}: not a valid header value: {e}"))?;
                custom.insert(name, value);
            }
            super::oauth::connect::connect(spec, &url, custom, handler).await
        }
    }
}

/// An error with its sources, `a: b: c`.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}
