//! `quire mcp serve`: quire as an MCP server, over stdio or streamable
//! HTTP (rmcp's server side).
//!
//! - [`ToolSource`]: the tools offered (plugin tools from
//!   [`plugin_tools`]; the builtin tools only when asked, see
//!   [`builtin_tools`]), each with its JSON schema and `readOnlyHint`, run
//!   in the [`tool_context`] built from the config: the configured sandbox,
//!   network only when allowed, approval `never` (nobody is there to ask).
//! - [`SkillCatalog`]: quire's skills through the MCP skills extension
//!   (`io.modelcontextprotocol/skills`): `skills/list`, `skills/get` with a
//!   sha256 digest of every file, files as `skill://` resources and
//!   `resources/directory/read`.
//! - [`serve_stdio`], [`serve_http`]: the transports. In stdio mode nothing
//!   but protocol messages goes to stdout.

pub mod file_modes;
mod files;
mod frontmatter;
mod handler;
mod skills;
mod stdio_gate;
mod tools;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpServerConfig;
use rmcp::transport::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use handler::QuireServer;
pub use skills::SkillCatalog;
pub use tools::ToolSource;

use crate::config::Config;
use crate::config::repo_root;
use crate::protocol::EventSink;
use crate::skills::{DiscoverOptions, discover};
use crate::tools::approval::DenyAll;
use crate::tools::sandbox::{self, SandboxError};
use crate::tools::{ApprovalPolicy, Tool, ToolContext};

/// Why serving stopped or could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error(
        "--http {0}: quire serves HTTP only on a loopback address (it has no authentication); use 127.0.0.1:PORT"
    )]
    NotLoopback(String),
    #[error("--http {addr}: {reason}")]
    Address { addr: String, reason: String },
    #[error("the MCP connection failed: {0}")]
    Protocol(String),
}

/// The context tool calls run in: cwd `cwd`, the workspace its repository
/// root (else `cwd`), the configured sandbox and network, approval
/// `never` with every escalation denied (`untrusted` is kept, so that only
/// read-only commands run). Fails when the kernel cannot enforce the
/// sandbox, as a session does.
pub fn tool_context(config: &Config, cwd: &Path) -> Result<ToolContext, ServeError> {
    sandbox::check_support(config.sandbox, config.network)?;
    let approval_policy = match config.approval {
        ApprovalPolicy::Untrusted => ApprovalPolicy::Untrusted,
        _ => ApprovalPolicy::Never,
    };
    Ok(ToolContext {
        cwd: cwd.to_path_buf(),
        workspace: repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf()),
        sandbox: config.sandbox,
        network: config.network,
        unix_sockets: config.unix_sockets,
        writable_roots: config.writable_roots.clone(),
        plugin_data: Vec::new(),
        approval_policy,
        sandbox_fixed: false,
        approver: Arc::new(DenyAll),
        cancel: CancellationToken::new(),
        events: EventSink::null(),
        call_id: None,
        shell_env: Arc::new(config.shell_env()),
    })
}

/// The builtin coding tools as served with `--builtin`: all but
/// `update_plan`, which only informs quire's own user interface, and
/// `view_image`, whose image only quire's own turn attaches.
pub fn builtin_tools(config: &Config) -> Vec<Arc<dyn Tool>> {
    crate::tools::builtin_tools(config.shell_timeout_ms)
        .into_iter()
        .filter(|t| {
            !["update_plan", crate::tools::view_image::NAME].contains(&t.spec().name.as_str())
        })
        .collect()
}

/// The tools of the installed WASM plugins (consented, loaded by the plugin
/// host exactly as for a session in `cwd`), which `quire mcp serve` always
/// offers. Plugins that cannot load are left out with a warning in the log.
pub fn plugin_tools(config: &Config, home: &Path, cwd: &Path) -> Vec<Arc<dyn Tool>> {
    let workspace = repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let loaded =
        crate::plugins::load_for_session(&config.plugins, home, &workspace, config.project_trusted);
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    loaded.tools
}

/// The skills in effect from `cwd` (the same discovery and precedence as a
/// session); none when `skills.enabled = false`.
pub fn skill_catalog(config: &Config, home: &Path, cwd: &Path) -> SkillCatalog {
    if !config.skills.enabled {
        return SkillCatalog::default();
    }
    let found = discover(
        &DiscoverOptions::new(
            cwd.to_path_buf(),
            repo_root(cwd),
            home.to_path_buf(),
            &config.skills,
        )
        .trusting(config.project_trusted),
    );
    SkillCatalog::new(found.skills)
}

/// Serves one client over stdin/stdout until the client closes stdin (or
/// the connection fails, or `shutdown`). Lines that are not JSON are
/// answered with a parse error ([`stdio_gate`]).
pub async fn serve_stdio(
    server: QuireServer,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let (gate, input, output) = stdio_gate::Gate::start(tokio::io::stdin(), tokio::io::stdout());
    let result = serve_gated(server, (input, output), shutdown).await;
    gate.finish().await;
    result
}

async fn serve_gated(
    server: QuireServer,
    io: (tokio::io::DuplexStream, tokio::io::DuplexStream),
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let running = tokio::select! {
        r = server.serve(io) => match r {
            Ok(running) => running,
            Err(rmcp::service::ServerInitializeError::ConnectionClosed(why)) => {
                tracing::debug!(%why, "the client left before the handshake");
                return Ok(());
            }
            Err(e) => return Err(ServeError::Protocol(e.to_string())),
        },
        _ = shutdown.cancelled() => return Ok(()),
    };
    let ct = running.cancellation_token();
    tokio::select! {
        r = running.waiting() => {
            r.map_err(|e| ServeError::Protocol(e.to_string()))?;
        }
        _ = shutdown.cancelled() => ct.cancel(),
    }
    Ok(())
}

/// Binds `addr` (`127.0.0.1:PORT`, `[::1]:PORT` or `localhost:PORT`; port
/// 0 picks a free one).
pub async fn bind_http(addr: &str) -> Result<TcpListener, ServeError> {
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host(addr)
        .await
        .map_err(|e| ServeError::Address {
            addr: addr.to_string(),
            reason: format!("not an address: {e} (write it as 127.0.0.1:PORT)"),
        })?
        .collect();
    let Some(first) = resolved.first() else {
        return Err(ServeError::NotLoopback(addr.to_string()));
    };
    if !resolved.iter().all(|a| a.ip().is_loopback()) {
        return Err(ServeError::NotLoopback(addr.to_string()));
    }
    TcpListener::bind(first)
        .await
        .map_err(|e| ServeError::Address {
            addr: addr.to_string(),
            reason: format!("cannot listen: {e}"),
        })
}

/// Serves streamable HTTP on `listener` (any path; clients use
/// `http://ADDR/mcp`) until `shutdown`. Each client gets its own session.
pub async fn serve_http(
    server: QuireServer,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let config =
        StreamableHttpServerConfig::default().with_cancellation_token(shutdown.child_token());
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: keep serving.
                    tracing::warn!(error = %e, "accepting an HTTP connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => return Ok(()),
        };
        let svc = hyper_util::service::TowerToHyperService::new(service.clone());
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "HTTP connection ended");
                    }
                }
                _ = stop.cancelled() => conn.as_mut().graceful_shutdown(),
            }
        });
    }
}
